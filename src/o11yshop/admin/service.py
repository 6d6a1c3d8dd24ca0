"""Admin rules (ADM-01..04): products, stock and orders, every change written to the audit log.

A handler gets a read session and a write session. Whatever calls the inventory's write endpoints
happens before the first use of the write session: the write session takes SQLite's single write
lock, which the inventory process needs too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from o11yshop.admin import audit
from o11yshop.admin.schemas import (
    AdminMovementPage,
    AdminProduct,
    AdminProductPage,
    AdminStockPage,
    AdminStockRow,
    AuditEntry,
    Correction,
    DashboardSummary,
    DeleteResult,
    ProductCreate,
    ProductUpdate,
    Receipt,
)
from o11yshop.catalog.images import draw_product_image
from o11yshop.catalog.repository import search_condition
from o11yshop.catalog.schemas import CategoryRef, Money
from o11yshop.catalog.service import image_url, stock_of
from o11yshop.config import Settings
from o11yshop.db.base import utcnow
from o11yshop.db.models import AdminUser, Category, OrderItem, Product
from o11yshop.http.problems import AppError, Conflict, FieldError, Invalid, NotFound
from o11yshop.inventory.client import InventoryClient, InventoryUnavailable
from o11yshop.inventory.schemas import AdjustmentKind, AdjustmentRequest, StockLevel
from o11yshop.orders.repository import OrderRepository
from o11yshop.orders.schemas import AdminOrderPage, AdminOrderSummary, OrderOut
from o11yshop.orders.service import order_out

PRODUCT_FIELDS = (
    "sku",
    "name",
    "description",
    "price_minor",
    "currency",
    "category_id",
    "image_key",
    "active",
    "featured",
)


def product_state(product: Product) -> dict[str, Any]:
    state = {field: getattr(product, field) for field in PRODUCT_FIELDS}
    state["deleted_at"] = product.deleted_at.isoformat() if product.deleted_at else None
    return state


def actor_name(admin: AdminUser) -> str:
    return f"admin:{admin.id}:{admin.email}"


class AdminService:
    def __init__(
        self, read: Session, write: Session, inventory: InventoryClient, settings: Settings, admin: AdminUser
    ) -> None:
        self.read = read
        self.write = write
        self.inventory = inventory
        self.settings = settings
        self.admin = admin

    # -- products (ADM-01, ADM-02) ------------------------------------------------------------

    def list_products(
        self, *, text: str | None, category_id: int | None, include_deleted: bool, page: int, page_size: int
    ) -> AdminProductPage:
        query = select(Product)
        if not include_deleted:
            query = query.where(Product.deleted_at.is_(None))
        if text and text.strip():
            query = query.where(search_condition(text.strip()))
        if category_id is not None:
            query = query.where(Product.category_id == category_id)
        total = self.read.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(
            self.read.scalars(
                query.options(selectinload(Product.category))
                .order_by(Product.id.desc())
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        levels = self.inventory.levels_if_up([p.id for p in rows])
        return AdminProductPage(
            items=[self._product_out(p, levels) for p in rows], total=total, page=page, page_size=page_size
        )

    def get_product(self, product_id: int) -> AdminProduct:
        product = self._product(self.read, product_id)
        return self._product_out(product, self.inventory.levels_if_up([product_id]))

    def create_product(self, body: ProductCreate) -> AdminProduct:
        category = self._category(body.category_id)
        self._sku_free(body.sku, None)
        key = draw_product_image(Path(self.settings.media_dir), body.sku, body.name, category.name)
        product = Product(
            sku=body.sku,
            name=body.name,
            description=body.description,
            price_minor=body.price_minor,
            currency=self.settings.currency,
            category_id=category.id,
            image_key=key,
            active=body.active,
            featured=body.featured,
        )
        self.write.add(product)
        self._flush_unique(body.sku)
        audit.record_change(
            self.write, self.admin, "product.create", "product", product.id, None, product_state(product)
        )
        product = self._product(self.write, product.id)
        return self._product_out(product, self.inventory.levels_if_up([product.id]))

    def update_product(self, product_id: int, body: ProductUpdate) -> AdminProduct:
        product = self._product(self.write, product_id)
        if product.deleted_at is not None:
            raise Conflict(f"product {product_id} was deleted", code="product_deleted")
        changes = body.model_dump(exclude_unset=True)
        if any(value is None for value in changes.values()):
            field = next(k for k, v in changes.items() if v is None)
            raise Invalid(f"body.{field}", "may be left out but not null", type_="none_not_allowed")
        if "category_id" in changes:
            self._category(changes["category_id"])
        if "sku" in changes and changes["sku"] != product.sku:
            self._sku_free(changes["sku"], product_id)
        before = product_state(product)
        for field, value in changes.items():
            setattr(product, field, value)
        self._flush_unique(product.sku)
        after = product_state(product)
        if after != before:
            audit.record_change(
                self.write,
                self.admin,
                "product.update",
                "product",
                product_id,
                {k: v for k, v in before.items() if after[k] != v},
                {k: v for k, v in after.items() if before[k] != v},
            )
        product = self._product(self.write, product_id)
        return self._product_out(product, self.inventory.levels_if_up([product_id]))

    def delete_product(self, product_id: int) -> DeleteResult:
        product = self._product(self.read, product_id)
        ordered = bool(self.read.scalar(select(exists().where(OrderItem.product_id == product_id))))
        if not ordered:
            # Write the stock off first: it is the inventory's write, and must come before ours.
            self.inventory.retire(product_id, actor_name(self.admin))
        target = self._product(self.write, product.id)
        before = product_state(target)
        if ordered:
            if target.deleted_at is None:
                target.active = False
                target.deleted_at = utcnow()
                self.write.flush()
                audit.record_change(
                    self.write,
                    self.admin,
                    "product.delete",
                    "product",
                    product_id,
                    before,
                    product_state(target) | {"mode": "soft"},
                )
            return DeleteResult(product_id=product_id, mode="soft")
        self.write.delete(target)
        self.write.flush()
        audit.record_change(
            self.write, self.admin, "product.delete", "product", product_id, before, {"mode": "hard"}
        )
        return DeleteResult(product_id=product_id, mode="hard")

    # -- stock (ADM-03, ADM-04) ---------------------------------------------------------------

    def stock(self, *, low_only: bool, text: str | None, page: int, page_size: int) -> AdminStockPage:
        query = select(Product.id, Product.sku, Product.name, Product.active).where(
            Product.deleted_at.is_(None)
        )
        if text and text.strip():
            query = query.where(search_condition(text.strip()))
        products = self.read.execute(query.order_by(Product.id)).all()
        levels = self.inventory.levels_if_up([p.id for p in products])
        rows = [
            AdminStockRow(
                product_id=p.id,
                sku=p.sku,
                name=p.name,
                active=p.active,
                level=levels.get(p.id) if levels is not None else None,
            )
            for p in products
        ]
        if low_only:
            if levels is None:
                raise InventoryUnavailable("the low-stock filter needs the inventory service")
            rows = [
                r for r in rows if r.level is not None and r.level.available <= r.level.low_stock_threshold
            ]
            rows.sort(key=lambda r: (r.level.available if r.level else 0, r.product_id))
        start = (page - 1) * page_size
        return AdminStockPage(
            items=rows[start : start + page_size], total=len(rows), page=page, page_size=page_size
        )

    def stock_row(self, product_id: int) -> AdminStockRow:
        product = self._product(self.read, product_id)
        levels = self.inventory.levels_if_up([product_id])
        return AdminStockRow(
            product_id=product.id,
            sku=product.sku,
            name=product.name,
            active=product.active,
            level=levels.get(product_id) if levels is not None else None,
        )

    def receive(self, product_id: int, body: Receipt) -> StockLevel:
        return self._adjust(product_id, AdjustmentKind.receipt, body.quantity, body.reason)

    def correct(self, product_id: int, body: Correction) -> StockLevel:
        if body.quantity == 0:
            raise Invalid("body.quantity", "a correction must change the quantity")
        return self._adjust(product_id, AdjustmentKind.correction, body.quantity, body.reason)

    def set_threshold(self, product_id: int, threshold: int) -> StockLevel:
        self._product(self.read, product_id)
        before = self.inventory.level(product_id)
        level = self.inventory.set_threshold(product_id, threshold, actor_name(self.admin))
        audit.record_change(
            self.write,
            self.admin,
            "stock.threshold",
            "product",
            product_id,
            {"low_stock_threshold": before.low_stock_threshold},
            {"low_stock_threshold": level.low_stock_threshold},
        )
        return level

    def movements(self, product_id: int, limit: int) -> AdminMovementPage:
        self._product(self.read, product_id)
        return AdminMovementPage(
            product_id=product_id, items=self.inventory.movements(product_id, limit).items
        )

    def _adjust(self, product_id: int, kind: AdjustmentKind, quantity: int, reason: str) -> StockLevel:
        product = self._product(self.read, product_id)
        if product.deleted_at is not None:
            raise Conflict(f"product {product_id} was deleted", code="product_deleted")
        result = self.inventory.adjust(
            product_id,
            AdjustmentRequest(kind=kind, quantity=quantity, reason=reason, actor=actor_name(self.admin)),
        )
        movement = result.movement
        audit.record_change(
            self.write,
            self.admin,
            f"stock.{kind.value}",
            "product",
            product_id,
            {"on_hand": movement.on_hand_after - movement.delta_on_hand},
            {
                "on_hand": movement.on_hand_after,
                "quantity": quantity,
                "reason": reason,
                "movement_id": movement.id,
            },
        )
        return result.level

    # -- orders and the dashboard -------------------------------------------------------------

    def summary(self) -> DashboardSummary:
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        count, revenue = OrderRepository(self.read).placed_since(midnight)
        ids = list(self.read.scalars(select(Product.id).where(Product.deleted_at.is_(None))))
        levels = self.inventory.levels_if_up(ids)
        low = (
            None
            if levels is None
            else sum(1 for lv in levels.values() if lv.available <= lv.low_stock_threshold)
        )
        return DashboardSummary(
            orders_today=count,
            revenue_today=Money(amount_minor=revenue, currency=self.settings.currency),
            low_stock_count=low,
            recent_actions=[AuditEntry.model_validate(e) for e in audit.recent(self.read, limit=10)],
        )

    def orders(self, *, status: str | None, page: int, page_size: int) -> AdminOrderPage:
        rows, total = OrderRepository(self.read).page(
            status=status, offset=(page - 1) * page_size, limit=page_size
        )
        return AdminOrderPage(
            items=[
                AdminOrderSummary(
                    id=o.id,
                    number=o.number,
                    status=o.status,
                    created_at=o.created_at,
                    item_count=n,
                    total=Money(amount_minor=o.total_minor, currency=o.currency),
                    customer_name=o.ship_name,
                    customer_email=o.ship_email,
                )
                for o, n in rows
            ],
            total=total,
            page=page,
            page_size=page_size,
        )

    def order(self, number: str) -> OrderOut:
        order = OrderRepository(self.read).by_number(number)
        if order is None:
            raise NotFound(f"no order {number}")
        return order_out(order)

    def audit_log(self, *, limit: int, entity_type: str | None, entity_id: str | None) -> list[AuditEntry]:
        return [
            AuditEntry.model_validate(e)
            for e in audit.recent(self.read, limit=limit, entity_type=entity_type, entity_id=entity_id)
        ]

    # -- helpers ------------------------------------------------------------------------------

    def _product_out(self, product: Product, levels: dict[int, StockLevel] | None) -> AdminProduct:
        return AdminProduct(
            id=product.id,
            sku=product.sku,
            name=product.name,
            description=product.description,
            price=Money(amount_minor=product.price_minor, currency=product.currency),
            category=CategoryRef(
                id=product.category.id, slug=product.category.slug, name=product.category.name
            ),
            image_url=image_url(product),
            active=product.active,
            featured=product.featured,
            deleted=product.deleted_at is not None,
            created_at=product.created_at,
            updated_at=product.updated_at,
            stock=stock_of(levels.get(product.id) if levels is not None else None),
        )

    @staticmethod
    def _product(session: Session, product_id: int) -> Product:
        product = session.scalar(
            select(Product)
            .where(Product.id == product_id)
            .options(selectinload(Product.category))
            .execution_options(populate_existing=True)
        )
        if product is None:
            raise NotFound(f"no product {product_id}")
        return product

    def _category(self, category_id: int) -> Category:
        category = self.read.get(Category, category_id)
        if category is None:
            raise Invalid("body.category_id", f"no category {category_id}", type_="unknown_category")
        return category

    def _flush_unique(self, sku: str) -> None:
        """Flush; a concurrent request that took the same SKU first makes this a 409, not a 500."""
        try:
            self.write.flush()
        except IntegrityError as exc:
            raise self._sku_taken(sku, None) from exc

    @staticmethod
    def _sku_taken(sku: str, owner: int | None) -> AppError:
        where = f" belongs to product {owner}" if owner else " is taken"
        return AppError(
            f"SKU {sku}{where}",
            status=409,
            code="sku_taken",
            errors=[FieldError(field="body.sku", message="already used", type="unique")],
        )

    def _sku_free(self, sku: str, product_id: int | None) -> None:
        owner = self.read.scalar(select(Product.id).where(Product.sku == sku))
        if owner is not None and owner != product_id:
            raise self._sku_taken(sku, owner)
