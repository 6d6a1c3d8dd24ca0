"""The telemetry facade: the only observability module the shop's code imports.

One call at start-up, ``configure(settings, service)``, chooses the approach for the process from
``O11YSHOP_TELEMETRY``:

- ``off``: structured JSON logs on stdout only — the baseline for overhead measurements;
- ``aws``: the same lines also shipped to CloudWatch Logs, group ``/o11yshop/<env>/<service>``,
  one stream per process; metrics as Embedded Metric Format (or PutMetricData); X-Ray traces by
  the AWS X-Ray SDK (``xray``), the trace ID in every log line and metric document;
- ``otel``: OpenTelemetry with ADOT (``otel``): spans over OTLP to X-Ray, the same lines as OTLP log
  records into the same group and stream, the same metrics as EMF documents sent with
  PutLogEvents (CloudWatch makes metrics of EMF only from those), the X-Ray trace ID in every line.

Until ``configure`` runs, loggers still work (structlog's defaults), so importing code never needs
to care whether telemetry is on.

>>> from o11yshop import telemetry
>>> log = telemetry.get_logger("o11yshop.orders")
>>> telemetry.bind(order_number="OS-7K3M-9QXD")      # every later line of this request carries it,
>>> log.info("order placed", total_minor=5400)       # doctest: +SKIP
>>> with telemetry.span("reserve stock"):            # and so does the trace (an annotation)
...     pass
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from o11yshop import __version__
from o11yshop.telemetry import tracing
from o11yshop.telemetry.logs import Sink, configure_logging, get_logger
from o11yshop.telemetry.logs import bind as bind_log_fields
from o11yshop.telemetry.logs import clear as clear_log_fields
from o11yshop.telemetry.tracing import (
    ANNOTATED_FIELDS,
    annotate,
    instrument_app,
    instrument_engine,
    instrument_http_client,
    record_exception,
    span,
    trace_ids,
)

if TYPE_CHECKING:
    from o11yshop.config import Settings
    from o11yshop.telemetry.cloudwatch_logs import CloudWatchLogsShipper
    from o11yshop.telemetry.metrics import MetricRecorder
    from o11yshop.telemetry.otel.logs import LogRecords

__all__ = [
    "Telemetry",
    "annotate",
    "bind",
    "clear",
    "configure",
    "current",
    "get_logger",
    "instrument_app",
    "instrument_engine",
    "instrument_http_client",
    "log_group_name",
    "record_exception",
    "request_fields",
    "shutdown",
    "span",
    "trace_ids",
]

_request_fields: ContextVar[dict[str, Any] | None] = ContextVar("o11yshop_request_fields", default=None)


def bind(**fields: Any) -> None:
    """Add fields to every later log line of this request (or task); the ones that identify what
    the request is about (cart, order, product, admin …) also become annotations on its trace.

    Fields bound in the thread pool still reach the request's access line (``request_fields``)."""
    bind_log_fields(**fields)
    shared = _request_fields.get()
    if shared is not None:
        shared.update(fields)
    annotate(**{k: v for k, v in fields.items() if k in ANNOTATED_FIELDS})


def clear() -> None:
    """Start a new request: no bound fields."""
    clear_log_fields()
    _request_fields.set({})


def request_fields() -> dict[str, Any]:
    """Everything bound during this request, wherever it was bound."""
    return dict(_request_fields.get() or {})


@dataclass
class Telemetry:
    service: str
    mode: str
    log_group: str
    log_stream: str
    shipper: CloudWatchLogsShipper | None = None  # aws: lines and EMF documents; otel: EMF documents
    recorder: MetricRecorder | None = None
    tracer: tracing.Tracer | None = None
    log_records: LogRecords | None = None  # otel: the lines, as OTLP log records
    extras: dict[str, Any] = field(default_factory=dict)

    def stats(self) -> dict[str, int]:
        """Everything written to CloudWatch Logs (in otel mode, records and EMF documents together):
        every line accepted is shipped, dropped or pending."""
        counts = Counter(self.shipper.stats() if self.shipper else {})
        if self.log_records is not None:
            counts.update(self.log_records.stats())
        return dict(counts)

    def trace_stats(self) -> dict[str, int]:
        return self.tracer.stats() if self.tracer else {}


