"""X-Ray: segments in, trace summaries, full traces, the service graph, sampling rules and groups out.

Behaviour follows the X-Ray developer guide ("Segment documents", "Using filter expressions",
"Getting data from X-Ray") and the API reference. Differences from AWS are listed in
docs/local-aws.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from o11yshop.localaws.protocol import ACCOUNT_ID, AwsError, not_emulated, require, to_epoch
from o11yshop.localaws.xray_filter import Predicate, TraceView, compile_filter

TRACE_ID = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")
SEGMENT_ID = re.compile(r"^[0-9a-f]{16}$")
NAME = re.compile(r"^[\w\s.:/%&#=+\\\-@]{1,200}$")
ANNOTATION_KEY = re.compile(r"^\w{1,500}$")
MAX_TRACE_AGE = 30 * 24 * 3600
MAX_SUMMARY_RANGE = 24 * 3600
MAX_DOCUMENT_BYTES = 64 * 1024
AWS_TYPES = {
    "dynamodb": "AWS::DynamoDB::Table",
    "sqs": "AWS::SQS::Queue",
    "sns": "AWS::SNS",
    "s3": "AWS::S3::Bucket",
    "lambda": "AWS::Lambda",
    "cloudwatch": "AWS::CloudWatch",
    "logs": "AWS::Logs",
    "cloudwatchlogs": "AWS::Logs",
}


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidRequestException", message)


def _check_segment(doc: Any) -> str | None:
    """Why X-Ray would reject this segment document, or None when it is valid.

    The trace ID's first 8 digits are not age-checked: X-Ray also takes W3C trace IDs written the
    X-Ray way (spans from the OTLP endpoint, or an OpenTelemetry caller's trace continued by an X-Ray
    SDK), and those digits are random, not a time.
    """
    if not isinstance(doc, dict):
        return "a segment document must be a JSON object"
    is_subsegment = doc.get("type") == "subsegment"
    problem = _check_common(doc)
    if problem:
        return problem
    trace_id = doc.get("trace_id")
    if not isinstance(trace_id, str) or not TRACE_ID.match(trace_id):
        return "trace_id must look like 1-<8 hex digits>-<24 hex digits>"
    if is_subsegment and not isinstance(doc.get("parent_id"), str):
        return "an independent subsegment needs parent_id"
    if "parent_id" in doc and not (isinstance(doc["parent_id"], str) and SEGMENT_ID.match(doc["parent_id"])):
        return "parent_id must be 16 hexadecimal digits"
    return None


def _check_common(doc: dict[str, Any]) -> str | None:
    name = doc.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        return "name is required: 1-200 letters, digits, whitespace or _ . : / % & # = + \\ - @"
    if not isinstance(doc.get("id"), str) or not SEGMENT_ID.match(doc["id"]):
        return "id must be 16 hexadecimal digits"
    start = doc.get("start_time")
    if not _is_number(start):
        return "start_time is required (epoch seconds)"
    if doc.get("in_progress") is True:
        if "end_time" in doc:
            return "a segment in progress has no end_time"
    elif not _is_number(doc.get("end_time")):
        return "end_time is required unless in_progress is true"
    elif doc["end_time"] < start:
        return "end_time is before start_time"
    for flag in ("error", "fault", "throttle"):
        if flag in doc and not isinstance(doc[flag], bool):
            return f"{flag} must be a boolean"
    annotations = doc.get("annotations", {})
    if not isinstance(annotations, dict) or len(annotations) > 50:
        return "annotations must be an object of at most 50 keys"
    for key, value in annotations.items():
        if not ANNOTATION_KEY.match(key):
            return f"annotation key {key!r} may hold only letters, digits and underscores"
        if not isinstance(value, str | int | float | bool):
            return f"annotation {key!r} must be a string, number or boolean"
    status = (
        doc.get("http", {}).get("response", {}).get("status") if isinstance(doc.get("http"), dict) else None
    )
    if status is not None and (not isinstance(status, int) or isinstance(status, bool)):
        return "http.response.status must be an integer"
    for sub in doc.get("subsegments", []) or []:
        if not isinstance(sub, dict):
            return "subsegments must be objects"
        problem = _check_common(sub)
        if problem:
            return f"subsegment: {problem}"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _walk(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield doc
    for sub in doc.get("subsegments", []) or []:
        yield from _walk(sub)


def _seconds(doc: dict[str, Any]) -> float:
    end = doc.get("end_time")
    if not isinstance(end, int | float):
        return 0.0
    return float(end) - float(doc["start_time"])


@dataclass
class Trace:
    trace_id: str
    segments: dict[str, dict[str, Any]] = field(default_factory=dict)
    # independent subsegments whose parent has not arrived yet, by the parent's ID
    waiting: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def id_time(self) -> float:
        """The time a trace ID stands for: X-Ray IDs carry it; W3C IDs (OTLP) are random, so the
        first segment's start stands in for a "time" that is not within 30 days of the trace."""
        moment = float(int(self.trace_id[2:10], 16))
        start = self.start
        return moment if start - MAX_TRACE_AGE <= moment <= start + 300 else start

    @property
    def start(self) -> float:
        return min(float(s["start_time"]) for s in self.segments.values())

    @property
    def end(self) -> float:
        return max(float(s.get("end_time", s["start_time"])) for s in self.segments.values())

    def root(self) -> dict[str, Any]:
        sub_ids = {d["id"] for s in self.segments.values() for d in _walk(s)}
        roots = [s for s in self.segments.values() if s.get("parent_id") not in sub_ids]
        candidates = roots or list(self.segments.values())
        return min(candidates, key=lambda s: float(s["start_time"]))


