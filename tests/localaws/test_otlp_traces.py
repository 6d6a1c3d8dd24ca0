"""Spans sent by the real OpenTelemetry SDK to ``/v1/traces``, read back through the X-Ray API only.

The mapping follows the X-Ray developer guide and the ADOT collector's X-Ray translator; the point is
that a trace answers GetTraceSummaries, BatchGetTraces and the service graph exactly as the same
trace sent as X-Ray SDK segments does.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

import boto3
import botocore.session
import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from o11yshop.localaws import otlp
from o11yshop.localaws.server import Endpoint

from .conftest import ClientFactory, make_client_factory
from .otlp_helpers import Service, post, service


def xray_id(span: Any) -> str:
    hex_id = f"{span.context.trace_id:032x}"
    return f"1-{hex_id[:8]}-{hex_id[8:]}"


def span_id(span: Any) -> str:
    return f"{span.context.span_id:016x}"


def export(endpoint: Endpoint, spans: list[Any], **options: Any) -> None:
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.url}/v1/traces", **options)
    assert exporter.export(spans) is SpanExportResult.SUCCESS


def window() -> dict[str, float]:
    now = time.time()
    return {"StartTime": now - 300, "EndTime": now + 60}


def documents(xray: Any, trace: str) -> dict[str, dict[str, Any]]:
    traces = xray.batch_get_traces(TraceIds=[trace])["Traces"]
    assert len(traces) == 1
    return {(doc := json.loads(s["Document"]))["name"]: doc for s in traces[0]["Segments"]}


def graph(services: list[dict[str, Any]]) -> set[tuple[str, str | None, tuple[str, ...]]]:
    """Nodes as (name, type, sorted names of the nodes they call): what two graphs share."""
    names = {s["ReferenceId"]: s["Name"] for s in services}
    return {
        (s["Name"], s.get("Type"), tuple(sorted(names[e["ReferenceId"]] for e in s["Edges"])))
        for s in services
    }


def checkout_trace(api: Service, inventory: Service) -> dict[str, Any]:
    """api's SERVER span calls inventory over HTTP (a CLIENT span); inventory's SERVER span, in another
    process, continues the trace from the propagated context and queries its database."""
    propagator = TraceContextTextMapPropagator()
    request = {
        "http.request.method": "GET",
        "url.scheme": "http",
        "url.path": "/api/products/7",
        "server.address": "shop.local",
        "server.port": 8000,
        "http.route": "/api/products/{product_id}",
        "http.response.status_code": 200,
        "user_agent.original": "pytest",
        "enduser.id": "alice",
        "product_id": "7",
        "cart.items": 3,
        "aws.xray.annotations": ["product_id", "cart.items"],
    }
    with api.tracer.start_as_current_span(
        "GET /api/products/{product_id}", kind=SpanKind.SERVER, attributes=request
    ) as server:
        call = {
            "http.request.method": "GET",
            "url.full": "http://127.0.0.1:8001/api/stock/7",
            "server.address": "127.0.0.1",
            "server.port": 8001,
            "http.response.status_code": 200,
        }
        with api.tracer.start_as_current_span("GET", kind=SpanKind.CLIENT, attributes=call) as client:
            headers: dict[str, str] = {}
            propagator.inject(headers)
            remote = propagator.extract(headers)
            served = {
                "http.request.method": "GET",
                "url.path": "/api/stock/7",
                "http.response.status_code": 200,
            }
            with inventory.tracer.start_as_current_span(
                "GET /api/stock/{id}", context=remote, kind=SpanKind.SERVER, attributes=served
            ) as stock:
                query = {"db.system": "sqlite", "db.name": "shop", "db.statement": "SELECT level FROM stock"}
                with inventory.tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT, attributes=query):
                    pass
    return {"server": server, "client": client, "stock": stock}


def test_a_client_span_calling_another_service_gives_the_service_graph_edge(endpoint: Endpoint) -> None:
    api, inventory = service("api"), service("inventory")
    spans = checkout_trace(api, inventory)
    # One request per span, child first, as a SimpleSpanProcessor sends them: the client span
    # arrives before the server span it belongs to.
    for span in api.finished():
        export(endpoint, [span])
    export(endpoint, inventory.finished(), compression=Compression.Gzip)

    xray = make_client_factory(endpoint.url)("xray")
    trace = xray_id(spans["server"])
    found = xray.get_trace_summaries(**window(), FilterExpression='annotation.product_id = "7"')
    assert [s["Id"] for s in found["TraceSummaries"]] == [trace]
    summary = found["TraceSummaries"][0]
    assert summary["Http"] == {
        "HttpURL": "http://shop.local:8000/api/products/7",
        "HttpStatus": 200,
        "HttpMethod": "GET",
        "UserAgent": "pytest",
    }
    assert summary["Annotations"]["cart_items"][0]["AnnotationValue"] == {"NumberValue": 3.0}
    assert summary["Users"][0]["UserName"] == "alice"
    assert {s["Name"] for s in summary["ServiceIds"]} == {"api", "inventory", "shop"}

    docs = documents(xray, trace)
    assert set(docs) == {"api", "inventory"}
    api_doc, inventory_doc = docs["api"], docs["inventory"]
    assert api_doc["id"] == span_id(spans["server"])
    assert "parent_id" not in api_doc
    [call] = api_doc["subsegments"]
    assert call["id"] == span_id(spans["client"])
    assert call["namespace"] == "remote"
    assert call["http"] == {
        "request": {"method": "GET", "url": "http://127.0.0.1:8001/api/stock/7"},
        "response": {"status": 200},
    }
    assert inventory_doc["parent_id"] == call["id"]
    [query] = inventory_doc["subsegments"]
    assert query["sql"]["sanitized_query"] == "SELECT level FROM stock"
    assert query["sql"]["database_type"] == "sqlite"
    assert api_doc["metadata"]["default"]["http.route"] == "/api/products/{product_id}"
    assert api_doc["metadata"]["default"]["otel.resource.service.name"] == "api"
    assert "product_id" not in api_doc["metadata"]["default"]

    services = xray.get_service_graph(**window())["Services"]
    assert graph(services) == {
        ("api", "client", ("api",)),
        ("api", None, ("inventory",)),
        ("inventory", None, ("shop",)),
        ("shop", "Database::SQL", ()),
    }
    assert xray.get_trace_summaries(**window(), FilterExpression='edge("api", "inventory")')["TraceSummaries"]


def test_the_same_trace_as_xray_sdk_segments_answers_the_same(endpoint: Endpoint) -> None:
    api, inventory = service("api"), service("inventory")
    spans = checkout_trace(api, inventory)
    export(endpoint, api.finished() + inventory.finished())

    # The documents the X-Ray SDK sends for that request: a segment per service, the call as a
    # remote subsegment, the downstream segment's parent_id naming it.
    now = time.time()
    sdk_trace = f"1-{int(now):08x}-{secrets.token_hex(12)}"
    call = {
        "id": secrets.token_hex(8),
        "name": "127.0.0.1",
        "namespace": "remote",
        "start_time": now - 0.8,
        "end_time": now - 0.2,
        "http": {"request": {"method": "GET"}, "response": {"status": 200}},
    }
    sql = {
        "id": secrets.token_hex(8),
        "name": "shop",
        "namespace": "remote",
        "start_time": now - 0.6,
        "end_time": now - 0.5,
        "sql": {"sanitized_query": "SELECT level FROM stock"},
    }
    sdk_docs = [
        {
            "trace_id": sdk_trace,
            "id": secrets.token_hex(8),
            "name": "api",
            "start_time": now - 1,
            "end_time": now,
            "http": {"response": {"status": 200}},
            "subsegments": [call],
        },
        {
            "trace_id": sdk_trace,
            "id": secrets.token_hex(8),
            "name": "inventory",
            "parent_id": call["id"],
            "start_time": now - 0.7,
            "end_time": now - 0.3,
            "subsegments": [sql],
        },
    ]
    xray = make_client_factory(endpoint.url)("xray")
    rejected = xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in sdk_docs])
    assert rejected["UnprocessedTraceSegments"] == []

    otlp_trace = xray_id(spans["server"])
    from_otlp = xray.get_trace_graph(TraceIds=[otlp_trace])["Services"]
    from_sdk = xray.get_trace_graph(TraceIds=[sdk_trace])["Services"]
    assert graph(from_otlp) == graph(from_sdk)
    both = xray.get_trace_summaries(**window(), FilterExpression='edge("api", "inventory")')["TraceSummaries"]
    assert {s["Id"] for s in both} == {otlp_trace, sdk_trace}
    summaries = {s["Id"]: s for s in both}
    for key in ("HasFault", "HasError", "EntryPoint"):
        assert summaries[otlp_trace][key] == summaries[sdk_trace][key]


def reserve_stock(tracer: Any, spans: dict[str, Any]) -> None:
    """A worker's job: three failing HTTP calls, a DynamoDB read, a failed step, then an exception."""
    with tracer.start_as_current_span("reserve", kind=SpanKind.SERVER) as spans["server"]:
        for status in (404, 429, 503):
            attributes = {
                "http.method": "GET",
                "http.url": f"http://payments/{status}",
                "http.status_code": status,
            }
            with tracer.start_as_current_span(f"GET {status}", kind=SpanKind.CLIENT, attributes=attributes):
                pass
        dynamodb = {
            "rpc.system": "aws-api",
            "rpc.service": "DynamoDB",
            "rpc.method": "GetItem",
            "aws.region": "us-east-1",
            "aws.dynamodb.table_names": ["products"],
            "aws.request_id": "R1",
        }
        with tracer.start_as_current_span("DynamoDB.GetItem", kind=SpanKind.CLIENT, attributes=dynamodb):
            pass
        with tracer.start_as_current_span("price", kind=SpanKind.INTERNAL) as internal:
            internal.set_status(Status(StatusCode.ERROR, "rounding"))
        raise ValueError("no stock for product 7")


