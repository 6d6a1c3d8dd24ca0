"""The api process: the shop's HTTP API under /api, product images under /media."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from o11yshop.admin.router import router as admin_router
from o11yshop.auth.router import router as auth_router
from o11yshop.auth.service import LoginLimits
from o11yshop.cart.router import router as cart_router
from o11yshop.catalog.router import router as catalog_router
from o11yshop.config import Settings, get_settings
from o11yshop.health.checks import database_check, timed_check
from o11yshop.health.router import health_router
from o11yshop.health.schemas import DependencyCheck
from o11yshop.http.app import new_app
from o11yshop.http.database import Database
from o11yshop.http.static import mount_front_end
from o11yshop.inventory.client import InventoryClient
from o11yshop.orders.router import router as orders_router


def create_api_app(
    settings: Settings | None = None,
    database: Database | None = None,
    inventory: InventoryClient | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = database or Database.connect(settings.database_url)
        client = inventory or InventoryClient(settings.inventory_base_url, settings.inventory_timeout_seconds)
        app.state.settings = settings
        app.state.db = db
        app.state.inventory = client
        app.state.login_limits = LoginLimits(settings)
        try:
            yield
        finally:
            if inventory is None:
                client.close()
            if database is None:
                db.dispose()

    app = new_app(
        title="o11yshop",
        description="The shop's API: catalog (SVC-01), cart (SVC-03), checkout and orders (SVC-04), "
        "admin login (SVC-05), health (SVC-06) and the admin API. Errors are RFC 9457 problem JSON.",
        lifespan=lifespan,
    )

    def probes(request: Request) -> dict[str, DependencyCheck]:
        client: InventoryClient = request.app.state.inventory
        return {"database": database_check(request.app.state.db.read), "inventory": timed_check(client.ping)}

    app.include_router(health_router("api", probes), prefix="/api")
    for router in (catalog_router, cart_router, orders_router, auth_router, admin_router):
        app.include_router(router)
    media = Path(settings.media_dir)
    media.mkdir(parents=True, exist_ok=True)
    app.mount("/media", StaticFiles(directory=media), name="media")
    mount_front_end(app, Path(settings.web_dir))  # last: it answers every path no route took
    return app