def _service_id(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"Name": doc["name"], "Names": [doc["name"]], "AccountId": ACCOUNT_ID}
    if doc.get("origin"):
        result["Type"] = doc["origin"]
    return result


def _inferred_type(sub: dict[str, Any]) -> str:
    if sub.get("namespace") == "aws":
        return AWS_TYPES.get(sub["name"].lower(), f"AWS::{sub['name']}")
    # SQL calls are "remote" subsegments too (X-Ray SDKs and OpenTelemetry alike); the map shows them
    # as databases.
    return "Database::SQL" if "sql" in sub else "remote"


@dataclass
class Call:
    """One downstream call: a subsegment of a caller, and the segment that served it if one was sent."""

    source: dict[str, Any]
    subsegment: dict[str, Any]
    target_name: str
    target_type: str | None
    target_segment: dict[str, Any] | None


def _calls(trace: Trace) -> list[Call]:
    by_parent: dict[str, dict[str, Any]] = {}
    for seg in trace.segments.values():
        if seg.get("parent_id"):
            by_parent[seg["parent_id"]] = seg
    calls = []
    for seg in trace.segments.values():
        for sub in _walk(seg):
            if sub is seg:
                continue
            downstream = by_parent.get(sub["id"])
            if downstream is not None:
                calls.append(Call(seg, sub, downstream["name"], downstream.get("origin"), downstream))
            elif sub.get("namespace") in ("aws", "remote"):
                calls.append(Call(seg, sub, sub["name"], _inferred_type(sub), None))
    return calls


