"""The AWS-native tracer: the AWS X-Ray SDK for Python, imported only in ``aws`` mode.

What the SDK does not ship, this module adds:

- an ASGI middleware (the SDK has Django, Flask, aiohttp … but no ASGI/FastAPI one);
- a context kept in a ``ContextVar``. The SDK's ``AsyncContext`` keeps entities on the asyncio
  task, which FastAPI's thread-pool handlers cannot see (and, created at import time, it binds the
  wrong event loop and silently drops every segment); a ``ContextVar`` follows the request into
  the thread pool because Starlette copies the context there;
- SQL subsegments from SQLAlchemy's cursor events, named ``database@host`` (the SDK's
  SQLAlchemy patch names them after the URL's host, which is empty on SQLite: an invalid name);
- an HTTP subsegment for calls to the inventory service named after that service, which puts the
  ``X-Amzn-Trace-Id`` header on the call so the inventory's segment joins the trace;
- an emitter that sends segment documents with PutTraceSegments in batches from a background
  thread (no daemon needed), or by UDP to an X-Ray daemon when ``O11YSHOP_XRAY_DAEMON_ADDRESS``
  is set, and redacts every document first.

boto3 calls made while a request is traced get subsegments from the SDK's own botocore patch.
Sampling: health checks and static files are never traced; checkouts always are (so every failed
checkout has a trace); everything else follows the centralised rules the endpoint serves
(GetSamplingRules), falling back to a local rule (1 a second, then ``O11YSHOP_TRACE_SAMPLE_RATE``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter
from aws_xray_sdk.core.models import http
from aws_xray_sdk.core.models.dummy_entities import DummySegment
from aws_xray_sdk.core.models.trace_header import TraceHeader
from aws_xray_sdk.core.utils import stacktrace
from aws_xray_sdk.ext.util import inject_trace_header
from sqlalchemy import event
from starlette.datastructures import MutableHeaders

from o11yshop.telemetry.redaction import redact_trace_document
from o11yshop.telemetry.shipping import RETRYABLE, BackgroundShipper, Outcome, error_code
from o11yshop.telemetry.tracing import ALWAYS_TRACED, NO_SPAN, AnnotationValue, Span, TraceIds, traced_path

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine
    from sqlalchemy.engine import Connection, ExceptionContext, ExecutionContext
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from o11yshop.config import Settings

TRACE_HEADER = "x-amzn-trace-id"
MAX_SEGMENTS_PER_CALL = 50  # what the X-Ray daemon sends per PutTraceSegments call
MAX_DOCUMENT_BYTES = 64 * 1024  # X-Ray's segment document quota
_NAME_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.:/%&#=+\\-@")

_VALID_ROOT = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")
_VALID_PARENT = re.compile(r"^[0-9a-f]{16}$")
_TRACEPARENT = re.compile(r"^00-(?P<trace>[0-9a-f]{32})-(?P<span>[0-9a-f]{16})-(?P<flags>[0-9a-f]{2})$")

_entities: ContextVar[tuple[Any, ...]] = ContextVar("o11yshop_xray_entities", default=())


def segment_name(text: str) -> str:
    """X-Ray names: at most 200 characters of letters, digits, whitespace and ``_.:/%&#=+\\-@``."""
    return "".join(c if c in _NAME_OK else "_" for c in text)[:200] or "unnamed"


def sql_subsegment_name(engine: Engine) -> str:
    url = engine.url
    database = PurePath(url.database).name if url.database else "memory"
    host = url.host or engine.dialect.name  # SQLite has no host: "o11yshop.db@sqlite"
    return segment_name(f"{database}@{host}")


class ContextVarContext(Context):
    """Keeps the open segment and subsegments in a ContextVar, copied on write, so a request's
    entities follow it into the thread pool and never leak into another request."""

    def __init__(self) -> None:
        super().__init__(context_missing="IGNORE_ERROR")

    def put_segment(self, segment: Any) -> None:
        _entities.set((segment,))

    def put_subsegment(self, subsegment: Any) -> None:
        entity = self.get_trace_entity()
        if not entity:
            return
        entity.add_subsegment(subsegment)
        _entities.set((*_entities.get(), subsegment))

    def end_subsegment(self, end_time: float | None = None) -> bool:
        entity = self.get_trace_entity()
        if self._is_subsegment(entity):
            entity.close(end_time)
            _entities.set(_entities.get()[:-1])
            return True
        return False

    def get_trace_entity(self) -> Any:
        entities = _entities.get()
        return entities[-1] if entities else self.handle_context_missing()

    def set_trace_entity(self, trace_entity: Any) -> None:
        _entities.set((trace_entity,))

    def clear_trace_entities(self) -> None:
        _entities.set(())


