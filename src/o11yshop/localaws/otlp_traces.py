"""OTLP spans as X-Ray segment documents, mapped the way AWS maps them.

The rules follow the X-Ray developer guide (segment documents, annotations) and the ADOT collector's
X-Ray exporter translator, which is how AWS turns OpenTelemetry spans into segments:

- SERVER and CONSUMER spans, and spans without a local parent, are **segments** named after the
  service (``aws.local.service``, else the resource's ``service.name``); the rest (CLIENT,
  PRODUCER, INTERNAL) are **subsegments** of their parent span.
- CLIENT spans are ``namespace: remote``; AWS SDK calls (``rpc.system = aws-api``) are
  ``namespace: aws`` and named after the service they call; SQL database spans get ``sql``.
- HTTP attributes of both generations of the semantic conventions fill ``http.request`` and
  ``http.response``; 4xx sets ``error`` (429 ``throttle`` too), 5xx or status ERROR ``fault``;
  exception events become ``cause.exceptions``.
- The keys listed in the ``aws.xray.annotations`` attribute become annotations; the other attributes
  (and, on segments, the resource's as ``otel.resource.*``) become ``metadata.default``.

Differences from AWS are listed in docs/local-aws.md.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from o11yshop.localaws import otlp

MAX_REQUEST_BYTES = 5 * 1024 * 1024
MAX_SPANS = 10_000
MAX_RESOURCE_AND_SCOPE_BYTES = 16 * 1024
MAX_SPAN_BYTES = 200 * 1024
MAX_PAST_SECONDS = 14 * 24 * 3600
MAX_FUTURE_SECONDS = 2 * 3600
MAX_REQUEST_RANGE_SECONDS = 24 * 3600
MAX_ANNOTATIONS = 50

INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER = 1, 2, 3, 4, 5
STATUS_ERROR = 2
_PARENT_REMOTE_KNOWN, _PARENT_IS_REMOTE = 0x100, 0x200

_INVALID_NAME_CHARACTERS = re.compile(r"[^\w\s.:/%&#=+\\\-@]")
_INVALID_ANNOTATION_CHARACTERS = re.compile(r"[^A-Za-z0-9_]")
_PYTHON_FRAME = re.compile(r'^\s*File "(?P<path>[^"]*)", line (?P<line>\d+), in (?P<label>.*)$')

SQL_SYSTEMS = {"db2", "derby", "hive", "mariadb", "mssql", "mysql", "oracle", "postgresql", "sqlite",
               "teradata", "other_sql"}  # fmt: skip
ORIGINS = {
    "aws_ec2": "AWS::EC2::Instance",
    "aws_ecs": "AWS::ECS::Container",
    "aws_eks": "AWS::EKS::Container",
    "aws_elastic_beanstalk": "AWS::ElasticBeanstalk::Environment",
    "aws_app_runner": "AWS::AppRunner::Service",
}


@dataclass
class Translation:
    """What became of one request: the documents to store, and the spans refused with why."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class _Node:
    trace_id: str
    parent_id: str | None
    document: dict[str, Any]


