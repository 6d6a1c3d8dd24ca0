"""X-Ray traces of the shop in `aws` mode (O-TRACE-01..03, O-CORR-01), read back only through the
X-Ray and CloudWatch APIs of the embedded endpoint: one checkout is one trace across the api and
the inventory, with SQL, HTTP and business subsegments, annotations, the trace ID in both
services' log lines and in the metric documents, and the api → inventory edge in the service graph."""

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

from conftest import SHIPPING, checkout, new_cart
from telemetry_shop import Shop, segments_sent, wait_for

CLI = [sys.executable, "-m", "o11yshop.cli"]
TRACE_ID = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")


def root_of(response: httpx.Response) -> str:
    """The trace ID the shop echoed in X-Amzn-Trace-Id."""
    header = dict(part.split("=", 1) for part in response.headers["X-Amzn-Trace-Id"].split(";"))
    assert TRACE_ID.match(header["Root"]), header
    return header["Root"]


def documents(shop: Shop, trace_id: str, services: set[str], seconds: float = 30) -> list[dict[str, Any]]:
    """The trace's segment documents once a segment of each service arrived (bounded poll)."""
    deadline = time.monotonic() + seconds
    while True:
        traces = shop.xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
        docs = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
        if services <= {d["name"] for d in docs} or time.monotonic() > deadline:
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


