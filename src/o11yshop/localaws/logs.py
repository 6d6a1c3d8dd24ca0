"""CloudWatch Logs (filled in below the X-Ray milestone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class LogsRegion:
    def __init__(self, region: str, now: Callable[[], float], metrics: Any) -> None:
        self.region = region
        self.now = now
        self.metrics = metrics


OPERATIONS: dict[str, Callable[[LogsRegion, dict[str, Any]], dict[str, Any]]] = {}
READ_ONLY: set[str] = set()
