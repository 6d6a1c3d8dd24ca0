"""The OpenTelemetry tracer behind the facade (``tracing.Tracer``), built from the OpenTelemetry
instrumentations of the shop's libraries:

- requests: the ASGI instrumentation's middleware (the FastAPI instrumentation is the same
  middleware plus route lookup), one SERVER span per traced request; this module names the span
  after the route once routing has run (``POST /api/checkout``), adds ``http.route`` and the
  ``route`` annotation, and echoes ``X-Amzn-Trace-Id`` on the response as the X-Ray middleware
  does, so a caller can look the trace up in either mode;
- SQL: the SQLAlchemy instrumentation's engine tracer, one CLIENT span per statement, attached to
  each engine the shop creates (not through ``create_engine`` hooks, which would depend on import
  order, and without the instrumentor's extra ``connect`` span per pool checkout);
- calls to the inventory: the httpx instrumentation on that client, a CLIENT span per call with
  ``peer.service`` = ``inventory`` (X-Ray names the node after it), writing ``traceparent`` and
  ``X-Amzn-Trace-Id`` on the call;
- boto3: the botocore instrumentation (``configure`` applies it), a CLIENT span per AWS call;
- business steps: ``telemetry.span(name)``, an INTERNAL span.

Annotations become span attributes, and their keys are listed in the ``aws.xray.annotations``
attribute, which makes X-Ray index them as annotations (the rest of the attributes become
metadata). ``admin_user`` also becomes ``enduser.id``, X-Ray's ``user``.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.datastructures import MutableHeaders

from o11yshop import __version__
from o11yshop.telemetry.otel.export import Counts
from o11yshop.telemetry.otel.propagation import xray_trace_id
from o11yshop.telemetry.tracing import NO_SPAN, AnnotationValue, Span, TraceIds, traced_path

if TYPE_CHECKING:
    import httpx
    from opentelemetry.sdk.trace import TracerProvider
    from sqlalchemy import Engine
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANNOTATIONS = "aws.xray.annotations"
_request_span: ContextVar[trace.Span | None] = ContextVar("o11yshop_otel_request_span", default=None)
_NO_METERS = NoOpMeterProvider()


def annotate_span(span: trace.Span, fields: Mapping[str, AnnotationValue]) -> None:
    """Attributes that X-Ray indexes: set each, and list its key in ``aws.xray.annotations``."""
    if not span.is_recording():
        return
    existing: Mapping[str, Any] = getattr(span, "attributes", None) or {}
    keys = list(existing.get(ANNOTATIONS, ()))
    for key, value in fields.items():
        span.set_attribute(key, value)
        if key not in keys:
            keys.append(key)
        if key == "admin_user":
            span.set_attribute("enduser.id", str(value))
    span.set_attribute(ANNOTATIONS, keys)


class _Step:
    """A business step's span, as the facade's ``Span``."""

    def __init__(self, span: trace.Span) -> None:
        self.span = span

    def annotate(self, key: str, value: AnnotationValue) -> None:
        annotate_span(self.span, {key: value})

    def metadata(self, key: str, value: Any) -> None:
        plain = value if isinstance(value, str | bool | int | float) else json.dumps(value, default=str)
        self.span.set_attribute(f"o11yshop.{key}", plain)

    def record_exception(self, exc: BaseException) -> None:
        self.span.record_exception(exc)
        self.span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))


class OtelTracer:
    name = "otel"

    def __init__(self, provider: TracerProvider, counts: Counts) -> None:
        self.provider = provider
        self.counts = counts
        self._tracer = provider.get_tracer("o11yshop", __version__)
        self._engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    # -- requests ---------------------------------------------------------------------------------

    def middleware(self, app: ASGIApp) -> ASGIApp:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        traced = OpenTelemetryMiddleware(
            _RequestSpan(app),
            tracer_provider=self.provider,
            meter_provider=_NO_METERS,
            exclude_spans=["receive", "send"],  # no span per ASGI message: noise in every trace
        )
        return _OnlyTracedPaths(app, traced)

    # -- the facade -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def span(self, name: str, annotations: Mapping[str, AnnotationValue]) -> Iterator[Span]:
        if _request_span.get() is None:  # as in aws mode, business spans exist only inside requests
            yield NO_SPAN
            return
        with self._tracer.start_as_current_span(name, kind=SpanKind.INTERNAL) as current:
            if annotations:
                annotate_span(current, annotations)
            yield _Step(current)

    def annotate(self, fields: Mapping[str, AnnotationValue]) -> None:
        request = _request_span.get()
        if request is not None:
            annotate_span(request, fields)

    def record_exception(self, exc: BaseException) -> None:
        if _request_span.get() is not None:
            _Step(trace.get_current_span()).record_exception(exc)

    def ids(self) -> TraceIds | None:
        if _request_span.get() is None:
            return None
        context = trace.get_current_span().get_span_context()
        if not context.is_valid:
            return None
        sampled = context.trace_flags.sampled
        span_id = f"{context.span_id:016x}" if sampled else None
        return TraceIds(xray_trace_id(context.trace_id), span_id, sampled)

    # -- instrumentation --------------------------------------------------------------------------

    def instrument_engine(self, engine: Engine) -> None:
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
        from opentelemetry.instrumentation.sqlalchemy.version import __version__ as version

        if engine in self._engines:
            return
        self._engines.add(engine)
        scope = "opentelemetry.instrumentation.sqlalchemy"  # the instrumentor's own scope name
        usage = _NO_METERS.get_meter(scope).create_up_down_counter("db.client.connections.usage")
        EngineTracer(self.provider.get_tracer(scope, version), engine, usage)

    def instrument_http_client(self, client: httpx.Client, peer_service: str) -> None:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        def name_the_peer(span: trace.Span, _request: Any) -> None:
            if span.is_recording():
                span.set_attribute("peer.service", peer_service)

        HTTPXClientInstrumentor.instrument_client(
            client, tracer_provider=self.provider, meter_provider=_NO_METERS, request_hook=name_the_peer
        )

    # -- lifecycle --------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        return self.counts.stats()

    def shutdown(self, timeout: float) -> None:
        self.provider.force_flush(int(timeout * 1000))
        self.provider.shutdown()


class _OnlyTracedPaths:
    """Health checks and static files skip the instrumentation entirely: no span, no context.

    The instrumented app is ``.app`` on purpose: FastAPI (0.165 on) has OpenTelemetry of its own,
    which starts a second server span, with spans for dependencies and the endpoint, as soon as a
    tracer provider is set, unless it finds the ASGI instrumentation's middleware by following
    ``.app`` down the middleware stack. Found, it steps aside for every request."""

    def __init__(self, untraced: ASGIApp, traced: ASGIApp) -> None:
        self.app = traced
        self.untraced = untraced

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and traced_path(scope["path"]):
            await self.app(scope, receive, send)
        else:
            await self.untraced(scope, receive, send)


class _RequestSpan:
    """Inside the instrumentation's middleware: remembers the request's span (the facade annotates
    it from anywhere in the request, the thread pool included), echoes the trace header, and names
    the span after the route once the router has found it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        span = trace.get_current_span()
        token = _request_span.set(span)
        context = span.get_span_context()
        echoed = f"Root={xray_trace_id(context.trace_id)};Sampled={1 if context.trace_flags.sampled else 0}"

        async def send_traced(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Amzn-Trace-Id"] = echoed
                _name_after_route(span, scope)  # now: the span ends with the response's last byte
            await send(message)

        try:
            await self.app(scope, receive, send_traced)
        finally:
            _name_after_route(span, scope)  # the app raised before answering
            _request_span.reset(token)


def _name_after_route(span: trace.Span, scope: Scope) -> None:
    route = getattr(scope.get("route"), "path", None)
    if route and span.is_recording():
        span.update_name(f"{scope['method']} {route}")
        span.set_attribute("http.route", route)
        annotate_span(span, {"route": route})