def test_one_checkout_is_one_trace_across_both_services(aws_shop):
    with aws_shop.client() as shop:
        token = new_cart(shop, (1, 1), (2, 2))
        placed = checkout(shop, token)
    assert placed.status_code == 201, placed.text
    trace_id = root_of(placed)
    order_number = placed.json()["order"]["number"]

    docs = documents(aws_shop, trace_id, {"api", "inventory"})
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
    found = summaries(aws_shop, f'annotation.order_number = "{order_number}"')
    assert [s["Id"] for s in found] == [trace_id]

    # the same trace ID in both services' log lines, the access line included
    api_group, inventory_group = "/o11yshop/development/api", "/o11yshop/development/inventory"
    traced = f'$.trace_id = "{trace_id}"'
    [placed_line] = wait_for(aws_shop.logs, api_group, f'{{ {traced} && $.message = "order placed" }}')
    assert placed_line["segment_id"] in {e["id"] for e in api_entities}
    [access] = wait_for(aws_shop.logs, api_group, f'{{ {traced} && $.logger = "o11yshop.access" }}')
    assert access["order_number"] == order_number  # bound in the thread pool, seen by the access line
    assert access["cart_id"] == segment["annotations"]["cart_id"]
    inventory_lines = wait_for(
        aws_shop.logs, inventory_group, f'{{ {traced} && $.logger = "o11yshop.access" }}', 2
    )
    assert {line["route"] for line in inventory_lines} >= {"/api/reservations"}
    assert {line["service"] for line in inventory_lines} == {"inventory"}

    # a metric document carries the trace as a property (an exemplar), not as a dimension
    emf = wait_for(
        aws_shop.logs,
        "/o11yshop/development/api",
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
    graph = aws_shop.xray.get_service_graph(StartTime=now - timedelta(minutes=15), EndTime=now)["Services"]
    by_ref = {s["ReferenceId"]: s for s in graph}
    nodes = {s["Name"]: s for s in graph if s.get("Type") not in ("client", "remote")}
    assert {"api", "inventory"} <= set(nodes)
    assert "inventory" in {by_ref[e["ReferenceId"]]["Name"] for e in nodes["api"]["Edges"]}
    assert "shop.db@sqlite" in {by_ref[e["ReferenceId"]]["Name"] for e in nodes["inventory"]["Edges"]}


def test_failed_checkouts_are_always_traced_and_health_checks_never(aws_shop):
    marker = uuid.uuid4().hex[:8]
    with aws_shop.client() as shop:
        failed = []
        for _ in range(5):
            empty = shop.post("/api/cart").json()["token"]
            response = checkout(shop, empty, shipping=SHIPPING | {"name": f"Empty {marker}"})
            assert response.status_code == 422
            failed.append(root_of(response))
        for _ in range(20):
            assert shop.get("/api/health/ready").status_code == 200
            assert "X-Amzn-Trace-Id" not in shop.get("/api/health/ready").headers
        categories = [shop.get("/api/categories", params={"m": marker}) for _ in range(20)]
    assert all(r.status_code == 200 for r in categories)

    for trace_id in failed:
        [segment] = documents(aws_shop, trace_id, {"api"})
        assert segment["error"] is True
        assert segment["http"]["response"]["status"] == 422
        assert segment["annotations"]["checkout_failure"] == "validation_failed"
    segments_sent(aws_shop)
    assert summaries(aws_shop, 'http.url CONTAINS "/api/health"') == []
    # everything else follows the sampling rules: the first each second, then 5 %
    traced = summaries(aws_shop, f'http.url CONTAINS "m={marker}"')
    assert 1 <= len(traced) < 20


def test_a_caller_s_trace_header_is_continued_and_its_decision_respected(aws_shop):
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    parent = uuid.uuid4().hex[:16]
    with aws_shop.client() as shop:
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

    docs = documents(aws_shop, root, {"api", "inventory"})
    [api] = [d for d in docs if d["name"] == "api"]
    assert api["parent_id"] == parent
    assert api["annotations"]["product_id"] == 1
    assert api["annotations"]["category"]
    # not sampled upstream: nothing recorded, but the log lines still carry the caller's trace ID
    lines = wait_for(aws_shop.logs, "/o11yshop/development/api", f'{{ $.trace_id = "{unsampled_root}" }}')
    assert lines
    assert all("segment_id" not in line for line in lines)
    assert aws_shop.xray.batch_get_traces(TraceIds=[unsampled_root])["Traces"] == []


def test_a_w3c_traceparent_is_continued_too(aws_shop):
    trace, span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    with aws_shop.client() as shop:
        response = shop.get("/api/products/4", headers={"traceparent": f"00-{trace}-{span}-01"})
    root = f"1-{trace[:8]}-{trace[8:]}"
    assert root_of(response) == root
    docs = documents(aws_shop, root, {"api", "inventory"})
    [api] = [d for d in docs if d["name"] == "api"]
    assert api["parent_id"] == span
    assert {d["name"] for d in docs} == {"api", "inventory"}


def test_no_secret_or_personal_value_reaches_a_segment(aws_shop):
    email, card = "taro.suzuki@example.com", "5555 5555 5555 4444"
    with aws_shop.client() as shop:
        shop.post(
            "/api/auth/login", json={"email": "admin@o11yshop.local", "password": "hunter2-not-in-traces"}
        )
        forced = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=1"
        searched = shop.get("/api/products", params={"q": email}, headers={"X-Amzn-Trace-Id": forced})
        token = new_cart(shop, (3, 1))
        placed = checkout(shop, token, shipping=SHIPPING | {"email": email, "phone": card})
    assert placed.status_code == 201, placed.text
    docs = documents(aws_shop, root_of(placed), {"api", "inventory"}) + documents(
        aws_shop, root_of(searched), {"api"}
    )
    everything = json.dumps(docs)
    for value in (email, quote(email), card, card.replace(" ", ""), "hunter2-not-in-traces", token):
        assert value not in everything, value
    assert "t***@example.com" in everything  # the search URL kept, the address masked


def test_the_trace_command_prints_the_waterfall_with_its_log_lines(aws_shop):
    with aws_shop.client() as shop:
        placed = checkout(shop, new_cart(shop, (6, 1)))
    assert placed.status_code == 201, placed.text
    trace_id = root_of(placed)
    documents(aws_shop, trace_id, {"api", "inventory"})
    wait_for(aws_shop.logs, "/o11yshop/development/inventory", f'{{ $.trace_id = "{trace_id}" }}', 2)
    wait_for(
        aws_shop.logs,
        "/o11yshop/development/api",
        f'{{ $.message = "order placed" && $.trace_id = "{trace_id}" }}',
    )

    shown = subprocess.run(
        [*CLI, "trace", trace_id], env=aws_shop.env, capture_output=True, text=True, timeout=60, check=False
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
        env=aws_shop.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1
    assert "no trace" in missing.stderr


def test_the_observability_doc_commands_run(aws_shop):
    """docs/observability-aws.md: its bash blocks, run in one session against this shop."""
    doc = (Path(__file__).resolve().parents[2] / "docs/observability-aws.md").read_text()
    blocks = re.findall(r"^```bash\n(.*?)^```", doc, re.DOTALL | re.MULTILINE)
    assert len(blocks) == 2
    script = "set -euo pipefail\n" + "\n".join(f"echo '--- block {i}'\n{b}" for i, b in enumerate(blocks))
    result = subprocess.run(
        ["bash", "-c", script],
        env=aws_shop.env
        | {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "AWS_ENDPOINT_URL": aws_shop.env["O11YSHOP_AWS_ENDPOINT_URL"],
            "SHOP": aws_shop.base,
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
