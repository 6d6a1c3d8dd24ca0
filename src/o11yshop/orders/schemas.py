from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, StringConstraints

from o11yshop.catalog.schemas import Money
from o11yshop.http.schemas import RequestModel

Text120 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Shipping(RequestModel):
    name: Text120
    email: EmailStr = Field(max_length=254)
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ()-]{6,24}$")]
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9 -]{3,12}$")]
    region: Text120 = Field(description="prefecture, state or province")
    city: Text120
    line1: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    line2: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "JP"


class CheckoutRequest(RequestModel):
    shipping: Shipping


class OrderLine(BaseModel):
    product_id: int
    sku: str
    name: str
    unit_price: Money
    quantity: int
    line_total: Money


class OrderOut(BaseModel):
    number: str
    status: str
    created_at: datetime
    items: list[OrderLine]
    subtotal: Money
    shipping_fee: Money
    total: Money
    shipping: Shipping


class PlacedOrder(BaseModel):
    order: OrderOut
    access_token: str = Field(description="with the number, lets the customer look the order up")


class AdminOrderSummary(BaseModel):
    id: int
    number: str
    status: str
    created_at: datetime
    item_count: int
    total: Money
    customer_name: str
    customer_email: str


class AdminOrderPage(BaseModel):
    items: list[AdminOrderSummary]
    total: int
    page: int
    page_size: int
