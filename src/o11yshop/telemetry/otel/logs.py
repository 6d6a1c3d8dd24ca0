"""Log lines as OpenTelemetry log records, exported over OTLP to CloudWatch Logs.

The shop's lines are still written to stdout as JSON, unchanged. In otel mode each line (already
redacted) also becomes one log record:

- ``body``: the line's ``message``;
- ``severityText``: its ``level`` as written (``info``, ``warning`` …), with the matching
  ``severityNumber``;
- ``timeUnixNano``: when it was logged;
- ``attributes``: every other field of the line under its own name — ``service``, ``logger``,
  ``request_id``, ``route``, ``status``, ``duration_ms``, and ``trace_id``/``segment_id`` in X-Ray
  format — with their JSON types kept (numbers stay numbers, so ``status >= 400`` still works);
- ``traceId``/``spanId``: the record's own trace context, in W3C hex.

CloudWatch stores each record as a JSON event, so Logs Insights and filter patterns find the
fields under ``attributes.`` (``{ $.attributes.request_id = "…" }``), the message as ``body``. The
saved queries of this mode (``otel.queries``) say so.

The records go to the process's stream of ``/o11yshop/<env>/<service>`` (the ``x-aws-log-group``
and ``x-aws-log-stream`` headers). CloudWatch's OTLP endpoint writes only into an existing group
and stream, so the exporter creates both (with the retention setting) before its first export,
from its own thread, retrying with back-off while the endpoint is not up yet.

The SDK's own logging handler is not used: it sees stdlib records before structlog's processors
run, without the fields bound to the request and before redaction. Lines about the pipeline itself
(``opentelemetry.*`` loggers) stay on stdout: shipping them would feed the pipeline its own
failures.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from amazon.opentelemetry.distro.exporter.otlp.aws.logs._aws_cw_otlp_batch_log_record_processor import (
    AwsCloudWatchOtlpBatchLogRecordProcessor,
)
from amazon.opentelemetry.distro.exporter.otlp.aws.logs.otlp_aws_log_record_exporter import (
    OTLPAwsLogRecordExporter,
)
from opentelemetry._logs import Logger, SeverityNumber
from opentelemetry.context import get_current
from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExportResult

from o11yshop.telemetry.cloudwatch_logs import ensure_log_stream, truncate
from o11yshop.telemetry.otel.export import EXPORT_EVERY_MS, Counts, queued

if TYPE_CHECKING:
    from botocore.session import Session

SEVERITY = {
    "debug": SeverityNumber.DEBUG,
    "info": SeverityNumber.INFO,
    "warning": SeverityNumber.WARN,
    "warn": SeverityNumber.WARN,
    "error": SeverityNumber.ERROR,
    "exception": SeverityNumber.ERROR,
    "critical": SeverityNumber.FATAL,
}
NOT_ATTRIBUTES = ("message", "level", "timestamp")  # they travel as body, severity and time
__all__ = ["BatchLogRecords", "CloudWatchLogRecordExporter", "LogRecords", "ensure_log_stream"]
PIPELINE_LOGGERS = ("opentelemetry", "amazon.opentelemetry")
LOG_BATCH = 512
_emitting: ContextVar[bool] = ContextVar("o11yshop_otel_log_emitting", default=False)


def record_fields(line: str) -> tuple[str, str, dict[str, Any]]:
    """(body, level, attributes) of one JSON line (a line cut short travels whole, as the body)."""
    try:
        fields = json.loads(line)
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        return line, "info", {}
    attributes = {k: v for k, v in fields.items() if k not in NOT_ATTRIBUTES and v is not None}
    return str(fields.get("message", "")), str(fields.get("level", "info")), attributes


class LogRecords:
    """The sink the JSON-lines handler calls with each line: turns it into a record and queues it."""

    def __init__(self, logger: Logger, processor: Any, counts: Counts, max_queue_size: int) -> None:
        self.logger = logger
        self.processor = processor
        self.counts = counts
        self.max_queue_size = max_queue_size

    def put(self, timestamp_ms: int, line: str) -> None:
        if _emitting.get():
            return
        line, cut = truncate(line)  # as aws mode does: CloudWatch refuses an event over 256 KiB
        body, level, attributes = record_fields(line)
        if cut:
            self.counts.add(truncated=1)
        if str(attributes.get("logger", "")).startswith(PIPELINE_LOGGERS):
            return
        if queued(self.processor) >= self.max_queue_size:
            self.counts.add(accepted=1, dropped=1, dropped_buffer_full=1)
            return
        token = _emitting.set(True)
        try:
            self.counts.add(accepted=1)
            self.logger.emit(
                timestamp=timestamp_ms * 1_000_000,
                observed_timestamp=time.time_ns(),
                context=get_current(),
                severity_text=level,
                severity_number=SEVERITY.get(level, SeverityNumber.UNSPECIFIED),
                body=body,
                attributes=attributes,
            )
        finally:
            _emitting.reset(token)

    def stats(self) -> dict[str, int]:
        return self.counts.stats()

    def close(self, timeout: float = 10.0) -> None:
        self.processor.force_flush(int(timeout * 1000))
        self.processor.shutdown()


class BatchLogRecords(AwsCloudWatchOtlpBatchLogRecordProcessor):
    """ADOT's batch processor, which splits batches to stay under the OTLP endpoint's 1 MB a
    request, exporting once a second like the rest."""

    def __init__(self, exporter: OTLPAwsLogRecordExporter, max_queue_size: int) -> None:
        super().__init__(
            exporter,
            schedule_delay_millis=EXPORT_EVERY_MS,
            max_export_batch_size=min(LOG_BATCH, max_queue_size),
            max_queue_size=max_queue_size,
        )


class CloudWatchLogRecordExporter(OTLPAwsLogRecordExporter):
    """ADOT's SigV4 OTLP log exporter, which first makes sure the group and stream exist, and counts."""

    def __init__(
        self,
        *,
        endpoint: str,
        region: str,
        session: Session,
        group: str,
        stream: str,
        counts: Counts,
        ensure_stream: Callable[[], None] | None,
        ensure_for_seconds: float = 60.0,
    ) -> None:
        super().__init__(
            aws_region=region,
            session=session,
            log_group=group,
            log_stream=stream,
            endpoint=endpoint,
            timeout=10,
        )
        self.counts = counts
        self._ensure_stream = ensure_stream
        self._ready = ensure_stream is None
        self._ensure_for = ensure_for_seconds
        self._stopping = threading.Event()

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        if not self._ready and not self._ensure():
            self.counts.add(dropped=len(batch), dropped_no_log_stream=len(batch))
            return LogRecordExportResult.FAILURE
        try:
            result = super().export(batch)
        except Exception:  # the exporter retries once on a refused connection, then raises
            result = LogRecordExportResult.FAILURE
        if result is LogRecordExportResult.SUCCESS:
            self.counts.add(shipped=len(batch))
        else:
            self.counts.add(dropped=len(batch), dropped_export_failed=len(batch))
            self._ready = self._ensure_stream is None  # the group may be gone: check before the next
        return result

    def _ensure(self) -> bool:
        assert self._ensure_stream is not None
        deadline = time.monotonic() + self._ensure_for
        delay = 0.2
        while not self._stopping.is_set():
            try:
                self._ensure_stream()
            except Exception:  # the endpoint may still be starting, or AWS said no
                if time.monotonic() + delay > deadline:
                    return False
                self._stopping.wait(delay)
                delay = min(5.0, delay * 2)
                continue
            self._ready = True
            return True
        return False

    def shutdown(self) -> None:
        self._stopping.set()
        super().shutdown()
