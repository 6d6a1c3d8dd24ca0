"""``o11yshop trace TRACE_ID`` (O-CORR-01): one trace as a waterfall, each segment's log lines under it.

Read only through the AWS APIs (X-Ray BatchGetTraces, CloudWatch Logs FilterLogEvents), so it works
the same against the embedded endpoint and real AWS::

    1-674a3b2c-9f0e1d2c3b4a5968778695a4   POST /api/checkout 201   142.7 ms
       0.0   142.7 ██████████████████████████████ api  POST /api/checkout 201
                   · info  o11yshop.orders  order placed
       3.1     0.4 ▏                              shop.db@sqlite  SELECT carts.id …
      12.8    31.0   ██████                       reserve stock
      13.0    30.5   ██████                         inventory  POST …/api/reservations 201
      14.2    27.9   ██████                           inventory  POST /api/reservations 201
                   · info  o11yshop.inventory  stock reserved
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

BAR_WIDTH = 30


@dataclass
class Entity:
    id: str
    name: str
    start: float
    end: float
    document: dict[str, Any]
    service: str
    children: list[Entity] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


def entities_of(documents: list[dict[str, Any]]) -> list[Entity]:
    """The trace as a forest: segments, their subsegments, and (where a downstream segment's parent
    is a subsegment of the caller, as with a traced HTTP call) the downstream segment under it."""
    by_id: dict[str, Entity] = {}
    parent_of: dict[str, str | None] = {}

    def add(doc: dict[str, Any], service: str, parent: str | None) -> None:
        start = float(doc.get("start_time", 0))
        entity = Entity(
            doc["id"], doc.get("name", "?"), start, float(doc.get("end_time", start)), doc, service
        )
        by_id[entity.id] = entity
        parent_of[entity.id] = parent
        for child in doc.get("subsegments", []):
            add(child, service, entity.id)

    for doc in documents:
        is_subsegment = doc.get("type") == "subsegment"
        add(doc, doc.get("name", "?") if not is_subsegment else "", doc.get("parent_id"))
    roots: list[Entity] = []
    for entity_id, entity in by_id.items():
        parent = parent_of[entity_id]
        if parent in by_id and parent != entity_id:
            if not entity.service:
                entity.service = by_id[parent].service
            by_id[parent].children.append(entity)
        else:
            roots.append(entity)
    for entity in by_id.values():
        entity.children.sort(key=lambda e: e.start)
    return sorted(roots, key=lambda e: e.start)


def attach_lines(roots: list[Entity], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each log line under the segment or subsegment that was open when it was written;
    return the lines that belong to no entity of the trace (not sampled, or a segment lost)."""
    by_id = {e.id: e for root in roots for e in _walk(root)}
    by_service: dict[str, Entity] = {}
    for root in roots:
        for entity in _walk(root):
            if entity.document.get("type") != "subsegment" and entity.service == entity.name:
                by_service.setdefault(entity.service, entity)
    unplaced = []
    for line in lines:
        target = by_id.get(str(line.get("segment_id"))) or by_service.get(str(line.get("service")))
        if target is None:
            unplaced.append(line)
        else:
            target.lines.append(line)
    return unplaced


def _walk(entity: Entity) -> Iterator[Entity]:
    yield entity
    for child in entity.children:
        yield from _walk(child)


def describe(entity: Entity) -> str:
    doc = entity.document
    parts = [entity.name]
    http = doc.get("http", {})
    request, response = http.get("request", {}), http.get("response", {})
    if request:
        url = str(request.get("url", ""))
        path = url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url
        parts.append(f"{request.get('method', '')} /{path}".strip())
    if "status" in response:
        parts.append(str(response["status"]))
    if "sql" in doc:
        query = " ".join(str(doc["sql"].get("sanitized_query", "")).split())
        parts.append(query[:70] + ("…" if len(query) > 70 else ""))
    if doc.get("aws", {}).get("operation"):
        parts.append(str(doc["aws"]["operation"]))
    flags = [flag for flag in ("fault", "error", "throttle") if doc.get(flag)]
    if flags:
        parts.append("!" + ",".join(flags))
    return "  ".join(parts)


def render(trace_id: str, documents: list[dict[str, Any]], lines: list[dict[str, Any]]) -> str:
    roots = entities_of(documents)
    if not roots:
        return f"{trace_id}: no segments"
    unplaced = attach_lines(roots, sorted(lines, key=lambda line: str(line.get("timestamp", ""))))
    begin = min(e.start for e in roots)
    end = max(e.end for root in roots for e in _walk(root))
    total = max(end - begin, 1e-6)
    out = [f"{trace_id}   {describe(roots[0])}   {total * 1000:.1f} ms"]
    out.append(f"{'start ms':>9} {'took ms':>8}  {'':{BAR_WIDTH}}  segment / subsegment")

    def show(entity: Entity, depth: int) -> None:
        offset = (entity.start - begin) / total
        width = max(1, round((entity.end - entity.start) / total * BAR_WIDTH))
        left = min(BAR_WIDTH - 1, int(offset * BAR_WIDTH))
        bar = (" " * left + "█" * width)[:BAR_WIDTH]
        out.append(
            f"{(entity.start - begin) * 1000:9.1f} {(entity.end - entity.start) * 1000:8.1f}  "
            f"{bar:{BAR_WIDTH}}  {'  ' * depth}{describe(entity)}"
        )
        for line in entity.lines:
            out.append(f"{'':{20 + BAR_WIDTH}}{'  ' * depth}· {_line(line)}")
        for child in entity.children:
            show(child, depth + 1)

    for root in roots:
        show(root, 0)
    if unplaced:
        out.append("log lines of this trace outside its recorded segments:")
        out.extend(f"  · {_line(line)}" for line in unplaced)
    return "\n".join(out)


def _line(line: dict[str, Any]) -> str:
    return f"{line.get('level', '?'):7} {line.get('logger', '')}  {line.get('message', '')}"


def fetch(
    xray: Any, logs: Any, trace_id: str, groups: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The trace's segment documents and its log lines (metric documents left out), through the APIs."""
    traces = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
    documents = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
    lines: list[dict[str, Any]] = []
    for group in groups:
        token = None
        while True:
            kwargs: dict[str, Any] = {
                "logGroupName": group,
                # aws mode's lines carry it at the top; otel mode's records as an attribute
                "filterPattern": f'{{ $.trace_id = "{trace_id}" || $.attributes.trace_id = "{trace_id}" }}',
            }
            if token:
                kwargs["nextToken"] = token
            try:
                page = logs.filter_log_events(**kwargs)
            except logs.exceptions.ResourceNotFoundException:
                break
            for event in page["events"]:
                try:
                    line = json.loads(event["message"])
                except ValueError:
                    continue
                if isinstance(line, dict) and "_aws" not in line:
                    lines.append(as_line(line))
            token = page.get("nextToken")
            if not token:
                break
    return documents, lines


def as_line(event: dict[str, Any]) -> dict[str, Any]:
    """A log line's fields from an event of either mode (otel mode's records keep them under
    ``attributes``, the message as ``body`` and the level as ``severityText``)."""
    if "attributes" not in event or "body" not in event:
        return event
    return {**event["attributes"], "message": event["body"], "level": event.get("severityText", "?")}
