"""ASGI middleware shared by every process: request IDs, body limits, last-resort error handling."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from o11yshop.http.context import set_request_id
from o11yshop.http.problems import problem_response

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("o11yshop.http")


class RequestContextMiddleware:
    """Takes ``X-Request-Id`` when it is safe to echo (or makes one), echoes it, and turns any
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
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = request_id
            await send(message)

        declared = _header(scope, "content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            response = problem_response(
                Request(scope),
                413,
                "body_too_large",
                f"the request body exceeds {self.max_body_bytes} bytes",
            )
            await response(scope, receive, send_with_id)
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
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLarge:
            if not started:
                response = problem_response(
                    Request(scope),
                    413,
                    "body_too_large",
                    f"the request body exceeds {self.max_body_bytes} bytes",
                )
                await response(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                response = problem_response(
                    Request(scope), 500, "internal_error", "an unexpected error occurred"
                )
                await response(scope, receive, send_with_id)


class _BodyTooLarge(Exception):
    pass


def _header(scope: Scope, name: str) -> str | None:
    raw = name.encode("latin-1")
    for key, value in scope.get("headers", []):
        if key.lower() == raw:
            return str(value.decode("latin-1"))
    return None
