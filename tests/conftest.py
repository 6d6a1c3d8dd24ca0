"""Test fixtures: a real database (SQLite file, or a throwaway MariaDB database when
O11YSHOP_TEST_DATABASE_URL names a server), migrated and seeded once, and the real inventory and
api processes' apps served by uvicorn on loopback ports, called over HTTP."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from o11yshop.api.app import create_api_app
from o11yshop.config import Settings
from o11yshop.db.migrate import upgrade
from o11yshop.http.database import Database
from o11yshop.inventory.app import create_inventory_app
from o11yshop.seed import seed_database

from telemetry_shop import Shop, start_shop
from telemetry_shop import free_port as free_port  # the tests import it from here

TEST_JWT_SECRET = "test-secret-" + "x" * 40
ADMIN_EMAIL = "admin@o11yshop.test"
ADMIN_PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "db_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: needs the test database (runs on SQLite and on MariaDB)")


# -- database -------------------------------------------------------------------------------------


@contextmanager
def throwaway_database(tmp_dir: Path) -> Iterator[str]:
    """A new empty database: a SQLite file in ``tmp_dir``, or, when O11YSHOP_TEST_DATABASE_URL names a
    MySQL/MariaDB server, a database of its own there, dropped afterwards."""
    server = os.environ.get("O11YSHOP_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_dir / 'o11yshop.db'}"
        return
    base = make_url(server)
    name = f"o11yshop_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database=""), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def make_settings(db_url: str, media_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": db_url,
        "jwt_secret": TEST_JWT_SECRET,
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "media_dir": media_dir,
        "web_dir": media_dir / "no-front-end-build",  # tests that want one build their own
        "reservation_ttl_seconds": 60,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def seeded_db(db_url: str, media_dir: Path) -> str:
    upgrade(db_url)
    seed_database(make_settings(db_url, media_dir))
    return db_url


# -- live processes -------------------------------------------------------------------------------


class LiveServer:
    """An ASGI app served by uvicorn on a free loopback port, in a thread of the test process."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


@dataclass
class Stack:
    settings: Settings
    api_url: str
    inventory_url: str
    database: Database

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.api_url, timeout=30, **kwargs)


def start_stack(db_url: str, media_dir: Path, **overrides: Any) -> tuple[Stack, Callable[[], None]]:
    """Start the inventory and the api (pointing at it) with their own settings."""
    inventory_settings = make_settings(db_url, media_dir, **overrides)
    inventory = LiveServer(create_inventory_app(inventory_settings)).start()
    settings = make_settings(db_url, media_dir, inventory_url=inventory.url, **overrides)
    database = Database.connect(db_url)
    api = LiveServer(create_api_app(settings)).start()

    def stop() -> None:
        api.stop()
        inventory.stop()
        database.dispose()

    return Stack(settings, api.url, inventory.url, database), stop


@pytest.fixture(scope="session")
def stack(seeded_db: str, media_dir: Path) -> Iterator[Stack]:
    live, stop = start_stack(seeded_db, media_dir)
    try:
        yield live
    finally:
        stop()


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    with stack.client() as client:
        yield client


@pytest.fixture(scope="session")
def admin_token(stack: Stack) -> str:
    with stack.client() as client:
        response = client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
def admin(stack: Stack, admin_token: str) -> Iterator[httpx.Client]:
    with stack.client(headers={"Authorization": f"Bearer {admin_token}"}) as client:
        yield client


@pytest.fixture
def make_product(admin: httpx.Client) -> Callable[..., dict[str, Any]]:
    """Create a product of this test's own through the admin API, with ``stock`` units received."""

    def make(stock: int = 0, price_minor: int = 1000, category_id: int = 1, **fields: Any) -> dict[str, Any]:
        sku = "T-" + secrets.token_hex(5).upper()
        body = {
            "sku": sku,
            "name": f"Test product {sku}",
            "price_minor": price_minor,
            "category_id": category_id,
        }
        response = admin.post("/api/admin/products", json=body | fields)
        assert response.status_code == 201, response.text
        product = response.json()
        if stock:
            received = admin.post(
                f"/api/admin/stock/{product['id']}/receipts", json={"quantity": stock, "reason": "test stock"}
            )
            assert received.status_code == 201, received.text
        return dict(product)

    return make


SHIPPING = {
    "name": "Hanako Yamada",
    "email": "hanako@example.com",
    "phone": "+81 3-1234-5678",
    "postal_code": "100-0001",
    "region": "Tokyo",
    "city": "Chiyoda-ku",
    "line1": "1-1 Chiyoda",
    "country": "JP",
}


def new_cart(client: httpx.Client, *lines: tuple[int, int]) -> str:
    """A cart holding (product ID, quantity) lines; returns its token."""
    created = client.post("/api/cart")
    assert created.status_code == 201, created.text
    token = str(created.json()["token"])
    for product_id, quantity in lines:
        added = client.post(
            "/api/cart/items",
            json={"product_id": product_id, "quantity": quantity},
            headers={"X-Cart-Token": token},
        )
        assert added.status_code == 200, added.text
    return token


def checkout(
    client: httpx.Client, token: str, key: str | None = None, shipping: dict[str, Any] | None = None
) -> httpx.Response:
    return client.post(
        "/api/checkout",
        json={"shipping": shipping or SHIPPING},
        headers={"X-Cart-Token": token, "Idempotency-Key": key or uuid.uuid4().hex},
    )


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The answer is RFC 9457 problem JSON with ``status``, a request ID, and ``field`` named."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    assert body["request_id"] == response.headers["x-request-id"]
    if field is not None:
        assert any(e["field"] == field for e in body.get("errors") or []), body
    return dict(body)


MODES = ("aws", "otel")


@pytest.fixture(scope="module", params=MODES)
def observed_shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """The shop as a learner runs it (`o11yshop up`), in each observability mode in turn: the same
    tests read both back through the same AWS APIs. One stack per mode per test module, so that
    each module's counts are its own."""
    mode = request.param
    shop, up = start_shop(tmp_path_factory.mktemp(f"{mode}-mode"), mode)
    try:
        yield shop
    finally:
        up.send_signal(signal.SIGTERM)
        up.wait(timeout=60)