def test_errors_faults_throttles_exceptions_sql_and_aws_calls(endpoint: Endpoint) -> None:
    shop = service("worker")
    spans: dict[str, Any] = {}
    with pytest.raises(ValueError, match="no stock"):
        reserve_stock(shop.tracer, spans)
    export(endpoint, shop.finished(), compression=Compression.Gzip)

    xray = make_client_factory(endpoint.url)("xray")
    doc = documents(xray, xray_id(spans["server"]))["worker"]
    assert doc["fault"] is True
    [exception] = doc["cause"]["exceptions"]
    assert exception["type"] == "ValueError"
    assert exception["message"] == "no stock for product 7"
    assert exception["remote"] is False
    assert exception["stack"][0]["path"] == __file__
    assert exception["stack"][0]["label"] == "reserve_stock"
    subs = {s["name"]: s for s in doc["subsegments"]}
    assert set(subs) == {"payments", "DynamoDB", "price"}
    calls = sorted((s for s in doc["subsegments"] if s["name"] == "payments"), key=lambda s: s["start_time"])
    assert [(c.get("error", False), c.get("throttle", False), c.get("fault", False)) for c in calls] == [
        (True, False, False),
        (True, True, False),
        (False, False, True),
    ]
    assert all(c["namespace"] == "remote" for c in calls)
    aws = subs["DynamoDB"]
    assert aws["namespace"] == "aws"
    assert aws["aws"] == {
        "operation": "GetItem",
        "region": "us-east-1",
        "request_id": "R1",
        "table_name": "products",
    }
    assert subs["price"]["fault"] is True
    assert "namespace" not in subs["price"]
    assert subs["price"]["cause"]["exceptions"][0]["message"] == "rounding"

    faults = xray.get_trace_summaries(**window(), FilterExpression="fault")
    assert len(faults["TraceSummaries"]) == 1
    nodes = graph(xray.get_service_graph(**window())["Services"])
    assert ("DynamoDB", "AWS::DynamoDB::Table", ()) in nodes
    assert ("payments", "remote", ()) in nodes