def translate(request: Any, now: float) -> Translation:
    """Segment documents for every acceptable span of an ExportTraceServiceRequest.

    Subsegments whose parent span is in the same request are nested inside it; the others are
    returned as independent subsegments (``type: subsegment`` with ``parent_id``), which the store
    attaches to their parent whenever it arrives.
    """
    spans = [
        (resource_spans.resource, scope_spans, span)
        for resource_spans in request.resource_spans
        for scope_spans in resource_spans.scope_spans
        for span in scope_spans.spans
    ]
    if len(spans) > MAX_SPANS:
        raise otlp.OtlpError(400, f"a request holds at most {MAX_SPANS:,} spans; this one has {len(spans):,}")
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            size = resource_spans.resource.ByteSize() + scope_spans.scope.ByteSize()
            if size > MAX_RESOURCE_AND_SCOPE_BYTES:
                raise otlp.OtlpError(
                    400, f"a resource and its scope take at most 16 KB; one takes {size:,} bytes"
                )
    times = [span.start_time_unix_nano for _, _, span in spans if span.start_time_unix_nano]
    times += [span.end_time_unix_nano for _, _, span in spans if span.end_time_unix_nano]
    if times and (max(times) - min(times)) / 1e9 > MAX_REQUEST_RANGE_SECONDS:
        raise otlp.OtlpError(400, "the spans of one request cannot be more than 24 hours apart")

    result = Translation()
    resources: dict[int, dict[str, Any]] = {}
    nodes: dict[tuple[str, str], _Node] = {}
    children: list[_Node] = []
    for resource, _scope, span in spans:
        problem = _problem(span, now)
        if problem:
            result.reject(problem)
            continue
        resource_attributes = resources.get(id(resource))
        if resource_attributes is None:
            resource_attributes = resources[id(resource)] = otlp.attributes(resource.attributes)
        for node in _nodes(span, resource_attributes):
            nodes[(node.trace_id, node.document["id"])] = node
            if node.document.get("type") == "subsegment":
                children.append(node)
            else:
                result.documents.append(node.document)
    for child in children:
        parent = nodes.get((child.trace_id, child.parent_id or ""))
        if parent is not None:
            del child.document["type"]
            parent.document.setdefault("subsegments", []).append(child.document)
    for child in children:
        if "type" in child.document:  # its parent is not in this request
            independent = {**child.document, "trace_id": child.trace_id, "parent_id": child.parent_id}
            result.documents.append(independent)
    for node in nodes.values():
        if "subsegments" in node.document:
            node.document["subsegments"].sort(key=lambda sub: sub["start_time"])
    return result


def _problem(span: Any, now: float) -> str | None:
    if len(span.trace_id) != 16 or not any(span.trace_id):
        return "a span's trace ID must be 16 bytes, not all zero"
    if len(span.span_id) != 8 or not any(span.span_id):
        return "a span's ID must be 8 bytes, not all zero"
    if span.parent_span_id and len(span.parent_span_id) != 8:
        return "a span's parent ID must be 8 bytes"
    if not span.start_time_unix_nano or not span.end_time_unix_nano:
        return "a span needs a start and an end time"
    if span.end_time_unix_nano < span.start_time_unix_nano:
        return "a span cannot end before it starts"
    for moment in (span.start_time_unix_nano / 1e9, span.end_time_unix_nano / 1e9):
        if moment < now - MAX_PAST_SECONDS:
            return "a span more than 14 days old is refused"
        if moment > now + MAX_FUTURE_SECONDS:
            return "a span more than 2 hours in the future is refused"
    if span.ByteSize() > MAX_SPAN_BYTES:
        return "a span larger than 200 KB is refused"
    return None


def _nodes(span: Any, resource: dict[str, Any]) -> list[_Node]:
    """One span's documents: usually one, two for a CLIENT/PRODUCER span that has no local parent."""
    trace_hex = span.trace_id.hex()
    trace_id = f"1-{trace_hex[:8]}-{trace_hex[8:]}"
    parent_id = span.parent_span_id.hex() if any(span.parent_span_id) else None
    remote_parent = span.flags & _PARENT_REMOTE_KNOWN and span.flags & _PARENT_IS_REMOTE
    local_root = parent_id is None or bool(remote_parent)
    if span.kind in (SERVER, CONSUMER) or (local_root and span.kind not in (CLIENT, PRODUCER)):
        return [_Node(trace_id, parent_id, _document(span, resource, trace_id))]
    if not local_root:
        return [_Node(trace_id, parent_id, _document(span, resource, None))]
    # A call made outside any server span (a worker's job): X-Ray shows the service calling it, so
    # the span becomes a segment for the service with the call as its subsegment.
    service = _document(span, resource, trace_id)
    service["id"] = secrets.token_hex(8)
    for key in ("http", "sql", "namespace", "cause", "error", "fault", "throttle"):
        service.pop(key, None)
    call = _document(span, resource, None)
    return [_Node(trace_id, parent_id, service), _Node(trace_id, service["id"], call)]


