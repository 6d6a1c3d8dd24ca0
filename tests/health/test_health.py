"""SVC-06 health, and what the shop does when the inventory service is down."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from o11yshop.api.app import create_api_app
from o11yshop.db.models import IdempotencyRecord, Order, StockReservation

from conftest import LiveServer, assert_problem, checkout, free_port, make_settings, new_cart


def test_liveness_and_readiness(api, stack):
    live = api.get("/api/health")
    assert live.json() == {"status": "ok", "service": "api", "version": "0.1.0"}
    ready = api.get("/api/health/ready").json()
    assert ready["status"] == "ok"
    assert set(ready["checks"]) == {"database", "inventory"}
    assert all(c["status"] == "ok" and c["latency_ms"] >= 0 for c in ready["checks"].values())
    inventory_ready = httpx.get(stack.inventory_url + "/api/health/ready").json()
    assert inventory_ready["checks"]["database"]["status"] == "ok"


@pytest.fixture
def api_without_inventory(seeded_db, media_dir):
    """The api, pointed at an inventory address where nothing listens."""
    settings = make_settings(
        seeded_db, media_dir, inventory_url=f"http://127.0.0.1:{free_port()}", inventory_timeout_seconds=1.0
    )
    server = LiveServer(create_api_app(settings)).start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
    server.stop()


def test_inventory_down(stack, api, api_without_inventory, make_product):
    product = make_product(stock=5)
    token = new_cart(api, (product["id"], 1))  # filled while the inventory was up
    down = api_without_inventory

    ready = down.get("/api/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["inventory"]["status"] == "fail"
    assert ready.json()["checks"]["database"]["status"] == "ok"

    listing = down.get("/api/products")
    assert listing.status_code == 200
    assert {p["stock"]["status"] for p in listing.json()["items"]} == {"unknown"}
    detail = down.get(f"/api/products/{product['id']}")
    assert detail.status_code == 200
    assert detail.json()["stock"] == {"status": "unknown", "available": None}

    with stack.database.read() as session:
        orders_before = session.scalar(select(func.count(Order.id)))
        reservations_before = session.scalar(select(func.count(StockReservation.id)))
    refused = checkout(down, token, key="inventory-down-1")
    body = assert_problem(refused, 503)
    assert body["code"] == "inventory_unavailable"
    assert int(refused.headers["retry-after"]) >= 1
    with stack.database.read() as session:
        assert session.scalar(select(func.count(Order.id))) == orders_before
        assert session.scalar(select(func.count(StockReservation.id))) == reservations_before
        assert session.get(IdempotencyRecord, "inventory-down-1") is None

    # the same key succeeds once the inventory is back: nothing was left half-done
    again = checkout(api, token, key="inventory-down-1")
    assert again.status_code == 201, again.text
