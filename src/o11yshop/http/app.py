"""What every o11yshop HTTP process shares: middleware, problem JSON, OpenAPI naming."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from o11yshop import __version__, telemetry
from o11yshop.http.middleware import RequestContextMiddleware, TraceMiddleware
from o11yshop.http.problems import install_problem_handlers
from o11yshop.telemetry import metrics
from o11yshop.telemetry.runtime import watch_event_loop

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def operation_id(route: APIRoute) -> str:
    return route.name


def with_loop_watch(lifespan: Lifespan | None) -> Lifespan:
    """Wrap an app's lifespan so that, while telemetry records, event-loop lag is measured, and
    telemetry is flushed when the app stops."""

    @contextlib.asynccontextmanager
    async def wrapped(app: FastAPI) -> AsyncIterator[None]:
        watcher = asyncio.create_task(watch_event_loop()) if metrics.recorder().enabled else None
        try:
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            # here, not after uvicorn.run returns: uvicorn re-raises SIGTERM once it has shut
            # down, so code after it never runs and the last second of telemetry was lost
            await asyncio.to_thread(telemetry.shutdown)

    return wrapped


def new_app(*, title: str, description: str, lifespan: Lifespan | None = None) -> FastAPI:
    app = FastAPI(
        title=title,
        description=description,
        version=__version__,
        lifespan=with_loop_watch(lifespan),
        generate_unique_id_function=operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(TraceMiddleware)  # outermost: the access line and every log line see the trace
    return app
