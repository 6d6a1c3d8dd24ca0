"""Ships log lines to CloudWatch Logs from a background thread, within every PutLogEvents limit.

``put`` never blocks and never raises (see ``shipping``: bounded buffer, back-off, exact counts).
A batch holds at most 10,000 events and 1,048,576 bytes counting 26 bytes of overhead per event,
spans at most 24 hours, and is in time order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from o11yshop.telemetry.shipping import RETRYABLE, BackgroundShipper, Outcome, error_code

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_EVENT_BYTES = 256 * 1024 - EVENT_OVERHEAD_BYTES
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class LogEvent:
    timestamp_ms: int
    message: str

    @property
    def size(self) -> int:
        return len(self.message.encode("utf-8")) + EVENT_OVERHEAD_BYTES


def truncate(message: str) -> tuple[str, bool]:
    raw = message.encode("utf-8")
    if len(raw) <= MAX_EVENT_BYTES:
        return message, False
    return raw[:MAX_EVENT_BYTES].decode("utf-8", errors="ignore"), True


def next_batch(events: list[LogEvent]) -> list[LogEvent]:
    """The longest time-ordered prefix of ``events`` that PutLogEvents accepts in one call."""
    batch: list[LogEvent] = []
    size = 0
    for event in events:
        if len(batch) == MAX_BATCH_EVENTS or size + event.size > MAX_BATCH_BYTES:
            break
        if batch and event.timestamp_ms - batch[0].timestamp_ms > MAX_BATCH_SPAN_MS:
            break
        batch.append(event)
        size += event.size
    return batch


class CloudWatchLogsShipper(BackgroundShipper[LogEvent]):
    def __init__(
        self,
        client_factory: Callable[[], Any],
        group: str,
        stream: str,
        *,
        retention_days: int = 7,
        max_buffered: int = 20_000,
        flush_interval: float = 1.0,
        max_backoff: float = 5.0,
    ) -> None:
        self.name = f"cwlogs-{stream}"
        super().__init__(max_buffered=max_buffered, flush_interval=flush_interval, max_backoff=max_backoff)
        self._client_factory = client_factory
        self._client: Any = None
        self.group = group
        self.stream = stream
        self.retention_days = retention_days
        self._ready = False

    def start(self) -> CloudWatchLogsShipper:
        super().start()
        return self

    def put(self, timestamp_ms: int, message: str) -> None:
        message, cut = truncate(message)
        self._accept(LogEvent(timestamp_ms, message), *(("truncated",) if cut else ()))

    def _wake_early(self, buffered: int) -> bool:
        return buffered >= MAX_BATCH_EVENTS

    def _order(self, outbox: list[LogEvent]) -> None:
        outbox.sort(key=lambda e: e.timestamp_ms)

    def _next_batch(self, outbox: list[LogEvent]) -> list[LogEvent]:
        return next_batch(outbox)

    def _send(self, batch: list[LogEvent]) -> Outcome:
        try:
            client = self._ensure_stream()
            response = client.put_log_events(
                logGroupName=self.group,
                logStreamName=self.stream,
                logEvents=[{"timestamp": e.timestamp_ms, "message": e.message} for e in batch],
            )
        except Exception as exc:  # the network, the endpoint, or AWS said no
            code = error_code(exc)
            if code == "ResourceNotFoundException":
                self._ready = False
            if code is None or code in RETRYABLE:
                return "retry"
            with self._lock:
                self._counts["dropped"] += len(batch)
                self._counts[f"dropped_{code}"] += len(batch)
            return "done"
        rejected = _rejected_count(response.get("rejectedLogEventsInfo") or {}, len(batch))
        with self._lock:
            self._counts["shipped"] += len(batch) - rejected
            if rejected:
                self._counts["dropped"] += rejected
                self._counts["dropped_rejected"] += rejected
        return "done"

    def _ensure_stream(self) -> Any:
        if self._client is None:
            self._client = self._client_factory()
        if not self._ready:
            ensure_log_stream(self._client, self.group, self.stream, self.retention_days)
            self._ready = True
        return self._client


def ensure_log_stream(logs: Any, group: str, stream: str, retention_days: int) -> None:
    """Create the group and the stream unless they exist, and set the group's retention."""
    for call, kwargs in (
        (logs.create_log_group, {"logGroupName": group}),
        (logs.create_log_stream, {"logGroupName": group, "logStreamName": stream}),
    ):
        try:
            call(**kwargs)
        except Exception as exc:
            if error_code(exc) != "ResourceAlreadyExistsException":
                raise
    logs.put_retention_policy(logGroupName=group, retentionInDays=retention_days)


def _rejected_count(info: dict[str, int], size: int) -> int:
    """How many events of the batch CloudWatch refused (too old, expired, or too new)."""
    refused: set[int] = set()
    for key in ("tooOldLogEventEndIndex", "expiredLogEventEndIndex"):
        if key in info:
            refused.update(range(0, int(info[key]) + 1))
    if "tooNewLogEventStartIndex" in info:
        refused.update(range(int(info["tooNewLogEventStartIndex"]), size))
    return len(refused)
