"""Getting spans and log records out of the process: OTLP/HTTP, SigV4-signed by ADOT's exporters,
in batches from the SDK's background threads, into bounded queues.

- Endpoints: X-Ray's ``/v1/traces`` and CloudWatch Logs' ``/v1/logs`` at
  ``O11YSHOP_AWS_ENDPOINT_URL`` (the local endpoint ignores signatures), or AWS's own
  (``https://xray.<region>.amazonaws.com/v1/traces``, ``https://logs.<region>.amazonaws.com/v1/logs``)
  when it is empty, or a collector's OTLP receiver when ``O11YSHOP_OTLP_ENDPOINT`` names one.
- Nothing waits: a request only appends to a queue; when a queue is full, the newest item is
  dropped and counted, as the log shipper of aws mode does.
- Counts: every span or record accepted is shipped, dropped or pending, as ``GET
  /api/health/telemetry`` shows.
- Before export each span is **redacted** like an X-Ray segment document in aws mode (URLs decoded
  first, so an address typed into a search box is seen as one), and a database client span gets
  ``peer.service`` ``<database>@<host>`` (``shop.db@sqlite``), the name the X-Ray SDK gives that
  node in aws mode, so both modes draw the same service map. Both happen on the export thread.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlparse

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Status

from o11yshop.telemetry.redaction import redact_text, redact_trace_document

if TYPE_CHECKING:
    from botocore.session import Session

    from o11yshop.config import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
URL_ATTRIBUTES = ("http.url", "url.full", "http.target", "url.query")
SQL_SYSTEMS = {"sqlite", "mysql", "mariadb", "postgresql", "mssql", "oracle", "other_sql"}
SPAN_QUEUE = 2048
SPAN_BATCH = 512
EXPORT_EVERY_MS = 1000  # as often as the log shipper of aws mode sends


class Counts:
    """What happened to every item a pipeline accepted: ``accepted == shipped + dropped + pending``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, **increments: int) -> None:
        with self._lock:
            self._counts.update(increments)

    def stats(self) -> dict[str, int]:
        with self._lock:
            counts = dict(self._counts)
        for key in ("accepted", "shipped", "dropped"):
            counts.setdefault(key, 0)
        counts["pending"] = counts["accepted"] - counts["shipped"] - counts["dropped"]
        return counts


def queued(processor: Any) -> int:
    """How many items wait in an SDK batch processor's queue (its size is not public API: when the
    SDK changes it, this reads 0, and overflow shows as items pending for ever)."""
    queue = getattr(getattr(processor, "_batch_processor", None), "_queue", None)
    return len(queue) if queue is not None else 0


class CountingSpanProcessor(BatchSpanProcessor):
    """The SDK's batch processor, counting, and refusing the newest span when the queue is full
    (the SDK would silently push out the oldest)."""

    def __init__(self, exporter: SpanExporter, counts: Counts, *, max_queue_size: int = SPAN_QUEUE) -> None:
        super().__init__(
            exporter,
            max_queue_size=max_queue_size,
            max_export_batch_size=min(SPAN_BATCH, max_queue_size),
            schedule_delay_millis=EXPORT_EVERY_MS,
        )
        self.counts = counts
        self.max_queue_size = max_queue_size

    def on_end(self, span: ReadableSpan) -> None:
        if not (span.context and span.context.trace_flags.sampled):
            return
        if queued(self) >= self.max_queue_size:
            self.counts.add(accepted=1, dropped=1, dropped_buffer_full=1)
            return
        self.counts.add(accepted=1)
        super().on_end(span)


class ShippingSpanExporter(SpanExporter):
    """Redacts and names each span, hands the batch to ``inner``, counts the outcome."""

    def __init__(self, inner: SpanExporter, counts: Counts) -> None:
        self.inner = inner
        self.counts = counts

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self.inner.export([prepared(span) for span in spans])
        except Exception:  # an exporter that raises must not lose the count
            result = SpanExportResult.FAILURE
        if result is SpanExportResult.SUCCESS:
            self.counts.add(shipped=len(spans))
        else:
            self.counts.add(dropped=len(spans), dropped_export_failed=len(spans))
        return result

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


def span_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """A span's attributes as they may leave the process: URLs decoded, then redacted; a database
    client span named after its database."""
    plain = {
        key: unquote_plus(value) if key in URL_ATTRIBUTES and isinstance(value, str) else value
        for key, value in (attributes or {}).items()
    }
    redacted: dict[str, Any] = redact_trace_document(plain)
    system = plain.get("db.system.name", plain.get("db.system"))
    if system in SQL_SYSTEMS and "peer.service" not in plain:
        # added after redaction: database@host.domain would pass for an e-mail address
        redacted["peer.service"] = database_node(plain, str(system))
    return redacted


def database_node(attributes: Mapping[str, Any], system: str) -> str:
    """``<database file or name>@<host>``, the host being the engine on SQLite (no host there)."""
    database = attributes.get("db.namespace", attributes.get("db.name"))
    name = PurePath(str(database)).name if database else "memory"
    host = attributes.get("server.address", attributes.get("net.peer.name")) or system
    return f"{name}@{host}"


def prepared(span: ReadableSpan) -> ReadableSpan:
    status = span.status
    if status.description:
        status = Status(status.status_code, redact_text(status.description))
    return ReadableSpan(
        name=redact_text(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=span_attributes(span.attributes),
        events=[
            Event(event.name, redact_trace_document(dict(event.attributes or {})), event.timestamp)
            for event in span.events
        ],
        links=span.links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


# -- where to -------------------------------------------------------------------------------------


def otlp_url(settings: Settings, service: str, path: str) -> str:
    """``service`` is the AWS endpoint prefix: ``xray`` for traces, ``logs`` for logs."""
    base = settings.otlp_endpoint or settings.aws_endpoint_url
    if not base:
        base = f"https://{service}.{settings.aws_region}.amazonaws.com"
    return base.rstrip("/") + path


def signing_session(settings: Settings) -> Session:
    """The botocore session ADOT's exporters sign with. The local endpoint takes any credentials:
    a real profile's keys never go there."""
    from botocore.session import Session

    session = Session()
    endpoint = settings.otlp_endpoint or settings.aws_endpoint_url
    if endpoint and urlparse(endpoint).hostname in LOOPBACK:
        session.set_credentials("test", "test")
    return session
