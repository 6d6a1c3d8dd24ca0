"""The pieces of otel mode, with OpenTelemetry's in-memory exporters (and the embedded endpoint where
the piece talks to AWS): the shop's middleware, facade and sampling policy on a real FastAPI app,
header propagation, what a span and a log record look like when they leave, the bounded queues,
and that no provider's SDK is imported in the modes that do not use it. The whole stack, read back
through the AWS APIs, is in test_traces.py and test_shop_logs_in_cloudwatch.py (both modes)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
from fastapi import APIRouter
from opentelemetry import propagate
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import (
    BatchLogRecordProcessor,
    InMemoryLogRecordExporter,
    LogRecordExporter,
    LogRecordExportResult,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, Sampler
from opentelemetry.trace import SpanKind

from o11yshop import telemetry
from o11yshop.config import Settings
from o11yshop.http.app import new_app
from o11yshop.localaws.server import running_endpoint
from o11yshop.telemetry import tracing
from o11yshop.telemetry.otel import export
from o11yshop.telemetry.otel.export import Counts, ShippingSpanExporter, otlp_url, span_attributes
from o11yshop.telemetry.otel.logs import CloudWatchLogRecordExporter, LogRecords, ensure_log_stream
from o11yshop.telemetry.otel.propagation import ContinuingIdGenerator, propagator, xray_trace_id
from o11yshop.telemetry.otel.queries import OTEL_SAVED_QUERIES, PREFIX
from o11yshop.telemetry.otel.sampling import ShopSampler, sampling_endpoint
from o11yshop.telemetry.otel.tracer import OtelTracer
from o11yshop.telemetry.queries import SAVED_QUERIES

from conftest import LiveServer

# -- an instrumented app, exporting to memory --------------------------------------------------------


@dataclass
class Traced:
    client: httpx.Client
    spans: InMemorySpanExporter
    counts: Counts
    tracer: OtelTracer
    seen: dict[str, Any]  # what the handlers saw of the facade

    def exported(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def server_span(self) -> ReadableSpan:
        [server] = [s for s in self.exported() if s.kind is SpanKind.SERVER]
        return server


def shop_app(seen: dict[str, Any]) -> Any:
    """The shop's own app assembly (``new_app``: request IDs, access line, trace middleware)."""
    router = APIRouter()

    @router.get("/api/products/{product_id}")
    def product(product_id: int) -> dict[str, int]:
        telemetry.bind(product_id=product_id, category="kitchen")
        with telemetry.span("look up stock", items=2) as step:
            step.annotate("stock_known", True)
        seen["ids"] = telemetry.trace_ids()
        return {"id": product_id}

    @router.post("/api/checkout")
    def checkout() -> dict[str, str]:
        telemetry.annotate(checkout_failure="validation_failed")
        return {}

    @router.get("/api/health/ready")
    def ready() -> dict[str, str]:
        seen["health_ids"] = telemetry.trace_ids()
        return {"status": "ok"}

    app = new_app(title="test", description="test")
    app.include_router(router)
    return app


@pytest.fixture
def traced_with() -> Iterator[Any]:
    """Build an app traced by otel mode's tracer, with ``rules`` deciding what the policy leaves open."""
    made: list[tuple[LiveServer, httpx.Client, TracerProvider]] = []
    textmap = propagate.get_global_textmap()

    def build(rules: Sampler = ALWAYS_ON) -> Traced:
        spans, counts = InMemorySpanExporter(), Counts()
        provider = TracerProvider(
            resource=Resource.create({"service.name": "api"}),
            sampler=ShopSampler(rules),
            id_generator=ContinuingIdGenerator(),
        )
        provider.add_span_processor(SimpleSpanProcessor(ShippingSpanExporter(spans, counts)))
        tracer = OtelTracer(provider, counts)
        propagate.set_global_textmap(propagator())
        tracing.use(tracer)
        seen: dict[str, Any] = {}
        server = LiveServer(shop_app(seen)).start()
        client = httpx.Client(base_url=server.url, timeout=10)
        made.append((server, client, provider))
        return Traced(client, spans, counts, tracer, seen)

    yield build
    for server, client, provider in made:
        client.close()
        server.stop()
        provider.shutdown()
    tracing.use(tracing.NoTracer())
    propagate.set_global_textmap(textmap)


def new_root() -> str:
    return f"1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}"


def echoed_root(response: Any) -> str:
    return str(response.headers["X-Amzn-Trace-Id"].split(";")[0].removeprefix("Root="))