def _document(span: Any, resource: dict[str, Any], segment_of: str | None) -> dict[str, Any]:
    """A segment of trace ``segment_of``, or (None) a subsegment."""
    segment = segment_of is not None
    attributes = otlp.attributes(span.attributes)
    used: set[str] = set()
    aws_api = attributes.get("rpc.system") == "aws-api" or "aws.service" in attributes
    name = _segment_name(attributes, resource) if segment else _name(span, attributes, aws_api)
    doc: dict[str, Any] = {
        "id": span.span_id.hex(),
        "name": _fix_name(name),
        "start_time": span.start_time_unix_nano / 1e9,
        "end_time": span.end_time_unix_nano / 1e9,
    }
    if segment_of is not None:
        doc["trace_id"] = segment_of
        if any(span.parent_span_id):
            doc["parent_id"] = span.parent_span_id.hex()  # the caller's subsegment, as X-Ray links them
    else:
        doc["type"] = "subsegment"
        if aws_api:
            doc["namespace"] = "aws"
        elif span.kind == CLIENT or (span.kind == PRODUCER and "aws.remote.service" in attributes):
            doc["namespace"] = "remote"
    http = _http(span.kind, attributes, used)
    if http:
        doc["http"] = http
    sql = _sql(span, attributes, used)
    if sql:
        doc["sql"] = sql
    aws = _aws(attributes, resource, used, segment, aws_api)
    if aws:
        doc["aws"] = aws
    _outcome(doc, span, attributes, resource)
    if segment:
        origin = ORIGINS.get(str(resource.get("cloud.platform", "")))
        if origin and resource.get("cloud.provider", "aws") == "aws":
            doc["origin"] = origin
        if resource.get("service.version") is not None:
            doc["service"] = {"version": str(resource["service.version"])}
    if isinstance(attributes.get("enduser.id"), str):
        doc["user"] = attributes["enduser.id"]
        used.add("enduser.id")
    annotations, metadata = _annotations_and_metadata(attributes, resource if segment else {}, used)
    if annotations:
        doc["annotations"] = annotations
    if metadata:
        doc["metadata"] = metadata
    return doc


def _segment_name(attributes: dict[str, Any], resource: dict[str, Any]) -> str:
    for value in (attributes.get("aws.local.service"), resource.get("service.name")):
        if isinstance(value, str) and value:
            return value
    return "unknown_service"


def _name(span: Any, attributes: dict[str, Any], aws_api: bool) -> str:
    """A subsegment's name: what it calls, as X-Ray names downstream nodes, else the span's name."""
    if span.kind in (CLIENT, PRODUCER, CONSUMER) and isinstance(attributes.get("aws.remote.service"), str):
        name: str = attributes["aws.remote.service"]
        if aws_api:
            name = name.removeprefix("AWS.SDK.").removeprefix("AWS::")
        return name
    if isinstance(attributes.get("peer.service"), str):
        return str(attributes["peer.service"])
    if aws_api:
        for key in ("aws.service", "rpc.service"):
            if isinstance(attributes.get(key), str):
                return str(attributes[key])
    database = attributes.get("db.namespace", attributes.get("db.name"))
    if isinstance(database, str) and database:
        host = _host(str(attributes.get("db.connection_string", "")).removeprefix("jdbc:"))
        return f"{database}@{host}" if host else database
    for key in ("rpc.service", "http.host", "net.peer.name", "server.address"):
        if isinstance(attributes.get(key), str) and attributes[key]:
            return str(attributes[key])
    url = attributes.get("url.full", attributes.get("http.url"))
    if isinstance(url, str) and _host(url):
        return _host(url)
    return str(span.name)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _fix_name(name: str) -> str:
    cleaned = _INVALID_NAME_CHARACTERS.sub("", name)[:200]
    return cleaned if cleaned.strip() else "span"