def test_otlp_json_with_hex_ids_enum_names_and_string_integers(endpoint: Endpoint) -> None:
    now = time.time_ns()
    trace = secrets.token_hex(16).upper()
    server, client, inventory = secrets.token_hex(8), secrets.token_hex(8), secrets.token_hex(8)

    def attribute(key: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"key": key, "value": value}

    request = {
        "resourceSpans": [
            {
                "resource": {"attributes": [attribute("service.name", {"stringValue": "orders"})]},
                "scopeSpans": [
                    {
                        "scope": {"name": "hand-written"},
                        "spans": [
                            {
                                "traceId": trace,
                                "spanId": server,
                                "name": "POST /api/orders",
                                "kind": "SPAN_KIND_SERVER",
                                "startTimeUnixNano": str(now - 50_000_000),
                                "endTimeUnixNano": str(now),
                                "attributes": [
                                    attribute("http.method", {"stringValue": "POST"}),
                                    attribute("http.status_code", {"intValue": "503"}),
                                    attribute("order_id", {"stringValue": "o-42"}),
                                    attribute(
                                        "aws.xray.annotations",
                                        {"arrayValue": {"values": [{"stringValue": "order_id"}]}},
                                    ),
                                ],
                                "status": {"code": "STATUS_CODE_ERROR", "message": "inventory unavailable"},
                                "someFieldFromTheFuture": True,
                            },
                            {
                                "traceId": trace,
                                "spanId": client,
                                "parentSpanId": server,
                                "name": "GET",
                                "kind": 3,
                                "startTimeUnixNano": now - 40_000_000,
                                "endTimeUnixNano": now - 10_000_000,
                                "attributes": [
                                    attribute("http.url", {"stringValue": "http://inventory/api/stock/1"}),
                                    attribute("http.status_code", {"intValue": 503}),
                                ],
                            },
                        ],
                    }
                ],
            },
            {
                # inventory's SERVER span, from a sender that does not flag its parent as remote
                "resource": {"attributes": [attribute("service.name", {"stringValue": "inventory"})]},
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": trace,
                                "spanId": inventory,
                                "parentSpanId": client,
                                "name": "GET /api/stock/{id}",
                                "kind": 2,
                                "startTimeUnixNano": now - 30_000_000,
                                "endTimeUnixNano": now - 20_000_000,
                                "attributes": [attribute("http.status_code", {"intValue": 503})],
                            }
                        ]
                    }
                ],
            },
        ]
    }
    reply = post(f"{endpoint.url}/v1/traces", json.dumps(request).encode(), "application/json", compress=True)
    assert (reply.status, reply.content_type) == (200, "application/json")
    assert json.loads(reply.body) == {}

    xray = make_client_factory(endpoint.url)("xray")
    docs = documents(xray, f"1-{trace[:8].lower()}-{trace[8:].lower()}")
    assert set(docs) == {"orders", "inventory"}
    assert docs["inventory"]["parent_id"] == client
    assert docs["inventory"]["fault"] is True
    doc = docs["orders"]
    assert doc["fault"] is True
    assert doc["http"]["response"]["status"] == 503
    assert doc["annotations"] == {"order_id": "o-42"}
    assert doc["cause"]["exceptions"][0]["message"] == "inventory unavailable"
    assert doc["subsegments"][0]["id"] == client
    assert doc["subsegments"][0]["name"] == "inventory"
    assert doc["subsegments"][0]["fault"] is True