# -- requests -----------------------------------------------------------------------------------------


def test_a_request_is_one_server_span_named_after_its_route_with_indexed_annotations(traced_with):
    traced = traced_with()
    response = traced.client.get("/api/products/7")
    assert response.status_code == 200

    server = traced.server_span()
    assert server.name == "GET /api/products/{product_id}"
    attributes = dict(server.attributes or {})
    assert attributes["http.route"] == "/api/products/{product_id}"
    assert (attributes["product_id"], attributes["category"], attributes["route"]) == (
        7,
        "kitchen",
        "/api/products/{product_id}",
    )
    assert set(attributes["aws.xray.annotations"]) == {"request_id", "product_id", "category", "route"}
    [step] = [s for s in traced.exported() if s.name == "look up stock"]
    assert step.parent is not None
    assert step.parent.span_id == server.context.span_id
    assert set(step.attributes["aws.xray.annotations"]) == {"items", "stock_known"}
    # the IDs the log lines and metric documents carry: the X-Ray trace ID, the span as segment
    ids = traced.seen["ids"]
    assert ids.trace_id == xray_trace_id(server.context.trace_id) == echoed_root(response)
    assert ids.segment_id == f"{server.context.span_id:016x}"
    assert ids.sampled
    assert int(ids.trace_id[2:10], 16) > 1_700_000_000  # X-Ray IDs start with the time
    assert traced.counts.stats()["shipped"] == 2  # the server span and the step, redacted on the way


def test_health_checks_get_no_span_and_checkouts_are_always_traced(traced_with):
    traced = traced_with(rules=ALWAYS_OFF)  # the rules would keep nothing
    health = traced.client.get("/api/health/ready")
    assert "X-Amzn-Trace-Id" not in health.headers
    assert traced.seen["health_ids"] is None
    assert traced.exported() == []
    assert traced.client.get("/api/products/1").headers["X-Amzn-Trace-Id"].endswith("Sampled=0")
    assert traced.exported() == []

    response = traced.client.post("/api/checkout")
    assert response.headers["X-Amzn-Trace-Id"].endswith("Sampled=1")
    assert traced.server_span().attributes["checkout_failure"] == "validation_failed"


def test_a_traceparent_is_continued(traced_with):
    traced = traced_with(rules=ALWAYS_OFF)
    digits, parent = f"6b0ccd5d{uuid.uuid4().hex[:24]}", uuid.uuid4().hex[:16]
    response = traced.client.get("/api/products/1", headers={"traceparent": f"00-{digits}-{parent}-01"})
    server = traced.server_span()  # sampled upstream: kept, whatever the rules say
    assert f"{server.context.trace_id:032x}" == digits
    assert server.parent is not None
    assert f"{server.parent.span_id:016x}" == parent
    assert echoed_root(response) == f"1-{digits[:8]}-{digits[8:]}"


@pytest.mark.parametrize(
    ("header", "rules", "parented", "kept"),
    [
        ("Root={root};Parent={parent};Sampled=1", ALWAYS_OFF, True, True),
        ("Root={root};Parent={parent};Sampled=0", ALWAYS_ON, True, False),
        ("Root={root};Parent={parent};Sampled=?", ALWAYS_ON, True, True),  # decided here
        ("Root={root};Parent={parent}", ALWAYS_OFF, True, False),
        ("Root={root}", ALWAYS_ON, False, True),  # a load balancer's: the first segment
        ("Root={root};Sampled=0", ALWAYS_ON, False, False),
        ("Root={root};Parent=nothex;Sampled=1", ALWAYS_OFF, False, True),  # a bad parent is dropped
    ],
)
def test_an_xray_header_is_read_as_xray_reads_it(traced_with, header, rules, parented, kept):
    traced = traced_with(rules=rules)
    root, parent = new_root(), uuid.uuid4().hex[:16]
    response = traced.client.get(
        "/api/products/3", headers={"X-Amzn-Trace-Id": header.format(root=root, parent=parent)}
    )
    assert echoed_root(response) == root  # the caller's trace, recorded or not
    assert traced.seen["ids"].trace_id == root
    if not kept:
        assert traced.exported() == []
        assert traced.seen["ids"].segment_id is None
        return
    server = traced.server_span()
    assert xray_trace_id(server.context.trace_id) == root
    assert (server.parent is not None) is parented
    if parented:
        assert f"{server.parent.span_id:016x}" == parent


