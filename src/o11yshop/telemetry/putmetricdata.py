"""The alternative metrics transport (``O11YSHOP_METRICS_TRANSPORT=putmetricdata``).

EMF (the default) writes metrics into the log stream: no extra API call, the values stay in the
logs as searchable events, and CloudWatch extracts the metrics on arrival; you pay log ingestion
for the bytes. PutMetricData sends them to the CloudWatch API: no log bytes, metrics visible
without a log group, but an API call (billed per 1,000 requests) on every flush and no raw events
to search. docs/observability-aws.md compares the two.

Each flush sends what was recorded as ``MetricData``: counters as one value, distributions as
``Values``/``Counts`` (at most 150 distinct values a datum, as the API allows) so percentiles still
work; at most 1,000 data a call. It runs on the flush thread, never on a request.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from o11yshop.telemetry.catalogue import NAMESPACE
from o11yshop.telemetry.metrics import Recorded
from o11yshop.telemetry.shipping import error_code

MAX_VALUES_PER_DATUM = 150
MAX_DATA_PER_CALL = 1000
log = logging.getLogger("o11yshop.telemetry")


class PutMetricDataSender:
    def __init__(self, client_factory: Callable[[], Any]) -> None:
        self._client_factory = client_factory
        self._client: Any = None
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def send(self, recorded: Recorded, timestamp_ms: int) -> int:
        data = list(metric_data(recorded, timestamp_ms))
        calls = 0
        for start in range(0, len(data), MAX_DATA_PER_CALL):
            part = data[start : start + MAX_DATA_PER_CALL]
            try:
                if self._client is None:
                    self._client = self._client_factory()
                self._client.put_metric_data(Namespace=NAMESPACE, MetricData=part)
            except Exception as exc:  # metrics of one interval are lost, the shop goes on
                with self._lock:
                    self.counts["dropped"] += len(part)
                log.warning("PutMetricData failed", extra={"error": error_code(exc) or type(exc).__name__})
                continue
            calls += 1
            with self._lock:
                self.counts["sent"] += len(part)
                self.counts["calls"] += 1
        return calls


def metric_data(recorded: Recorded, timestamp_ms: int) -> Iterator[dict[str, Any]]:
    moment = dt.datetime.fromtimestamp(timestamp_ms / 1000, tz=dt.UTC)
    for key in recorded.sums.keys() | recorded.values.keys():
        names, values = key
        dimensions = [{"Name": n, "Value": v} for n, v in zip(names, values, strict=True)]
        for spec, total in recorded.sums.get(key, {}).items():
            yield {
                "MetricName": spec.name,
                "Dimensions": dimensions,
                "Timestamp": moment,
                "Value": total,
                "Unit": spec.unit,
            }
        for spec, observed in recorded.values.get(key, {}).items():
            counted = sorted(Counter(observed).items())
            for start in range(0, len(counted), MAX_VALUES_PER_DATUM):
                part = counted[start : start + MAX_VALUES_PER_DATUM]
                yield {
                    "MetricName": spec.name,
                    "Dimensions": dimensions,
                    "Timestamp": moment,
                    "Values": [v for v, _ in part],
                    "Counts": [float(c) for _, c in part],
                    "Unit": spec.unit,
                }