_lock = threading.Lock()
_current: Telemetry | None = None


def log_group_name(environment: str, service: str) -> str:
    return f"/o11yshop/{environment}/{service}"


def log_stream_name(service: str) -> str:
    started = time.strftime("%Y-%m-%dT%H-%M-%SZ", time.gmtime())
    return f"{service}/{socket.gethostname()}/{os.getpid()}/{started}"


def configure(settings: Settings, service: str) -> Telemetry:
    """Set up telemetry for this process, once; later calls return the first result."""
    global _current
    with _lock:
        if _current is not None:
            return _current
        group = log_group_name(settings.env, service)
        stream = log_stream_name(service)
        shipper = None
        if settings.telemetry in ("aws", "otel"):
            from o11yshop.telemetry.aws import make_log_shipper

            shipper = make_log_shipper(settings, group, stream).start()
            if service == "api":  # one process installs the saved queries, off the start-up path
                threading.Thread(
                    target=_install_queries, args=(settings,), name="saved-queries", daemon=True
                ).start()
        tracer: tracing.Tracer = tracing.NoTracer()
        log_records = None
        sinks: list[Sink] = [shipper.put] if shipper and settings.telemetry == "aws" else []
        if settings.telemetry == "aws":
            from o11yshop.telemetry.aws import client
            from o11yshop.telemetry.xray import XRayTracer

            tracer = XRayTracer(settings, service, lambda name: client(settings, name))
        elif settings.telemetry == "otel":
            from o11yshop.telemetry import otel

            started = otel.start(settings, service, group, stream)
            tracer, log_records = started.tracer, started.logs
            sinks = [log_records.put]
        tracing.use(tracer)
        from o11yshop.telemetry import metrics

        recorder = metrics.MetricRecorder(
            service,
            sink=shipper.put if shipper else None,
            interval=settings.metrics_interval_seconds,
            enabled=shipper is not None,
        )
        if shipper and settings.metrics_transport == "putmetricdata":
            from o11yshop.telemetry.aws import client
            from o11yshop.telemetry.putmetricdata import PutMetricDataSender

            recorder.sender = PutMetricDataSender(lambda: client(settings, "cloudwatch"))
        if shipper:
            from o11yshop.telemetry.runtime import sampler

            recorder.samplers.append(sampler())
        metrics.use(recorder.start() if shipper else recorder)
        configure_logging(
            service=service,
            environment=settings.env,
            version=__version__,
            level=settings.log_level,
            logger_levels=settings.log_levels,
            sinks=sinks,
        )
        _current = Telemetry(
            service=service,
            mode=settings.telemetry,
            log_group=group,
            log_stream=stream,
            shipper=shipper,
            recorder=recorder,
            tracer=tracer,
            log_records=log_records,
        )
        return _current


def current() -> Telemetry | None:
    return _current


def shutdown(timeout: float = 10.0) -> None:
    """Send what is buffered and stop the background senders (called when the process stops)."""
    global _current
    with _lock:
        if _current is not None and _current.recorder is not None and _current.recorder.enabled:
            _current.recorder.close()  # its last documents go out through the shipper
        if _current is not None and _current.tracer is not None:
            _current.tracer.shutdown(timeout)
        if _current is not None and _current.log_records is not None:
            _current.log_records.close(timeout)
        if _current is not None and _current.shipper is not None:
            _current.shipper.close(timeout)
        _current = None
        tracing.use(tracing.NoTracer())


def _install_queries(settings: Settings, attempts: int = 20) -> None:
    from o11yshop.telemetry.aws import client

    if settings.telemetry == "otel":  # the same questions, asked of OTLP log records
        from o11yshop.telemetry.otel.queries import install_saved_queries
    else:
        from o11yshop.telemetry.queries import install_saved_queries

    log = get_logger("o11yshop.telemetry")
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            installed = install_saved_queries(client(settings, "logs"), settings.env)
        except Exception as exc:  # the endpoint may still be starting
            time.sleep(min(5.0, 0.5 * (attempt + 1)))
            last = exc
            continue
        log.info("saved Logs Insights queries installed", queries=sorted(installed))
        return
    log.warning("saved Logs Insights queries not installed", error=str(last))
