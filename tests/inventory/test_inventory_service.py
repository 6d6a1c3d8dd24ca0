"""SVC-02 inventory, called over HTTP as the api calls it: reserve / commit / release / cancel,
idempotent by reservation ID, expiry, and stock that never goes below zero."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from o11yshop.db.base import utcnow
from o11yshop.db.engine import session_scope
from o11yshop.db.models import StockReservation
from o11yshop.inventory.service import InventoryService

from conftest import assert_problem


@pytest.fixture
def inventory(stack):
    with httpx.Client(base_url=stack.inventory_url, timeout=30) as client:
        yield client


@pytest.fixture
def product_id(make_product):
    return make_product(stock=10)["id"]


def rid() -> str:
    return f"test-{uuid.uuid4().hex}"


def level(inventory, product_id):
    return inventory.get(f"/api/stock/{product_id}").json()


def reserve(inventory, reservation_id, product_id, quantity):
    return inventory.post(
        "/api/reservations",
        json={"reservation_id": reservation_id, "items": [{"product_id": product_id, "quantity": quantity}]},
    )


def test_reserve_then_commit(inventory, product_id):
    r = rid()
    created = reserve(inventory, r, product_id, 4)
    assert created.status_code == 201
    assert created.json()["status"] == "held"
    assert (level(inventory, product_id)["on_hand"], level(inventory, product_id)["reserved"]) == (10, 4)
    assert level(inventory, product_id)["available"] == 6

    assert reserve(inventory, r, product_id, 4).status_code == 200  # same ID again: no second hold
    assert level(inventory, product_id)["reserved"] == 4
    assert_problem(reserve(inventory, r, product_id, 5), 409)  # same ID, other items

    for _ in range(2):  # commit is idempotent
        committed = inventory.post(f"/api/reservations/{r}/commit")
        assert committed.json()["status"] == "committed"
    assert (level(inventory, product_id)["on_hand"], level(inventory, product_id)["reserved"]) == (6, 0)
    assert_problem(inventory.post(f"/api/reservations/{r}/release"), 409)


def test_release_gives_stock_back(inventory, product_id):
    r = rid()
    reserve(inventory, r, product_id, 10)
    assert level(inventory, product_id)["status"] == "sold_out"
    assert_problem(reserve(inventory, rid(), product_id, 1), 409)
    for _ in range(2):
        assert inventory.post(f"/api/reservations/{r}/release").json()["status"] == "released"
    assert level(inventory, product_id)["available"] == 10
    assert_problem(inventory.post(f"/api/reservations/{r}/commit"), 409)


def test_cancel_puts_a_sale_back_on_the_shelf(inventory, product_id):
    r = rid()
    reserve(inventory, r, product_id, 3)
    inventory.post(f"/api/reservations/{r}/commit")
    assert (
        inventory.post(f"/api/reservations/{r}/cancel", params={"actor": "test"}).json()["status"]
        == "cancelled"
    )
    assert inventory.post(f"/api/reservations/{r}/cancel").json()["status"] == "cancelled"
    assert level(inventory, product_id)["on_hand"] == 10
    reasons = [m["reason"] for m in inventory.get(f"/api/stock/{product_id}/movements").json()["items"]]
    assert reasons[:3] == ["cancel", "sale", "reserve"]


def test_all_or_nothing_across_lines(inventory, make_product):
    plenty = make_product(stock=10)["id"]
    scarce = make_product(stock=1)["id"]
    response = inventory.post(
        "/api/reservations",
        json={
            "reservation_id": rid(),
            "items": [{"product_id": plenty, "quantity": 2}, {"product_id": scarce, "quantity": 2}],
        },
    )
    body = assert_problem(response, 409)
    assert body["code"] == "insufficient_stock"
    assert [e["field"] for e in body["errors"]] == [f"items.product_id={scarce}"]
    assert level(inventory, plenty)["reserved"] == 0  # the line that fitted was not held either


def test_expired_reservations_are_released(stack, inventory, product_id):
    r = rid()
    reserve(inventory, r, product_id, 7)
    with session_scope(stack.database.write) as session:  # let its time run out
        session.execute(
            update(StockReservation)
            .where(StockReservation.id == r)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert_problem(inventory.post(f"/api/reservations/{r}/commit"), 409)
    with session_scope(stack.database.write) as session:
        released = InventoryService(session, default_threshold=5, reservation_ttl_seconds=60).sweep_expired()
    assert released >= 1
    assert inventory.get(f"/api/reservations/{r}").json()["status"] == "expired"
    assert level(inventory, product_id)["reserved"] == 0
    assert_problem(inventory.post(f"/api/reservations/{r}/commit"), 409)


def test_on_hand_never_goes_below_what_is_held(inventory, product_id):
    reserve(inventory, rid(), product_id, 8)
    too_much = inventory.post(
        f"/api/stock/{product_id}/adjustments",
        json={"kind": "correction", "quantity": -3, "reason": "count", "actor": "t"},
    )
    assert assert_problem(too_much, 409)["code"] == "stock_would_go_negative"
    ok = inventory.post(
        f"/api/stock/{product_id}/adjustments",
        json={"kind": "correction", "quantity": -2, "reason": "count", "actor": "t"},
    )
    assert ok.json()["level"]["on_hand"] == 8


def test_inventory_input_errors(inventory):
    assert_problem(inventory.post("/api/reservations", json={"reservation_id": "x", "items": []}), 422)
    assert_problem(
        inventory.post(
            "/api/reservations", json={"reservation_id": rid(), "items": [{"product_id": 1, "quantity": 0}]}
        ),
        422,
        "body.items.0.quantity",
    )
    assert_problem(inventory.post("/api/stock/lookup", json={"product_ids": list(range(1, 300))}), 422)
    assert_problem(inventory.get("/api/reservations/nope-nope-nope"), 404)
    assert_problem(
        inventory.post(
            "/api/stock/1/adjustments", json={"kind": "theft", "quantity": 1, "reason": "???", "actor": "t"}
        ),
        422,
        "body.kind",
    )
