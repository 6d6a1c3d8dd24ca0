"""Numbers for the telemetry bench: percentiles of one run, medians and spreads across rounds."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float]:
    return {
        "count": len(latencies_ms),
        "mean": statistics.fmean(latencies_ms) if latencies_ms else math.nan,
        "p50": percentile(latencies_ms, 50),
        "p90": percentile(latencies_ms, 90),
        "p99": percentile(latencies_ms, 99),
        "max": max(latencies_ms) if latencies_ms else math.nan,
    }


def summarize_records(records: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """Per-kind and overall latency summaries and status counts of one load-generator run."""
    by_kind: dict[str, list[float]] = {}
    everything: list[float] = []
    statuses: Counter[str] = Counter()
    by_kind_status: dict[str, Counter[str]] = {}
    for kind, status, latency in records:
        by_kind.setdefault(kind, []).append(float(latency))
        everything.append(float(latency))
        statuses[str(status)] += 1
        by_kind_status.setdefault(kind, Counter())[str(status)] += 1
    return {
        "all": latency_summary(everything),
        "by_kind": {kind: latency_summary(values) for kind, values in sorted(by_kind.items())},
        "statuses": dict(sorted(statuses.items())),
        "statuses_by_kind": {kind: dict(sorted(c.items())) for kind, c in sorted(by_kind_status.items())},
    }


def median_spread(values: Sequence[float | None]) -> dict[str, float | None]:
    """Median, minimum and maximum of the rounds' values (None when no round had one)."""
    present = [v for v in values if v is not None and not math.isnan(v)]
    if not present:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {
        "median": statistics.median(present),
        "min": min(present),
        "max": max(present),
        "n": len(present),
    }


def dig(data: dict[str, Any], path: str) -> Any:
    """``dig(run, "cpu.shop_s_per_1k")``: a dotted path into nested dicts, None when absent."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline
