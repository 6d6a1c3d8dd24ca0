"""Metrics recorded in memory and flushed as Embedded Metric Format (EMF) documents (O-METRIC-05).

``record`` costs a dictionary update: no I/O on the request path. Every ``interval`` seconds a
thread turns what was recorded into EMF documents — one per set of dimension values, counters
summed, distributions kept as value arrays (at most 100 a document, as EMF allows) so CloudWatch
can compute percentiles — and hands them to a sink (the CloudWatch Logs shipper, which makes them
metrics on arrival). In ``off`` mode nothing is flushed.

>>> from o11yshop.telemetry import catalogue, metrics
>>> metrics.record(catalogue.ORDERS_PLACED)
>>> metrics.record(catalogue.LATENCY, 12.5, Route="/api/products", Method="GET", StatusClass="2xx")
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from o11yshop.telemetry.catalogue import NAMESPACE, MetricSpec
from o11yshop.telemetry.tracing import trace_ids

MAX_VALUES_PER_DOCUMENT = 100
COUNTER_ONLY = float("-inf")  # an exemplar kept from a counter: any distribution value replaces it
Sink = Callable[[int, str], None]
Key = tuple[tuple[str, ...], tuple[str, ...]]  # (dimension names, their values)


@dataclass
class Recorded:
    """What was recorded since the last flush, per set of dimension values."""

    sums: dict[Key, dict[MetricSpec, float]]
    values: dict[Key, dict[MetricSpec, list[float]]]
    # per key, the trace of the largest distribution value (the slowest request), else the latest
    exemplars: dict[Key, tuple[float, str]]


class Sender(Protocol):
    def send(self, recorded: Recorded, timestamp_ms: int) -> int: ...


class MetricRecorder:
    def __init__(
        self,
        service: str,
        sink: Sink | None = None,
        interval: float = 10.0,
        properties: Callable[[], dict[str, str]] | None = None,
        *,
        enabled: bool = True,
    ) -> None:
        self.service = service
        self.enabled = enabled
        self.sink = sink
        self.interval = interval
        self.properties = properties
        self._lock = threading.Lock()
        self._sums: dict[Key, dict[MetricSpec, float]] = defaultdict(dict)
        self._values: dict[Key, dict[MetricSpec, list[float]]] = defaultdict(dict)
        self._exemplars: dict[Key, tuple[float, str]] = {}
        self.sender: Sender | None = None  # PutMetricData instead of EMF documents
        self.samplers: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, spec: MetricSpec, value: float = 1.0, **dimensions: str) -> None:
        if not self.enabled:
            return
        dimensions.setdefault("Service", self.service)
        if set(dimensions) != set(spec.dimensions):
            raise ValueError(f"{spec.name} takes dimensions {spec.dimensions}, got {tuple(dimensions)}")
        key = (spec.dimensions, tuple(str(dimensions[d]) for d in spec.dimensions))
        ids = trace_ids()
        with self._lock:
            if spec.distribution:
                self._values[key].setdefault(spec, []).append(float(value))
            else:
                sums = self._sums[key]
                sums[spec] = sums.get(spec, 0.0) + value
            if ids is not None and ids.sampled:
                self._keep_exemplar(key, spec, value, ids.trace_id)

    def _keep_exemplar(self, key: Key, spec: MetricSpec, value: float, trace_id: str) -> None:
        seen = self._exemplars.get(key)
        if spec.distribution:
            if seen is None or value >= seen[0]:
                self._exemplars[key] = (float(value), trace_id)
        elif seen is None or seen[0] == COUNTER_ONLY:
            self._exemplars[key] = (COUNTER_ONLY, trace_id)

    def take(self) -> Recorded:
        """What was recorded since the last call (and start afresh)."""
        with self._lock:
            taken = Recorded(self._sums, self._values, self._exemplars)
            self._sums, self._values, self._exemplars = defaultdict(dict), defaultdict(dict), {}
        return taken

    def documents(self, timestamp_ms: int | None = None) -> list[str]:
        """Take what was recorded since the last call, as EMF documents (JSON lines). Each carries
        the X-Ray trace ID of its slowest (or latest) traced request as the ``trace_id`` property:
        a property, not a dimension, so it costs no metric and leads from a spike to a trace."""
        return self.emf(self.take(), timestamp_ms)

    def emf(self, recorded: Recorded, timestamp_ms: int | None = None) -> list[str]:
        sums, values = recorded.sums, recorded.values
        stamp = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        extra = self.properties() if self.properties else {}
        out = []
        for key in sums.keys() | values.keys():
            names, dim_values = key
            counters = sums.get(key, {})
            series = values.get(key, {})
            chunks = max([1] + [-(-len(v) // MAX_VALUES_PER_DOCUMENT) for v in series.values()])
            for chunk in range(chunks):
                members: dict[str, object] = dict(zip(names, dim_values, strict=True))
                metrics = []
                if chunk == 0:
                    for spec, total in counters.items():
                        members[spec.name] = total
                        metrics.append({"Name": spec.name, "Unit": spec.unit})
                for spec, all_values in series.items():
                    part = all_values[chunk * MAX_VALUES_PER_DOCUMENT : (chunk + 1) * MAX_VALUES_PER_DOCUMENT]
                    if part:
                        members[spec.name] = part
                        metrics.append({"Name": spec.name, "Unit": spec.unit})
                if not metrics:
                    continue
                document = {
                    "_aws": {
                        "Timestamp": stamp,
                        "CloudWatchMetrics": [
                            {"Namespace": NAMESPACE, "Dimensions": [list(names)], "Metrics": metrics}
                        ],
                    },
                    **extra,
                    **members,
                }
                if chunk == 0 and key in recorded.exemplars:
                    document["trace_id"] = recorded.exemplars[key][1]
                out.append(json.dumps(document, separators=(",", ":")))
        return out

    def flush(self) -> int:
        for sample in self.samplers:
            try:
                sample()
            except Exception:  # a failed sample must not cost the metrics already recorded
                logging.getLogger("o11yshop.telemetry").debug("sampler failed", exc_info=True)
        if self.sender is not None:
            return self.sender.send(self.take(), int(time.time() * 1000))
        lines = self.documents()
        if self.sink is not None:
            stamp = int(time.time() * 1000)
            for line in lines:
                self.sink(stamp, line)
        return len(lines)

    def start(self) -> MetricRecorder:
        self._thread = threading.Thread(target=self._run, name="emf-flush", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()


_recorder = MetricRecorder(service="unconfigured", enabled=False)  # until configure() chooses


def use(recorder: MetricRecorder) -> None:
    global _recorder
    _recorder = recorder


def record(spec: MetricSpec, value: float = 1.0, **dimensions: str) -> None:
    """Record one value of a declared metric (counters add up; distributions keep every value)."""
    _recorder.record(spec, value, **dimensions)


def recorder() -> MetricRecorder:
    return _recorder
