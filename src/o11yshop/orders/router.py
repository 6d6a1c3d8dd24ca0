"""SVC-04 HTTP: checkout and the customer's order lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status

from o11yshop.api.deps import IDEMPOTENCY_KEY_PATTERN, CartToken, InventoryDep, SettingsDep
from o11yshop.http.database import database
from o11yshop.http.problems import Invalid, problems
from o11yshop.orders.schemas import CheckoutRequest, OrderOut, PlacedOrder
from o11yshop.orders.service import CheckoutService

router = APIRouter(prefix="/api", tags=["orders"])
OrderNumber = Annotated[str, Path(pattern=r"^OS-[0-9A-Z]{4}-[0-9A-Z]{4}$", description="e.g. OS-7K3M-9QXD")]


def _checkout(request: Request, inventory: InventoryDep, settings: SettingsDep) -> CheckoutService:
    return CheckoutService(database(request), inventory, settings)


Checkout = Annotated[CheckoutService, Depends(_checkout)]


@router.post(
    "/checkout",
    operation_id="checkout",
    response_model=PlacedOrder,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": PlacedOrder, "description": "replay: the order this Idempotency-Key placed"},
        **problems(400, 404, 409, 422, 503),
    },
)
def checkout(
    body: CheckoutRequest,
    token: CartToken,
    idempotency_key: Annotated[
        str,
        Header(
            pattern=IDEMPOTENCY_KEY_PATTERN, description="unique per checkout attempt; resend it on retry"
        ),
    ],
    service: Checkout,
    response: Response,
) -> PlacedOrder:
    """Place the cart's order: reserve stock, write the order, commit the stock; all or nothing."""
    placed, created = service.checkout(token, idempotency_key, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return placed


@router.get(
    "/orders/{number}", operation_id="get_order", response_model=OrderOut, responses=problems(404, 422)
)
def get_order(
    number: OrderNumber,
    service: Checkout,
    token: Annotated[
        str | None, Query(max_length=64, description="the access token checkout returned")
    ] = None,
    x_order_token: Annotated[str | None, Header(max_length=64)] = None,
) -> OrderOut:
    """An order's status and contents, for whoever holds its number and access token."""
    secret = x_order_token or token
    if not secret:
        raise Invalid("query.token", "the order's access token is required", type_="missing")
    return service.lookup(number, secret)