@pytest.mark.parametrize(
    "header", ["Root=1-nothex-zz;Parent=x;Sampled=1", "Root=" + "1-" + "a" * 33, "garbage"]
)
def test_a_forged_xray_header_starts_a_new_trace(traced_with, header):
    traced = traced_with()
    response = traced.client.get("/api/products/3", headers={"X-Amzn-Trace-Id": header})
    server = traced.server_span()
    assert server.parent is None
    assert echoed_root(response) == xray_trace_id(server.context.trace_id)


def test_nothing_outside_a_request_starts_a_trace():
    provider = TracerProvider(sampler=ShopSampler(ALWAYS_ON), id_generator=ContinuingIdGenerator())
    tracer = provider.get_tracer("test")
    assert not tracer.start_span("PutLogEvents", kind=SpanKind.CLIENT).is_recording()
    assert not tracer.start_span("a job", kind=SpanKind.INTERNAL).is_recording()
    assert tracer.start_span("GET /api/products", kind=SpanKind.SERVER).is_recording()
    # and the facade makes no business span outside a request
    otel = OtelTracer(provider, Counts())
    with otel.span("reserve stock", {}) as step:
        assert step is tracing.NO_SPAN
    assert otel.ids() is None


def test_the_shared_policy_traces_only_the_api_and_not_its_health_checks():
    traced = {
        p
        for p in ("/api/products", "/api/health", "/api/health/ready", "/", "/media/x.png", "/api/")
        if tracing.traced_path(p)
    }
    assert traced == {"/api/products", "/api/"}
    assert ("POST", "/api/checkout") in tracing.ALWAYS_TRACED


# -- what leaves the process --------------------------------------------------------------------------


def test_spans_leave_redacted_and_databases_named_as_xray_names_them():
    attributes = span_attributes(
        {
            "http.url": "http://127.0.0.1:8000/api/products?q=taro.suzuki%40example.com",
            "http.target": "/api/products?q=taro.suzuki%40example.com",
            "http.request.header.authorization": ("Bearer abc",),
            "db.system": "sqlite",
            "db.name": "/var/lib/o11yshop/shop.db",
            "db.statement": "SELECT * FROM carts WHERE token_hash = ?",
        }
    )
    assert attributes["http.url"] == "http://127.0.0.1:8000/api/products?q=t***@example.com"
    assert attributes["http.target"] == "/api/products?q=t***@example.com"
    assert attributes["http.request.header.authorization"] == "[REDACTED]"
    assert attributes["peer.service"] == "shop.db@sqlite"
    assert attributes["db.statement"] == "SELECT * FROM carts WHERE token_hash = ?"
    mysql = span_attributes({"db.system": "mysql", "db.name": "o11yshop", "net.peer.name": "db.internal"})
    assert mysql["peer.service"] == "o11yshop@db.internal"  # aws mode: database@host too
    called = span_attributes({"db.system": "sqlite", "db.name": "x.db", "peer.service": "ledger"})
    assert called["peer.service"] == "ledger"