def _first(attributes: dict[str, Any], used: set[str], *keys: str) -> Any:
    for key in keys:
        if key in attributes:
            used.add(key)
            return attributes[key]
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _http(kind: int, attributes: dict[str, Any], used: set[str]) -> dict[str, Any] | None:
    http_keys = ("http.request.method", "http.method", "url.full", "http.url", "http.response.status_code",
                 "http.status_code", "user_agent.original", "http.user_agent")  # fmt: skip
    if not any(key in attributes for key in http_keys):
        return None
    request: dict[str, Any] = {}
    response: dict[str, Any] = {}
    method = _first(attributes, used, "http.request.method", "http.method")
    if method is not None:
        request["method"] = str(method)
    url = _first(attributes, used, "url.full", "http.url")
    server = kind in (SERVER, CONSUMER)
    scheme = _first(attributes, used, "url.scheme", "http.scheme") or "http"
    if server:
        host = _first(attributes, used, "server.address", "http.host", "http.server_name", "net.host.name")
        port = _first(attributes, used, "server.port", "net.host.port")
    else:
        host = _first(attributes, used, "server.address", "http.host", "net.peer.name")
        port = _first(attributes, used, "server.port", "net.peer.port")
    target = _first(attributes, used, "http.target")
    path = _first(attributes, used, "url.path")
    query = _first(attributes, used, "url.query")
    if url is None and host is not None:
        if path is not None:
            target = f"{path}?{query}" if query else str(path)
        if target is None:
            target = attributes.get("http.route", "/")
        default_port = {"http": "80", "https": "443"}.get(str(scheme))
        authority = str(host) if port is None or str(port) == default_port else f"{host}:{port}"
        url = f"{scheme}://{authority}{target}"
    if url is not None:
        request["url"] = str(url)
    agent = _first(attributes, used, "user_agent.original", "http.user_agent")
    if agent is not None:
        request["user_agent"] = str(agent)
    forwarded = attributes.get("http.client_ip")
    client = _first(attributes, used, "client.address", "http.client_ip", "net.sock.peer.addr", "net.peer.ip")
    if client is not None:
        request["client_ip"] = str(client)
        if forwarded is not None and client == forwarded:
            request["x_forwarded_for"] = True
    status = _int(_first(attributes, used, "http.response.status_code", "http.status_code"))
    if status is not None:
        response["status"] = status
    length = _int(_first(attributes, used, "http.response.body.size", "http.response_content_length"))
    if length is not None:
        response["content_length"] = length
    http: dict[str, Any] = {}
    if request:
        http["request"] = request
    if response:
        http["response"] = response
    return http or None


def _sql(span: Any, attributes: dict[str, Any], used: set[str]) -> dict[str, Any] | None:
    system = attributes.get("db.system.name", attributes.get("db.system"))
    if system not in SQL_SYSTEMS:
        return None
    _first(attributes, used, "db.system.name", "db.system")
    database = _first(attributes, used, "db.namespace", "db.name") or ""
    connection = _first(attributes, used, "db.connection_string") or "localhost"
    sql: dict[str, Any] = {
        "url": str(span.name),
        "connection_string": f"{connection}/{database}",
        "database_type": str(system),
    }
    user = _first(attributes, used, "db.user")
    if user is not None:
        sql["user"] = str(user)
    query = _first(attributes, used, "db.query.text", "db.statement")
    if query is not None:
        sql["sanitized_query"] = str(query)
    return sql


