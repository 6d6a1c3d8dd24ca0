"""SVC-03 HTTP: the cart, addressed by the X-Cart-Token header (never in the URL, so never in access logs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from o11yshop.api.deps import CartToken, InventoryDep, SettingsDep
from o11yshop.cart.schemas import AddItem, CartOut, NewCart, SetQuantity
from o11yshop.cart.service import CartService
from o11yshop.http.database import ReadSession, WriteSession
from o11yshop.http.problems import problems
from o11yshop.inventory.schemas import ProductId

router = APIRouter(prefix="/api/cart", tags=["cart"])


def _writer(session: WriteSession, inventory: InventoryDep, settings: SettingsDep) -> CartService:
    return CartService(session, inventory, settings.currency)


def _reader(session: ReadSession, inventory: InventoryDep, settings: SettingsDep) -> CartService:
    return CartService(session, inventory, settings.currency)


Carts = Annotated[CartService, Depends(_writer)]
CartReader = Annotated[CartService, Depends(_reader)]


@router.post("", operation_id="create_cart", response_model=NewCart, status_code=status.HTTP_201_CREATED)
def create_cart(carts: Carts) -> NewCart:
    """Start an empty cart and get its token."""
    return carts.create()


@router.get("", operation_id="get_cart", response_model=CartOut, responses=problems(404, 422))
def get_cart(token: CartToken, carts: CartReader) -> CartOut:
    """The cart with current prices, line totals and the total."""
    return carts.view(token)


@router.post(
    "/items", operation_id="add_cart_item", response_model=CartOut, responses=problems(400, 404, 409, 422)
)
def add_cart_item(body: AddItem, token: CartToken, carts: Carts) -> CartOut:
    """Add units of a product (added to any already in the cart)."""
    return carts.add_item(token, body.product_id, body.quantity)


@router.put(
    "/items/{product_id}",
    operation_id="set_cart_item_quantity",
    response_model=CartOut,
    responses=problems(400, 404, 409, 422),
)
def set_cart_item_quantity(
    product_id: ProductId, body: SetQuantity, token: CartToken, carts: Carts
) -> CartOut:
    """Set how many units of a product the cart holds."""
    return carts.set_quantity(token, product_id, body.quantity)


@router.delete(
    "/items/{product_id}",
    operation_id="remove_cart_item",
    response_model=CartOut,
    responses=problems(404, 409, 422),
)
def remove_cart_item(product_id: ProductId, token: CartToken, carts: Carts) -> CartOut:
    """Take a product out of the cart."""
    return carts.remove_item(token, product_id)
