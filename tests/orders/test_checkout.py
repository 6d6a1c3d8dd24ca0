"""SVC-04 checkout: all or nothing, no oversell, one order per Idempotency-Key."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from o11yshop.api.app import create_api_app
from o11yshop.db.models import (
    IdempotencyRecord,
    Order,
    OrderItem,
    Stock,
    StockReservation,
    StockReservationItem,
)
from o11yshop.inventory.client import InventoryClient

from conftest import SHIPPING, LiveServer, Stack, assert_problem, checkout, make_settings, new_cart


def stock_row(stack: Stack, product_id: int) -> Stock:
    with stack.database.read() as session:
        row = session.get(Stock, product_id)
        assert row is not None
        session.expunge(row)
        return row


def orders_for(stack: Stack, product_id: int) -> int:
    with stack.database.read() as session:
        return session.scalar(select(func.count(OrderItem.id)).where(OrderItem.product_id == product_id)) or 0


def test_checkout_places_the_order_and_takes_the_stock(stack, api, make_product):
    cheap = make_product(stock=10, price_minor=1200)
    dear = make_product(stock=3, price_minor=2500)
    token = new_cart(api, (cheap["id"], 2), (dear["id"], 1))

    placed = checkout(api, token)

    assert placed.status_code == 201, placed.text
    body = placed.json()
    order = body["order"]
    assert order["status"] == "placed"
    assert [(i["product_id"], i["quantity"], i["line_total"]["amount_minor"]) for i in order["items"]] == [
        (cheap["id"], 2, 2400),
        (dear["id"], 1, 2500),
    ]
    assert order["subtotal"]["amount_minor"] == 4900
    assert order["shipping_fee"]["amount_minor"] == 500  # under the 5,000 free-shipping line
    assert order["total"]["amount_minor"] == 5400
    assert stock_row(stack, cheap["id"]).on_hand == 8
    assert stock_row(stack, dear["id"]).on_hand == 2
    assert stock_row(stack, dear["id"]).reserved == 0

    looked_up = api.get(f"/api/orders/{order['number']}", params={"token": body["access_token"]})
    assert looked_up.status_code == 200
    assert looked_up.json()["number"] == order["number"]
    assert looked_up.json()["shipping"]["email"] == SHIPPING["email"]

    # the cart is spent: it cannot be changed or checked out again
    assert_problem(checkout(api, token), 409)
    assert api.get("/api/cart", headers={"X-Cart-Token": token}).json()["status"] == "checked_out"


def test_order_lookup_needs_the_right_token(api, make_product):
    product = make_product(stock=2)
    placed = checkout(api, new_cart(api, (product["id"], 1))).json()
    number = placed["order"]["number"]
    assert_problem(api.get(f"/api/orders/{number}", params={"token": "x" * 32}), 404)
    assert_problem(api.get(f"/api/orders/{number}"), 422, "query.token")
    assert_problem(api.get("/api/orders/OS-0000-0000", params={"token": placed["access_token"]}), 404)
    assert_problem(
        api.get(f"/api/orders/{number}", params={"token": "é" * 10}), 404
    )  # found by the fuzzer: was 500
    by_header = api.get(f"/api/orders/{number}", headers={"X-Order-Token": placed["access_token"]})
    assert by_header.status_code == 200


def test_free_shipping_from_the_threshold(api, make_product):
    product = make_product(stock=5, price_minor=5000)
    order = checkout(api, new_cart(api, (product["id"], 1))).json()["order"]
    assert order["shipping_fee"]["amount_minor"] == 0
    assert order["total"]["amount_minor"] == 5000


def test_checkout_errors_name_the_fields(api, make_product):
    product = make_product(stock=5)
    token = new_cart(api, (product["id"], 1))
    bad = SHIPPING | {"email": "not-an-email", "postal_code": ""}
    body = assert_problem(checkout(api, token, shipping=bad), 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"body.shipping.email", "body.shipping.postal_code"}

    missing_key = api.post("/api/checkout", json={"shipping": SHIPPING}, headers={"X-Cart-Token": token})
    assert_problem(missing_key, 422, "header.idempotency-key")
    assert_problem(checkout(api, token, key="short"), 422, "header.idempotency-key")

    empty = new_cart(api)
    assert_problem(checkout(api, empty), 422, "cart")
    assert_problem(checkout(api, "A" * 43), 404)


def test_key_reused_with_another_address_is_refused(api, make_product):
    product = make_product(stock=5)
    token = new_cart(api, (product["id"], 1))
    key = uuid.uuid4().hex
    assert checkout(api, token, key=key).status_code == 201
    other = SHIPPING | {"name": "Someone Else"}
    assert_problem(checkout(api, token, key=key, shipping=other), 422, "header.idempotency-key")


def run_concurrently(count: int, call):
    """Start ``count`` calls together (a barrier releases them at once) and collect the responses."""
    barrier = threading.Barrier(count)

    def one(index: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_no_oversell_under_40_concurrent_checkouts(stack, make_product):
    product = make_product(stock=10)
    with stack.client() as setup:
        tokens = [new_cart(setup, (product["id"], 1)) for _ in range(40)]

    def attempt(index: int) -> httpx.Response:
        with stack.client() as client:
            return checkout(client, tokens[index])

    responses = run_concurrently(40, attempt)

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 10, statuses
    assert statuses.count(409) == 30, [
        (r.status_code, r.text[:300]) for r in responses if r.status_code not in (201, 409)
    ]
    for refused in (r for r in responses if r.status_code == 409):
        assert assert_problem(refused, 409)["code"] == "insufficient_stock"
    row = stock_row(stack, product["id"])
    assert (row.on_hand, row.reserved) == (0, 0)
    assert orders_for(stack, product["id"]) == 10
    with stack.database.read() as session:  # every refused checkout gave its hold back
        held = session.scalar(
            select(func.count(StockReservation.id)).where(
                StockReservation.status == "held",
                StockReservation.items.any(StockReservationItem.product_id == product["id"]),
            )
        )
    assert held == 0


def test_one_order_for_five_concurrent_retries_of_one_key(stack, make_product):
    product = make_product(stock=4)
    with stack.client() as setup:
        token = new_cart(setup, (product["id"], 2))
    key = uuid.uuid4().hex

    def attempt(_index: int) -> httpx.Response:
        with stack.client() as client:
            return checkout(client, token, key=key)

    responses = run_concurrently(5, attempt)

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    numbers = {r.json()["order"]["number"] for r in responses}
    tokens = {r.json()["access_token"] for r in responses}
    assert len(numbers) == 1
    assert len(tokens) == 1
    assert orders_for(stack, product["id"]) == 1
    assert stock_row(stack, product["id"]).on_hand == 2
    with stack.database.read() as session:
        assert session.scalar(select(func.count(Order.id)).where(Order.idempotency_key == key)) == 1
        assert session.get(IdempotencyRecord, key).state == "done"


@pytest.mark.parametrize("quantity", [1, 3])
def test_a_sold_out_product_cannot_be_checked_out(stack, api, make_product, quantity):
    product = make_product(stock=3)
    token = new_cart(api, (product["id"], quantity))
    # someone else buys the shelf empty between add-to-cart and checkout
    assert checkout(api, new_cart(api, (product["id"], 3))).status_code == 201
    body = assert_problem(checkout(api, token), 409)
    assert body["code"] == "insufficient_stock"
    assert body["errors"][0]["field"] == f"items.product_id={product['id']}"
    assert api.get("/api/cart", headers={"X-Cart-Token": token}).json()["status"] == "open"


class FailCommits(httpx.HTTPTransport):
    """Fault injection: the inventory is reachable, but every commit call is cut off."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/commit"):
            raise httpx.ConnectError("injected fault: connection reset", request=request)
        return super().handle_request(request)


