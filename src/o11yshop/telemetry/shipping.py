"""What every background sender of telemetry shares: a bounded buffer, a worker thread, back-off.

``put`` never blocks and never raises: a request must not wait on telemetry. Items wait in a
bounded buffer; when it is full, new items are dropped and counted. A worker thread sends batches
(each subclass knows its API's limits), retries throttling and errors with capped exponential
back-off and jitter, and sends what is left on ``close``. ``stats`` says exactly what happened to
every item: ``accepted == shipped + dropped + pending``.

Subclasses: ``CloudWatchLogsShipper`` (log lines and EMF documents, PutLogEvents) and
``SegmentShipper`` (X-Ray segment documents, PutTraceSegments).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from typing import Any, Generic, Literal, TypeVar

Item = TypeVar("Item")
Outcome = Literal["done", "retry"]
RETRYABLE = {
    "ThrottlingException",
    "ThrottledException",
    "ServiceUnavailableException",
    "InternalFailure",
    "ServiceUnavailable",
    "RequestTimeout",
    "RequestTimeoutException",
    "ResourceNotFoundException",
}


class BackgroundShipper(Generic[Item]):
    name = "telemetry"

    def __init__(self, *, max_buffered: int, flush_interval: float = 1.0, max_backoff: float = 5.0) -> None:
        self.max_buffered = max_buffered
        self.flush_interval = flush_interval
        self.max_backoff = max_backoff
        self._buffer: list[Item] = []  # put() appends here
        self._outbox: list[Item] = []  # the worker's, sent from the front
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._counts: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    # -- for subclasses -----------------------------------------------------------------------------

    def _next_batch(self, outbox: list[Item]) -> list[Item]:
        """The longest prefix of ``outbox`` that the API accepts in one call."""
        raise NotImplementedError

    def _send(self, batch: list[Item]) -> Outcome:
        """Send one batch; count what the API refused; "retry" keeps the batch for later."""
        raise NotImplementedError

    def _order(self, outbox: list[Item]) -> None:
        """Put the outbox in the order the API wants (nothing by default)."""

    def _wake_early(self, buffered: int) -> bool:
        return False

    # -- the side the application sees ------------------------------------------------------------

    def start(self) -> BackgroundShipper[Item]:
        self._thread.start()
        return self

    def _accept(self, item: Item, *also_count: str) -> None:
        with self._lock:
            self._counts["accepted"] += 1
            for key in also_count:
                self._counts[key] += 1
            if len(self._buffer) + len(self._outbox) >= self.max_buffered or self._closing.is_set():
                self._counts["dropped"] += 1
                self._counts[
                    "dropped_buffer_full" if not self._closing.is_set() else "dropped_after_close"
                ] += 1
                return
            self._buffer.append(item)
            if self._wake_early(len(self._buffer)):
                self._wake.set()

    def _count(self, **increments: int) -> None:
        with self._lock:
            self._counts.update(increments)

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
        if self._thread.is_alive():
            self.flush(timeout)
        self._closing.set()
        self._wake.set()
        if self._thread.is_alive():
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
                self._order(self._outbox)
        while self._outbox:
            batch = self._next_batch(self._outbox)
            if self._send(batch) == "retry":
                with self._lock:
                    self._counts["retries"] += 1
                return min(self.max_backoff, max(0.1, backoff * 2)) * random.uniform(0.8, 1.2)
            with self._lock:
                del self._outbox[: len(batch)]
                self._counts["batches"] += 1
        return 0.0


def error_code(exc: Exception) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (None for network and other failures)."""
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code") or "") or None
    return None