class XRayRegion:
    def __init__(self, region: str, now: Callable[[], float]) -> None:
        self.region = region
        self.now = now
        self.traces: dict[str, Trace] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.rules: dict[str, dict[str, Any]] = {}
        self.rule_times: dict[str, tuple[float, float]] = {}
        self.clients: dict[str, dict[str, float]] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self._add_default_rule()

    def _add_default_rule(self) -> None:
        rule = {
            "RuleName": "Default",
            "RuleARN": self._rule_arn("Default"),
            "ResourceARN": "*",
            "Priority": 10000,
            "FixedRate": 0.05,
            "ReservoirSize": 1,
            "ServiceName": "*",
            "ServiceType": "*",
            "Host": "*",
            "HTTPMethod": "*",
            "URLPath": "*",
            "Version": 1,
            "Attributes": {},
        }
        self.rules["Default"] = rule
        self.rule_times["Default"] = (0.0, 0.0)

    def _rule_arn(self, name: str) -> str:
        return f"arn:aws:xray:{self.region}:{ACCOUNT_ID}:sampling-rule/{name}"

    # --- segments -------------------------------------------------------------------------------

    def put_trace_segments(self, params: dict[str, Any]) -> dict[str, Any]:
        documents = require(params, "TraceSegmentDocuments")
        if not isinstance(documents, list):
            raise _invalid("TraceSegmentDocuments must be a list of strings")
        unprocessed = []
        for text in documents:
            if isinstance(text, str) and len(text.encode()) > MAX_DOCUMENT_BYTES:
                unprocessed.append(
                    {"ErrorCode": "InvalidSegment", "Message": "a segment document is at most 64 kB"}
                )
                continue
            try:
                doc = json.loads(text)
            except (TypeError, ValueError):
                unprocessed.append({"ErrorCode": "InvalidSegment", "Message": "segment document is not JSON"})
                continue
            problem = _check_segment(doc)
            if problem:
                entry = {"ErrorCode": "InvalidSegment", "Message": problem}
                if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                    entry["Id"] = doc["id"]
                unprocessed.append(entry)
                continue
            self._store(doc)
        return {"UnprocessedTraceSegments": unprocessed}

    def put_otlp_segments(self, params: dict[str, Any]) -> dict[str, Any]:
        """Store segment documents made from OTLP spans (the ``/v1/traces`` endpoint)."""
        rejected = []
        for doc in require(params, "Documents"):
            problem = _check_segment(doc)
            if problem:
                rejected.append({"Id": doc.get("id"), "Message": problem})
                continue
            self._store(doc)
        return {"Rejected": rejected}

    def _store(self, doc: dict[str, Any]) -> None:
        """Keep a segment, or attach an independent subsegment to its parent.

        A subsegment can arrive before its parent (an SDK streams finished subsegments; an OTLP
        exporter sends child spans, which end first, before their parents): it waits for it.
        """
        trace = self.traces.setdefault(doc["trace_id"], Trace(doc["trace_id"]))
        if doc.get("type") == "subsegment":
            parent = next(
                (d for s in trace.segments.values() for d in _walk(s) if d["id"] == doc["parent_id"]), None
            )
            if parent is None:
                waiting = trace.waiting.setdefault(doc["parent_id"], [])
                waiting[:] = [w for w in waiting if w["id"] != doc["id"]]
                waiting.append(doc)
                return
            self._adopt(trace, parent, doc)
            return
        trace.segments[doc["id"]] = doc
        self._adopt_waiting(trace, doc)

    def _adopt(self, trace: Trace, parent: dict[str, Any], doc: dict[str, Any]) -> None:
        child = {k: v for k, v in doc.items() if k not in ("type", "trace_id", "parent_id")}
        children = parent.setdefault("subsegments", [])
        children[:] = [c for c in children if c["id"] != child["id"]]
        children.append(child)
        self._adopt_waiting(trace, child)

    def _adopt_waiting(self, trace: Trace, attached: dict[str, Any]) -> None:
        if not trace.waiting:
            return
        for node in list(_walk(attached)):
            for orphan in trace.waiting.pop(node["id"], []):
                self._adopt(trace, node, orphan)

    # --- views ------------------------------------------------------------------------------------

    def _view(self, trace: Trace) -> TraceView:
        root = trace.root()
        calls = _calls(trace)
        view = self._view_of(list(trace.segments.values()), trace, root)
        view.edges = {(c.source["name"], c.target_name) for c in calls}
        view.services |= {c.target_name for c in calls}
        for name in view.services:
            own = [s for s in trace.segments.values() if s["name"] == name]
            if own:
                view.service_views[name] = self._view_of(own, trace, min(own, key=lambda s: s["start_time"]))
            else:
                inferred = [c.subsegment for c in calls if c.target_name == name]
                view.service_views[name] = self._view_of(inferred, trace, inferred[0])
        for call in calls:
            key = (call.source["name"], call.target_name)
            view.edge_views.setdefault(key, self._view_of([call.subsegment], trace, call.subsegment))
        return view

    def _view_of(self, segments: list[dict[str, Any]], trace: Trace, root: dict[str, Any]) -> TraceView:
        annotations: dict[str, list[Any]] = {}
        users = set()
        for seg in segments:
            for doc in _walk(seg):
                for key, value in (doc.get("annotations") or {}).items():
                    annotations.setdefault(key, []).append(value)
            if seg.get("user"):
                users.add(str(seg["user"]))
        return TraceView(
            segments=segments,
            duration=trace.end - trace.start,
            response_time=_seconds(root),
            http=_http(root),
            annotations=annotations,
            users=users,
            services={s["name"] for s in segments},
            edges=set(),
            partial=any(s.get("in_progress") for s in segments),
        )

    def _summary(self, trace: Trace) -> dict[str, Any]:
        root = trace.root()
        segments = list(trace.segments.values())
        calls = _calls(trace)
        annotations: dict[str, list[dict[str, Any]]] = {}
        users: dict[str, list[dict[str, Any]]] = {}
        for seg in segments:
            for doc in _walk(seg):
                for key, value in (doc.get("annotations") or {}).items():
                    annotations.setdefault(key, []).append(
                        {"AnnotationValue": _annotation_value(value), "ServiceIds": [_service_id(seg)]}
                    )
            if seg.get("user"):
                users.setdefault(str(seg["user"]), []).append(_service_id(seg))
        service_ids: dict[str, dict[str, Any]] = {}
        for seg in segments:
            service_ids.setdefault(seg["name"], _service_id(seg))
        for call in calls:
            if call.target_segment is None:
                service_ids.setdefault(
                    call.target_name,
                    {"Name": call.target_name, "Names": [call.target_name], "Type": call.target_type},
                )
        return {
            "Id": trace.trace_id,
            "StartTime": trace.start,
            "Duration": round(trace.end - trace.start, 3),
            "ResponseTime": round(_seconds(root), 3),
            "HasFault": any(bool(s.get("fault")) for s in segments),
            "HasError": any(bool(s.get("error")) for s in segments),
            "HasThrottle": any(bool(s.get("throttle")) for s in segments),
            "IsPartial": any(bool(s.get("in_progress")) for s in segments),
            "Http": _http(root),
            "Annotations": annotations,
            "Users": [{"UserName": name, "ServiceIds": ids} for name, ids in users.items()],
            "ServiceIds": list(service_ids.values()),
            "EntryPoint": _service_id(root),
            "ResourceARNs": [],
            "InstanceIds": [],
            "AvailabilityZones": [],
            "FaultRootCauses": [],
            "ErrorRootCauses": [],
            "ResponseTimeRootCauses": [],
            "Revision": len(trace.segments),
            "MatchedEventTime": trace.start,
        }

    def _traces_between(self, start: float, end: float, range_type: str) -> list[Trace]:
        found = []
        for trace in self.traces.values():
            if not trace.segments:
                continue  # only subsegments waiting for a parent so far
            if range_type == "TraceId":
                if start <= trace.id_time <= end:
                    found.append(trace)
            elif trace.start <= end and trace.end >= start:
                found.append(trace)
        return found

    def _group_filter(self, params: dict[str, Any]) -> Predicate | None:
        name = params.get("GroupName")
        arn = params.get("GroupARN")
        if not name and not arn:
            return None
        group = self._find_group(name, arn)
        return compile_filter(group.get("FilterExpression"))

    def get_trace_summaries(self, params: dict[str, Any]) -> dict[str, Any]:
        start = to_epoch(require(params, "StartTime"))
        end = to_epoch(require(params, "EndTime"))
        if end < start:
            raise _invalid("EndTime is before StartTime")
        if end - start > MAX_SUMMARY_RANGE:
            raise _invalid("the time range of GetTraceSummaries can be at most 24 hours")
        range_type = params.get("TimeRangeType") or "TraceId"
        if range_type not in ("TraceId", "Event", "Service"):
            raise _invalid(f"TimeRangeType {range_type!r} is not one of TraceId, Event, Service")
        if params.get("SamplingStrategy"):
            raise not_emulated("X-Ray", "GetTraceSummaries SamplingStrategy")
        predicate = compile_filter(params.get("FilterExpression"))
        traces = self._traces_between(start, end, range_type)
        matched = [t for t in traces if predicate is None or predicate(self._view(t))]
        matched.sort(key=lambda t: t.start, reverse=True)
        return {
            "TraceSummaries": [self._summary(t) for t in matched],
            "ApproximateTime": end,
            "TracesProcessedCount": len(traces),
        }

    def batch_get_traces(self, params: dict[str, Any]) -> dict[str, Any]:
        ids = require(params, "TraceIds")
        found = []
        missing = []
        for trace_id in ids:
            trace = self.traces.get(trace_id)
            if trace is None or not trace.segments:
                missing.append(trace_id)
                continue
            found.append(
                {
                    "Id": trace_id,
                    "Duration": round(trace.end - trace.start, 3),
                    "LimitExceeded": False,
                    "Segments": [
                        {"Id": seg_id, "Document": json.dumps(seg, separators=(",", ":"))}
                        for seg_id, seg in trace.segments.items()
                    ],
                }
            )
        return {"Traces": found, "UnprocessedTraceIds": missing}

    # --- service graph ----------------------------------------------------------------------------

    def get_service_graph(self, params: dict[str, Any]) -> dict[str, Any]:
        start = to_epoch(require(params, "StartTime"))
        end = to_epoch(require(params, "EndTime"))
        if end < start:
            raise _invalid("EndTime is before StartTime")
        predicate = self._group_filter(params)
        traces = [
            t
            for t in self._traces_between(start, end, "Event")
            if predicate is None or predicate(self._view(t))
        ]
        return {
            "Services": build_graph(traces),
            "StartTime": start,
            "EndTime": end,
            "ContainsOldGroupVersions": False,
        }

    def get_trace_graph(self, params: dict[str, Any]) -> dict[str, Any]:
        found = (self.traces.get(t) for t in require(params, "TraceIds"))
        return {"Services": build_graph([t for t in found if t is not None and t.segments])}

    # --- groups -----------------------------------------------------------------------------------

    def _group_arn(self, name: str) -> str:
        return f"arn:aws:xray:{self.region}:{ACCOUNT_ID}:group/{name}/{abs(hash(name)) % 10**8:08d}"

    def _find_group(self, name: str | None, arn: str | None) -> dict[str, Any]:
        for group in self.groups.values():
            if (name and group["GroupName"] == name) or (arn and group["GroupARN"] == arn):
                return group
        raise _invalid(f"Group not found: {name or arn}")

    def create_group(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "GroupName")
        if name in self.groups or name == "Default":
            raise _invalid(f"Group {name} already exists")
        expression = params.get("FilterExpression")
        compile_filter(expression)
        group = {
            "GroupName": name,
            "GroupARN": self._group_arn(name),
            "FilterExpression": expression or "",
            "InsightsConfiguration": params.get("InsightsConfiguration")
            or {"InsightsEnabled": False, "NotificationsEnabled": False},
        }
        self.groups[name] = group
        if params.get("Tags"):
            self.tags[group["GroupARN"]] = {t["Key"]: t["Value"] for t in params["Tags"]}
        return {"Group": group}

    def get_group(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Group": self._find_group(params.get("GroupName"), params.get("GroupARN"))}

    def get_groups(self, params: dict[str, Any]) -> dict[str, Any]:
        default = {"GroupName": "Default", "GroupARN": self._group_arn("Default")}
        return {"Groups": [default, *self.groups.values()]}

    def update_group(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._find_group(params.get("GroupName"), params.get("GroupARN"))
        if "FilterExpression" in params:
            compile_filter(params["FilterExpression"])
            group["FilterExpression"] = params["FilterExpression"]
        if "InsightsConfiguration" in params:
            group["InsightsConfiguration"] = params["InsightsConfiguration"]
        return {"Group": group}

    def delete_group(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._find_group(params.get("GroupName"), params.get("GroupARN"))
        del self.groups[group["GroupName"]]
        return {}

    # --- tags -------------------------------------------------------------------------------------

    def _known(self, arn: str) -> None:
        known = {g["GroupARN"] for g in self.groups.values()} | {r["RuleARN"] for r in self.rules.values()}
        if arn not in known:
            raise AwsError("ResourceNotFoundException", f"Resource {arn} not found", 404)

    def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = require(params, "ResourceARN")
        self._known(arn)
        self.tags.setdefault(arn, {}).update({t["Key"]: t["Value"] for t in require(params, "Tags")})
        return {}

    def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = require(params, "ResourceARN")
        self._known(arn)
        for key in require(params, "TagKeys"):
            self.tags.get(arn, {}).pop(key, None)
        return {}

    def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = require(params, "ResourceARN")
        self._known(arn)
        return {"Tags": [{"Key": k, "Value": v} for k, v in self.tags.get(arn, {}).items()]}

    # --- sampling ---------------------------------------------------------------------------------

    def _record(self, name: str) -> dict[str, Any]:
        created, modified = self.rule_times[name]
        return {"SamplingRule": self.rules[name], "CreatedAt": created, "ModifiedAt": modified}

    def create_sampling_rule(self, params: dict[str, Any]) -> dict[str, Any]:
        rule = dict(require(params, "SamplingRule"))
        name = rule.get("RuleName")
        if not name:
            raise _invalid("SamplingRule.RuleName is required")
        if name in self.rules:
            raise _invalid(f"A sampling rule named {name} already exists")
        for key in (
            "ResourceARN",
            "Priority",
            "FixedRate",
            "ReservoirSize",
            "ServiceName",
            "ServiceType",
            "Host",
            "HTTPMethod",
            "URLPath",
            "Version",
        ):
            if key not in rule:
                raise _invalid(f"SamplingRule.{key} is required")
        if rule["Version"] != 1:
            raise _invalid("SamplingRule.Version must be 1")
        if not 0 <= float(rule["FixedRate"]) <= 1:
            raise _invalid("SamplingRule.FixedRate must be between 0 and 1")
        if not 1 <= int(rule["Priority"]) <= 9999:
            raise _invalid("SamplingRule.Priority must be between 1 and 9999")
        rule.setdefault("Attributes", {})
        rule["RuleARN"] = self._rule_arn(name)
        self.rules[name] = rule
        now = self.now()
        self.rule_times[name] = (now, now)
        if params.get("Tags"):
            self.tags[rule["RuleARN"]] = {t["Key"]: t["Value"] for t in params["Tags"]}
        return {"SamplingRuleRecord": self._record(name)}

    def _rule_by(self, params: dict[str, Any]) -> str:
        name = params.get("RuleName")
        arn = params.get("RuleARN")
        for rule_name, rule in self.rules.items():
            if rule_name == name or rule["RuleARN"] == arn:
                return rule_name
        raise _invalid(f"Sampling rule not found: {name or arn}")

    def update_sampling_rule(self, params: dict[str, Any]) -> dict[str, Any]:
        update = require(params, "SamplingRuleUpdate")
        name = self._rule_by(update)
        for key, value in update.items():
            if key not in ("RuleName", "RuleARN"):
                self.rules[name][key] = value
        created, _ = self.rule_times[name]
        self.rule_times[name] = (created, self.now())
        return {"SamplingRuleRecord": self._record(name)}

    def delete_sampling_rule(self, params: dict[str, Any]) -> dict[str, Any]:
        name = self._rule_by(params)
        if name == "Default":
            raise _invalid("The default sampling rule cannot be deleted")
        record = self._record(name)
        del self.rules[name]
        del self.rule_times[name]
        return {"SamplingRuleRecord": record}

    def get_sampling_rules(self, params: dict[str, Any]) -> dict[str, Any]:
        names = sorted(self.rules, key=lambda n: (self.rules[n]["Priority"], n))
        return {"SamplingRuleRecords": [self._record(n) for n in names]}

    def get_sampling_targets(self, params: dict[str, Any]) -> dict[str, Any]:
        """Each rule's reservoir (traces a second) is shared out among the clients reporting on it."""
        documents = require(params, "SamplingStatisticsDocuments")
        now = self.now()
        targets = []
        unprocessed = []
        for doc in documents:
            name = doc.get("RuleName")
            if name not in self.rules:
                unprocessed.append({"RuleName": name, "ErrorCode": "400", "Message": "Unknown rule"})
                continue
            self.clients.setdefault(name, {})[doc["ClientID"]] = now
        for doc in documents:
            name = doc.get("RuleName")
            if name not in self.rules:
                continue
            active = {c: t for c, t in self.clients[name].items() if now - t <= 10 * 60}
            self.clients[name] = active
            rule = self.rules[name]
            share = int(rule["ReservoirSize"]) // max(1, len(active))
            targets.append(
                {
                    "RuleName": name,
                    "FixedRate": rule["FixedRate"],
                    "ReservoirQuota": share,
                    "ReservoirQuotaTTL": now + 10,
                    "Interval": 10,
                }
            )
        last = max(modified for _, modified in self.rule_times.values())
        return {
            "SamplingTargetDocuments": targets,
            "LastRuleModification": last,
            "UnprocessedStatistics": unprocessed,
        }


def _annotation_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BooleanValue": value}
    if isinstance(value, int | float):
        return {"NumberValue": float(value)}
    return {"StringValue": str(value)}


def _http(doc: dict[str, Any]) -> dict[str, Any]:
    http = doc.get("http")
    if not isinstance(http, dict):
        return {}
    request = http.get("request") or {}
    response = http.get("response") or {}
    result: dict[str, Any] = {}
    for source, target in (
        ("url", "HttpURL"),
        ("method", "HttpMethod"),
        ("user_agent", "UserAgent"),
        ("client_ip", "ClientIp"),
    ):
        if request.get(source) is not None:
            result[target] = request[source]
    if response.get("status") is not None:
        result["HttpStatus"] = response["status"]
    return result


@dataclass
class _Stats:
    ok: int = 0
    error: int = 0
    throttle: int = 0
    fault: int = 0
    total_time: float = 0.0
    start: float = float("inf")
    end: float = 0.0
    histogram: dict[float, int] = field(default_factory=dict)

    def add(self, doc: dict[str, Any]) -> None:
        if doc.get("fault"):
            self.fault += 1
        elif doc.get("throttle"):
            self.throttle += 1
        elif doc.get("error"):
            self.error += 1
        else:
            self.ok += 1
        seconds = _seconds(doc)
        self.total_time += seconds
        bucket = round(seconds, 3)
        self.histogram[bucket] = self.histogram.get(bucket, 0) + 1
        self.start = min(self.start, float(doc["start_time"]))
        self.end = max(self.end, float(doc.get("end_time", doc["start_time"])))

    def render(self, edge: bool) -> dict[str, Any]:
        errors = self.error + self.throttle
        summary: dict[str, Any] = {
            "OkCount": self.ok,
            "ErrorStatistics": {
                "ThrottleCount": self.throttle,
                "OtherCount": self.error,
                "TotalCount": errors,
            },
            "FaultStatistics": {"OtherCount": self.fault, "TotalCount": self.fault},
            "TotalCount": self.ok + errors + self.fault,
            "TotalResponseTime": round(self.total_time, 6),
        }
        histogram = [{"Value": value, "Count": count} for value, count in sorted(self.histogram.items())]
        key = "ResponseTimeHistogram"
        return {
            "SummaryStatistics": summary,
            key: histogram,
            **({} if edge else {"DurationHistogram": histogram}),
        }


def build_graph(traces: list[Trace]) -> list[dict[str, Any]]:
    """Nodes per service (and per inferred downstream), a client node for callers of root segments.

    A node's statistics come from its own segments (or, for an inferred node, the calling
    subsegments); an edge's from the caller's subsegments, which is what the caller saw.
    """
    Key = tuple[str, str, str | None]
    node_stats: dict[Key, _Stats] = {}
    roots: set[Key] = set()
    edges: dict[tuple[Key, Key], _Stats] = {}

    def node(name: str, kind: str | None) -> Key:
        key: Key = ("service", name, kind)
        node_stats.setdefault(key, _Stats())
        return key

    for trace in traces:
        root = trace.root()
        for seg in trace.segments.values():
            ref = node(seg["name"], seg.get("origin"))
            node_stats[ref].add(seg)
            if seg is root:
                roots.add(ref)
                edges.setdefault((("client", seg["name"], "client"), ref), _Stats()).add(seg)
        for call in _calls(trace):
            source = node(call.source["name"], call.source.get("origin"))
            target = node(call.target_name, call.target_type)
            if call.target_segment is None:
                node_stats[target].add(call.subsegment)
            edges.setdefault((source, target), _Stats()).add(call.subsegment)

    # Client nodes take the lowest reference IDs, as in AWS's example output.
    clients = sorted({source for source, _ in edges if source[0] == "client"})
    order = [*clients, *node_stats]
    ids = {key: index for index, key in enumerate(order)}
    services = []
    for key in order:
        out = [(target, stats) for (source, target), stats in edges.items() if source == key]
        service: dict[str, Any] = {"ReferenceId": ids[key], "Name": key[1], "Names": [key[1]]}
        if key[0] == "client":
            service.update(
                Type="client",
                State="unknown",
                StartTime=min(stats.start for _, stats in out),
                EndTime=max(stats.end for _, stats in out),
            )
        else:
            stats = node_stats[key]
            service.update(
                Root=key in roots,
                AccountId=ACCOUNT_ID,
                State="active",
                StartTime=stats.start,
                EndTime=stats.end,
                **stats.render(edge=False),
            )
            if key[2]:
                service["Type"] = key[2]
        service["Edges"] = [_edge(ids[target], stats) for target, stats in out]
        services.append(service)
    return services


def _edge(target: int, stats: _Stats) -> dict[str, Any]:
    return {
        "ReferenceId": target,
        "StartTime": stats.start,
        "EndTime": stats.end,
        "Aliases": [],
        **stats.render(edge=True),
    }


OPERATIONS: dict[str, Callable[[XRayRegion, dict[str, Any]], dict[str, Any]]] = {
    "PutTraceSegments": XRayRegion.put_trace_segments,
    "_PutOtlpSegments": XRayRegion.put_otlp_segments,
    "GetTraceSummaries": XRayRegion.get_trace_summaries,
    "BatchGetTraces": XRayRegion.batch_get_traces,
    "GetServiceGraph": XRayRegion.get_service_graph,
    "GetTraceGraph": XRayRegion.get_trace_graph,
    "CreateGroup": XRayRegion.create_group,
    "GetGroup": XRayRegion.get_group,
    "GetGroups": XRayRegion.get_groups,
    "UpdateGroup": XRayRegion.update_group,
    "DeleteGroup": XRayRegion.delete_group,
    "CreateSamplingRule": XRayRegion.create_sampling_rule,
    "UpdateSamplingRule": XRayRegion.update_sampling_rule,
    "DeleteSamplingRule": XRayRegion.delete_sampling_rule,
    "GetSamplingRules": XRayRegion.get_sampling_rules,
    "GetSamplingTargets": XRayRegion.get_sampling_targets,
    "TagResource": XRayRegion.tag_resource,
    "UntagResource": XRayRegion.untag_resource,
    "ListTagsForResource": XRayRegion.list_tags_for_resource,
}
READ_ONLY = {
    "GetTraceSummaries",
    "BatchGetTraces",
    "GetServiceGraph",
    "GetTraceGraph",
    "GetGroup",
    "GetGroups",
    "GetSamplingRules",
    "ListTagsForResource",
}