def test_json_and_protobuf_decode_to_the_same_request() -> None:
    from google.protobuf import json_format

    api, inventory = service("api"), service("inventory")
    checkout_trace(api, inventory)
    message = encode_spans(api.finished() + inventory.finished())
    tree = json_format.MessageToDict(message)
    for resource in tree["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                span["kind"] = {"SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3}[span["kind"]]  # enum as number
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    from_json = otlp.decode_traces(json.dumps(tree).encode(), otlp.Encoding(otlp.JSON))
    from_protobuf = otlp.decode_traces(message.SerializeToString(), otlp.Encoding(otlp.PROTOBUF))
    assert from_json == from_protobuf == message


def test_spans_aws_refuses_are_counted_in_the_partial_success(endpoint: Endpoint) -> None:
    shop = service("api")
    now = time.time_ns()
    old = shop.tracer.start_span("long ago", kind=SpanKind.SERVER, start_time=now - 15 * 24 * 3600 * 10**9)
    old.end(end_time=now - 15 * 24 * 3600 * 10**9 + 1000)
    shop.tracer.start_span("now", kind=SpanKind.SERVER).end()
    recent = shop.finished()
    old_and_new = encode_spans(recent).SerializeToString()
    # the two spans are 15 days apart: more than the 24 hours one request may cover
    assert post(f"{endpoint.url}/v1/traces", old_and_new).status == 400
    reply = post(f"{endpoint.url}/v1/traces", encode_spans(recent[:1]).SerializeToString())
    assert reply.status == 200
    answer = ExportTraceServiceResponse.FromString(reply.body)
    assert answer.partial_success.rejected_spans == 1
    assert "14 days" in answer.partial_success.error_message


