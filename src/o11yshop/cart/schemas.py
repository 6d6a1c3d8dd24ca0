from __future__ import annotations

from pydantic import BaseModel, Field

from o11yshop.catalog.schemas import Money, Stock
from o11yshop.http.schemas import RequestModel
from o11yshop.inventory.schemas import ProductId

MAX_LINE_QUANTITY = 99
MAX_LINES = 50


class AddItem(RequestModel):
    product_id: ProductId
    quantity: int = Field(1, ge=1, le=MAX_LINE_QUANTITY)


class SetQuantity(RequestModel):
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)


class CartLine(BaseModel):
    product_id: int
    sku: str
    name: str
    image_url: str | None
    unit_price: Money
    quantity: int
    line_total: Money
    stock: Stock


class CartOut(BaseModel):
    status: str = Field(description="open, or checked_out once an order was placed from it")
    items: list[CartLine]
    item_count: int
    total: Money


class NewCart(BaseModel):
    token: str = Field(description="send it back as the X-Cart-Token header; keep it secret")
    cart: CartOut
