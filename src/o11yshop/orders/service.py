"""SVC-04 checkout, as a saga across two services:

    claim the Idempotency-Key → reserve stock (inventory) → write the order as pending
    → commit the reservation (inventory) → mark the order placed.

Each database step is its own short transaction, so no transaction is ever held open across a call
to the inventory service (on SQLite that would hold the single write lock the inventory needs).
When a step fails, the steps already done are undone in reverse: the pending order is deleted, the
reservation released (or, if committed, cancelled) and the key freed, so a retry starts clean and
no order is left half-written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o11yshop import telemetry
from o11yshop.cart.repository import CartRepository, token_hash
from o11yshop.catalog.repository import CatalogRepository
from o11yshop.catalog.schemas import Money
from o11yshop.config import Settings
from o11yshop.db.base import utcnow
from o11yshop.db.engine import session_scope
from o11yshop.db.models import Cart, IdempotencyRecord, Order, OrderItem
from o11yshop.http.database import Database
from o11yshop.http.problems import AppError, Conflict, Invalid, NotFound
from o11yshop.inventory.client import InventoryClient
from o11yshop.inventory.schemas import ReservationLine
from o11yshop.orders.repository import OrderRepository
from o11yshop.orders.schemas import CheckoutRequest, OrderLine, OrderOut, PlacedOrder, Shipping
from o11yshop.telemetry import catalogue, metrics

log = telemetry.get_logger("o11yshop.orders")

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
IDEMPOTENCY_WAIT_SECONDS = 15.0
IDEMPOTENCY_POLL_SECONDS = 0.05
ABANDONED_CLAIM_SECONDS = 120


def new_order_number() -> str:
    chars = "".join(secrets.choice(_CROCKFORD) for _ in range(8))
    return f"OS-{chars[:4]}-{chars[4:]}"


def order_access_token(secret: str, number: str) -> str:
    """Derived, not stored: a replayed checkout can hand out the same token again."""
    digest = hmac.new(secret.encode(), f"order-access:{number}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def order_out(order: Order) -> OrderOut:
    def money(amount: int) -> Money:
        return Money(amount_minor=amount, currency=order.currency)

    return OrderOut(
        number=order.number,
        status=order.status,
        created_at=order.created_at,
        items=[
            OrderLine(
                product_id=i.product_id,
                sku=i.sku,
                name=i.name,
                unit_price=money(i.unit_price_minor),
                quantity=i.quantity,
                line_total=money(i.line_total_minor),
            )
            for i in order.items
        ],
        subtotal=money(order.subtotal_minor),
        shipping_fee=money(order.shipping_minor),
        total=money(order.total_minor),
        shipping=Shipping(**{field: getattr(order, f"ship_{field}") for field in Shipping.model_fields}),
    )


class CheckoutInProgress(AppError):
    status = 409
    code = "checkout_in_progress"


@dataclass
class _Snapshot:
    cart_id: int
    lines: list[OrderItem]
    subtotal: int


class CheckoutService:
    def __init__(self, db: Database, inventory: InventoryClient, settings: Settings) -> None:
        self.db = db
        self.inventory = inventory
        self.settings = settings

    def checkout(
        self, cart_token: str, idempotency_key: str, body: CheckoutRequest
    ) -> tuple[PlacedOrder, bool]:
        """Place the cart's order. Returns (order, created); a replayed key returns the first order."""
        fingerprint = hashlib.sha256(
            (token_hash(cart_token) + json.dumps(body.model_dump(mode="json"), sort_keys=True)).encode()
        ).hexdigest()
        earlier = self._claim(idempotency_key, fingerprint)
        if earlier is not None:
            return self._placed(earlier), False

        metrics.record(catalogue.CHECKOUTS_STARTED)
        reservation_id: str | None = None
        order_id: int | None = None
        try:
            snapshot = self._snapshot(cart_token)
            reservation_id = f"chk-{uuid.uuid4().hex}"
            lines = [ReservationLine(product_id=i.product_id, quantity=i.quantity) for i in snapshot.lines]
            with telemetry.span("reserve stock", lines=len(lines)):
                self.inventory.reserve(reservation_id, lines, reference=f"checkout {idempotency_key[:80]}")
            with telemetry.span("place order") as step:
                order_id = self._write_pending(snapshot, reservation_id, idempotency_key, body.shipping)
                self.inventory.commit(reservation_id)
                self._mark_placed(order_id, idempotency_key)
                step.annotate("order_id", order_id)
        except BaseException as exc:
            reason = str(getattr(exc, "code", type(exc).__name__))
            metrics.record(catalogue.CHECKOUT_FAILURES, Reason=reason)
            telemetry.annotate(checkout_failure=reason)
            log.warning("checkout failed", reason=reason, reservation_id=reservation_id)
            with telemetry.span("undo checkout"):
                self._undo(idempotency_key, reservation_id, order_id)
            raise
        placed = self._placed(order_id)
        telemetry.bind(order_number=placed.order.number)
        total = placed.order.total
        metrics.record(catalogue.ORDERS_PLACED)
        metrics.record(catalogue.REVENUE, total.amount_minor, Currency=total.currency)
        metrics.record(catalogue.ITEMS_SOLD, sum(line.quantity for line in placed.order.items))
        log.info(
            "order placed",
            total_minor=placed.order.total.amount_minor,
            currency=placed.order.total.currency,
            item_count=sum(line.quantity for line in placed.order.items),
            customer_email=placed.order.shipping.email,
            customer_phone=placed.order.shipping.phone,
        )
        return placed, True

    def lookup(self, number: str, token: str) -> OrderOut:
        expected = order_access_token(self.settings.jwt_secret.get_secret_value(), number)
        if not hmac.compare_digest(expected.encode(), token.encode()):  # bytes: any characters
            raise NotFound(f"no order {number} for this token")  # the same answer as an unknown number
        with self.db.read() as session:
            order = OrderRepository(session).by_number(number)
            if order is None:
                raise NotFound(f"no order {number} for this token")
            return order_out(order)

    # -- steps --------------------------------------------------------------------------------

    def _claim(self, key: str, fingerprint: str) -> int | None:
        """Own ``key`` (None) or learn the order an earlier request with it placed."""
        deadline = time.monotonic() + IDEMPOTENCY_WAIT_SECONDS
        while True:
            try:
                with session_scope(self.db.write) as session:
                    record = session.get(IdempotencyRecord, key)
                    if record is None or self._abandoned(record):
                        if record is not None:
                            session.delete(record)
                            session.flush()
                        session.add(IdempotencyRecord(key=key, fingerprint=fingerprint, state="in_progress"))
                        session.flush()
                        return None
                    if record.fingerprint != fingerprint:
                        raise Invalid(
                            "header.idempotency-key",
                            "already used for a different cart or shipping address",
                            type_="idempotency_key_reused",
                        )
                    if record.state == "done" and record.order_id is not None:
                        return record.order_id
            except IntegrityError:
                pass  # another request claimed it between our read and our insert: look again
            if time.monotonic() > deadline:
                raise CheckoutInProgress(
                    "a checkout with this Idempotency-Key is still running", headers={"Retry-After": "1"}
                )
            time.sleep(IDEMPOTENCY_POLL_SECONDS)

    @staticmethod
    def _abandoned(record: IdempotencyRecord) -> bool:
        return (
            record.state == "in_progress"
            and (utcnow() - record.created_at).total_seconds() > ABANDONED_CLAIM_SECONDS
        )

    def _snapshot(self, cart_token: str) -> _Snapshot:
        with self.db.read() as session:
            cart = CartRepository(session).by_token(cart_token)
            if cart is None:
                raise NotFound("no cart for this token")
            telemetry.bind(cart_id=cart.id)
            if cart.status != "open":
                raise Conflict("this cart was checked out already", code="cart_checked_out")
            items = cart.items
            products = CatalogRepository(session).visible_products([i.product_id for i in items])
            lines = [
                OrderItem(
                    product_id=p.id,
                    sku=p.sku,
                    name=p.name,
                    unit_price_minor=p.price_minor,
                    quantity=i.quantity,
                    line_total_minor=p.price_minor * i.quantity,
                )
                for i in items
                if (p := products.get(i.product_id)) is not None
            ]
            if not lines:
                raise Invalid("cart", "the cart is empty", type_="empty_cart")
            return _Snapshot(cart.id, lines, sum(line.line_total_minor for line in lines))

    def _write_pending(self, snapshot: _Snapshot, reservation_id: str, key: str, shipping: Shipping) -> int:
        fee = (
            0
            if snapshot.subtotal >= self.settings.free_shipping_from_minor
            else self.settings.shipping_fee_minor
        )
        with session_scope(self.db.write) as session:
            number = self._unique_number(session)
            order = Order(
                number=number,
                idempotency_key=key,
                reservation_id=reservation_id,
                cart_id=snapshot.cart_id,
                status="pending",
                currency=self.settings.currency,
                subtotal_minor=snapshot.subtotal,
                shipping_minor=fee,
                total_minor=snapshot.subtotal + fee,
                **{f"ship_{field}": str(value) for field, value in shipping},
                items=snapshot.lines,
            )
            session.add(order)
            closed = session.execute(
                update(Cart)
                .where(Cart.id == snapshot.cart_id, Cart.status == "open")
                .values(status="checked_out")
            )
            if not closed.rowcount:  # type: ignore[attr-defined]
                raise Conflict("this cart was checked out already", code="cart_checked_out")
            session.flush()
            session.execute(
                update(IdempotencyRecord).where(IdempotencyRecord.key == key).values(order_id=order.id)
            )
            return order.id

    @staticmethod
    def _unique_number(session: Session) -> str:
        repo = OrderRepository(session)
        while repo.number_taken(number := new_order_number()):
            pass
        return number

    def _mark_placed(self, order_id: int, key: str) -> None:
        with session_scope(self.db.write) as session:
            session.execute(
                update(Order).where(Order.id == order_id).values(status="placed", updated_at=utcnow())
            )
            session.execute(
                update(IdempotencyRecord).where(IdempotencyRecord.key == key).values(state="done")
            )

    def _placed(self, order_id: int) -> PlacedOrder:
        with self.db.read() as session:
            order = OrderRepository(session).by_id(order_id)
            if order is None:
                raise NotFound(f"order {order_id} vanished")
            token = order_access_token(self.settings.jwt_secret.get_secret_value(), order.number)
            return PlacedOrder(order=order_out(order), access_token=token)

    def _undo(self, key: str, reservation_id: str | None, order_id: int | None) -> None:
        if reservation_id is not None:
            try:
                self.inventory.cancel(reservation_id, actor="checkout-undo")
            except AppError as exc:
                if exc.status != 404:
                    log.error(
                        "checkout undo: reservation not given back",
                        reservation_id=reservation_id,
                        reason=exc.detail,
                    )
        try:
            with session_scope(self.db.write) as session:
                if order_id is not None:
                    order = OrderRepository(session).by_id(order_id)
                    if order is not None:
                        if order.cart_id is not None:
                            session.execute(
                                update(Cart).where(Cart.id == order.cart_id).values(status="open")
                            )
                        session.execute(
                            update(IdempotencyRecord)
                            .where(IdempotencyRecord.key == key)
                            .values(order_id=None)
                        )
                        session.delete(order)
                session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.key == key))
        except Exception:
            log.exception("checkout undo: pending order not removed", order_id=order_id)
