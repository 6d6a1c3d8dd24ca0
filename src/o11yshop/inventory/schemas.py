"""Inventory service I/O. The api process talks to the inventory only through these shapes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from o11yshop.http.schemas import RequestModel

MAX_QUANTITY = 10_000
MAX_ADJUSTMENT = 1_000_000
ReservationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Actor = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
ProductId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class StockStatus(StrEnum):
    in_stock = "in_stock"
    low = "low"
    sold_out = "sold_out"
    unknown = "unknown"  # the api could not reach the inventory service


class StockLevel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    status: StockStatus


class StockPage(BaseModel):
    items: list[StockLevel]
    total: int
    page: int
    page_size: int


class StockLookup(RequestModel):
    product_ids: list[ProductId] = Field(min_length=1, max_length=200)


class ReservationLine(RequestModel):
    product_id: ProductId
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class ReservationRequest(RequestModel):
    reservation_id: ReservationId
    items: list[ReservationLine] = Field(min_length=1, max_length=100)
    ttl_seconds: int | None = Field(None, ge=5, le=86_400)
    reference: str = Field("", max_length=120)


class ReservationStatus(StrEnum):
    held = "held"
    committed = "committed"
    released = "released"
    expired = "expired"
    cancelled = "cancelled"


class Reservation(BaseModel):
    reservation_id: str
    status: ReservationStatus
    reference: str
    items: list[ReservationLine]
    expires_at: datetime


class Shortage(BaseModel):
    product_id: int
    requested: int
    available: int


class AdjustmentKind(StrEnum):
    receipt = "receipt"  # goods arrived: on hand goes up
    correction = "correction"  # a count found a difference: on hand goes up or down


class AdjustmentRequest(RequestModel):
    kind: AdjustmentKind = Field(strict=False)  # JSON gives a string; strict would want the enum
    quantity: int = Field(ge=-MAX_ADJUSTMENT, le=MAX_ADJUSTMENT, description="change of on-hand units")
    reason: str = Field(min_length=3, max_length=500, description="why, in words (shown in the history)")
    actor: Actor


class StockSettings(RequestModel):
    low_stock_threshold: int = Field(ge=0, le=MAX_ADJUSTMENT)
    actor: Actor


class Movement(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    delta_on_hand: int
    delta_reserved: int
    on_hand_after: int
    reserved_after: int
    reason: str
    note: str
    actor: str
    reference: str | None
    created_at: datetime


class MovementPage(BaseModel):
    items: list[Movement]


class AdjustmentResult(BaseModel):
    level: StockLevel
    movement: Movement
