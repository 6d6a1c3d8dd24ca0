"""CloudWatch metrics and alarms (filled in below the X-Ray milestone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class CloudWatchRegion:
    def __init__(self, region: str, now: Callable[[], float], hub: Any) -> None:
        self.region = region
        self.now = now
        self.hub = hub

    def evaluate_alarms(self) -> list[Callable[[], None]]:
        return []


OPERATIONS: dict[str, Callable[[CloudWatchRegion, dict[str, Any]], dict[str, Any]]] = {}
READ_ONLY: set[str] = set()
