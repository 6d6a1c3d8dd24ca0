from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from o11yshop.inventory.schemas import StockStatus


class Money(BaseModel):
    amount_minor: int = Field(description="integer minor units (yen have none: 1200 means ¥1,200)")
    currency: str = Field(description="ISO 4217 code")


class CategoryRef(BaseModel):
    id: int
    slug: str
    name: str


class CategoryOut(CategoryRef):
    description: str
    product_count: int


class ProductSort(StrEnum):
    newest = "newest"
    price_asc = "price_asc"
    price_desc = "price_desc"
    name = "name"


class Stock(BaseModel):
    status: StockStatus
    available: int | None = Field(description="units that can be bought now; null when unknown")


class ProductSummary(BaseModel):
    id: int
    sku: str
    name: str
    price: Money
    category: CategoryRef
    image_url: str | None
    featured: bool
    created_at: datetime
    stock: Stock


class ProductDetail(ProductSummary):
    description: str


class ProductPage(BaseModel):
    items: list[ProductSummary]
    total: int
    page: int
    page_size: int
    pages: int
