from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from o11yshop.db.models import Order, OrderItem


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_id(self, order_id: int) -> Order | None:
        return self.session.scalar(
            select(Order).where(Order.id == order_id).options(selectinload(Order.items))
        )

    def by_number(self, number: str) -> Order | None:
        return self.session.scalar(
            select(Order).where(Order.number == number).options(selectinload(Order.items))
        )

    def number_taken(self, number: str) -> bool:
        return self.session.scalar(select(Order.id).where(Order.number == number)) is not None

    def page(self, *, status: str | None, offset: int, limit: int) -> tuple[list[tuple[Order, int]], int]:
        counts = (
            select(OrderItem.order_id, func.sum(OrderItem.quantity).label("n"))
            .group_by(OrderItem.order_id)
            .subquery()
        )
        query = select(Order, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.order_id == Order.id)
        if status:
            query = query.where(Order.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.execute(query.order_by(Order.id.desc()).offset(offset).limit(limit))
        return [(order, int(n)) for order, n in rows], total

    def placed_since(self, since: datetime) -> tuple[int, int]:
        """How many orders were placed since ``since`` and their revenue in minor units."""
        count, revenue = self.session.execute(
            select(func.count(Order.id), func.coalesce(func.sum(Order.total_minor), 0)).where(
                Order.status == "placed", Order.created_at >= since
            )
        ).one()
        return int(count), int(revenue)
