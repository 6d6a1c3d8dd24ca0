"""What the endpoint received, per AWS service and operation: ``GET /_localaws/stats``.

The benchmark compares the telemetry approaches by the requests they cost; this counts them where
they arrive. A count is one dictionary update under a lock; nothing here is journalled.
"""

from __future__ import annotations

import threading
from typing import Any


class RequestStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, list[int]] = {}

    def count(self, key: str, size: int) -> None:
        """One request for ``key`` (``service.Operation``) carrying ``size`` bytes of body."""
        with self._lock:
            entry = self._counts.get(key)
            if entry is None:
                self._counts[key] = [1, size]
            else:
                entry[0] += 1
                entry[1] += size

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            counts = {key: {"calls": calls, "bytes": size} for key, (calls, size) in self._counts.items()}
        return {"requests": dict(sorted(counts.items()))}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
