from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from o11yshop.catalog.schemas import CategoryRef, Money, Stock
from o11yshop.http.schemas import RequestModel
from o11yshop.inventory.schemas import MAX_ADJUSTMENT, Movement, StockLevel

Sku = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9][A-Z0-9-]{2,63}$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=5000)]
Price = Annotated[int, Field(ge=0, le=100_000_000, description="minor units")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


class ProductCreate(RequestModel):
    sku: Sku
    name: Name
    description: Description = ""
    price_minor: Price
    category_id: int = Field(ge=1, le=2**31 - 1)
    active: bool = True
    featured: bool = False


class ProductUpdate(RequestModel):
    sku: Sku | None = None
    name: Name | None = None
    description: Description | None = None
    price_minor: Price | None = None
    category_id: int | None = Field(None, ge=1, le=2**31 - 1)
    active: bool | None = None
    featured: bool | None = None


class AdminProduct(BaseModel):
    id: int
    sku: str
    name: str
    description: str
    price: Money
    category: CategoryRef
    image_url: str | None
    active: bool
    featured: bool
    deleted: bool
    created_at: datetime
    updated_at: datetime
    stock: Stock


class AdminProductPage(BaseModel):
    items: list[AdminProduct]
    total: int
    page: int
    page_size: int


class DeleteResult(BaseModel):
    product_id: int
    mode: str = Field(description="hard (never ordered: removed) or soft (ordered: hidden, kept for orders)")


class Receipt(RequestModel):
    quantity: int = Field(ge=1, le=MAX_ADJUSTMENT, description="units received")
    reason: Reason = Field(description="e.g. the delivery note number")


class Correction(RequestModel):
    quantity: int = Field(ge=-MAX_ADJUSTMENT, le=MAX_ADJUSTMENT, description="change of on hand, not zero")
    reason: Reason = Field(description="why the count differs")


class ThresholdUpdate(RequestModel):
    low_stock_threshold: int = Field(ge=0, le=MAX_ADJUSTMENT)


class AdminStockRow(BaseModel):
    product_id: int
    sku: str
    name: str
    active: bool
    level: StockLevel | None = Field(description="null when the inventory service is unreachable")


class AdminStockPage(BaseModel):
    items: list[AdminStockRow]
    total: int
    page: int
    page_size: int


class AdminMovementPage(BaseModel):
    product_id: int
    items: list[Movement]


class AuditEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    actor_email: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    created_at: datetime


class DashboardSummary(BaseModel):
    orders_today: int
    revenue_today: Money
    low_stock_count: int | None = Field(description="null when the inventory service is unreachable")
    recent_actions: list[AuditEntry]
