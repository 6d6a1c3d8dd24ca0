"""All SQL of the inventory. Stock changes are conditional UPDATEs, so concurrent checkouts can
never take stock below zero, on SQLite and on MySQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, selectinload

from o11yshop.db.models import Stock, StockMovement, StockReservation


class InventoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_stock(self, product_id: int) -> Stock | None:
        return self.session.get(Stock, product_id, populate_existing=True)

    def stock_for(self, product_ids: Sequence[int]) -> dict[int, Stock]:
        rows = self.session.scalars(select(Stock).where(Stock.product_id.in_(product_ids)))
        return {row.product_id: row for row in rows}

    def list_stock(self, *, low_only: bool, offset: int, limit: int) -> tuple[list[Stock], int]:
        query = select(Stock)
        if low_only:
            query = query.where(Stock.on_hand - Stock.reserved <= Stock.low_stock_threshold)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Stock.on_hand - Stock.reserved, Stock.product_id).offset(offset).limit(limit)
        )
        return list(rows), total

    def ensure_stock(self, product_id: int, threshold: int) -> Stock:
        stock = self.get_stock(product_id)
        if stock is None:
            stock = Stock(product_id=product_id, on_hand=0, reserved=0, low_stock_threshold=threshold)
            self.session.add(stock)
            self.session.flush()
        return stock

    def try_reserve(self, product_id: int, quantity: int) -> bool:
        result = self.session.execute(
            update(Stock)
            .where(Stock.product_id == product_id, Stock.on_hand - Stock.reserved >= quantity)
            .values(reserved=Stock.reserved + quantity)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def unreserve(self, product_id: int, quantity: int, *, consume: bool) -> bool:
        """Give back held units; ``consume`` also takes them off the shelf (a sale)."""
        values = {"reserved": Stock.reserved - quantity}
        if consume:
            values["on_hand"] = Stock.on_hand - quantity
        result = self.session.execute(
            update(Stock)
            .where(Stock.product_id == product_id, Stock.reserved >= quantity, Stock.on_hand >= quantity)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def change_on_hand(self, product_id: int, delta: int) -> bool:
        """Add ``delta`` to on hand unless that would go below zero or below what is reserved."""
        result = self.session.execute(
            update(Stock)
            .where(
                Stock.product_id == product_id,
                Stock.on_hand + delta >= Stock.reserved,
                Stock.on_hand + delta >= 0,
            )
            .values(on_hand=Stock.on_hand + delta)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def record(
        self,
        product_id: int,
        *,
        delta_on_hand: int,
        delta_reserved: int,
        reason: str,
        actor: str,
        note: str = "",
        reference: str | None = None,
    ) -> StockMovement:
        stock = self.get_stock(product_id)
        movement = StockMovement(
            product_id=product_id,
            delta_on_hand=delta_on_hand,
            delta_reserved=delta_reserved,
            on_hand_after=stock.on_hand if stock else 0,
            reserved_after=stock.reserved if stock else 0,
            reason=reason,
            note=note,
            actor=actor,
            reference=reference,
        )
        self.session.add(movement)
        self.session.flush()
        return movement

    def movements(self, product_id: int, limit: int) -> list[StockMovement]:
        return list(
            self.session.scalars(
                select(StockMovement)
                .where(StockMovement.product_id == product_id)
                .order_by(StockMovement.id.desc())
                .limit(limit)
            )
        )

    def get_reservation(self, reservation_id: str) -> StockReservation | None:
        return self.session.scalar(
            select(StockReservation)
            .where(StockReservation.id == reservation_id)
            .options(selectinload(StockReservation.items))
            .execution_options(populate_existing=True)
        )

    def move_reservation(
        self, reservation_id: str, from_status: str, to_status: str, *, expired_before: datetime | None = None
    ) -> bool:
        """Compare-and-set on the status, so only one caller wins a transition."""
        condition = and_(StockReservation.id == reservation_id, StockReservation.status == from_status)
        if expired_before is not None:
            condition = and_(condition, StockReservation.expires_at < expired_before)
        result = self.session.execute(
            update(StockReservation)
            .where(condition)
            .values(status=to_status)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def expired_reservation_ids(self, now: datetime, limit: int) -> list[str]:
        return list(
            self.session.scalars(
                select(StockReservation.id)
                .where(StockReservation.status == "held", StockReservation.expires_at < now)
                .order_by(StockReservation.expires_at)
                .limit(limit)
            )
        )