def test_the_adot_sigv4_exporter_signs_for_a_region_and_the_spans_land_there(endpoint: Endpoint) -> None:
    from amazon.opentelemetry.distro.exporter.otlp.aws.traces.otlp_aws_span_exporter import (
        OTLPAwsSpanExporter,
    )

    shop = service("api")
    with shop.tracer.start_as_current_span("GET /", kind=SpanKind.SERVER) as server:
        pass
    exporter = OTLPAwsSpanExporter(
        aws_region="eu-west-1", session=botocore.session.get_session(), endpoint=f"{endpoint.url}/v1/traces"
    )
    assert exporter.export(shop.finished()) is SpanExportResult.SUCCESS

    trace = xray_id(server)

    def xray_in(region: str) -> Any:
        return boto3.client(
            "xray",
            endpoint_url=endpoint.url,
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    assert len(xray_in("eu-west-1").batch_get_traces(TraceIds=[trace])["Traces"]) == 1
    assert xray_in("us-east-1").batch_get_traces(TraceIds=[trace])["Traces"] == []


@pytest.mark.parametrize(
    ("content_type", "body", "options", "status", "says"),
    [
        ("application/x-protobuf", b"\xff\xff\xff\xff", {}, 400, "not an OTLP protobuf request"),
        ("application/json", b"{not json", {}, 400, "not JSON"),
        ("application/json", b"[]", {}, 400, "JSON object"),
        (
            "application/json",
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}',
            {},
            400,
            "32 hexadecimal digits",
        ),
        (
            "application/json",
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "soon"}]}]}]}',
            {},
            400,
            "startTimeUnixNano",
        ),
        ("application/json", b'{"resourceSpans": 7}', {}, 400, "list of objects"),
        (
            "application/x-protobuf",
            b"not gzip at all",
            {"headers": {"Content-Encoding": "gzip"}},
            400,
            "gzip",
        ),
        ("text/plain", b"hello", {}, 415, "Content-Type"),
        ("application/x-protobuf", b"", {"headers": {"Content-Encoding": "br"}}, 415, "Content-Encoding"),
        ("application/x-protobuf", b"", {"method": "GET"}, 405, "POST"),
        (
            "application/x-protobuf",
            b"",
            {"path": "/v1/metrics"},
            404,
            "does not emulate CloudWatch's OTLP metrics",
        ),
    ],
)
def test_malformed_requests_are_refused_with_a_clear_message(
    endpoint: Endpoint, content_type: str, body: bytes, options: dict[str, Any], status: int, says: str
) -> None:
    from google.rpc.status_pb2 import Status as RpcStatus

    path = options.pop("path", "/v1/traces")
    reply = post(f"{endpoint.url}{path}", body, content_type, **options)
    assert reply.status == status
    if reply.content_type == "application/json":
        message = json.loads(reply.body)["message"]
    else:
        message = RpcStatus.FromString(reply.body).message
    assert says in message


def test_more_than_ten_thousand_spans_are_refused(endpoint: Endpoint) -> None:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    spans = request.resource_spans.add().scope_spans.add().spans
    now = time.time_ns()
    for _ in range(10_001):
        spans.add(
            trace_id=b"\x01" * 16, span_id=b"\x02" * 8, start_time_unix_nano=now, end_time_unix_nano=now
        )
    reply = post(f"{endpoint.url}/v1/traces", request.SerializeToString())
    assert reply.status == 400
    xray: ClientFactory = make_client_factory(endpoint.url)
    assert xray("xray").get_trace_summaries(**window())["TraceSummaries"] == []


def test_a_chunked_body_is_read_to_its_end(endpoint: Endpoint) -> None:
    import http.client

    shop = service("api")
    with shop.tracer.start_as_current_span("GET /", kind=SpanKind.SERVER) as server:
        pass
    body = encode_spans(shop.finished()).SerializeToString()
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=10)
    pieces = iter([body[:7], body[7:]])
    connection.request(
        "POST",
        "/v1/traces",
        body=pieces,
        encode_chunked=True,
        headers={"Content-Type": "application/x-protobuf"},
    )
    assert connection.getresponse().status == 200
    connection.close()
    xray = make_client_factory(endpoint.url)("xray")
    assert set(documents(xray, xray_id(server))) == {"api"}
