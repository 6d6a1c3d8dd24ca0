"""CloudWatch metrics: PutMetricData (Value, Values/Counts, StatisticValues), statistics, metric math.

A metric is identified by namespace, name and its exact set of dimensions, as on AWS: a query
with fewer dimensions does not aggregate over the others. Alarms live in ``alarms.py`` and are
reached through the same region object.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from o11yshop.localaws import metric_math, statistics
from o11yshop.localaws.protocol import ACCOUNT_ID, AwsError, clean_number, require, to_epoch

UNITS = [
    None, "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
    "Count/Second", "None",
]  # fmt: skip
UNIT_CODE = {name: code for code, name in enumerate(UNITS) if name}
MAX_PAST = 14 * 24 * 3600
MAX_FUTURE = 2 * 3600
HIGH_RESOLUTION_PERIODS = (1, 5, 10, 20, 30)

MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]


def _invalid(message: str, code: str = "InvalidParameterValue") -> AwsError:
    return AwsError(code, message)


def metric_key(namespace: str, name: str, dimensions: list[dict[str, str]] | None) -> MetricKey:
    dims = tuple(sorted((d["Name"], d["Value"]) for d in dimensions or []))
    if len({n for n, _ in dims}) != len(dims):
        raise _invalid("a dimension name appears twice")
    return (namespace, name, dims)


@dataclass
class Metric:
    """One metric's samples, kept in compact arrays (100,000 values take about 2.5 MB)."""

    key: MetricKey
    times: array[float] = field(default_factory=lambda: array("d"))
    values: array[float] = field(default_factory=lambda: array("d"))
    counts: array[float] = field(default_factory=lambda: array("d"))
    units: array[int] = field(default_factory=lambda: array("B"))
    sets: list[tuple[float, float, float, float, float, int]] = field(default_factory=list)
    last: float = 0.0

    def add_value(self, moment: float, value: float, count: float, unit: int) -> None:
        self.times.append(moment)
        self.values.append(value)
        self.counts.append(count)
        self.units.append(unit)
        self.last = max(self.last, moment)

    def add_set(self, moment: float, count: float, total: float, low: float, high: float, unit: int) -> None:
        self.sets.append((moment, count, total, low, high, unit))
        self.last = max(self.last, moment)

    def buckets(
        self, start: float, end: float, period: int, unit: str | None
    ) -> dict[float, statistics.Samples]:
        """Samples per period start, for samples with start <= timestamp < end."""
        wanted = UNIT_CODE.get(unit) if unit else None
        if unit and wanted is None:
            raise _invalid(f"unknown unit {unit!r}")
        found: dict[float, statistics.Samples] = {}
        for i, moment in enumerate(self.times):
            if start <= moment < end and (wanted is None or self.units[i] == wanted):
                bucket = start + (moment - start) // period * period
                found.setdefault(bucket, statistics.Samples()).values.append((self.values[i], self.counts[i]))
        for moment, count, total, low, high, code in self.sets:
            if start <= moment < end and (wanted is None or code == wanted):
                bucket = start + (moment - start) // period * period
                found.setdefault(bucket, statistics.Samples()).sets.append((count, total, low, high))
        return found

    def unit_in(self, start: float, end: float) -> str:
        for i, moment in enumerate(self.times):
            if start <= moment < end and self.units[i]:
                return UNITS[self.units[i]] or "None"
        for moment, *_rest, code in self.sets:
            if start <= moment < end and code:
                return UNITS[code] or "None"
        return "None"


def _check_period(period: Any) -> int:
    if not isinstance(period, int) or isinstance(period, bool) or period < 1:
        raise _invalid("Period must be a positive integer")
    if period % 60 and period not in HIGH_RESOLUTION_PERIODS:
        raise _invalid("Period must be 1, 5, 10, 20, 30 or a multiple of 60")
    return period


def align_start(moment: float, period: int) -> float:
    """CloudWatch rounds the start down: to the second for high-resolution periods, else to the minute."""
    step = 1 if period < 60 else 60
    return math.floor(moment / step) * step


