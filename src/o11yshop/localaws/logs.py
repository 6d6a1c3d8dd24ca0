"""CloudWatch Logs: groups, streams, events, filter patterns, metric filters, EMF, Logs Insights.

Every PutLogEvents batch is also read as CloudWatch reads it: Embedded Metric Format events
(``_aws.CloudWatchMetrics``) become metrics, and each metric filter of the group turns matching
events into metric values (its ``defaultValue`` when a batch has no match).
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from o11yshop.localaws.cloudwatch import CloudWatchRegion, metric_key
from o11yshop.localaws.filter_pattern import Pattern, compile_pattern
from o11yshop.localaws.protocol import ACCOUNT_ID, AwsError, not_emulated, require

MAX_PAST_MS = 14 * 24 * 3600 * 1000
MAX_FUTURE_MS = 2 * 3600 * 1000
RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                  3288, 3653}  # fmt: skip


def _not_found(what: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"The specified {what} does not exist.")


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


@dataclass
class Event:
    __slots__ = ("ingestion", "message", "number", "timestamp")
    timestamp: int
    ingestion: int
    message: str
    number: int


@dataclass
class Stream:
    name: str
    created: int
    events: list[Event] = field(default_factory=list)
    stored_bytes: int = 0
    last_ingestion: int = 0
    sequence: int = 0


@dataclass
class MetricFilter:
    name: str
    pattern_text: str
    pattern: Pattern
    transformations: list[dict[str, Any]]
    created: int


@dataclass
class Group:
    name: str
    created: int
    arn: str
    retention: int | None = None
    streams: dict[str, Stream] = field(default_factory=dict)
    metric_filters: dict[str, MetricFilter] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class LogsRegion:
    def __init__(self, region: str, now: Callable[[], float], metrics: CloudWatchRegion) -> None:
        self.region = region
        self.now = now
        self.metrics = metrics
        self.groups: dict[str, Group] = {}
        self.numbers = itertools.count(1)
        self.queries: dict[str, dict[str, Any]] = {}
        self.query_definitions: dict[str, dict[str, Any]] = {}

    def _now_ms(self) -> int:
        return int(self.now() * 1000)

    def group(self, params: dict[str, Any]) -> Group:
        name = params.get("logGroupName") or params.get("logGroupIdentifier")
        if not name:
            raise _invalid("logGroupName is required")
        if name.startswith("arn:"):
            name = name.split(":log-group:", 1)[-1].removesuffix(":*")
        found = self.groups.get(name)
        if found is None:
            raise _not_found("log group")
        return found

    # --- groups and streams ------------------------------------------------------------------------

    def create_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "logGroupName")
        if not 1 <= len(name) <= 512:
            raise _invalid("logGroupName must be 1 to 512 characters")
        if params.get("kmsKeyId"):
            raise not_emulated("CloudWatch Logs", "kmsKeyId encryption")
        if params.get("logGroupClass") not in (None, "STANDARD"):
            raise not_emulated("CloudWatch Logs", f"logGroupClass {params['logGroupClass']}")
        if name in self.groups:
            raise AwsError("ResourceAlreadyExistsException", "The specified log group already exists")
        arn = f"arn:aws:logs:{self.region}:{ACCOUNT_ID}:log-group:{name}"
        self.groups[name] = Group(name, self._now_ms(), arn, tags=dict(params.get("tags") or {}))
        return {}

    def delete_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        del self.groups[self.group(params).name]
        return {}

    def describe_log_groups(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("logGroupNamePrefix") or ""
        pattern = params.get("logGroupNamePattern")
        found = []
        for group in sorted(self.groups.values(), key=lambda g: g.name):
            if not group.name.startswith(prefix) or (pattern and pattern not in group.name):
                continue
            item: dict[str, Any] = {
                "logGroupName": group.name,
                "creationTime": group.created,
                "metricFilterCount": len(group.metric_filters),
                "arn": f"{group.arn}:*",
                "logGroupArn": group.arn,
                "storedBytes": sum(s.stored_bytes for s in group.streams.values()),
                "logGroupClass": "STANDARD",
            }
            if group.retention:
                item["retentionInDays"] = group.retention
            found.append(item)
        return _page(found, params, "logGroups")

    def put_retention_policy(self, params: dict[str, Any]) -> dict[str, Any]:
        days = require(params, "retentionInDays")
        if days not in RETENTION_DAYS:
            raise _invalid(f"retentionInDays must be one of {sorted(RETENTION_DAYS)}")
        self.group(params).retention = days
        return {}

    def delete_retention_policy(self, params: dict[str, Any]) -> dict[str, Any]:
        self.group(params).retention = None
        return {}

    def create_log_stream(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        name = require(params, "logStreamName")
        if ":" in name or "*" in name or not 1 <= len(name) <= 512:
            raise _invalid("logStreamName must be 1 to 512 characters without ':' or '*'")
        if name in group.streams:
            raise AwsError("ResourceAlreadyExistsException", "The specified log stream already exists")
        group.streams[name] = Stream(name, self._now_ms())
        return {}

    def delete_log_stream(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        if group.streams.pop(require(params, "logStreamName"), None) is None:
            raise _not_found("log stream")
        return {}

    def describe_log_streams(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        prefix = params.get("logStreamNamePrefix") or ""
        order = params.get("orderBy") or "LogStreamName"
        if prefix and order == "LastEventTime":
            raise _invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s for s in group.streams.values() if s.name.startswith(prefix)]
        if order == "LastEventTime":
            streams.sort(key=lambda s: s.events[-1].timestamp if s.events else 0)
        else:
            streams.sort(key=lambda s: s.name)
        if params.get("descending"):
            streams.reverse()
        found = []
        for stream in streams:
            item: dict[str, Any] = {
                "logStreamName": stream.name,
                "creationTime": stream.created,
                "arn": f"{group.arn}:log-stream:{stream.name}",
                "storedBytes": stream.stored_bytes,
            }
            if stream.events:
                item["firstEventTimestamp"] = min(e.timestamp for e in stream.events)
                item["lastEventTimestamp"] = max(e.timestamp for e in stream.events)
                item["lastIngestionTime"] = stream.last_ingestion
                item["uploadSequenceToken"] = str(stream.sequence)
            found.append(item)
        return _page(found, params, "logStreams")

    # --- events ---------------------------------------------------------------------------------------

    def put_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        group, stream = self.destination(params)
        events = require(params, "logEvents")
        if not 1 <= len(events) <= 10000:
            raise _invalid("logEvents takes 1 to 10,000 events")
        if params.get("entity"):
            raise not_emulated("CloudWatch Logs", "PutLogEvents entity")
        ordered = sorted(events, key=lambda e: e["timestamp"])
        rejected: dict[str, int] = {}
        for index, reason in self._ingest(group, stream, ordered):
            if reason == "tooNew":
                rejected.setdefault("tooNewLogEventStartIndex", index)
            else:
                rejected[f"{reason}LogEventEndIndex"] = index
        result: dict[str, Any] = {"nextSequenceToken": str(stream.sequence)}
        if rejected:
            result["rejectedLogEventsInfo"] = rejected
        return result

    def put_otlp_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        """Events made from OTLP log records (the ``/v1/logs`` endpoint): rejections are counted by
        reason, as that endpoint's partial-success answer reports them."""
        group, stream = self.destination(params)
        events = sorted(require(params, "logEvents"), key=lambda e: e["timestamp"])
        counts: dict[str, int] = {}
        for _, reason in self._ingest(group, stream, events):
            counts[f"{reason}LogEventCount"] = counts.get(f"{reason}LogEventCount", 0) + 1
        return {"rejected": counts}

    def destination(self, params: dict[str, Any]) -> tuple[Group, Stream]:
        """The group and stream events go to: both must exist."""
        group = self.group(params)
        stream = group.streams.get(require(params, "logStreamName"))
        if stream is None:
            raise _not_found("log stream")
        return group, stream

    def _ingest(self, group: Group, stream: Stream, ordered: list[dict[str, Any]]) -> list[tuple[int, str]]:
        """Store events sorted by time as PutLogEvents does; the (index, reason) of each one refused."""
        now = self._now_ms()
        timestamps = [int(e["timestamp"]) for e in ordered]
        if timestamps and timestamps[-1] - timestamps[0] > 24 * 3600 * 1000:
            raise _invalid(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
            )
        refused: list[tuple[int, str]] = []
        accepted: list[Event] = []
        for index, (raw, timestamp) in enumerate(zip(ordered, timestamps, strict=True)):
            message = raw.get("message")
            if not isinstance(message, str) or not message:
                raise _invalid("Each log event needs a non-empty message")
            if timestamp < now - MAX_PAST_MS:
                refused.append((index, "tooOld"))
            elif timestamp > now + MAX_FUTURE_MS:
                refused.append((index, "tooNew"))
            elif group.retention and timestamp < now - group.retention * 24 * 3600 * 1000:
                refused.append((index, "expired"))
            else:
                accepted.append(Event(timestamp, now, message, next(self.numbers)))
        out_of_order = bool(
            accepted and stream.events and accepted[0].timestamp < stream.events[-1].timestamp
        )
        stream.events.extend(accepted)
        if out_of_order:
            stream.events.sort(key=lambda e: (e.timestamp, e.number))
        stream.stored_bytes += sum(len(e.message.encode()) + 26 for e in accepted)
        stream.last_ingestion = now
        stream.sequence += 1
        self._derive_metrics(group, stream, accepted)
        return refused

    def _derive_metrics(self, group: Group, stream: Stream, events: list[Event]) -> None:
        for event in events:
            if event.message.startswith("{") and '"_aws"' in event.message:
                self._emf(event)
        for metric_filter in group.metric_filters.values():
            matched_any = False
            for event in events:
                found = metric_filter.pattern.match(event.message)
                if found is None:
                    continue
                matched_any = True
                for transformation in metric_filter.transformations:
                    self._emit(transformation, event.timestamp / 1000, found)
            if not matched_any and events:
                for transformation in metric_filter.transformations:
                    if transformation.get("defaultValue") is not None:
                        key = metric_key(transformation["metricNamespace"], transformation["metricName"], [])
                        moment = events[-1].timestamp / 1000
                        self.metrics.record(
                            key,
                            moment,
                            [float(transformation["defaultValue"])],
                            None,
                            transformation.get("unit"),
                        )

    def _emit(self, transformation: dict[str, Any], moment: float, found: Any) -> None:
        raw = transformation["metricValue"]
        value: Any = found.value(raw) if raw.startswith("$") else raw
        try:
            number = float(value)
        except (TypeError, ValueError):
            return  # AWS publishes nothing when the value is not a number
        dimensions = []
        for name, reference in (transformation.get("dimensions") or {}).items():
            dim_value = found.value(reference)
            if dim_value is None:
                return
            dimensions.append({"Name": name, "Value": str(dim_value)})
        key = metric_key(transformation["metricNamespace"], transformation["metricName"], dimensions)
        self.metrics.record(key, moment, [number], None, transformation.get("unit"))

    def _emf(self, event: Event) -> None:
        """Embedded Metric Format (specification v1): invalid documents stay plain log events."""
        try:
            document = json.loads(event.message)
        except ValueError:
            return
        meta = document.get("_aws") if isinstance(document, dict) else None
        if not isinstance(meta, dict) or not isinstance(meta.get("CloudWatchMetrics"), list):
            return
        timestamp = meta.get("Timestamp")
        if not isinstance(timestamp, int | float) or isinstance(timestamp, bool):
            return
        planned: list[tuple[Any, float, list[float], str | None]] = []
        for directive in meta["CloudWatchMetrics"]:
            if not isinstance(directive, dict):
                return
            namespace = directive.get("Namespace")
            if (
                not isinstance(namespace, str)
                or not 1 <= len(namespace) <= 255
                or namespace.startswith("AWS/")
            ):
                return
            dimension_sets = directive.get("Dimensions", [[]])
            if not isinstance(dimension_sets, list):
                return
            for metric in directive.get("Metrics") or []:
                name = metric.get("Name") if isinstance(metric, dict) else None
                if not isinstance(name, str) or name not in document:
                    continue
                raw = document[name]
                values = raw if isinstance(raw, list) else [raw]
                if len(values) > 100 or not all(
                    isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                    for v in values
                ):
                    return
                for dimension_set in dimension_sets:
                    if not isinstance(dimension_set, list) or len(dimension_set) > 30:
                        return
                    dims = []
                    for dim in dimension_set:
                        if not isinstance(document.get(dim), str):
                            return  # a dimension must name a string member
                        dims.append({"Name": dim, "Value": document[dim]})
                    unit = metric.get("Unit")
                    planned.append((metric_key(namespace, name, dims), timestamp / 1000, values, unit))
        for key, moment, values, unit in planned:
            try:
                self.metrics.record(key, moment, [float(v) for v in values], None, unit)
            except AwsError:
                continue

    def get_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        stream = group.streams.get(require(params, "logStreamName"))
        if stream is None:
            raise _not_found("log stream")
        start = params.get("startTime")
        end = params.get("endTime")
        limit = min(params.get("limit") or 10000, 10000)
        events = [
            e
            for e in stream.events
            if (start is None or e.timestamp >= start) and (end is None or e.timestamp < end)
        ]
        token = params.get("nextToken")
        from_head = params.get("startFromHead", False)
        if token:
            direction, _, position = token.partition("/")
            index = int(position)
            chosen = (
                events[index : index + limit] if direction == "f" else events[max(0, index - limit) : index]
            )
            first = index if direction == "f" else max(0, index - limit)
        elif from_head:
            chosen, first = events[:limit], 0
        else:
            first = max(0, len(events) - limit)
            chosen = events[first:]
        return {
            "events": [
                {"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion} for e in chosen
            ],
            "nextForwardToken": f"f/{first + len(chosen):056d}",
            "nextBackwardToken": f"b/{first:056d}",
        }

    def filter_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        if params.get("interleaved") is False:
            raise not_emulated("CloudWatch Logs", "FilterLogEvents interleaved=false")
        pattern = compile_pattern(params.get("filterPattern"))
        names = params.get("logStreamNames")
        prefix = params.get("logStreamNamePrefix")
        if names and prefix:
            raise _invalid("logStreamNames and logStreamNamePrefix cannot be used together")
        streams = [
            s
            for s in group.streams.values()
            if (not names or s.name in names) and (not prefix or s.name.startswith(prefix))
        ]
        start = params.get("startTime")
        end = params.get("endTime")
        limit = min(params.get("limit") or 10000, 10000)
        after = int(params["nextToken"]) if params.get("nextToken") else 0
        found = []
        for stream in streams:
            for event in stream.events:
                if start is not None and event.timestamp < start:
                    continue
                if end is not None and event.timestamp > end:
                    continue
                if pattern.match(event.message) is not None:
                    found.append((stream.name, event))
        found.sort(key=lambda item: (item[1].timestamp, item[1].number))
        page = found[after : after + limit]
        result: dict[str, Any] = {
            "events": [
                {
                    "logStreamName": name,
                    "timestamp": e.timestamp,
                    "message": e.message,
                    "ingestionTime": e.ingestion,
                    "eventId": f"{e.number:056d}",
                }
                for name, e in page
            ],
            "searchedLogStreams": [{"logStreamName": s.name, "searchedCompletely": True} for s in streams],
        }
        if after + limit < len(found):
            result["nextToken"] = str(after + limit)
        return result

    # --- metric filters -------------------------------------------------------------------------------

    def put_metric_filter(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        name = require(params, "filterName")
        text = require(params, "filterPattern")
        transformations = require(params, "metricTransformations")
        if len(transformations) != 1:
            raise _invalid("metricTransformations takes exactly one transformation")
        for transformation in transformations:
            for key in ("metricName", "metricNamespace", "metricValue"):
                require(transformation, key)
            if transformation.get("dimensions") and transformation.get("defaultValue") is not None:
                raise _invalid("A metric filter with dimensions cannot have a defaultValue")
            if len(transformation.get("dimensions") or {}) > 3:
                raise _invalid("A metric filter has at most three dimensions")
        if name not in group.metric_filters and len(group.metric_filters) >= 100:
            raise AwsError("LimitExceededException", "A log group has at most 100 metric filters")
        group.metric_filters[name] = MetricFilter(
            name, text, compile_pattern(text), transformations, self._now_ms()
        )
        return {}

    def describe_metric_filters(self, params: dict[str, Any]) -> dict[str, Any]:
        groups = [self.group(params)] if params.get("logGroupName") else list(self.groups.values())
        prefix = params.get("filterNamePrefix") or ""
        found = []
        for group in groups:
            for item in group.metric_filters.values():
                if not item.name.startswith(prefix):
                    continue
                if params.get("metricName") and not any(
                    t["metricName"] == params["metricName"] for t in item.transformations
                ):
                    continue
                found.append(
                    {
                        "filterName": item.name,
                        "filterPattern": item.pattern_text,
                        "metricTransformations": item.transformations,
                        "creationTime": item.created,
                        "logGroupName": group.name,
                    }
                )
        return _page(found, params, "metricFilters")

    def delete_metric_filter(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group(params)
        if group.metric_filters.pop(require(params, "filterName"), None) is None:
            raise _not_found("metric filter")
        return {}

    def test_metric_filter(self, params: dict[str, Any]) -> dict[str, Any]:
        pattern = compile_pattern(require(params, "filterPattern"))
        matches = []
        for number, message in enumerate(require(params, "logEventMessages"), start=1):
            found = pattern.match(message)
            if found is None:
                continue
            extracted = {f"${k}": v for k, v in (found.fields or {}).items()}
            matches.append({"eventNumber": number, "eventMessage": message, "extractedValues": extracted})
        return {"matches": matches}

    # --- Logs Insights -------------------------------------------------------------------------------

    def start_query(self, params: dict[str, Any]) -> dict[str, Any]:
        from o11yshop.localaws import insights

        names = list(params.get("logGroupNames") or [])
        if params.get("logGroupName"):
            names.append(params["logGroupName"])
        names += [
            i.split(":log-group:", 1)[-1].removesuffix(":*") for i in params.get("logGroupIdentifiers") or []
        ]
        if not names:
            raise _invalid("StartQuery needs logGroupName, logGroupNames or logGroupIdentifiers")
        if params.get("queryLanguage") not in (None, "CWLI"):
            raise not_emulated("CloudWatch Logs", f"queryLanguage {params['queryLanguage']}")
        groups = []
        for name in names:
            if name not in self.groups:
                raise _not_found(f"log group {name}")
            groups.append(self.groups[name])
        query = insights.parse(require(params, "queryString"))
        start_ms = int(require(params, "startTime")) * 1000
        end_ms = int(require(params, "endTime")) * 1000 + 999
        if end_ms < start_ms:
            raise _invalid("endTime is before startTime")
        streams = [(group.name, stream) for group in groups for stream in group.streams.values()]
        rows: Iterable[tuple[str, str, Event]]
        if not query.newest_first:
            rows = (
                (name, stream.name, event)
                for name, stream in streams
                for event in stream.events
                if start_ms <= event.timestamp <= end_ms
            )
        else:
            # Newest first across every stream: what Logs Insights shows for a query without sort.
            rows = heapq.merge(
                *(
                    (
                        (name, stream.name, e)
                        for e in reversed(stream.events)
                        if start_ms <= e.timestamp <= end_ms
                    )
                    for name, stream in streams
                ),
                key=lambda row: row[2].timestamp,
                reverse=True,
            )
        limit = params.get("limit")
        results, stats = insights.run(query, rows, limit=limit)
        stats["logGroupsScanned"] = float(len(groups))
        query_id = str(uuid.uuid4())
        self.queries[query_id] = {
            "queryId": query_id,
            "queryString": params["queryString"],
            "status": "Complete",
            "createDate": self._now_ms(),
            "logGroupName": names[0],
            "results": results,
            "statistics": stats,
        }
        return {"queryId": query_id}

    def get_query_results(self, params: dict[str, Any]) -> dict[str, Any]:
        query = self.queries.get(require(params, "queryId"))
        if query is None:
            raise _not_found("query")
        return {"results": query["results"], "statistics": query["statistics"], "status": query["status"]}

    def stop_query(self, params: dict[str, Any]) -> dict[str, Any]:
        query = self.queries.get(require(params, "queryId"))
        if query is None:
            raise _not_found("query")
        # Queries here finish inside StartQuery, so there is never a running one to stop.
        return {"success": False}

    def describe_queries(self, params: dict[str, Any]) -> dict[str, Any]:
        found = [
            {k: q[k] for k in ("queryId", "queryString", "status", "createDate", "logGroupName")}
            for q in self.queries.values()
            if (not params.get("logGroupName") or q["logGroupName"] == params["logGroupName"])
            and (not params.get("status") or q["status"] == params["status"])
        ]
        return {"queries": found}

    def put_query_definition(self, params: dict[str, Any]) -> dict[str, Any]:
        from o11yshop.localaws import insights

        insights.parse(require(params, "queryString"))
        definition_id = params.get("queryDefinitionId") or str(uuid.uuid4())
        if params.get("queryDefinitionId") and definition_id not in self.query_definitions:
            raise _not_found("query definition")
        self.query_definitions[definition_id] = {
            "queryDefinitionId": definition_id,
            "name": require(params, "name"),
            "queryString": params["queryString"],
            "lastModified": self._now_ms(),
            "logGroupNames": params.get("logGroupNames") or [],
        }
        return {"queryDefinitionId": definition_id}

    def describe_query_definitions(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("queryDefinitionNamePrefix") or ""
        found = [d for d in self.query_definitions.values() if d["name"].startswith(prefix)]
        return {"queryDefinitions": sorted(found, key=lambda d: d["name"])}

    def delete_query_definition(self, params: dict[str, Any]) -> dict[str, Any]:
        removed = self.query_definitions.pop(require(params, "queryDefinitionId"), None)
        return {"success": removed is not None}

    # --- tags ------------------------------------------------------------------------------------------

    def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.group({"logGroupIdentifier": require(params, "resourceArn")}).tags.update(
            require(params, "tags")
        )
        return {}

    def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group({"logGroupIdentifier": require(params, "resourceArn")})
        for key in require(params, "tagKeys"):
            group.tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": self.group({"logGroupIdentifier": require(params, "resourceArn")}).tags}


def _page(items: list[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    start = int(params["nextToken"]) if params.get("nextToken") else 0
    limit = params.get("limit") or 50
    result: dict[str, Any] = {key: items[start : start + limit]}
    if start + limit < len(items):
        result["nextToken"] = str(start + limit)
    return result


OPERATIONS: dict[str, Callable[[LogsRegion, dict[str, Any]], dict[str, Any]]] = {
    "CreateLogGroup": LogsRegion.create_log_group,
    "DeleteLogGroup": LogsRegion.delete_log_group,
    "DescribeLogGroups": LogsRegion.describe_log_groups,
    "PutRetentionPolicy": LogsRegion.put_retention_policy,
    "DeleteRetentionPolicy": LogsRegion.delete_retention_policy,
    "CreateLogStream": LogsRegion.create_log_stream,
    "DeleteLogStream": LogsRegion.delete_log_stream,
    "DescribeLogStreams": LogsRegion.describe_log_streams,
    "PutLogEvents": LogsRegion.put_log_events,
    "_PutOtlpLogEvents": LogsRegion.put_otlp_log_events,
    "GetLogEvents": LogsRegion.get_log_events,
    "FilterLogEvents": LogsRegion.filter_log_events,
    "PutMetricFilter": LogsRegion.put_metric_filter,
    "DescribeMetricFilters": LogsRegion.describe_metric_filters,
    "DeleteMetricFilter": LogsRegion.delete_metric_filter,
    "TestMetricFilter": LogsRegion.test_metric_filter,
    "StartQuery": LogsRegion.start_query,
    "GetQueryResults": LogsRegion.get_query_results,
    "StopQuery": LogsRegion.stop_query,
    "DescribeQueries": LogsRegion.describe_queries,
    "PutQueryDefinition": LogsRegion.put_query_definition,
    "DescribeQueryDefinitions": LogsRegion.describe_query_definitions,
    "DeleteQueryDefinition": LogsRegion.delete_query_definition,
    "TagResource": LogsRegion.tag_resource,
    "UntagResource": LogsRegion.untag_resource,
    "ListTagsForResource": LogsRegion.list_tags_for_resource,
}
READ_ONLY = {
    "StartQuery",
    "StopQuery",
    "DescribeLogGroups",
    "DescribeLogStreams",
    "GetLogEvents",
    "FilterLogEvents",
    "DescribeMetricFilters",
    "TestMetricFilter",
    "GetQueryResults",
    "DescribeQueries",
    "DescribeQueryDefinitions",
    "ListTagsForResource",
}
