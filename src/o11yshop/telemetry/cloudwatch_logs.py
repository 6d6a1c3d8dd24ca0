"""Ships log lines to CloudWatch Logs from a background thread, within every PutLogEvents limit.

``put`` never blocks and never raises: a request must not wait on telemetry. Lines wait in a
bounded buffer; when it is full, new lines are dropped and counted. A worker thread sends batches
(at most 10,000 events and 1,048,576 bytes counting 26 bytes of overhead per event, spanning at
most 24 hours, in time order), retries throttling and errors with capped exponential back-off and
jitter, and sends what is left on ``close``. ``stats`` says exactly what happened to every line:
``accepted == shipped + dropped + pending``.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_EVENT_BYTES = 256 * 1024 - EVENT_OVERHEAD_BYTES
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
RETRYABLE = {
    "ThrottlingException",
    "ServiceUnavailableException",
    "InternalFailure",
    "ServiceUnavailable",
    "RequestTimeout",
    "RequestTimeoutException",
    "ResourceNotFoundException",
}


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


class CloudWatchLogsShipper:
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
        self._client_factory = client_factory
        self._client: Any = None
        self.group = group
        self.stream = stream
        self.retention_days = retention_days
        self.max_buffered = max_buffered
        self.flush_interval = flush_interval
        self.max_backoff = max_backoff
        self._buffer: list[LogEvent] = []  # put() appends here
        self._outbox: list[LogEvent] = []  # the worker's, in time order, sent from the front
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._ready = False
        self._counts: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._run, name=f"cwlogs-{stream}", daemon=True)

    # -- the side the application sees ------------------------------------------------------------

    def start(self) -> CloudWatchLogsShipper:
        self._thread.start()
        return self

    def put(self, timestamp_ms: int, message: str) -> None:
        message, cut = truncate(message)
        with self._lock:
            self._counts["accepted"] += 1
            if cut:
                self._counts["truncated"] += 1
            if len(self._buffer) + len(self._outbox) >= self.max_buffered or self._closing.is_set():
                self._counts["dropped"] += 1
                self._counts[
                    "dropped_buffer_full" if not self._closing.is_set() else "dropped_after_close"
                ] += 1
                return
            self._buffer.append(LogEvent(timestamp_ms, message))
            if len(self._buffer) >= MAX_BATCH_EVENTS:
                self._wake.set()

    def stats(self) -> dict[str, int]:
        with self._lock:
            counts = dict(self._counts)
            counts["pending"] = len(self._buffer) + len(self._outbox)
        for key in ("accepted", "shipped", "dropped", "retries", "batches", "truncated"):
            counts.setdefault(key, 0)
        return counts

    def flush(self, timeout: float = 10.0) -> bool:
        """Wake the worker and wait until the buffer is empty (or ``timeout``); True when it is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._buffer and not self._outbox:
                    return True
            self._wake.set()
            time.sleep(0.02)
        return False

    def close(self, timeout: float = 10.0) -> None:
        """Send what is buffered (for up to ``timeout``), then stop; what is left is counted dropped."""
        self.flush(timeout)
        self._closing.set()
        self._wake.set()
        self._thread.join(timeout=max(1.0, timeout))
        with self._lock:
            left = len(self._buffer) + len(self._outbox)
            if left:
                self._counts["dropped"] += left
                self._counts["dropped_at_close"] += left
                self._buffer.clear()
                self._outbox.clear()

    # -- the worker -------------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 0.0
        while not self._closing.is_set():
            self._wake.wait(timeout=backoff or self.flush_interval)
            self._wake.clear()
            if self._closing.is_set():
                break
            backoff = self._ship_all(backoff)

    def _ship_all(self, backoff: float) -> float:
        """Send batches until nothing is left; on a retryable failure return the next back-off."""
        with self._lock:
            if self._buffer:
                self._outbox.extend(self._buffer)
                self._buffer.clear()
                self._outbox.sort(key=lambda e: e.timestamp_ms)
        while self._outbox:
            batch = next_batch(self._outbox)
            if self._send(batch) == "retry":
                with self._lock:
                    self._counts["retries"] += 1
                return min(self.max_backoff, max(0.1, backoff * 2)) * random.uniform(0.8, 1.2)
            with self._lock:
                del self._outbox[: len(batch)]
                self._counts["batches"] += 1
        return 0.0

    def _send(self, batch: list[LogEvent]) -> str:
        try:
            client = self._ensure_stream()
            response = client.put_log_events(
                logGroupName=self.group,
                logStreamName=self.stream,
                logEvents=[{"timestamp": e.timestamp_ms, "message": e.message} for e in batch],
            )
        except Exception as exc:  # the network, the endpoint, or AWS said no
            code = _error_code(exc)
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
            for call, kwargs in (
                (self._client.create_log_group, {"logGroupName": self.group}),
                (self._client.create_log_stream, {"logGroupName": self.group, "logStreamName": self.stream}),
            ):
                try:
                    call(**kwargs)
                except Exception as exc:
                    if _error_code(exc) != "ResourceAlreadyExistsException":
                        raise
            self._client.put_retention_policy(logGroupName=self.group, retentionInDays=self.retention_days)
            self._ready = True
        return self._client


def _error_code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code") or "") or None
    return None


def _rejected_count(info: dict[str, int], size: int) -> int:
    """How many events of the batch CloudWatch refused (too old, expired, or too new)."""
    refused: set[int] = set()
    for key in ("tooOldLogEventEndIndex", "expiredLogEventEndIndex"):
        if key in info:
            refused.update(range(0, int(info[key]) + 1))
    if "tooNewLogEventStartIndex" in info:
        refused.update(range(int(info["tooNewLogEventStartIndex"]), size))
    return len(refused)