class Refusing(InMemorySpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> Any:
        raise ConnectionError("the endpoint is down")


def test_span_export_failures_are_counted_not_raised():
    counts = Counts()
    provider = TracerProvider(sampler=ALWAYS_ON)
    provider.add_span_processor(SimpleSpanProcessor(ShippingSpanExporter(Refusing(), counts)))
    provider.get_tracer("test").start_span("x").end()
    assert counts.stats()["dropped_export_failed"] == 1


def test_a_full_span_queue_refuses_the_newest_and_counts_it():
    counts = Counts()
    release = threading.Event()
    entered = threading.Event()

    class Slow(InMemorySpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> Any:
            entered.set()
            release.wait(10)
            return super().export(spans)

    processor = export.CountingSpanProcessor(ShippingSpanExporter(Slow(), counts), counts, max_queue_size=2)
    provider = TracerProvider(sampler=ALWAYS_ON)
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("test")
    for _ in range(2):
        tracer.start_span("first two").end()
    assert entered.wait(10)  # the worker holds them in a slow export
    for _ in range(3):
        tracer.start_span("later").end()  # two wait in the queue, the last is refused
    release.set()
    provider.shutdown()
    stats = counts.stats()
    assert (stats["accepted"], stats["shipped"], stats["dropped"], stats["pending"]) == (5, 4, 1, 0)
    assert stats["dropped_buffer_full"] == 1


# -- log records --------------------------------------------------------------------------------------


def line(**fields: Any) -> str:
    return json.dumps(
        {"timestamp": "2026-11-29T22:15:44.120Z", "level": "info", "message": "order placed"} | fields
    )


def test_a_line_becomes_a_record_with_its_fields_as_typed_attributes():
    records, counts = InMemoryLogRecordExporter(), Counts()
    provider = LoggerProvider()
    provider.add_log_record_processor(SimpleLogRecordProcessor(records))
    sink = LogRecords(provider.get_logger("o11yshop"), processor=None, counts=counts, max_queue_size=10)
    tracer = TracerProvider(sampler=ALWAYS_ON).get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        sink.put(1_796_000_000_000, line(level="warning", status=422, duration_ms=1.5, ok=True, items=[1, 2]))
    sink.put(1_796_000_000_001, line(logger="opentelemetry.sdk._shared_internal", message="Queue full"))
    sink.put(1_796_000_000_002, "not json")

    [warning, plain] = [r.log_record for r in records.get_finished_logs()]
    assert warning.body == "order placed"
    assert (warning.severity_text, warning.severity_number) == ("warning", SeverityNumber.WARN)
    assert warning.timestamp == 1_796_000_000_000 * 1_000_000
    assert dict(warning.attributes) == {"status": 422, "duration_ms": 1.5, "ok": True, "items": (1, 2)}
    assert (warning.trace_id, warning.span_id) == (
        span.get_span_context().trace_id,
        span.get_span_context().span_id,
    )
    assert plain.body == "not json"  # a line that is not JSON still arrives, as its text
    assert counts.stats()["accepted"] == 2  # the pipeline's own line stayed on stdout


class Held(LogRecordExporter):
    def __init__(self) -> None:
        self.entered, self.release = threading.Event(), threading.Event()

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        self.entered.set()
        self.release.wait(10)
        return LogRecordExportResult.SUCCESS

    def shutdown(self) -> None:
        self.release.set()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


def test_a_full_record_queue_refuses_the_newest_and_counts_it():
    held, counts = Held(), Counts()
    processor = BatchLogRecordProcessor(
        held, max_queue_size=2, max_export_batch_size=2, schedule_delay_millis=60_000
    )
    provider = LoggerProvider()
    provider.add_log_record_processor(processor)
    sink = LogRecords(provider.get_logger("o11yshop"), processor, counts, max_queue_size=2)
    sink.put(1, line())
    sink.put(2, line())
    assert held.entered.wait(10)  # the worker holds the first two in a slow export
    for stamp in (3, 4, 5):
        sink.put(stamp, line())
    assert counts.stats()["dropped_buffer_full"] == 1
    assert counts.stats()["accepted"] == 5
    held.release.set()
    provider.shutdown()


@pytest.fixture
def local_aws() -> Iterator[Any]:
    with running_endpoint() as endpoint:
        yield endpoint


def logs_client(url: str) -> Any:
    return boto3.client(
        "logs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def settings_for(url: str | None, **more: Any) -> Settings:
    return Settings(_env_file=None, telemetry="otel", aws_endpoint_url=url, **more)  # type: ignore[call-arg]


def test_records_reach_cloudwatch_through_adot_s_exporter_after_the_stream_is_made(local_aws):
    logs, counts = logs_client(local_aws.url), Counts()
    group, stream = "/o11yshop/test/api", f"api/{uuid.uuid4().hex[:6]}"
    exporter = CloudWatchLogRecordExporter(
        endpoint=otlp_url(settings_for(local_aws.url), "logs", "/v1/logs"),
        region="us-east-1",
        session=export.signing_session(settings_for(local_aws.url)),
        group=group,
        stream=stream,
        counts=counts,
        ensure_stream=lambda: ensure_log_stream(logs, group, stream, 3),
    )
    provider = LoggerProvider(resource=Resource.create({"service.name": "api"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    sink = LogRecords(provider.get_logger("o11yshop"), None, counts, 10)
    sink.put(int(__import__("time").time() * 1000), line(request_id="r-1", status=201))

    [event] = logs.filter_log_events(logGroupName=group, filterPattern='{ $.attributes.request_id = "r-1" }')[
        "events"
    ]
    record = json.loads(event["message"])
    assert record["body"] == "order placed"
    assert record["attributes"] == {"request_id": "r-1", "status": 201}
    assert record["resource"]["attributes"]["service.name"] == "api"
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 3
    assert counts.stats() == {"accepted": 1, "shipped": 1, "dropped": 0, "pending": 0}
    provider.shutdown()


def test_records_are_dropped_and_counted_when_the_stream_cannot_be_made():
    counts = Counts()
    nowhere = "http://127.0.0.1:9"  # nothing listens on the discard port

    def unreachable() -> None:
        ensure_log_stream(logs_client(nowhere), "/o11yshop/test/api", "api/x", 3)

    exporter = CloudWatchLogRecordExporter(
        endpoint=nowhere + "/v1/logs",
        region="us-east-1",
        session=export.signing_session(settings_for(nowhere)),
        group="/o11yshop/test/api",
        stream="api/x",
        counts=counts,
        ensure_stream=unreachable,
        ensure_for_seconds=0.5,
    )
    provider = LoggerProvider()
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    LogRecords(provider.get_logger("o11yshop"), None, counts, 10).put(1, line())
    assert counts.stats()["dropped_no_log_stream"] == 1
    assert counts.stats()["pending"] == 0
    provider.shutdown()


# -- settings -----------------------------------------------------------------------------------------


def test_where_traces_logs_and_sampling_polls_go():
    local = settings_for("http://127.0.0.1:4566")
    assert otlp_url(local, "xray", "/v1/traces") == "http://127.0.0.1:4566/v1/traces"
    assert sampling_endpoint(local) == "http://127.0.0.1:4566"
    aws = settings_for(None, aws_region="eu-west-1")
    assert otlp_url(aws, "xray", "/v1/traces") == "https://xray.eu-west-1.amazonaws.com/v1/traces"
    assert otlp_url(aws, "logs", "/v1/logs") == "https://logs.eu-west-1.amazonaws.com/v1/logs"
    assert sampling_endpoint(aws) == "http://127.0.0.1:2000"  # a daemon or the collector's awsproxy
    collector = settings_for(None, otlp_endpoint="http://127.0.0.1:4318", xray_daemon_address="10.0.0.5:2000")
    assert otlp_url(collector, "logs", "/v1/logs") == "http://127.0.0.1:4318/v1/logs"
    assert sampling_endpoint(collector) == "http://10.0.0.5:2000"
    # the local endpoint gets dummy credentials, never a real profile's
    assert export.signing_session(local).get_credentials().access_key == "test"


def test_every_saved_query_has_an_otel_mode_text():
    assert [q.name.removeprefix(PREFIX) for q in OTEL_SAVED_QUERIES] == [
        q.name.removeprefix("o11yshop/") for q in SAVED_QUERIES
    ]
    for otel_query, aws_query in zip(OTEL_SAVED_QUERIES, SAVED_QUERIES, strict=True):
        # the same question: after its opening `fields`, the otel text ends with aws mode's text
        # (give or take aws mode's own opening `fields`)
        first_aws_command = aws_query.query.split("\n| ", 1)
        rest = first_aws_command[1] if aws_query.query.startswith("fields") else aws_query.query
        assert otel_query.query.startswith("fields "), otel_query.name
        assert otel_query.query.endswith(rest), otel_query.name


# -- lazy imports -------------------------------------------------------------------------------------

IMPORTED = """
import json
import sys
import o11yshop.api.app, o11yshop.inventory.app
from o11yshop import telemetry
from o11yshop.config import Settings

settings = Settings(_env_file=None, telemetry=sys.argv[1], aws_endpoint_url="http://127.0.0.1:9")
telemetry.configure(settings, "api")
sdk = ("opentelemetry.sdk", "opentelemetry.instrumentation", "opentelemetry.exporter",
       "opentelemetry.propagators.aws", "amazon.opentelemetry", "o11yshop.telemetry.otel", "aws_xray_sdk")
loaded = [p for p in sdk if any(m == p or m.startswith(p + ".") for m in sys.modules)]
print("IMPORTED", json.dumps(sorted(loaded)))
telemetry.shutdown(0.5)
"""


OTEL_ONLY = [
    "amazon.opentelemetry",
    "o11yshop.telemetry.otel",
    "opentelemetry.exporter",
    "opentelemetry.instrumentation",
    "opentelemetry.propagators.aws",
    "opentelemetry.sdk",
]


@pytest.mark.parametrize(("mode", "expected"), [("off", []), ("aws", ["aws_xray_sdk"]), ("otel", OTEL_ONLY)])
def test_each_mode_imports_only_its_own_sdk(mode, expected):
    """FastAPI itself imports the OpenTelemetry API (it has telemetry of its own); the SDK, the
    instrumentations, ADOT and the X-Ray SDK come only with the mode that uses them."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED, mode], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    [imported] = [line for line in result.stdout.splitlines() if line.startswith("IMPORTED ")]
    assert json.loads(imported.removeprefix("IMPORTED ")) == expected