class SegmentShipper(BackgroundShipper[str]):
    """PutTraceSegments in batches of up to 50 documents of up to 64 KiB, off the request path."""

    name = "xray-segments"

    def __init__(self, client_factory: Callable[[], Any], *, max_buffered: int = 10_000) -> None:
        super().__init__(max_buffered=max_buffered)
        self._client_factory = client_factory
        self._client: Any = None

    def put(self, document: str) -> None:
        if len(document.encode("utf-8")) > MAX_DOCUMENT_BYTES:
            self._count(accepted=1, dropped=1, dropped_too_large=1)
            return
        self._accept(document)

    def _wake_early(self, buffered: int) -> bool:
        return buffered >= MAX_SEGMENTS_PER_CALL

    def _next_batch(self, outbox: list[str]) -> list[str]:
        return outbox[:MAX_SEGMENTS_PER_CALL]

    def _send(self, batch: list[str]) -> Outcome:
        try:
            if self._client is None:
                self._client = self._client_factory()
            response = self._client.put_trace_segments(TraceSegmentDocuments=batch)
        except Exception as exc:
            code = error_code(exc)
            if code is None or code in RETRYABLE:
                return "retry"
            self._count(dropped=len(batch), **{f"dropped_{code}": len(batch)})
            return "done"
        refused = len(response.get("UnprocessedTraceSegments") or [])
        self._count(shipped=len(batch) - refused, dropped=refused, dropped_unprocessed=refused)
        return "done"


class _ShippingEmitter:
    """The recorder's emitter: redact, serialise, hand to the shipper (never blocks)."""

    def __init__(self, shipper: SegmentShipper) -> None:
        self.shipper = shipper

    def send_entity(self, entity: Any) -> None:
        self.shipper.put(_document(entity))

    def set_daemon_address(self, address: str | None) -> None:
        pass


class _RedactingUDPEmitter(UDPEmitter):
    """The daemon path (production): the SDK's UDP emitter, sending redacted documents."""

    sent = 0

    def send_entity(self, entity: Any) -> None:
        with contextlib.suppress(OSError):  # UDP to a daemon that is not there: nothing to wait for
            self._send_data('{"format":"json","version":1}\n' + _document(entity))
            self.sent += 1


def _document(entity: Any) -> str:
    return json.dumps(redact_trace_document(json.loads(entity.serialize())), separators=(",", ":"))


class _Subsegment:
    def __init__(self, entity: Any) -> None:
        self.entity = entity

    def annotate(self, key: str, value: AnnotationValue) -> None:
        self.entity.put_annotation(key, value)

    def metadata(self, key: str, value: Any) -> None:
        self.entity.put_metadata(key, value, "o11yshop")

    def record_exception(self, exc: BaseException) -> None:
        self.entity.add_exception(exc, stacktrace.get_stacktrace(limit=10))


