"""OTLP log records as CloudWatch Logs events, in the form AWS's ``/v1/logs`` endpoint stores them.

Each record becomes one event whose message is a JSON object: ``resource`` (its ``attributes``),
``scope`` (``name``, ``version``), ``timeUnixNano``, ``observedTimeUnixNano``, ``severityNumber``,
``severityText``, ``body`` (the record's value as JSON: a string, or an object for a map),
``attributes`` (a flat object keyed by attribute name), ``flags``, ``traceId`` and ``spanId`` (hex).
Empty fields are left out. The event's timestamp is the record's time, else its observed time, else
the time it arrived.
"""

from __future__ import annotations

import json
from typing import Any

from o11yshop.localaws import otlp

MAX_REQUEST_BYTES = 1024 * 1024
MAX_RECORDS = 10_000


def translate(request: Any, now: float) -> list[dict[str, Any]]:
    """PutLogEvents-style events (``timestamp`` in ms, ``message``) for every record, in order."""
    count = sum(len(scope.log_records) for resource in request.resource_logs for scope in resource.scope_logs)
    if count > MAX_RECORDS:
        raise otlp.OtlpError(400, f"a request holds at most {MAX_RECORDS:,} log records, not {count:,}")
    events = []
    arrival_ns = int(now * 1e9)
    for resource_logs in request.resource_logs:
        resource = otlp.attributes(resource_logs.resource.attributes)
        for scope_logs in resource_logs.scope_logs:
            scope = _scope(scope_logs.scope)
            for record in scope_logs.log_records:
                moment = record.time_unix_nano or record.observed_time_unix_nano or arrival_ns
                message = _message(record, resource, scope)
                text = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
                events.append({"timestamp": moment // 1_000_000, "message": text})
    return events


def _scope(scope: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if scope.name:
        found["name"] = scope.name
    if scope.version:
        found["version"] = scope.version
    if scope.attributes:
        found["attributes"] = otlp.attributes(scope.attributes)
    return found


def _message(record: Any, resource: dict[str, Any], scope: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {}
    if resource:
        message["resource"] = {"attributes": resource}
    if scope:
        message["scope"] = scope
    if record.time_unix_nano:
        message["timeUnixNano"] = record.time_unix_nano
    if record.observed_time_unix_nano:
        message["observedTimeUnixNano"] = record.observed_time_unix_nano
    if record.severity_number:
        message["severityNumber"] = record.severity_number
    if record.severity_text:
        message["severityText"] = record.severity_text
    if record.event_name:
        message["eventName"] = record.event_name
    if record.HasField("body"):
        message["body"] = otlp.value(record.body)
    if record.attributes:
        message["attributes"] = otlp.attributes(record.attributes)
    if record.dropped_attributes_count:
        message["droppedAttributesCount"] = record.dropped_attributes_count
    if record.flags:
        message["flags"] = record.flags
    if any(record.trace_id):
        message["traceId"] = record.trace_id.hex()
    if any(record.span_id):
        message["spanId"] = record.span_id.hex()
    return message
