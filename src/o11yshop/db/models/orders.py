from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from o11yshop.db.base import Base, TimestampMixin, UTCDateTime, utcnow


class Order(TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = {"sqlite_autoincrement": True}  # an order ID is never handed out twice

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    reservation_id: Mapped[str] = mapped_column(String(64))
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("carts.id", ondelete="SET NULL"))
    # pending (stock held, sale not yet committed), placed, cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    shipping_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    ship_name: Mapped[str] = mapped_column(String(120))
    ship_email: Mapped[str] = mapped_column(String(254))
    ship_phone: Mapped[str] = mapped_column(String(32))
    ship_postal_code: Mapped[str] = mapped_column(String(16))
    ship_region: Mapped[str] = mapped_column(String(120))
    ship_city: Mapped[str] = mapped_column(String(120))
    ship_line1: Mapped[str] = mapped_column(String(200))
    ship_line2: Mapped[str] = mapped_column(String(200), default="")
    ship_country: Mapped[str] = mapped_column(String(2))

    items: Mapped[list[OrderItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OrderItem.id"
    )


class OrderItem(Base):
    """A line of an order, with the product's name, SKU and price as they were when it was placed."""

    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total_minor: Mapped[int] = mapped_column(BigInteger)


class IdempotencyRecord(Base):
    """Claims an Idempotency-Key before any work, so concurrent retries wait for one outcome."""

    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # in_progress, done
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
