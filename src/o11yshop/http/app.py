"""What every o11yshop HTTP process shares: middleware, problem JSON, OpenAPI naming."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from o11yshop import __version__
from o11yshop.http.middleware import RequestContextMiddleware
from o11yshop.http.problems import install_problem_handlers

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def operation_id(route: APIRoute) -> str:
    return route.name


def new_app(*, title: str, description: str, lifespan: Lifespan | None = None) -> FastAPI:
    app = FastAPI(
        title=title,
        description=description,
        version=__version__,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    return app
