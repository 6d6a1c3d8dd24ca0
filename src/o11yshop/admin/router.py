"""Admin API (JWT): products, stock, orders, audit log — A-PROD-01/02, A-INV-01/03, ADM-01..04."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

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
    ThresholdUpdate,
)
from o11yshop.admin.service import AdminService
from o11yshop.api.deps import CurrentAdmin, InventoryDep, SettingsDep, require
from o11yshop.auth.schemas import Permission
from o11yshop.http.database import ReadSession, WriteSession
from o11yshop.http.problems import problems
from o11yshop.inventory.schemas import ProductId, StockLevel
from o11yshop.orders.schemas import AdminOrderPage, OrderOut

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=problems(401, 403))
Page = Annotated[int, Query(ge=1, le=10_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]


def _admin_service(
    admin: CurrentAdmin,
    read: ReadSession,
    write: WriteSession,
    inventory: InventoryDep,
    settings: SettingsDep,
) -> AdminService:
    return AdminService(read, write, inventory, settings, admin)


Admin = Annotated[AdminService, Depends(_admin_service)]
CAN_READ = [require(Permission.admin_read)]
CAN_EDIT_CATALOG = [require(Permission.catalog_write)]
CAN_EDIT_STOCK = [require(Permission.stock_write)]
CAN_READ_ORDERS = [require(Permission.orders_read)]
CAN_READ_AUDIT = [require(Permission.audit_read)]


@router.get("/summary", operation_id="admin_summary", response_model=DashboardSummary, dependencies=CAN_READ)
def admin_summary(svc: Admin) -> DashboardSummary:
    """Today's orders and revenue (UTC day), the low-stock count and the latest admin actions."""
    return svc.summary()


@router.get(
    "/products",
    operation_id="admin_list_products",
    response_model=AdminProductPage,
    dependencies=CAN_READ,
    responses=problems(422),
)
def admin_list_products(
    svc: Admin,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    include_deleted: bool = False,
    page: Page = 1,
    page_size: PageSize = 50,
) -> AdminProductPage:
    """Every product, on sale or not, newest first."""
    return svc.list_products(
        text=q, category_id=category_id, include_deleted=include_deleted, page=page, page_size=page_size
    )


@router.post(
    "/products",
    operation_id="admin_create_product",
    response_model=AdminProduct,
    status_code=status.HTTP_201_CREATED,
    dependencies=CAN_EDIT_CATALOG,
    responses=problems(400, 409, 422),
)
def admin_create_product(body: ProductCreate, svc: Admin) -> AdminProduct:
    """Register a product (its picture is drawn for it)."""
    return svc.create_product(body)


@router.get(
    "/products/{product_id}",
    operation_id="admin_get_product",
    response_model=AdminProduct,
    dependencies=CAN_READ,
    responses=problems(404, 422),
)
def admin_get_product(product_id: ProductId, svc: Admin) -> AdminProduct:
    """One product, deleted ones included."""
    return svc.get_product(product_id)


@router.patch(
    "/products/{product_id}",
    operation_id="admin_update_product",
    response_model=AdminProduct,
    dependencies=CAN_EDIT_CATALOG,
    responses=problems(400, 404, 409, 422),
)
def admin_update_product(product_id: ProductId, body: ProductUpdate, svc: Admin) -> AdminProduct:
    """Change some of a product's fields."""
    return svc.update_product(product_id, body)


@router.delete(
    "/products/{product_id}",
    operation_id="admin_delete_product",
    response_model=DeleteResult,
    dependencies=CAN_EDIT_CATALOG,
    responses=problems(404, 409, 422, 503),
)
def admin_delete_product(product_id: ProductId, svc: Admin) -> DeleteResult:
    """Delete a product: removed if never ordered, otherwise hidden and kept for its orders."""
    return svc.delete_product(product_id)