def test_a_failure_after_reserving_leaves_nothing_behind(stack, api, seeded_db, media_dir, make_product):
    product = make_product(stock=5)
    token = new_cart(api, (product["id"], 2))
    settings = make_settings(seeded_db, media_dir, inventory_url=stack.inventory_url)
    client = InventoryClient(stack.inventory_url, 5.0, transport=FailCommits())
    faulty = LiveServer(create_api_app(settings, inventory=client)).start()
    try:
        with httpx.Client(base_url=faulty.url, timeout=30) as shop:
            refused = checkout(shop, token, key="commit-fails-1")
    finally:
        faulty.stop()
        client.close()

    assert_problem(refused, 503)
    with stack.database.read() as session:
        assert (
            session.scalar(select(func.count(Order.id)).where(Order.idempotency_key == "commit-fails-1")) == 0
        )
        assert session.get(IdempotencyRecord, "commit-fails-1") is None
        reservation = session.scalar(
            select(StockReservation).where(StockReservation.reference == "checkout commit-fails-1")
        )
        assert reservation is not None
        assert reservation.status == "released"
    row = stock_row(stack, product["id"])
    assert (row.on_hand, row.reserved) == (5, 0)
    assert api.get("/api/cart", headers={"X-Cart-Token": token}).json()["status"] == "open"
    assert orders_for(stack, product["id"]) == 0

    retried = checkout(api, token, key="commit-fails-1")  # the healthy path, same key
    assert retried.status_code == 201, retried.text
    assert stock_row(stack, product["id"]).on_hand == 3
