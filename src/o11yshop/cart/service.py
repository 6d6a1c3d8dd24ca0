"""SVC-03 cart rules: an anonymous cart behind an unguessable token; quantities checked against stock."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from o11yshop import telemetry
from o11yshop.cart.repository import CartRepository, token_hash
from o11yshop.cart.schemas import MAX_LINE_QUANTITY, MAX_LINES, CartLine, CartOut, NewCart
from o11yshop.catalog.repository import CatalogRepository
from o11yshop.catalog.schemas import Money
from o11yshop.catalog.service import image_url, stock_of
from o11yshop.db.models import Cart, CartItem, Product
from o11yshop.http.problems import AppError, Conflict, FieldError, Invalid, NotFound
from o11yshop.inventory.client import InventoryClient, InventoryUnavailable
from o11yshop.telemetry import catalogue, metrics

log = telemetry.get_logger("o11yshop.cart")


class NotEnoughStock(AppError):
    status = 409
    code = "insufficient_stock"

    def __init__(self, product_id: int, wanted: int, available: int) -> None:
        super().__init__(
            f"only {available} of product {product_id} can be bought now",
            errors=[
                FieldError(
                    field="body.quantity",
                    message=f"requested {wanted}, available {available}",
                    type="insufficient_stock",
                )
            ],
        )


class CartService:
    def __init__(self, session: Session, inventory: InventoryClient, currency: str) -> None:
        self.session = session
        self.carts = CartRepository(session)
        self.catalog = CatalogRepository(session)
        self.inventory = inventory
        self.currency = currency

    def create(self) -> NewCart:
        token = secrets.token_urlsafe(32)
        cart = self.carts.add(
            Cart(token_hash=token_hash(token), status="open", currency=self.currency, items=[])
        )
        return NewCart(token=token, cart=self.view_of(cart))

    def get(self, token: str) -> Cart:
        cart = self.carts.by_token(token)
        if cart is None:
            raise NotFound("no cart for this token")
        telemetry.bind(cart_id=cart.id)
        return cart

    def view(self, token: str) -> CartOut:
        return self.view_of(self.get(token))

    def add_item(self, token: str, product_id: int, quantity: int) -> CartOut:
        cart = self._open(token)
        product = self._product(product_id)
        line = next((i for i in cart.items if i.product_id == product_id), None)
        wanted = quantity + (line.quantity if line else 0)
        if wanted > MAX_LINE_QUANTITY:
            raise Invalid(
                "body.quantity",
                f"at most {MAX_LINE_QUANTITY} of one product per order",
                type_="less_than_equal",
            )
        if line is None and len(cart.items) >= MAX_LINES:
            raise Invalid(
                "body.product_id", f"a cart holds at most {MAX_LINES} different products", type_="too_long"
            )
        self._check_stock(product, wanted)
        if line is None:
            cart.items.append(CartItem(product_id=product.id, quantity=wanted))
        else:
            line.quantity = wanted
        self.session.flush()
        metrics.record(catalogue.CART_ADDS, quantity)
        return self.view_of(cart)

    def set_quantity(self, token: str, product_id: int, quantity: int) -> CartOut:
        cart = self._open(token)
        line = self._line(cart, product_id)
        if quantity > line.quantity:
            self._check_stock(self._product(product_id), quantity)
        line.quantity = quantity
        self.session.flush()
        return self.view_of(cart)

    def remove_item(self, token: str, product_id: int) -> CartOut:
        cart = self._open(token)
        line = self._line(cart, product_id)
        cart.items.remove(line)
        self.session.flush()
        metrics.record(catalogue.CART_REMOVES, line.quantity)
        return self.view_of(cart)

    def view_of(self, cart: Cart) -> CartOut:
        products = self.catalog.visible_products([i.product_id for i in cart.items]) if cart.items else {}
        levels = self.inventory.levels_if_up(products) if cart.status == "open" else {}
        lines = []
        for item in cart.items:
            product = products.get(item.product_id)
            if product is None:
                continue  # withdrawn from sale since it was added; checkout ignores it too
            price = Money(amount_minor=product.price_minor, currency=product.currency)
            lines.append(
                CartLine(
                    product_id=product.id,
                    sku=product.sku,
                    name=product.name,
                    image_url=image_url(product),
                    unit_price=price,
                    quantity=item.quantity,
                    line_total=Money(
                        amount_minor=product.price_minor * item.quantity, currency=product.currency
                    ),
                    stock=stock_of(levels.get(product.id) if levels is not None else None),
                )
            )
        return CartOut(
            status=cart.status,
            items=lines,
            item_count=sum(line.quantity for line in lines),
            total=Money(
                amount_minor=sum(line.line_total.amount_minor for line in lines), currency=cart.currency
            ),
        )

    def _open(self, token: str) -> Cart:
        cart = self.get(token)
        if cart.status != "open":
            raise Conflict("this cart was checked out; start a new one", code="cart_checked_out")
        return cart

    def _product(self, product_id: int) -> Product:
        product = self.catalog.visible_product(product_id)
        if product is None:
            raise Invalid("body.product_id", f"no product {product_id} on sale", type_="unknown_product")
        if product.currency != self.currency:
            raise Invalid(
                "body.product_id", f"priced in {product.currency}, the shop sells in {self.currency}"
            )
        return product

    @staticmethod
    def _line(cart: Cart, product_id: int) -> CartItem:
        line = next((i for i in cart.items if i.product_id == product_id), None)
        if line is None:
            raise NotFound(f"product {product_id} is not in the cart")
        return line

    def _check_stock(self, product: Product, wanted: int) -> None:
        try:
            level = self.inventory.level(product.id)
        except InventoryUnavailable as exc:
            # Taking the item beats losing the sale: checkout checks stock again, and there it must.
            log.warning("cart took an item without a stock check", product_id=product.id, reason=exc.detail)
            return
        if wanted > level.available:
            raise NotEnoughStock(product.id, wanted, max(level.available, 0))