class XRayTracer:
    name = "aws"

    def __init__(self, settings: Settings, service: str, client_factory: Callable[[str], Any]) -> None:
        from aws_xray_sdk.core.sampling.sampler import DefaultSampler

        os.environ.setdefault("AWS_XRAY_NOOP_ID", "False")  # unsampled requests still get real trace IDs
        self.service = service
        self.recorder = xray_recorder
        self.shipper: SegmentShipper | None = None
        sampler = DefaultSampler()
        if settings.xray_daemon_address:
            emitter: Any = _RedactingUDPEmitter(settings.xray_daemon_address)
        else:
            self.shipper = SegmentShipper(lambda: client_factory("xray"))
            self.shipper.start()
            emitter = _ShippingEmitter(self.shipper)
            sampler.xray_client = client_factory("xray")  # rules from the endpoint, not a daemon
        self.emitter = emitter
        self.recorder.configure(
            service=service,
            context=ContextVarContext(),
            emitter=emitter,
            sampler=sampler,
            sampling_rules={
                "version": 2,
                "default": {"fixed_target": 1, "rate": settings.trace_sample_rate},
                "rules": [],
            },
            daemon_address=settings.xray_daemon_address,
            context_missing="IGNORE_ERROR",
            plugins=(),
            stream_sql=True,
        )
        self.sampler = sampler
        _trace_boto3_calls_of_requests()

    # -- requests ---------------------------------------------------------------------------------

    def middleware(self, app: ASGIApp) -> ASGIApp:
        return XRayMiddleware(app, self)

    def decide(self, method: str, path: str, host: str, header: TraceHeader) -> Any:
        """1 or a rule name to trace, 0 not to. An upstream decision is always respected."""
        if header.sampled in (0, 1, "0", "1"):
            return int(header.sampled)
        if (method, path) in ALWAYS_TRACED:
            return 1
        request = {"host": host, "method": method, "path": path, "service": self.service}
        return self.sampler.should_trace(request) or 0

    # -- the facade -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def span(self, name: str, annotations: Mapping[str, AnnotationValue]) -> Iterator[Span]:
        if not _recording():
            yield NO_SPAN
            return
        subsegment = self.recorder.begin_subsegment(segment_name(name), "local")
        if subsegment is None:
            yield NO_SPAN
            return
        wrapped = _Subsegment(subsegment)
        for key, value in annotations.items():
            wrapped.annotate(key, value)
        try:
            yield wrapped
        except BaseException as exc:
            wrapped.record_exception(exc)
            raise
        finally:
            self.recorder.end_subsegment()

    def annotate(self, fields: Mapping[str, AnnotationValue]) -> None:
        entities = _entities.get()
        if not entities:
            return
        segment = entities[0]
        for key, value in fields.items():
            segment.put_annotation(key, value)
            if key == "admin_user":
                segment.set_user(str(value))

    def record_exception(self, exc: BaseException) -> None:
        entities = _entities.get()
        if entities:
            entities[-1].add_exception(exc, stacktrace.get_stacktrace(limit=10))

    def ids(self) -> TraceIds | None:
        entities = _entities.get()
        if not entities:
            return None
        sampled = bool(entities[0].sampled)
        current = entities[-1]
        return TraceIds(current.trace_id, current.id if sampled else None, sampled)

    # -- instrumentation --------------------------------------------------------------------------

    def instrument_engine(self, engine: Engine) -> None:
        name = sql_subsegment_name(engine)
        sql_base = {
            "url": engine.url.render_as_string(hide_password=True),
            "database_type": engine.dialect.name,
            "driver_version": engine.driver,
        }
        if engine.url.username:
            sql_base["user"] = engine.url.username
        recorder = self.recorder

        def before(
            _conn: Connection, _cur: Any, statement: str, _args: Any, context: ExecutionContext, _many: bool
        ) -> None:
            if not _recording():
                return
            subsegment = recorder.begin_subsegment(name, "remote")
            if subsegment is not None:
                subsegment.set_sql({**sql_base, "sanitized_query": statement})
                context._o11yshop_subsegment = subsegment  # type: ignore[attr-defined]

        def after(
            _conn: Connection, _cur: Any, _sql: str, _args: Any, context: ExecutionContext, _many: bool
        ) -> None:
            if getattr(context, "_o11yshop_subsegment", None) is not None:
                context._o11yshop_subsegment = None  # type: ignore[attr-defined]
                recorder.end_subsegment()

        def failed(info: ExceptionContext) -> None:
            context = info.execution_context
            subsegment = getattr(context, "_o11yshop_subsegment", None)
            if subsegment is not None:
                subsegment.add_exception(info.original_exception, stacktrace.get_stacktrace(limit=10))
                context._o11yshop_subsegment = None  # type: ignore[union-attr]
                recorder.end_subsegment()

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        event.listen(engine, "handle_error", failed)

    def instrument_http_client(self, client: httpx.Client, peer_service: str) -> None:
        traced = _TracedTransport(client._transport, self.recorder, segment_name(peer_service))
        client._transport = traced  # type: ignore[assignment]

    # -- lifecycle --------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        if self.shipper is not None:
            return self.shipper.stats()
        return {"sent_udp": getattr(self.emitter, "sent", 0)}

    def shutdown(self, timeout: float) -> None:
        if self.shipper is not None:
            self.shipper.close(timeout)


def _recording() -> bool:
    """A sampled request is open: worth a subsegment. Unsampled requests skip the SDK entirely
    (its dummy subsegments cost about as much as real ones, for nothing)."""
    entities = _entities.get()
    return bool(entities) and bool(entities[0].sampled)


