"""The inventory process (SVC-02): its own FastAPI app, port and OpenAPI document."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request

from o11yshop.config import Settings, get_settings
from o11yshop.db.engine import session_scope
from o11yshop.health.checks import database_check
from o11yshop.health.router import health_router
from o11yshop.health.schemas import DependencyCheck
from o11yshop.http.app import new_app
from o11yshop.http.database import Database
from o11yshop.inventory.router import router
from o11yshop.inventory.service import InventoryService

SWEEP_INTERVAL_SECONDS = 15.0
log = logging.getLogger("o11yshop.inventory")


def create_inventory_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = database or Database.connect(settings.database_url)
        app.state.settings = settings
        app.state.db = db
        sweeper = asyncio.create_task(_sweep_forever(db, settings))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            if database is None:
                db.dispose()

    app = new_app(
        title="o11yshop inventory",
        description="Stock levels, reservations and movements (SVC-02).",
        lifespan=lifespan,
    )

    def probes(request: Request) -> dict[str, DependencyCheck]:
        return {"database": database_check(request.app.state.db.read)}

    app.include_router(health_router("inventory", probes), prefix="/api")
    app.include_router(router)
    return app


async def _sweep_forever(db: Database, settings: Settings) -> None:
    """Expired reservations give their stock back even when no checkout comes along."""
    while True:
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        try:
            released = await asyncio.to_thread(_sweep_once, db, settings)
            if released:
                log.info("released %d expired reservations", released)
        except Exception:
            log.exception("reservation sweep failed")


def _sweep_once(db: Database, settings: Settings) -> int:
    with session_scope(db.write) as session:
        return InventoryService(
            session,
            default_threshold=settings.default_low_stock_threshold,
            reservation_ttl_seconds=settings.reservation_ttl_seconds,
        ).sweep_expired()
