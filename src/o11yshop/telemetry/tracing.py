"""Traces (O-TRACE-01..03): the tracer half of the facade, and the no-op tracer of ``off`` mode.

The shop's code never imports a tracing SDK. It opens spans for its business steps and lets the
facade put request fields on the trace::

    from o11yshop import telemetry

    with telemetry.span("reserve stock", items=3):   # an X-Ray subsegment / an OpenTelemetry span
        inventory.reserve(...)
    telemetry.bind(order_number="OS-7K3M-9QXD")      # log field, and an annotation on the trace

Everything else is instrumented where the process is assembled: each request gets a segment (or
server span) from the provider's ASGI middleware, SQL statements from ``instrument_engine``, calls
to the inventory service from ``instrument_http_client`` (which also propagates the trace), boto3
calls from the provider's patch. A provider implements ``Tracer``; ``configure`` picks one.

>>> with span("place order") as current:     # no-op until a provider is configured
...     current.annotate("items", 3)
>>> trace_ids() is None
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine
    from starlette.types import ASGIApp

AnnotationValue = str | int | float | bool
# the fields ``telemetry.bind`` also puts on the trace as annotations (indexed, filterable in X-Ray)
# the sampling policy both providers apply before any rule: checkouts always (so every failed
# checkout has a trace), health checks and everything outside the API never
ALWAYS_TRACED = frozenset({("POST", "/api/checkout")})


def traced_path(path: str) -> bool:
    """Only the API is traced, and not its health checks (probes would drown the traces)."""
    return path.startswith("/api/") and not path.startswith("/api/health")


ANNOTATED_FIELDS = ("request_id", "admin_user", "cart_id", "order_number", "product_id", "category")


@dataclass(frozen=True)
class TraceIds:
    trace_id: str  # X-Ray format in both approaches: 1-5759e988-bd862e3fe1be46a994272793
    segment_id: str | None  # the current segment/subsegment (span) ID; None when not sampled
    sampled: bool


class Span(Protocol):
    def annotate(self, key: str, value: AnnotationValue) -> None: ...
    def metadata(self, key: str, value: Any) -> None: ...
    def record_exception(self, exc: BaseException) -> None: ...


class Tracer(Protocol):
    name: str

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Wrap the app so each traced request gets a segment (server span) of this service."""
        ...

    def span(
        self, name: str, annotations: Mapping[str, AnnotationValue]
    ) -> contextlib.AbstractContextManager[Span]: ...

    def annotate(self, fields: Mapping[str, AnnotationValue]) -> None:
        """Annotate the current request's segment (server span)."""
        ...

    def record_exception(self, exc: BaseException) -> None: ...

    def ids(self) -> TraceIds | None: ...

    def instrument_engine(self, engine: Engine) -> None: ...

    def instrument_http_client(self, client: httpx.Client, peer_service: str) -> None:
        """Trace each call the client makes to ``peer_service`` and propagate the trace to it."""
        ...

    def stats(self) -> dict[str, int]: ...

    def shutdown(self, timeout: float) -> None: ...


class _NoSpan:
    def annotate(self, key: str, value: AnnotationValue) -> None:
        pass

    def metadata(self, key: str, value: Any) -> None:
        pass

    def record_exception(self, exc: BaseException) -> None:
        pass


NO_SPAN = _NoSpan()


class NoTracer:
    """``off`` mode, and every process before ``configure``: nothing is recorded."""

    name = "off"

    def middleware(self, app: ASGIApp) -> ASGIApp:
        return app

    @contextlib.contextmanager
    def span(self, name: str, annotations: Mapping[str, AnnotationValue]) -> Iterator[Span]:
        yield NO_SPAN

    def annotate(self, fields: Mapping[str, AnnotationValue]) -> None:
        pass

    def record_exception(self, exc: BaseException) -> None:
        pass

    def ids(self) -> TraceIds | None:
        return None

    def instrument_engine(self, engine: Engine) -> None:
        pass

    def instrument_http_client(self, client: httpx.Client, peer_service: str) -> None:
        pass

    def stats(self) -> dict[str, int]:
        return {}

    def shutdown(self, timeout: float) -> None:
        pass


_tracer: Tracer = NoTracer()


def use(tracer: Tracer) -> None:
    global _tracer
    _tracer = tracer


def tracer() -> Tracer:
    return _tracer


def span(name: str, **annotations: AnnotationValue) -> contextlib.AbstractContextManager[Span]:
    """A child span of the current one (an X-Ray subsegment) for one step of the business."""
    return _tracer.span(name, annotations)


def annotate(**fields: AnnotationValue | None) -> None:
    """Put indexed fields on the current request's segment; ``None`` values are skipped."""
    present = {k: v for k, v in fields.items() if v is not None}
    if present:
        _tracer.annotate(present)


def record_exception(exc: BaseException) -> None:
    _tracer.record_exception(exc)


def trace_ids() -> TraceIds | None:
    """The current trace and segment IDs, for log lines and metric documents (None: no trace)."""
    return _tracer.ids()


def instrument_app(app: ASGIApp) -> ASGIApp:
    return _tracer.middleware(app)


def instrument_engine(engine: Engine) -> None:
    _tracer.instrument_engine(engine)


def instrument_http_client(client: httpx.Client, peer_service: str) -> None:
    _tracer.instrument_http_client(client, peer_service)