def _trace_boto3_calls_of_requests() -> None:
    """The SDK's botocore patch, applied only while a request is traced: the telemetry's own calls
    (PutLogEvents, PutTraceSegments, from background threads) must not be traced, or each would log
    "no segment found", a line that is shipped by another call, and so on for ever."""
    import botocore.client
    import wrapt
    from aws_xray_sdk.ext.boto_utils import inject_header
    from aws_xray_sdk.ext.botocore.patch import _xray_traced_botocore

    if getattr(botocore.client, "_o11yshop_traced", False):
        return
    botocore.client._o11yshop_traced = True

    def only_in_requests(recording: Callable[..., Any]) -> Callable[..., Any]:
        def call(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
            if not _recording():
                return wrapped(*args, **kwargs)
            return recording(wrapped, instance, args, kwargs)

        return call

    wrapt.wrap_function_wrapper(
        "botocore.client", "BaseClient._make_api_call", only_in_requests(_xray_traced_botocore)
    )
    wrapt.wrap_function_wrapper(
        "botocore.endpoint", "Endpoint.prepare_request", only_in_requests(inject_header)
    )


class _TracedTransport:
    """Wraps an httpx transport: a remote subsegment per call, and the trace header on the call."""

    def __init__(self, inner: Any, recorder: Any, peer: str) -> None:
        self.inner = inner
        self.recorder = recorder
        self.peer = peer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        entities = _entities.get()
        if not entities or not entities[0].sampled:
            if entities:  # not recorded, but the inventory's lines still carry the trace ID
                request.headers[TRACE_HEADER] = f"Root={entities[0].trace_id};Sampled=0"
            response: httpx.Response = self.inner.handle_request(request)
            return response
        with self.recorder.in_subsegment(self.peer, namespace="remote") as subsegment:
            subsegment.put_http_meta(http.METHOD, request.method)
            subsegment.put_http_meta(http.URL, str(request.url.copy_with(query=None, fragment=None)))
            inject_trace_header(request.headers, subsegment)
            response = self.inner.handle_request(request)
            subsegment.put_http_meta(http.STATUS, response.status_code)
            if response.status_code >= 400:
                subsegment.apply_status_code(response.status_code)
            return response

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> _TracedTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class XRayMiddleware:
    """One segment per traced request, named after the service, with the HTTP request and
    response, the route as an annotation, and the trace header echoed on the response."""

    def __init__(self, app: ASGIApp, tracer: XRayTracer) -> None:
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not traced_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        incoming = _incoming_header(headers.get(TRACE_HEADER)) or from_traceparent(headers.get("traceparent"))
        method, path = scope["method"], scope["path"]
        host = headers.get("host", "")
        decision = self.tracer.decide(method, path, host, incoming)
        recorder = self.tracer.recorder
        segment = recorder.begin_segment(
            name=self.tracer.service, traceid=incoming.root, parent_id=incoming.parent, sampling=decision
        )
        if isinstance(segment, DummySegment) and incoming.root:
            segment.trace_id = incoming.root  # not recorded, but logs still carry the caller's trace
        segment.put_http_meta(http.METHOD, method)
        segment.put_http_meta(http.URL, _url(scope, host))
        if "user-agent" in headers:
            segment.put_http_meta(http.USER_AGENT, headers["user-agent"])
        client = scope.get("client")
        if client:
            segment.put_http_meta(http.CLIENT_IP, client[0])
        status: list[int] = []
        echoed = f"Root={segment.trace_id};Sampled={1 if segment.sampled else 0}"

        async def send_traced(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                MutableHeaders(scope=message)["X-Amzn-Trace-Id"] = echoed
            await send(message)

        try:
            await self.app(scope, receive, send_traced)
        except BaseException as exc:
            segment.add_exception(exc, stacktrace.get_stacktrace(limit=10))
            raise
        finally:
            code = status[0] if status else 500
            route = getattr(scope.get("route"), "path", None)
            if route:
                segment.put_annotation("route", route)
            segment.put_http_meta(http.STATUS, code)
            segment.apply_status_code(code)
            recorder.end_segment()
            _entities.set(())


def _incoming_header(raw: str | None) -> TraceHeader | None:
    """The caller's X-Ray trace header; None when it is absent or not valid (a made-up root would
    get the segment refused, and the header is input from anyone)."""
    header = TraceHeader.from_header_str(raw[:256] if raw else None)
    if not header.root or not _VALID_ROOT.match(header.root):
        return None
    parent = header.parent if header.parent and _VALID_PARENT.match(header.parent) else None
    return TraceHeader(root=header.root, parent=parent, sampled=header.sampled)


def from_traceparent(raw: str | None) -> TraceHeader:
    """A W3C ``traceparent`` (what OpenTelemetry callers send) as an X-Ray header: the 32 hex digits
    of the trace ID become ``1-<8>-<24>`` (the form X-Ray accepts for W3C IDs too), the parent span
    ID the parent segment, the sampled flag the decision. Anything else: an empty header."""
    match = _TRACEPARENT.match(raw.strip().lower()) if raw else None
    if not match or set(match["trace"]) == {"0"} or set(match["span"]) == {"0"}:
        return TraceHeader()
    trace = match["trace"]
    sampled = int(match["flags"], 16) & 1
    return TraceHeader(root=f"1-{trace[:8]}-{trace[8:]}", parent=match["span"], sampled=sampled)


def _url(scope: Scope, host: str) -> str:
    # decoded, so that redaction sees an address typed into a search box as an address
    query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
    url = f"{scope.get('scheme', 'http')}://{host}{scope['path']}"
    return f"{url}?{query}" if query else url