class CloudWatchRegion:
    def __init__(self, region: str, now: Callable[[], float], hub: Any) -> None:
        self.region = region
        self.now = now
        self.hub = hub
        self.metrics: dict[MetricKey, Metric] = {}
        self.dashboards: dict[str, tuple[str, float]] = {}
        self.tags: dict[str, dict[str, str]] = {}
        from o11yshop.localaws.alarms import Alarms

        self.alarms = Alarms(self)

    # --- writing ------------------------------------------------------------------------------------

    def record(
        self, key: MetricKey, moment: float, values: list[float], counts: list[float] | None, unit: str | None
    ) -> None:
        """Store individual values (from PutMetricData, EMF or a metric filter)."""
        code = self._unit(unit)
        metric = self.metrics.get(key)
        if metric is None:
            metric = self.metrics[key] = Metric(key)
        for index, value in enumerate(values):
            metric.add_value(moment, float(value), float(counts[index]) if counts else 1.0, code)

    def _unit(self, unit: str | None) -> int:
        if not unit:
            return 0
        if unit not in UNIT_CODE:
            raise _invalid(f"The unit {unit!r} is not a CloudWatch unit")
        return UNIT_CODE[unit]

    def put_metric_data(self, params: dict[str, Any]) -> dict[str, Any]:
        namespace = require(params, "Namespace")
        if not isinstance(namespace, str) or not 1 <= len(namespace) <= 255:
            raise _invalid("Namespace must be 1 to 255 characters")
        if namespace.startswith("AWS/"):
            raise _invalid(
                "The value AWS/ for parameter Namespace is invalid: it is reserved for AWS services"
            )
        if params.get("EntityMetricData"):
            raise AwsError("InvalidParameterValue", "o11yshop local-aws does not emulate EntityMetricData")
        data = params.get("MetricData") or []
        if not data:
            raise _invalid("MetricData is required", "MissingParameter")
        now = self.now()
        prepared = []
        for datum in data:
            name = datum.get("MetricName")
            if not name:
                raise _invalid("MetricName is required", "MissingParameter")
            if len(datum.get("Dimensions") or []) > 30:
                raise _invalid("a metric has at most 30 dimensions")
            key = metric_key(namespace, name, datum.get("Dimensions"))
            moment = to_epoch(datum["Timestamp"]) if datum.get("Timestamp") is not None else now
            if moment < now - MAX_PAST or moment > now + MAX_FUTURE:
                raise _invalid(
                    f"The timestamp of {name} is more than two weeks old or two hours in the future"
                )
            unit = datum.get("Unit")
            self._unit(unit)
            given = [k for k in ("Value", "Values", "StatisticValues") if datum.get(k) is not None]
            if len(given) != 1:
                raise _invalid(
                    "Each datum takes exactly one of Value, Values or StatisticValues",
                    "InvalidParameterCombination",
                )
            prepared.append((key, moment, datum, unit))
        for key, moment, datum, unit in prepared:
            if datum.get("Value") is not None:
                value = float(datum["Value"])
                if math.isnan(value) or math.isinf(value):
                    raise _invalid("Value must be a finite number")
                self.record(key, moment, [value], None, unit)
            elif datum.get("Values") is not None:
                values = [float(v) for v in datum["Values"]]
                counts = [float(c) for c in datum.get("Counts") or []] or None
                if counts is not None and len(counts) != len(values):
                    raise _invalid("Values and Counts must be the same length", "InvalidParameterCombination")
                if len(values) > 150:
                    raise _invalid("Values takes at most 150 values")
                self.record(key, moment, values, counts, unit)
            else:
                stats = datum["StatisticValues"]
                metric = self.metrics.get(key) or self.metrics.setdefault(key, Metric(key))
                metric.add_set(
                    moment,
                    float(stats["SampleCount"]),
                    float(stats["Sum"]),
                    float(stats["Minimum"]),
                    float(stats["Maximum"]),
                    self._unit(unit),
                )
        return {}

    # --- reading ------------------------------------------------------------------------------------

    def list_metrics(self, params: dict[str, Any]) -> dict[str, Any]:
        namespace = params.get("Namespace")
        name = params.get("MetricName")
        wanted = params.get("Dimensions") or []
        recent = params.get("RecentlyActive") == "PT3H"
        now = self.now()
        found = []
        for key, metric in self.metrics.items():
            if (namespace and key[0] != namespace) or (name and key[1] != name):
                continue
            dims = dict(key[2])
            if any(d["Name"] not in dims or ("Value" in d and d["Value"] != dims[d["Name"]]) for d in wanted):
                continue
            if recent and metric.last < now - 3 * 3600:
                continue
            found.append(
                {
                    "Namespace": key[0],
                    "MetricName": key[1],
                    "Dimensions": [{"Name": n, "Value": v} for n, v in key[2]],
                }
            )
        return {"Metrics": found}

    def get_metric_statistics(self, params: dict[str, Any]) -> dict[str, Any]:
        key = metric_key(
            require(params, "Namespace"), require(params, "MetricName"), params.get("Dimensions")
        )
        period = _check_period(require(params, "Period"))
        start = align_start(to_epoch(require(params, "StartTime")), period)
        end = to_epoch(require(params, "EndTime"))
        if end <= start:
            raise _invalid("The parameter StartTime must be less than the parameter EndTime.")
        basic = params.get("Statistics") or []
        extended = params.get("ExtendedStatistics") or []
        if not basic and not extended:
            raise _invalid("Statistics or ExtendedStatistics is required", "MissingParameter")
        for name in basic:
            statistics.validate_statistic(name, extended=False)
        for name in extended:
            statistics.validate_statistic(name, extended=True)
        if (end - start) / period > 1440:
            raise _invalid(
                "You have requested up to 1,440 datapoints, which exceeds the limit of 1,440.",
                "InvalidParameterCombination",
            )
        metric = self.metrics.get(key)
        datapoints = []
        if metric is not None:
            unit = params.get("Unit")
            for bucket, samples in sorted(metric.buckets(start, end, period, unit).items()):
                point: dict[str, Any] = {
                    "Timestamp": bucket,
                    "Unit": unit or metric.unit_in(bucket, bucket + period),
                }
                for name in basic:
                    point[name] = clean_number(statistics.compute(name, samples) or 0.0)
                if extended:
                    values = {name: statistics.compute(name, samples) for name in extended}
                    point["ExtendedStatistics"] = {n: v for n, v in values.items() if v is not None}
                datapoints.append(point)
        return {"Label": key[1], "Datapoints": datapoints}

    def series(self, stat: dict[str, Any], start: float, end: float) -> tuple[metric_math.Series, int]:
        """One MetricStat's values per period start."""
        metric_spec = require(stat, "Metric")
        key = metric_key(
            require(metric_spec, "Namespace"),
            require(metric_spec, "MetricName"),
            metric_spec.get("Dimensions"),
        )
        period = _check_period(require(stat, "Period"))
        name = require(stat, "Stat")
        statistics.validate_statistic(name)
        metric = self.metrics.get(key)
        if metric is None:
            return {}, period
        result: metric_math.Series = {}
        for bucket, samples in metric.buckets(start, end, period, stat.get("Unit")).items():
            value = statistics.compute(name, samples)
            if value is not None:
                result[bucket] = value
        return result, period

    def evaluate_queries(
        self, queries: list[dict[str, Any]], start: float, end: float
    ) -> list[tuple[dict[str, Any], metric_math.Series]]:
        """Every query's series (metric queries first, then expressions in dependency order)."""
        ids = [q.get("Id") for q in queries]
        for query_id in ids:
            if not isinstance(query_id, str) or not query_id[:1].islower():
                raise _invalid(f"The Id {query_id!r} must start with a lowercase letter", "ValidationError")
        if len(set(ids)) != len(ids):
            raise _invalid("Query Ids must be unique", "ValidationError")
        series: dict[str, metric_math.Series] = {}
        labels: dict[str, str] = {}
        periods = []
        metric_ids = []
        for query in queries:
            has_stat = query.get("MetricStat") is not None
            if has_stat == (query.get("Expression") is not None):
                raise _invalid(
                    f"Query {query['Id']} needs exactly one of MetricStat or Expression", "ValidationError"
                )
            if has_stat:
                series[query["Id"]], period = self.series(query["MetricStat"], start, end)
                periods.append(period)
                metric_ids.append(query["Id"])
                labels[query["Id"]] = query.get("Label") or query["MetricStat"]["Metric"]["MetricName"]
        period = int(min(periods)) if periods else _check_period(queries[0].get("Period") or 60)
        grid = [start + i * period for i in range(math.ceil((end - start) / period))]
        pending = [q for q in queries if q.get("Expression") is not None]
        while pending:
            progressed = False
            for query in list(pending):
                refs = metric_math.referenced_ids(query["Expression"]) & set(ids)
                if refs <= set(series):
                    context = metric_math.Context(
                        series, metric_ids, labels, grid, int(query.get("Period") or period)
                    )
                    series[query["Id"]] = metric_math.evaluate(query["Expression"], context)
                    pending.remove(query)
                    progressed = True
            if not progressed:
                raise _invalid("Expressions refer to each other in a cycle", "ValidationError")
        return [(q, series[q["Id"]]) for q in queries]

    def get_metric_data(self, params: dict[str, Any]) -> dict[str, Any]:
        queries = require(params, "MetricDataQueries")
        if not queries or len(queries) > 500:
            raise _invalid("MetricDataQueries takes 1 to 500 queries", "ValidationError")
        periods = [q["MetricStat"]["Period"] for q in queries if q.get("MetricStat")] + [
            q["Period"] for q in queries if q.get("Period")
        ]
        smallest = int(min(periods)) if periods else 60
        start = align_start(to_epoch(require(params, "StartTime")), smallest)
        end = to_epoch(require(params, "EndTime"))
        if end <= start:
            raise _invalid(
                "The parameter StartTime must be less than the parameter EndTime.", "ValidationError"
            )
        if params.get("LabelOptions"):
            raise _invalid("o11yshop local-aws does not emulate LabelOptions", "ValidationError")
        descending = (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending"
        results = []
        for query, values in self.evaluate_queries(queries, start, end):
            if query.get("ReturnData", True) is False:
                continue
            stamps = sorted(values, reverse=descending)
            label = query.get("Label") or (
                query["MetricStat"]["Metric"]["MetricName"] if query.get("MetricStat") else query["Id"]
            )
            results.append(
                {
                    "Id": query["Id"],
                    "Label": label,
                    "Timestamps": stamps,
                    "Values": [clean_number(values[t]) for t in stamps],
                    "StatusCode": "Complete",
                    "Messages": [],
                }
            )
        return {"MetricDataResults": results, "Messages": []}

    def evaluate_alarms(self) -> list[Callable[[], None]]:
        return self.alarms.evaluate_all()

    # --- dashboards and tags -------------------------------------------------------------------------

    def _dashboard_arn(self, name: str) -> str:
        return f"arn:aws:cloudwatch::{ACCOUNT_ID}:dashboard/{name}"

    def put_dashboard(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "DashboardName")
        body = require(params, "DashboardBody")
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise _invalid("The dashboard body is not valid JSON", "InvalidParameterInput") from exc
        if not isinstance(parsed, dict) or not isinstance(parsed.get("widgets", []), list):
            raise _invalid(
                "The dashboard body must be an object with a widgets list", "InvalidParameterInput"
            )
        self.dashboards[name] = (body, self.now())
        return {"DashboardValidationMessages": []}

    def get_dashboard(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "DashboardName")
        if name not in self.dashboards:
            raise AwsError("ResourceNotFound", f"Dashboard {name} does not exist", 404)
        body, _ = self.dashboards[name]
        return {"DashboardArn": self._dashboard_arn(name), "DashboardBody": body, "DashboardName": name}

    def list_dashboards(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("DashboardNamePrefix") or ""
        return {
            "DashboardEntries": [
                {
                    "DashboardName": n,
                    "DashboardArn": self._dashboard_arn(n),
                    "LastModified": t,
                    "Size": len(b),
                }
                for n, (b, t) in sorted(self.dashboards.items())
                if n.startswith(prefix)
            ]
        }

    def delete_dashboards(self, params: dict[str, Any]) -> dict[str, Any]:
        names = require(params, "DashboardNames")
        missing = [n for n in names if n not in self.dashboards]
        if missing:
            raise AwsError("ResourceNotFound", f"Dashboards not found: {', '.join(missing)}", 404)
        for name in names:
            del self.dashboards[name]
        return {}

    def _known_arn(self, arn: str) -> None:
        alarms = self.alarms
        known = {a["AlarmArn"] for a in [*alarms.metric_alarms.values(), *alarms.composite_alarms.values()]}
        if arn not in known:
            raise AwsError("ResourceNotFoundException", f"{arn} not found", 404)

    def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = require(params, "ResourceARN")
        self._known_arn(arn)
        tags = self.tags.setdefault(arn, {})
        for tag in require(params, "Tags"):
            tags[tag["Key"]] = tag["Value"]
        return {}

    def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = require(params, "ResourceARN")
        self._known_arn(arn)
        for key in require(params, "TagKeys"):
            self.tags.get(arn, {}).pop(key, None)
        return {}

    def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = require(params, "ResourceARN")
        self._known_arn(arn)
        return {"Tags": [{"Key": k, "Value": v} for k, v in self.tags.get(arn, {}).items()]}


def _alarm_op(name: str) -> Callable[[CloudWatchRegion, dict[str, Any]], dict[str, Any]]:
    def handler(region: CloudWatchRegion, params: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = getattr(region.alarms, name)(params)
        return result

    return handler


OPERATIONS: dict[str, Callable[[CloudWatchRegion, dict[str, Any]], dict[str, Any]]] = {
    "PutMetricData": CloudWatchRegion.put_metric_data,
    "ListMetrics": CloudWatchRegion.list_metrics,
    "GetMetricStatistics": CloudWatchRegion.get_metric_statistics,
    "GetMetricData": CloudWatchRegion.get_metric_data,
    "PutMetricAlarm": _alarm_op("put_metric_alarm"),
    "PutCompositeAlarm": _alarm_op("put_composite_alarm"),
    "DescribeAlarms": _alarm_op("describe_alarms"),
    "DescribeAlarmsForMetric": _alarm_op("describe_alarms_for_metric"),
    "DescribeAlarmHistory": _alarm_op("describe_alarm_history"),
    "DeleteAlarms": _alarm_op("delete_alarms"),
    "SetAlarmState": _alarm_op("set_alarm_state"),
    "EnableAlarmActions": _alarm_op("enable_alarm_actions"),
    "DisableAlarmActions": _alarm_op("disable_alarm_actions"),
    "_RestoreAlarmState": _alarm_op("restore_alarm_state"),
    "PutDashboard": CloudWatchRegion.put_dashboard,
    "GetDashboard": CloudWatchRegion.get_dashboard,
    "ListDashboards": CloudWatchRegion.list_dashboards,
    "DeleteDashboards": CloudWatchRegion.delete_dashboards,
    "TagResource": CloudWatchRegion.tag_resource,
    "UntagResource": CloudWatchRegion.untag_resource,
    "ListTagsForResource": CloudWatchRegion.list_tags_for_resource,
}
READ_ONLY = {
    "ListMetrics",
    "GetMetricStatistics",
    "GetMetricData",
    "DescribeAlarms",
    "DescribeAlarmsForMetric",
    "DescribeAlarmHistory",
    "GetDashboard",
    "ListDashboards",
    "ListTagsForResource",
}