@router.get(
    "/stock",
    operation_id="admin_list_stock",
    response_model=AdminStockPage,
    dependencies=CAN_READ,
    responses=problems(422, 503),
)
def admin_list_stock(
    svc: Admin,
    low: Annotated[bool, Query(description="only products at or below their low-stock threshold")] = False,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> AdminStockPage:
    """Stock levels of every product (A-INV-01)."""
    return svc.stock(low_only=low, text=q, page=page, page_size=page_size)


@router.get(
    "/stock/{product_id}",
    operation_id="admin_get_stock",
    response_model=AdminStockRow,
    dependencies=CAN_READ,
    responses=problems(404, 422),
)
def admin_get_stock(product_id: ProductId, svc: Admin) -> AdminStockRow:
    """One product's stock level (null level when the inventory service is unreachable)."""
    return svc.stock_row(product_id)


@router.post(
    "/stock/{product_id}/receipts",
    operation_id="admin_receive_stock",
    response_model=StockLevel,
    status_code=status.HTTP_201_CREATED,
    dependencies=CAN_EDIT_STOCK,
    responses=problems(400, 404, 409, 422, 503),
)
def admin_receive_stock(product_id: ProductId, body: Receipt, svc: Admin) -> StockLevel:
    """Record goods received (A-INV-03)."""
    return svc.receive(product_id, body)


@router.post(
    "/stock/{product_id}/corrections",
    operation_id="admin_correct_stock",
    response_model=StockLevel,
    status_code=status.HTTP_201_CREATED,
    dependencies=CAN_EDIT_STOCK,
    responses=problems(400, 404, 409, 422, 503),
)
def admin_correct_stock(product_id: ProductId, body: Correction, svc: Admin) -> StockLevel:
    """Correct the count on hand, up or down, with the reason (A-INV-03)."""
    return svc.correct(product_id, body)


@router.patch(
    "/stock/{product_id}",
    operation_id="admin_set_low_stock_threshold",
    response_model=StockLevel,
    dependencies=CAN_EDIT_STOCK,
    responses=problems(400, 404, 422, 503),
)
def admin_set_low_stock_threshold(product_id: ProductId, body: ThresholdUpdate, svc: Admin) -> StockLevel:
    """Set the level at or below which a product counts as low on stock."""
    return svc.set_threshold(product_id, body.low_stock_threshold)


@router.get(
    "/stock/{product_id}/movements",
    operation_id="admin_list_movements",
    response_model=AdminMovementPage,
    dependencies=CAN_READ,
    responses=problems(404, 422, 503),
)
def admin_list_movements(
    product_id: ProductId, svc: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> AdminMovementPage:
    """A product's stock history, newest first."""
    return svc.movements(product_id, limit)


@router.get(
    "/orders",
    operation_id="admin_list_orders",
    response_model=AdminOrderPage,
    dependencies=CAN_READ_ORDERS,
    responses=problems(422),
)
def admin_list_orders(
    svc: Admin,
    status_: Annotated[str | None, Query(alias="status", pattern="^(pending|placed|cancelled)$")] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> AdminOrderPage:
    """Orders, newest first."""
    return svc.orders(status=status_, page=page, page_size=page_size)


@router.get(
    "/orders/{number}",
    operation_id="admin_get_order",
    response_model=OrderOut,
    dependencies=CAN_READ_ORDERS,
    responses=problems(404, 422),
)
def admin_get_order(
    number: Annotated[str, Path(pattern=r"^OS-[0-9A-Z]{4}-[0-9A-Z]{4}$")], svc: Admin
) -> OrderOut:
    """One order in full."""
    return svc.order(number)


@router.get(
    "/audit",
    operation_id="admin_list_audit",
    response_model=list[AuditEntry],
    dependencies=CAN_READ_AUDIT,
    responses=problems(422),
)
def admin_list_audit(
    svc: Admin,
    entity_type: Annotated[str | None, Query(max_length=32)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AuditEntry]:
    """The audit log, newest first: who changed what, before and after."""
    return svc.audit_log(limit=limit, entity_type=entity_type, entity_id=entity_id)