def _aws(
    attributes: dict[str, Any], resource: dict[str, Any], used: set[str], segment: bool, aws_api: bool
) -> dict[str, Any]:
    aws: dict[str, Any] = {}
    if aws_api:
        fields = (
            ("operation", ("aws.operation", "rpc.method")),
            ("region", ("aws.region",)),
            ("request_id", ("aws.request_id", "aws.requestId")),
            ("queue_url", ("aws.sqs.queue_url", "aws.queue_url", "messaging.url")),
            ("table_name", ("aws.table_name",)),
        )
        for name, keys in fields:
            found = _first(attributes, used, *keys)
            if found is not None:
                aws[name] = str(found)
        tables = attributes.get("aws.dynamodb.table_names")
        if isinstance(tables, list) and tables:
            used.add("aws.dynamodb.table_names")
            if len(tables) == 1:
                aws["table_name"] = str(tables[0])
            else:
                aws["table_names"] = [str(t) for t in tables]
    if segment:
        sdk = resource.get("telemetry.sdk.name")
        if isinstance(sdk, str):
            language = resource.get("telemetry.sdk.language")
            aws["xray"] = {
                "sdk": f"{sdk} for {language}" if language else sdk,
                "sdk_version": str(resource.get("telemetry.sdk.version", "")),
                "auto_instrumentation": "telemetry.auto.version" in resource,
            }
        if isinstance(resource.get("cloud.account.id"), str):
            aws["account_id"] = resource["cloud.account.id"]
    return aws


def _outcome(doc: dict[str, Any], span: Any, attributes: dict[str, Any], resource: dict[str, Any]) -> None:
    """error / fault / throttle from the HTTP status (else the span status), and the cause."""
    status = _int(attributes.get("http.response.status_code", attributes.get("http.status_code")))
    if status is not None and 400 <= status <= 499:
        doc["error"] = True
        if status == 429:
            doc["throttle"] = True
    elif (status is not None and 500 <= status <= 599) or span.status.code == STATUS_ERROR:
        doc["fault"] = True
    remote = span.kind in (CLIENT, PRODUCER)
    python = resource.get("telemetry.sdk.language") == "python"
    exceptions = []
    for event in span.events:
        if event.name != "exception":
            continue
        details = otlp.attributes(event.attributes)
        exception: dict[str, Any] = {"id": secrets.token_hex(8), "remote": remote}
        for source, target in (("exception.type", "type"), ("exception.message", "message")):
            if details.get(source) is not None:
                exception[target] = str(details[source])
        stack = details.get("exception.stacktrace")
        if python and isinstance(stack, str):
            frames = _python_frames(stack)
            if frames:
                exception["stack"] = frames
        exceptions.append(exception)
    if not exceptions and span.status.code == STATUS_ERROR:
        message = span.status.message or attributes.get("http.status_text")
        if message:
            exceptions.append({"id": secrets.token_hex(8), "message": str(message)})
    if exceptions:
        doc["cause"] = {"exceptions": exceptions}


def _python_frames(stack: str) -> list[dict[str, Any]]:
    """A Python traceback's frames, innermost first, as X-Ray lists them."""
    frames = []
    for line in stack.splitlines():
        found = _PYTHON_FRAME.match(line)
        if found:
            frames.append({"path": found["path"], "line": int(found["line"]), "label": found["label"]})
    frames.reverse()
    return frames


def annotation_key(key: str) -> str:
    """X-Ray annotation keys hold letters, digits and underscores only: the rest become underscores."""
    return _INVALID_ANNOTATION_CHARACTERS.sub("_", key)[:500]


def _annotations_and_metadata(
    attributes: dict[str, Any], resource: dict[str, Any], used: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    listed = attributes.get("aws.xray.annotations")
    indexed = {str(k) for k in listed if isinstance(k, str)} if isinstance(listed, list) else set()
    annotations: dict[str, Any] = {}
    default: dict[str, Any] = {}
    metadata: dict[str, Any] = {}

    def place(key: str, value: Any) -> None:
        fits = len(annotations) < MAX_ANNOTATIONS and isinstance(value, str | int | float)
        if key in indexed and key and fits:
            annotations[annotation_key(key)] = value
        elif value is not None:
            default[key] = value

    for key, value in resource.items():
        place(f"otel.resource.{key}", value)
    for key, value in attributes.items():
        if key in used or key == "aws.xray.annotations":
            continue
        if key.startswith("aws.xray.metadata.") and isinstance(value, str):
            namespace = key.removeprefix("aws.xray.metadata.")
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                if namespace == "default":
                    default.update(parsed)
                else:
                    metadata[namespace] = parsed
                continue
        place(key, value)
    if default:
        metadata["default"] = default
    return annotations, metadata
