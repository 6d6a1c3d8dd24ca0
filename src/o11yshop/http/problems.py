"""RFC 9457 problem details: one error base, one renderer, the request ID on every answer."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from o11yshop.http.context import current_request_id
from o11yshop.telemetry.logs import get_logger

refused = get_logger("o11yshop.http.refused")
PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://o11yshop.dev/problems/"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class FieldError(BaseModel):
    field: str = Field(description="dotted path of the offending field, e.g. body.shipping.email")
    message: str
    type: str


class Problem(BaseModel):
    """Problem details (RFC 9457), extended with the request ID and, for 422, the fields."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    """A business error the client can act on; rendered as problem JSON."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.errors = errors
        self.headers = headers or {}


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"

    def __init__(self, detail: str = "a valid bearer token is required") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="o11yshop-admin"'})


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class Invalid(AppError):
    """422 for a rule on one field that a schema cannot express (e.g. quantity over stock)."""

    status = 422
    code = "validation_failed"

    def __init__(self, field: str, message: str, *, type_: str = "value_error") -> None:
        super().__init__(f"{field}: {message}", errors=[FieldError(field=field, message=message, type=type_)])


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"

    def __init__(self, detail: str, retry_after: int = 5) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def problem_response(
    request: Request | None,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + code.replace("_", "-"),
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path if request is not None else None,
        code=code,
        request_id=current_request_id(),
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        out.append(
            FieldError(field=_field_path(loc), message=str(err.get("msg", "")), type=err.get("type", ""))
        )
    return out


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        refused.info("request refused", status=exc.status, code=exc.code, detail=exc.detail)
        return problem_response(
            request, exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        refused.info(
            "request rejected",
            status=422,
            code="validation_failed",
            # what was sent stays out: a half-typed e-mail or card number is no pattern redaction knows
            errors=[{"field": _field_path(e.get("loc", ())), "type": e.get("type")} for e in exc.errors()],
        )
        if any(e.type == "json_invalid" for e in errors):
            return problem_response(
                request, 400, "malformed_json", "the request body is not valid JSON", errors=errors
            )
        fields = ", ".join(sorted({e.field for e in errors}))
        return problem_response(request, 422, "validation_failed", f"invalid fields: {fields}", errors=errors)

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> JSONResponse:
        # Lock waits, deadlocks and a database that went away are worth a retry, not a 500.
        logging.getLogger("o11yshop.http").warning(
            "database error on %s %s: %s", request.method, request.url.path, exc.orig
        )
        busy = any(word in str(exc.orig).lower() for word in ("locked", "deadlock", "lock wait"))
        code, detail = (
            ("database_busy", "the database is busy; retry")
            if busy
            else ("database_unavailable", "the database cannot be reached")
        )
        return problem_response(request, 503, code, detail, headers={"Retry-After": "1" if busy else "5"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "error")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route for {request.method} {request.url.path}"
        return problem_response(request, exc.status_code, code, detail, headers=dict(exc.headers or {}))


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": _TITLES[status]}
    for status in (400, 401, 403, 404, 409, 422, 429, 503)
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the problem statuses it can answer, so they reach openapi.json."""
    return {s: PROBLEM_RESPONSES[s] for s in statuses}
