"""SVC-02 inventory rules: reserve → commit | release | expire, adjustments, every change recorded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o11yshop.db.base import utcnow
from o11yshop.db.models import Stock, StockReservation, StockReservationItem
from o11yshop.http.problems import AppError, Conflict, FieldError, Invalid, NotFound
from o11yshop.inventory.repository import InventoryRepository
from o11yshop.inventory.schemas import (
    AdjustmentKind,
    AdjustmentRequest,
    AdjustmentResult,
    Movement,
    Reservation,
    ReservationLine,
    ReservationRequest,
    ReservationStatus,
    Shortage,
    StockLevel,
    StockStatus,
)

SWEEP_BATCH = 50


class InsufficientStock(AppError):
    status = 409
    code = "insufficient_stock"

    def __init__(self, shortages: list[Shortage]) -> None:
        super().__init__(
            "not enough stock for " + ", ".join(f"product {s.product_id}" for s in shortages),
            errors=[
                FieldError(
                    field=f"items.product_id={s.product_id}",
                    message=f"requested {s.requested}, available {s.available}",
                    type="insufficient_stock",
                )
                for s in shortages
            ],
        )
        self.shortages = shortages


def stock_status(available: int, threshold: int) -> StockStatus:
    if available <= 0:
        return StockStatus.sold_out
    if available <= threshold:
        return StockStatus.low
    return StockStatus.in_stock


def level_of(stock: Stock | None, product_id: int, default_threshold: int) -> StockLevel:
    if stock is None:
        return StockLevel(
            product_id=product_id,
            on_hand=0,
            reserved=0,
            available=0,
            low_stock_threshold=default_threshold,
            status=StockStatus.sold_out,
        )
    available = stock.on_hand - stock.reserved
    return StockLevel(
        product_id=stock.product_id,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        available=available,
        low_stock_threshold=stock.low_stock_threshold,
        status=stock_status(available, stock.low_stock_threshold),
    )


class InventoryService:
    def __init__(self, session: Session, *, default_threshold: int, reservation_ttl_seconds: int) -> None:
        self.session = session
        self.repo = InventoryRepository(session)
        self.default_threshold = default_threshold
        self.reservation_ttl_seconds = reservation_ttl_seconds

    # -- levels -------------------------------------------------------------------------------

    def level(self, product_id: int) -> StockLevel:
        return level_of(self.repo.get_stock(product_id), product_id, self.default_threshold)

    def levels(self, product_ids: Iterable[int]) -> list[StockLevel]:
        ids = sorted(set(product_ids))
        found = self.repo.stock_for(ids)
        return [level_of(found.get(pid), pid, self.default_threshold) for pid in ids]

    def list_levels(self, *, low_only: bool, page: int, page_size: int) -> tuple[list[StockLevel], int]:
        rows, total = self.repo.list_stock(low_only=low_only, offset=(page - 1) * page_size, limit=page_size)
        return [level_of(r, r.product_id, self.default_threshold) for r in rows], total

    def movements(self, product_id: int, limit: int) -> list[Movement]:
        return [Movement.model_validate(m) for m in self.repo.movements(product_id, limit)]

    # -- adjustments (ADM-04) -----------------------------------------------------------------

    def adjust(self, product_id: int, request: AdjustmentRequest) -> AdjustmentResult:
        if request.kind is AdjustmentKind.receipt and request.quantity <= 0:
            raise Invalid("quantity", "a receipt adds stock: quantity must be positive")
        if request.quantity == 0:
            raise Invalid("quantity", "a correction must change the quantity")
        self.repo.ensure_stock(product_id, self.default_threshold)
        if not self.repo.change_on_hand(product_id, request.quantity):
            level = self.level(product_id)
            raise Conflict(
                f"on hand would fall to {level.on_hand + request.quantity}, "
                f"below zero or below the {level.reserved} units held by checkouts",
                code="stock_would_go_negative",
            )
        movement = self.repo.record(
            product_id,
            delta_on_hand=request.quantity,
            delta_reserved=0,
            reason=request.kind.value,
            actor=request.actor,
            note=request.reason,
        )
        return AdjustmentResult(level=self.level(product_id), movement=Movement.model_validate(movement))

    def set_threshold(self, product_id: int, threshold: int, actor: str) -> StockLevel:
        stock = self.repo.ensure_stock(product_id, self.default_threshold)
        before = stock.low_stock_threshold
        stock.low_stock_threshold = threshold
        self.session.flush()
        self.repo.record(
            product_id,
            delta_on_hand=0,
            delta_reserved=0,
            reason="threshold",
            actor=actor,
            note=f"low-stock threshold {before} -> {threshold}",
        )
        return self.level(product_id)

    def retire(self, product_id: int, actor: str) -> None:
        """The product is gone from the catalog: write off what is left, unless checkouts hold it."""
        stock = self.repo.get_stock(product_id)
        if stock is None:
            return
        if stock.reserved:
            raise Conflict(f"{stock.reserved} units are held by checkouts", code="stock_reserved")
        on_hand = stock.on_hand
        stock.on_hand = 0
        self.session.flush()
        self.repo.record(product_id, delta_on_hand=-on_hand, delta_reserved=0, reason="retire", actor=actor)
        self.session.delete(stock)
        self.session.flush()

    # -- reservations (checkout) --------------------------------------------------------------

    def reserve(self, request: ReservationRequest) -> tuple[Reservation, bool]:
        """Hold stock for a checkout. Returns (reservation, created); the same ID again is a no-op."""
        self.sweep_expired()
        lines = _merge(request.items)
        ttl = request.ttl_seconds or self.reservation_ttl_seconds
        reservation = StockReservation(
            id=request.reservation_id,
            status=ReservationStatus.held.value,
            reference=request.reference,
            expires_at=utcnow() + timedelta(seconds=ttl),
            items=[StockReservationItem(product_id=pid, quantity=q) for pid, q in lines],
        )
        try:
            with self.session.begin_nested():
                self.session.add(reservation)
        except IntegrityError:
            existing = self._get(request.reservation_id)
            if [(i.product_id, i.quantity) for i in existing.items] != lines:
                raise Conflict(
                    f"reservation {request.reservation_id} exists with other items",
                    code="reservation_mismatch",
                ) from None
            return _view(existing), False

        shortages = []
        for product_id, quantity in lines:  # ascending IDs: a fixed lock order, no deadlocks
            if not self.repo.try_reserve(product_id, quantity):
                shortages.append(
                    Shortage(
                        product_id=product_id, requested=quantity, available=self.level(product_id).available
                    )
                )
        if shortages:
            raise InsufficientStock(shortages)  # the request's transaction rolls everything back
        for product_id, quantity in lines:
            self.repo.record(
                product_id,
                delta_on_hand=0,
                delta_reserved=quantity,
                reason="reserve",
                actor="checkout",
                reference=request.reservation_id,
            )
        return _view(reservation), True

    def get(self, reservation_id: str) -> Reservation:
        return _view(self._get(reservation_id))

    def commit(self, reservation_id: str) -> Reservation:
        reservation = self._get(reservation_id)
        if reservation.status == ReservationStatus.committed.value:
            return _view(reservation)
        if reservation.status == ReservationStatus.held.value and reservation.expires_at <= utcnow():
            raise Conflict(f"reservation {reservation_id} expired", code="reservation_expired")
        if not self.repo.move_reservation(reservation_id, "held", "committed"):
            return self._settled(reservation_id, wanted=ReservationStatus.committed)
        for item in reservation.items:
            if not self.repo.unreserve(item.product_id, item.quantity, consume=True):
                raise RuntimeError(f"stock of product {item.product_id} lost its reservation")
            self.repo.record(
                item.product_id,
                delta_on_hand=-item.quantity,
                delta_reserved=-item.quantity,
                reason="sale",
                actor="checkout",
                reference=reservation_id,
            )
        return self.get(reservation_id)

    def release(self, reservation_id: str, *, reason: str = "release") -> Reservation:
        reservation = self._get(reservation_id)
        if reservation.status in (ReservationStatus.released.value, ReservationStatus.expired.value):
            return _view(reservation)
        if not self.repo.move_reservation(reservation_id, "held", "released"):
            return self._settled(reservation_id, wanted=ReservationStatus.released)
        self._give_back(reservation, reason)
        return self.get(reservation_id)

    def cancel(self, reservation_id: str, actor: str) -> Reservation:
        """Undo a committed sale (order cancelled, or a checkout that failed after committing)."""
        reservation = self._get(reservation_id)
        if reservation.status == ReservationStatus.held.value:
            return self.release(reservation_id)
        if reservation.status != ReservationStatus.committed.value:
            return _view(reservation)
        if not self.repo.move_reservation(reservation_id, "committed", "cancelled"):
            return self.get(reservation_id)
        for item in reservation.items:
            self.repo.change_on_hand(item.product_id, item.quantity)
            self.repo.record(
                item.product_id,
                delta_on_hand=item.quantity,
                delta_reserved=0,
                reason="cancel",
                actor=actor,
                reference=reservation_id,
            )
        return self.get(reservation_id)

    def sweep_expired(self, limit: int = SWEEP_BATCH) -> int:
        """Release reservations whose time ran out; returns how many."""
        now = utcnow()
        count = 0
        for reservation_id in self.repo.expired_reservation_ids(now, limit):
            if self.repo.move_reservation(reservation_id, "held", "expired", expired_before=now):
                reservation = self._get(reservation_id)
                self._give_back(reservation, "expire")
                count += 1
        return count

    def _give_back(self, reservation: StockReservation, reason: str) -> None:
        for item in reservation.items:
            if not self.repo.unreserve(item.product_id, item.quantity, consume=False):
                raise RuntimeError(f"stock of product {item.product_id} lost its reservation")
            self.repo.record(
                item.product_id,
                delta_on_hand=0,
                delta_reserved=-item.quantity,
                reason=reason,
                actor="checkout",
                reference=reservation.id,
            )

    def _get(self, reservation_id: str) -> StockReservation:
        reservation = self.repo.get_reservation(reservation_id)
        if reservation is None:
            raise NotFound(f"no reservation {reservation_id}")
        return reservation

    def _settled(self, reservation_id: str, wanted: ReservationStatus) -> Reservation:
        """Another caller moved the reservation first: fine if it went where we wanted."""
        current = self.get(reservation_id)
        if current.status is wanted:
            return current
        raise Conflict(
            f"reservation {reservation_id} is {current.status.value}",
            code=f"reservation_{current.status.value}",
        )


def _merge(items: list[ReservationLine]) -> list[tuple[int, int]]:
    merged: dict[int, int] = {}
    for line in items:
        merged[line.product_id] = merged.get(line.product_id, 0) + line.quantity
    return sorted(merged.items())


def _view(reservation: StockReservation) -> Reservation:
    return Reservation(
        reservation_id=reservation.id,
        status=ReservationStatus(reservation.status),
        reference=reservation.reference,
        items=[ReservationLine(product_id=i.product_id, quantity=i.quantity) for i in reservation.items],
        expires_at=reservation.expires_at,
    )
