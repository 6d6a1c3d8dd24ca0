"""SVC-02 HTTP: the inventory's own API, called by the api process (never by browsers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.orm import Session

from o11yshop.config import Settings
from o11yshop.http.database import ReadSession, WriteSession
from o11yshop.http.problems import problems
from o11yshop.inventory.schemas import (
    Actor,
    AdjustmentRequest,
    AdjustmentResult,
    MovementPage,
    ProductId,
    Reservation,
    ReservationId,
    ReservationRequest,
    StockLevel,
    StockLookup,
    StockPage,
    StockSettings,
)
from o11yshop.inventory.service import InventoryService

router = APIRouter(prefix="/api", tags=["inventory"])


def _service(session: Session, request: Request) -> InventoryService:
    settings: Settings = request.app.state.settings
    return InventoryService(
        session,
        default_threshold=settings.default_low_stock_threshold,
        reservation_ttl_seconds=settings.reservation_ttl_seconds,
    )


def _reader(session: ReadSession, request: Request) -> InventoryService:
    return _service(session, request)


def _writer(session: WriteSession, request: Request) -> InventoryService:
    return _service(session, request)


Reader = Annotated[InventoryService, Depends(_reader)]
Writer = Annotated[InventoryService, Depends(_writer)]


@router.get("/stock", operation_id="list_stock", response_model=StockPage, responses=problems(422))
def list_stock(
    svc: Reader,
    low: Annotated[bool, Query(description="only levels at or below their low-stock threshold")] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> StockPage:
    """Stock levels, lowest availability first."""
    items, total = svc.list_levels(low_only=low, page=page, page_size=page_size)
    return StockPage(items=items, total=total, page=page, page_size=page_size)


@router.post(
    "/stock/lookup",
    operation_id="lookup_stock",
    response_model=list[StockLevel],
    responses=problems(400, 422),
)
def lookup_stock(body: StockLookup, svc: Reader) -> list[StockLevel]:
    """Stock levels of up to 200 products at once."""
    return svc.levels(body.product_ids)


@router.get(
    "/stock/{product_id}", operation_id="get_stock", response_model=StockLevel, responses=problems(422)
)
def get_stock(product_id: ProductId, svc: Reader) -> StockLevel:
    """One product's stock level."""
    return svc.level(product_id)


@router.patch(
    "/stock/{product_id}",
    operation_id="update_stock_settings",
    response_model=StockLevel,
    responses=problems(400, 422),
)
def update_stock_settings(product_id: ProductId, body: StockSettings, svc: Writer) -> StockLevel:
    """Change a product's low-stock threshold."""
    return svc.set_threshold(product_id, body.low_stock_threshold, body.actor)


@router.delete(
    "/stock/{product_id}",
    operation_id="retire_stock",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(409, 422),
)
def retire_stock(product_id: ProductId, actor: Annotated[Actor, Query()], svc: Writer) -> Response:
    """Write off a deleted product's stock (refused while checkouts hold some)."""
    svc.retire(product_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/stock/{product_id}/adjustments",
    operation_id="adjust_stock",
    response_model=AdjustmentResult,
    status_code=status.HTTP_201_CREATED,
    responses=problems(400, 409, 422),
)
def adjust_stock(product_id: ProductId, body: AdjustmentRequest, svc: Writer) -> AdjustmentResult:
    """Receive goods or correct a count, with a reason (ADM-04)."""
    return svc.adjust(product_id, body)


@router.get(
    "/stock/{product_id}/movements",
    operation_id="list_movements",
    response_model=MovementPage,
    responses=problems(422),
)
def list_movements(
    product_id: ProductId, svc: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> MovementPage:
    """A product's stock history, newest first."""
    return MovementPage(items=svc.movements(product_id, limit))


@router.post(
    "/reservations",
    operation_id="reserve_stock",
    response_model=Reservation,
    status_code=status.HTTP_201_CREATED,
    responses=problems(400, 409, 422),
)
def reserve_stock(body: ReservationRequest, svc: Writer, response: Response) -> Reservation:
    """Hold stock for a checkout; repeating the same reservation ID returns the first result."""
    reservation, created = svc.reserve(body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return reservation


@router.get(
    "/reservations/{reservation_id}",
    operation_id="get_reservation",
    response_model=Reservation,
    responses=problems(404, 422),
)
def get_reservation(reservation_id: ReservationId, svc: Reader) -> Reservation:
    """A reservation and its status."""
    return svc.get(reservation_id)


@router.post(
    "/reservations/{reservation_id}/commit",
    operation_id="commit_reservation",
    response_model=Reservation,
    responses=problems(404, 409, 422),
)
def commit_reservation(reservation_id: ReservationId, svc: Writer) -> Reservation:
    """Turn held stock into a sale (idempotent)."""
    return svc.commit(reservation_id)


@router.post(
    "/reservations/{reservation_id}/release",
    operation_id="release_reservation",
    response_model=Reservation,
    responses=problems(404, 409, 422),
)
def release_reservation(reservation_id: ReservationId, svc: Writer) -> Reservation:
    """Give held stock back (idempotent)."""
    return svc.release(reservation_id)


@router.post(
    "/reservations/{reservation_id}/cancel",
    operation_id="cancel_reservation",
    response_model=Reservation,
    responses=problems(404, 422),
)
def cancel_reservation(
    reservation_id: ReservationId, svc: Writer, actor: Annotated[Actor, Query()] = "checkout"
) -> Reservation:
    """Undo a committed sale and put the units back on the shelf (idempotent)."""
    return svc.cancel(reservation_id, actor)
