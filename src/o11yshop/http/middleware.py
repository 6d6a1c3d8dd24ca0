"""ASGI middleware shared by every process: request IDs, body limits, last-resort error handling."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from o11yshop import telemetry
from o11yshop.http.context import set_request_id
from o11yshop.http.problems import problem_response
from o11yshop.telemetry import catalogue, metrics

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("o11yshop.http")
access = telemetry.get_logger("o11yshop.access")


class RequestContextMiddleware:
    """Takes ``X-Request-Id`` when it is safe to echo (or makes one), echoes it, binds it to every
    log line of the request, writes the access line, refuses bodies over the limit, and turns any
    exception that escaped the app into a 500 problem that still carries the request ID."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = 256 * 1024) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER)
        request_id = incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        set_request_id(request_id)
        telemetry.clear()
        telemetry.bind(request_id=request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        response_status: list[int] = []
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_status.append(message["status"])
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_id, response_status)
        finally:
            status = response_status[0] if response_status else 500
            route = getattr(scope.get("route"), "path", None)
            duration_ms = round((time.perf_counter() - began) * 1000, 3)
            access.info(
                f"{scope['method']} {scope['path']} {status}",
                **{
                    **telemetry.request_fields(),  # what handlers bound, even in the thread pool
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            record_request(route, scope["method"], status, duration_ms)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, response_status: list[int]) -> None:
        declared = _header(scope, "content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            if not response_status:
                await self._too_large(scope, receive, send)
        except Exception as exc:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            telemetry.record_exception(exc)
            if not response_status:
                response = problem_response(
                    Request(scope), 500, "internal_error", "an unexpected error occurred"
                )
                await response(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request body exceeds {self.max_body_bytes} bytes"
        await problem_response(Request(scope), 413, "body_too_large", detail)(scope, receive, send)


class TraceMiddleware:
    """The configured tracer's middleware (X-Ray or OpenTelemetry), chosen when the app is built;
    with telemetry off, the app itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = telemetry.instrument_app(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _header(scope: Scope, name: str) -> str | None:
    raw = name.encode("latin-1")
    for key, value in scope.get("headers", []):
        if key.lower() == raw:
            return str(value.decode("latin-1"))
    return None


def record_request(route: str | None, method: str, status: int, duration_ms: float) -> None:
    """RED metrics (O-METRIC-01, 03). Unmatched paths share one route value: a scanner's random
    URLs must not become thousands of metrics."""
    dims = {"Route": route or "(unmatched)", "Method": method, "StatusClass": f"{status // 100}xx"}
    metrics.record(catalogue.REQUESTS, 1, **dims)
    metrics.record(catalogue.LATENCY, duration_ms, **dims)
    if 400 <= status < 500:
        metrics.record(catalogue.ERRORS_4XX, 1, **dims)
    elif status >= 500:
        metrics.record(catalogue.ERRORS_5XX, 1, **dims)
