"""CloudWatch statistics over one period's samples: the five basic ones, percentiles and trimmed ones.

Definitions from the CloudWatch user guide, "CloudWatch statistics definitions":
- ``pNN.NN``: the value at or below which NN.NN% of the samples lie (nearest rank on the sorted,
  count-weighted samples);
- ``TM(a%:b%)`` (``tmNN`` = ``TM(:NN%)``): the mean of the samples ranked above a% and up to b%;
  ``TM(x:y)`` with plain numbers: the mean of the values with x < value <= y;
- ``TC``/``TS``: the count/sum of those samples; ``WM``: the winsorized mean; ``IQM`` = ``TM(25%:75%)``;
- ``PR(x:y)``: the percentage of samples with x < value <= y.
Percentiles and the trimmed statistics need the individual values (Value or Values/Counts); a period
that holds StatisticValues sets has none of them, as on AWS.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from o11yshop.localaws.protocol import AwsError

BASIC = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")

_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d{1,10})?|100(?:\.0{1,10})?)$")
_SHORT = re.compile(r"^(tm|wm|tc|ts)(\d{1,2}(?:\.\d{1,10})?|100)$", re.IGNORECASE)
_RANGE = re.compile(r"^(TM|WM|TC|TS|PR)\(([^:()]*):([^:()]*)\)$", re.IGNORECASE)


@dataclass
class Samples:
    """The samples of one metric in one period."""

    values: list[tuple[float, float]] = field(default_factory=list)  # (value, count)
    sets: list[tuple[float, float, float, float]] = field(default_factory=list)  # (count, sum, min, max)

    def empty(self) -> bool:
        return not self.values and not self.sets

    def count(self) -> float:
        return sum(c for _, c in self.values) + sum(s[0] for s in self.sets)

    def total(self) -> float:
        return sum(v * c for v, c in self.values) + sum(s[1] for s in self.sets)

    def minimum(self) -> float:
        return min([v for v, _ in self.values] + [s[2] for s in self.sets])

    def maximum(self) -> float:
        return max([v for v, _ in self.values] + [s[3] for s in self.sets])


def validate_statistic(name: str, extended: bool | None = None) -> None:
    """Raise unless CloudWatch knows the statistic (``extended``: only basic / only extended)."""
    if name in BASIC:
        if extended is True:
            raise AwsError("InvalidParameterValue", f"{name} is a basic statistic, not an extended one")
        return
    if (
        _PERCENTILE.match(name)
        or _SHORT.match(name)
        or name.upper() == "IQM"
        or _parse_range(name) is not None
    ):
        if extended is False:
            raise AwsError("InvalidParameterValue", f"{name} belongs in ExtendedStatistics")
        return
    raise AwsError("InvalidParameterValue", f"The statistic {name!r} is not valid")


def _bound(text: str) -> tuple[float | None, bool]:
    text = text.strip()
    if not text:
        return None, True
    if text.endswith("%"):
        return float(text[:-1]), True
    return float(text), False


def _parse_range(name: str) -> tuple[str, float | None, float | None, bool] | None:
    match = _RANGE.match(name)
    if not match:
        return None
    kind = match.group(1).upper()
    try:
        low, low_pct = _bound(match.group(2))
        high, high_pct = _bound(match.group(3))
    except ValueError:
        return None
    if low is not None and high is not None and low_pct != high_pct:
        return None
    percent = low_pct if low is not None else high_pct
    if kind == "PR" and percent and (match.group(2).strip() or match.group(3).strip()):
        return None  # PR takes absolute values
    return kind, low, high, percent


def compute(name: str, samples: Samples) -> float | None:
    """The statistic over the samples, or None when CloudWatch would have no value for it."""
    if samples.empty():
        return None
    if name == "SampleCount":
        return samples.count()
    if name == "Sum":
        return samples.total()
    if name == "Average":
        return samples.total() / samples.count()
    if name == "Minimum":
        return samples.minimum()
    if name == "Maximum":
        return samples.maximum()
    if samples.sets or not samples.values:
        return None
    ordered = sorted(samples.values)
    match = _PERCENTILE.match(name)
    if match:
        return _percentile(ordered, float(match.group(1)))
    short = _SHORT.match(name)
    if short:
        return _trimmed(ordered, short.group(1).upper(), None, float(short.group(2)), True)
    if name.upper() == "IQM":
        return _trimmed(ordered, "TM", 25.0, 75.0, True)
    parsed = _parse_range(name)
    if parsed is None:
        raise AwsError("InvalidParameterValue", f"The statistic {name!r} is not valid")
    kind, low, high, percent = parsed
    return _trimmed(ordered, kind, low, high, percent)


def _percentile(ordered: list[tuple[float, float]], p: float) -> float:
    total = sum(c for _, c in ordered)
    rank = max(math.ceil(p / 100.0 * total - 1e-9), 1)
    seen = 0.0
    for value, count in ordered:
        seen += count
        if seen >= rank:
            return value
    return ordered[-1][0]


def _trimmed(
    ordered: list[tuple[float, float]], kind: str, low: float | None, high: float | None, percent: bool
) -> float | None:
    total = sum(c for _, c in ordered)
    kept: list[tuple[float, float]] = []
    if kind == "PR":
        inside = sum(c for v, c in ordered if (low is None or v > low) and (high is None or v <= high))
        return 100.0 * inside / total
    if percent:
        low_rank = (low or 0.0) / 100.0 * total
        high_rank = (100.0 if high is None else high) / 100.0 * total
        seen = 0.0
        for value, count in ordered:
            # the part of this value's weight ranked inside (low_rank, high_rank]
            inside = max(0.0, min(seen + count, high_rank) - max(seen, low_rank))
            if inside > 1e-9:
                kept.append((value, inside))
            seen += count
        low_value = _percentile(ordered, low or 0.0) if low else ordered[0][0]
        high_value = _percentile(ordered, high) if high is not None else ordered[-1][0]
    else:
        kept = [(v, c) for v, c in ordered if (low is None or v > low) and (high is None or v <= high)]
        low_value = low if low is not None else ordered[0][0]
        high_value = high if high is not None else ordered[-1][0]
    if kind == "WM":
        clamp: Callable[[float], float] = lambda v: min(max(v, low_value), high_value)  # noqa: E731
        return sum(clamp(v) * c for v, c in ordered) / total
    count = sum(c for _, c in kept)
    if kind == "TC":
        return count
    summed = sum(v * c for v, c in kept)
    if kind == "TS":
        return summed
    return summed / count if count else None
