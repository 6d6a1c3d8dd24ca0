"""Every table, imported here so Alembic and the app see one metadata."""

from o11yshop.db.models.admin import AdminUser, AuditLog
from o11yshop.db.models.cart import Cart, CartItem
from o11yshop.db.models.catalog import Category, Product
from o11yshop.db.models.inventory import Stock, StockMovement, StockReservation, StockReservationItem
from o11yshop.db.models.orders import IdempotencyRecord, Order, OrderItem

__all__ = [
    "AdminUser",
    "AuditLog",
    "Cart",
    "CartItem",
    "Category",
    "IdempotencyRecord",
    "Order",
    "OrderItem",
    "Product",
    "Stock",
    "StockMovement",
    "StockReservation",
    "StockReservationItem",
]
