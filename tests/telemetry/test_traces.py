"""X-Ray traces of the shop (O-TRACE-01..03, O-CORR-01) in both observability modes — `aws` (the X-Ray
SDK) and `otel` (OpenTelemetry spans, exported over OTLP and stored as X-Ray segments the way AWS
maps them) — read back only through the X-Ray and CloudWatch APIs of the embedded endpoint: one
checkout is one trace across the api and the inventory, with SQL, HTTP and business subsegments,
annotations, the trace ID in both services' log lines and in the metric documents, and the api →
inventory edge in the service graph. Where the two approaches differ, the test says how."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from conftest import SHIPPING, checkout, new_cart
from telemetry_shop import CLI, Shop, log_group, segments_sent, wait_for

TRACE_ID = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")


def root_of(response: httpx.Response) -> str:
    """The trace ID the shop echoed in X-Amzn-Trace-Id."""
    header = dict(part.split("=", 1) for part in response.headers["X-Amzn-Trace-Id"].split(";"))
    assert TRACE_ID.match(header["Root"]), header
    return header["Root"]


def documents(
    shop: Shop, trace_id: str, services: set[str], routes: set[str] = frozenset(), seconds: float = 30
) -> list[dict[str, Any]]:
    """The trace's segment documents once a segment of each service, and of each route, arrived
    (bounded poll): each process sends its own segments, about once a second."""
    deadline = time.monotonic() + seconds
    while True:
        traces = shop.xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
        docs = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
        seen = {d.get("annotations", {}).get("route") for d in docs}
        if (services <= {d["name"] for d in docs} and routes <= seen) or time.monotonic() > deadline:
            return docs
        time.sleep(0.25)


def walk(entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield entity
    for child in entity.get("subsegments", []):
        yield from walk(child)


def summaries(shop: Shop, expression: str, minutes: int = 15) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    found, token = [], None
    while True:
        kwargs: dict[str, Any] = {
            "StartTime": now - timedelta(minutes=minutes),
            "EndTime": now + timedelta(minutes=1),
            "FilterExpression": expression,
        }
        if token:
            kwargs["NextToken"] = token
        page = shop.xray.get_trace_summaries(**kwargs)
        found += page["TraceSummaries"]
        token = page.get("NextToken")
        if not token:
            return found


def test_one_checkout_is_one_trace_across_both_services(observed_shop):
    with observed_shop.client() as shop:
        token = new_cart(shop, (1, 1), (2, 2))
        placed = checkout(shop, token)
    assert placed.status_code == 201, placed.text
    trace_id = root_of(placed)
    order_number = placed.json()["order"]["number"]

    committed = {"/api/checkout", "/api/reservations", "/api/reservations/{reservation_id}/commit"}
    docs = documents(observed_shop, trace_id, {"api", "inventory"}, committed)
    api = [d for d in docs if d["name"] == "api"]
    assert len(api) == 1
    segment = api[0]
    assert segment["trace_id"] == trace_id
    assert segment["http"]["request"]["method"] == "POST"
    assert segment["http"]["response"]["status"] == 201
    assert segment["annotations"]["route"] == "/api/checkout"
    assert segment["annotations"]["order_number"] == order_number
    assert segment["annotations"]["cart_id"]
    assert not segment.get("error")
    assert not segment.get("fault")
    # aws: the X-Ray SDK's segment; otel: the ASGI instrumentation's SERVER span, which X-Ray makes
    # a segment named after service.name. Its attributes are metadata, except those listed in
    # aws.xray.annotations, which are the same annotations as aws mode's.
    if observed_shop.mode == "otel":
        assert segment["metadata"]["default"]["http.route"] == "/api/checkout"
        assert segment["metadata"]["default"]["otel.resource.deployment.environment"] == "development"
        assert segment["aws"]["xray"]["sdk"] == "opentelemetry for python"
        # one server span per request: FastAPI's own OpenTelemetry (its spans are "fastapi.*")
        # steps aside for the ASGI instrumentation
        assert not [e for d in docs for e in walk(d) if e["name"].startswith("fastapi.")]

    # subsegments may arrive streamed (as documents of their own) when a segment has many
    api_entities = [e for d in docs if d["name"] == "api" or d.get("type") == "subsegment" for e in walk(d)]
    names = {e["name"] for e in api_entities}
    assert {"reserve stock", "place order"} <= names
    sql = [e for e in api_entities if "sql" in e]
    assert sql
    assert all(e["namespace"] == "remote" and e["name"] == "shop.db@sqlite" for e in sql)
    assert all(e["sql"]["database_type"] == "sqlite" and e["sql"]["sanitized_query"] for e in sql)
    calls = [e for e in api_entities if e["name"] == "inventory" and "http" in e]
    assert len(calls) >= 2  # reserve, commit (and the stock lookups)
    assert all(e["namespace"] == "remote" and e["http"]["response"]["status"] < 400 for e in calls)

    inventory = [d for d in docs if d["name"] == "inventory"]
    call_ids = {e["id"] for e in calls}
    assert inventory
    assert all(d["parent_id"] in call_ids for d in inventory)
    routes = {d["annotations"]["route"] for d in inventory}
    assert {"/api/reservations", "/api/reservations/{reservation_id}/commit"} <= routes
    assert any("sql" in e for d in inventory for e in walk(d))

    # annotations are indexed: the order number finds the trace
    found = summaries(observed_shop, f'annotation.order_number = "{order_number}"')
    assert [s["Id"] for s in found] == [trace_id]

    # the same trace ID, in X-Ray format, in both services' log lines, the access line included
    # (in otel mode the fields are the log record's attributes: Shop.where and Shop.line say where)
    [placed_line] = observed_shop.lines("api", trace_id=trace_id, message="order placed")
    assert placed_line["segment_id"] in {e["id"] for e in api_entities}
    [access] = observed_shop.lines("api", trace_id=trace_id, logger="o11yshop.access")
    assert access["order_number"] == order_number  # bound in the thread pool, seen by the access line
    assert access["cart_id"] == segment["annotations"]["cart_id"]
    inventory_lines = observed_shop.lines("inventory", 2, trace_id=trace_id, logger="o11yshop.access")
    assert {line["route"] for line in inventory_lines} >= {"/api/reservations"}
    assert {line["service"] for line in inventory_lines} == {"inventory"}
    if observed_shop.mode == "otel":
        # the record also carries its trace context as OpenTelemetry does: the same trace in W3C hex
        placed_record = observed_shop.where(trace_id=trace_id, message="order placed")
        [record] = wait_for(observed_shop.logs, log_group("api"), placed_record)
        assert record["traceId"] == trace_id[2:].replace("-", "")
        assert record["spanId"] == placed_line["segment_id"]
        assert (record["severityText"], record["severityNumber"]) == ("info", 9)
        assert record["resource"]["attributes"]["service.name"] == "api"

    # a metric document carries the trace as a property (an exemplar), not as a dimension; the
    # documents are EMF in both modes, written with PutLogEvents
    emf = wait_for(
        observed_shop.logs,
        log_group("api"),
        f'{{ $.trace_id = "{trace_id}" && $.Route = "/api/checkout" && $._aws.Timestamp > 0 }}',
    )
    assert emf
    assert all(
        "trace_id" not in dims
        for d in emf
        for m in d["_aws"]["CloudWatchMetrics"]
        for dims in m["Dimensions"]
    )

    # the service graph has the edge api → inventory
    now = datetime.now(UTC)
    xray = observed_shop.xray
    graph = xray.get_service_graph(StartTime=now - timedelta(minutes=15), EndTime=now)["Services"]
    by_ref = {s["ReferenceId"]: s for s in graph}
    nodes = {s["Name"]: s for s in graph if s.get("Type") not in ("client", "remote")}
    assert {"api", "inventory"} <= set(nodes)
    assert "inventory" in {by_ref[e["ReferenceId"]]["Name"] for e in nodes["api"]["Edges"]}
    assert "shop.db@sqlite" in {by_ref[e["ReferenceId"]]["Name"] for e in nodes["inventory"]["Edges"]}


def test_failed_checkouts_are_always_traced_and_health_checks_never(observed_shop):
    marker = uuid.uuid4().hex[:8]
    with observed_shop.client() as shop:
        failed = []
        for _ in range(5):
            empty = shop.post("/api/cart").json()["token"]
            response = checkout(shop, empty, shipping=SHIPPING | {"name": f"Empty {marker}"})
            assert response.status_code == 422
            failed.append(root_of(response))
        for _ in range(20):
            assert shop.get("/api/health/ready").status_code == 200
            assert "X-Amzn-Trace-Id" not in shop.get("/api/health/ready").headers
        # the reservoir keeps the first request of each second (a bucket refilled once a second in
        # otel mode): requests spanning more than two seconds must have some kept, whatever the
        # requests before them used up
        categories = []
        began = time.monotonic()
        while len(categories) < 20 or (time.monotonic() - began < 2.5 and len(categories) < 400):
            categories.append(shop.get("/api/categories", params={"m": marker}))
    assert all(r.status_code == 200 for r in categories)

    for trace_id in failed:
        [segment] = documents(observed_shop, trace_id, {"api"})
        assert segment["error"] is True
        assert segment["http"]["response"]["status"] == 422
        assert segment["annotations"]["checkout_failure"] == "validation_failed"
    segments_sent(observed_shop)
    assert summaries(observed_shop, 'http.url CONTAINS "/api/health"') == []
    # everything else follows X-Ray's sampling rules (the default: the first each second, then 5 %),
    # applied by the X-Ray SDK in aws mode and by ADOT's X-Ray remote sampler in otel mode
    traced = summaries(observed_shop, f'http.url CONTAINS "m={marker}"')
    assert 1 <= len(traced) < len(categories) / 2


def test_a_caller_s_trace_header_is_continued_and_its_decision_respected(observed_shop):
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    parent = uuid.uuid4().hex[:16]
    with observed_shop.client() as shop:
        sampled = shop.get(
            "/api/products/1", headers={"X-Amzn-Trace-Id": f"Root={root};Parent={parent};Sampled=1"}
        )
        unsampled_root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
        unsampled = shop.get(
            "/api/products/2", headers={"X-Amzn-Trace-Id": f"Root={unsampled_root};Sampled=0"}
        )
        forged = shop.get(
            "/api/products/3", headers={"X-Amzn-Trace-Id": "Root=1-nothex-zz;Parent=x;Sampled=1"}
        )
    assert root_of(sampled) == root
    assert root_of(unsampled) == unsampled_root
    assert root_of(forged) != "1-nothex-zz"

    docs = documents(observed_shop, root, {"api", "inventory"})
    [api] = [d for d in docs if d["name"] == "api"]
    assert api["parent_id"] == parent
    assert api["annotations"]["product_id"] == 1
    assert api["annotations"]["category"]
    # not sampled upstream: nothing recorded, but the log lines still carry the caller's trace ID
    lines = observed_shop.lines("api", trace_id=unsampled_root)
    assert lines
    assert all("segment_id" not in line for line in lines)
    segments_sent(observed_shop)
    assert observed_shop.xray.batch_get_traces(TraceIds=[unsampled_root])["Traces"] == []


def test_a_load_balancer_s_root_alone_starts_the_trace_s_first_segment(observed_shop):
    """An ALB sends ``X-Amzn-Trace-Id: Root=…`` with no parent: the api's segment is the trace's
    first, under that ID. (OpenTelemetry's own X-Ray propagator would start a new trace; otel mode
    reads the header as X-Ray does.)"""
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    with observed_shop.client() as shop:
        empty = shop.post("/api/cart").json()["token"]
        headers = {"X-Cart-Token": empty, "Idempotency-Key": uuid.uuid4().hex}
        headers["X-Amzn-Trace-Id"] = f"Root={root}"
        response = shop.post("/api/checkout", json={"shipping": SHIPPING}, headers=headers)
    assert response.status_code == 422  # an empty cart: a failed checkout, always traced
    assert root_of(response) == root
    [api] = documents(observed_shop, root, {"api"})
    assert "parent_id" not in api
    assert api["annotations"]["route"] == "/api/checkout"
    assert api["annotations"]["checkout_failure"] == "validation_failed"


def test_a_w3c_traceparent_is_continued_too(observed_shop):
    """A W3C ``traceparent`` (an OpenTelemetry caller's header) continues the trace: its trace ID,
    written the X-Ray way, is the trace's ID — here a random one, as a caller without ADOT's X-Ray
    ID generator makes them — and its span is the api segment's parent."""
    trace, span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    with observed_shop.client() as shop:
        response = shop.get("/api/products/4", headers={"traceparent": f"00-{trace}-{span}-01"})
    root = f"1-{trace[:8]}-{trace[8:]}"
    assert root_of(response) == root
    docs = documents(observed_shop, root, {"api", "inventory"})
    [api] = [d for d in docs if d["name"] == "api"]
    assert api["parent_id"] == span
    assert api["annotations"]["product_id"] == 4
    assert {d["name"] for d in docs} == {"api", "inventory"}


def test_no_secret_or_personal_value_reaches_a_segment(observed_shop):
    email, card = "taro.suzuki@example.com", "5555 5555 5555 4444"
    with observed_shop.client() as shop:
        shop.post(
            "/api/auth/login", json={"email": "admin@o11yshop.local", "password": "hunter2-not-in-traces"}
        )
        forced = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=1"
        searched = shop.get("/api/products", params={"q": email}, headers={"X-Amzn-Trace-Id": forced})
        token = new_cart(shop, (3, 1))
        placed = checkout(shop, token, shipping=SHIPPING | {"email": email, "phone": card})
    assert placed.status_code == 201, placed.text
    docs = documents(observed_shop, root_of(placed), {"api", "inventory"}) + documents(
        observed_shop, root_of(searched), {"api"}
    )
    everything = json.dumps(docs)
    for value in (email, quote(email), card, card.replace(" ", ""), "hunter2-not-in-traces", token):
        assert value not in everything, value
    assert "t***@example.com" in everything  # the search URL kept, the address masked


# docs/observability-aws.md belongs to aws mode: run against its stack only
AWS_MODE_ONLY = pytest.mark.parametrize("observed_shop", ["aws"], indirect=True)


def test_the_trace_command_prints_the_waterfall_with_its_log_lines(observed_shop):
    with observed_shop.client() as shop:
        placed = checkout(shop, new_cart(shop, (6, 1)))
    assert placed.status_code == 201, placed.text
    trace_id = root_of(placed)
    documents(observed_shop, trace_id, {"api", "inventory"})
    observed_shop.lines("inventory", 2, trace_id=trace_id)
    observed_shop.lines("api", trace_id=trace_id, message="order placed")

    shown = subprocess.run(
        [*CLI, "trace", trace_id],
        env=observed_shop.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    rows = shown.stdout.splitlines()
    assert rows[0].startswith(f"{trace_id}   api  POST /api/checkout  201")
    checkout_row = next(
        i for i, row in enumerate(rows) if "api  POST /api/checkout  201" in row and "█" in row
    )
    reserve_row = next(i for i, row in enumerate(rows) if row.rstrip().endswith("reserve stock"))
    inventory_row = next(i for i, row in enumerate(rows) if "inventory  POST /api/reservations  201" in row)
    placed_line = next(i for i, row in enumerate(rows) if "o11yshop.orders  order placed" in row)
    assert checkout_row < reserve_row < inventory_row  # the inventory's segment nests under the call
    assert placed_line > checkout_row
    assert any("shop.db@sqlite  SELECT" in row for row in rows)
    assert "outside its recorded segments" not in shown.stdout

    missing = subprocess.run(
        [*CLI, "trace", "1-00000000-000000000000000000000000"],
        env=observed_shop.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1
    assert "no trace" in missing.stderr


@AWS_MODE_ONLY
def test_the_observability_doc_commands_run(observed_shop):
    """docs/observability-aws.md: its bash blocks, run in one session against this shop."""
    doc = (Path(__file__).resolve().parents[2] / "docs/observability-aws.md").read_text()
    blocks = re.findall(r"^```bash\n(.*?)^```", doc, re.DOTALL | re.MULTILINE)
    assert len(blocks) == 2
    script = "set -euo pipefail\n" + "\n".join(f"echo '--- block {i}'\n{b}" for i, b in enumerate(blocks))
    result = subprocess.run(
        ["bash", "-c", script],
        env=observed_shop.env
        | {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "AWS_ENDPOINT_URL": observed_shop.env["O11YSHOP_AWS_ENDPOINT_URL"],
            "SHOP": observed_shop.base,
            "HOME": str(Path(__file__).parent),
        },
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    trace_id = re.search(r"^trace (1-[0-9a-f]{8}-[0-9a-f]{24})$", out, re.MULTILINE)[1]
    assert re.search(r"^api\t/api/checkout$", out, re.MULTILINE), out
    assert re.search(r"^inventory\t/api/reservations$", out, re.MULTILINE), out
    assert trace_id in out.split("--- block 1", 1)[1].split("\n")[4]  # found by its annotation
    assert "api" in out
    assert "inventory" in out
    assert "shop.db@sqlite" in out
    assert "POST /api/reservations 201" in out  # the inventory's access line, found by trace ID
    assert re.search(r"'p50': [0-9.]+", out) or re.search(r'"p50": [0-9.]+', out), out
    assert re.search(r"^Default\t1\t0.05$", out, re.MULTILINE), out
    assert f"{trace_id}   api  POST /api/checkout  201" in out
