"""The shop in each observability mode, as a learner starts it (`o11yshop up`: local AWS, inventory,
api as processes), read back only through the CloudWatch Logs and CloudWatch APIs of the embedded
endpoint: every line is structured, carries the request ID across both services, no secret or
personal value arrives, the metrics count what was sent, and the saved queries answer.

In aws mode a CloudWatch event is the JSON line itself (PutLogEvents); in otel mode it is an
OpenTelemetry log record (OTLP), the line's fields under ``attributes``: the tests find and read
lines through ``Shop.where``/``Shop.line``, and each mode has its own saved-query texts. Metrics are
EMF documents in both modes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from o11yshop.telemetry.otel.queries import OTEL_SAVED_QUERIES
from o11yshop.telemetry.queries import SAVED_QUERIES, log_groups

from conftest import SHIPPING
from telemetry_shop import Shop, events, log_group


def new_trace_id() -> str:
    return f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"


SECRET_PASSWORD = "hunter2-do-not-log"
CARD = "4111 1111 1111 1111"
EMAIL = "hanako.yamada@example.com"
PHONE = "+81 3-1234-5678"


def test_request_ids_cross_services_in_structured_lines(observed_shop):
    shop = observed_shop
    request_id = f"lab-{uuid.uuid4().hex[:8]}"
    assert httpx.get(f"{shop.base}/api/products", headers={"X-Request-Id": request_id}).status_code == 200

    api = shop.lines("api", request_id=request_id)
    inventory = shop.lines("inventory", request_id=request_id)

    access = [e for e in api if e["logger"] == "o11yshop.access"]
    assert len(access) == 1
    line = access[0]
    assert line["message"] == "GET /api/products 200"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/products", 200)
    assert line["duration_ms"] > 0
    assert (line["service"], line["environment"], line["version"], line["level"]) == (
        "api",
        "development",
        "0.1.0",
        "info",
    )
    if shop.mode == "aws":
        assert line["timestamp"].endswith("Z")
    else:  # the line's time is the record's, its level the severity
        [record] = events(
            shop.logs, log_group("api"), shop.where(request_id=request_id, logger="o11yshop.access")
        )
        assert record["timeUnixNano"] > 0
        assert (record["severityText"], record["severityNumber"]) == ("info", 9)
        assert "timestamp" not in record["attributes"]
    assert [e["route"] for e in inventory if e["logger"] == "o11yshop.access"] == ["/api/stock/lookup"]


def test_secrets_and_personal_data_never_reach_cloudwatch(observed_shop):
    base, logs = observed_shop.base, observed_shop.logs
    with httpx.Client(base_url=base, timeout=30) as shop:
        shop.post("/api/auth/login", json={"email": "admin@o11yshop.local", "password": SECRET_PASSWORD})
        login = shop.post(
            "/api/auth/login", json={"email": "admin@o11yshop.local", "password": "right-password-for-tests"}
        )
        token = login.json()["access_token"]
        shop.get("/api/admin/summary", headers={"Authorization": f"Bearer {token}"})
        cart = shop.post("/api/cart").json()["token"]
        shop.post("/api/cart/items", json={"product_id": 1, "quantity": 1}, headers={"X-Cart-Token": cart})
        shipping = SHIPPING | {"email": EMAIL, "phone": CARD}  # a card number typed into the phone field
        bad = shop.post(
            "/api/checkout",
            json={"shipping": SHIPPING | {"email": "not-an-email " + PHONE}},
            headers={"X-Cart-Token": cart, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert bad.status_code == 422
        placed = shop.post(
            "/api/checkout",
            json={"shipping": shipping},
            headers={"X-Cart-Token": cart, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert placed.status_code == 201, placed.text

    orders = observed_shop.lines("api", message="order placed")
    assert orders[-1]["customer_email"] == "h***@example.com"
    assert orders[-1]["customer_phone"] == "[CARD]"
    assert orders[-1]["order_number"] == placed.json()["order"]["number"]
    assert observed_shop.lines("api", message="admin login failed")
    everything = json.dumps(events(logs, log_group("api")) + events(logs, log_group("inventory")))
    card_digits = CARD.replace(" ", "")
    for value in (
        SECRET_PASSWORD,
        token,
        cart,
        EMAIL,
        CARD,
        card_digits,
        "3-1234-5678",
        "right-password-for-tests",
    ):
        assert value not in everything, value


def statistics(cloudwatch, name: str, dimensions: dict[str, str], **kwargs) -> list[dict]:
    now = datetime.now(UTC)
    return cloudwatch.get_metric_statistics(
        Namespace="o11yshop",
        MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - timedelta(minutes=10),
        EndTime=now + timedelta(minutes=1),
        Period=3600,
        **kwargs,
    )["Datapoints"]


def wait_for_sum(
    cloudwatch, name: str, dimensions: dict[str, str], expected: float, seconds: float = 30
) -> float:
    """Poll (bounded) until the metric's Sum reaches ``expected``; EMF is flushed every second here."""
    deadline = time.monotonic() + seconds
    while True:
        total = sum(p["Sum"] for p in statistics(cloudwatch, name, dimensions, Statistics=["Sum"]))
        if total >= expected or time.monotonic() > deadline:
            return total
        time.sleep(0.25)


def test_red_and_business_metrics_count_what_was_sent(observed_shop):
    base, cloudwatch = observed_shop.base, observed_shop.cloudwatch
    with httpx.Client(base_url=base, timeout=30) as shop:
        for _ in range(20):
            assert shop.get("/api/categories").status_code == 200
        for _ in range(4):
            shop.get("/api/products", params={"q": "kettle"})
        for _ in range(3):
            shop.get("/api/products", params={"q": "no-such-thing-xyzzy"})
        assert shop.get("/api/products/1").status_code == 200
        assert shop.get("/api/products/nope").status_code == 422

    red = {"Service": "api", "Route": "/api/categories", "Method": "GET", "StatusClass": "2xx"}
    assert wait_for_sum(cloudwatch, "Requests", red, 20) == 20
    [latency] = statistics(
        cloudwatch, "Latency", red, Statistics=["SampleCount"], ExtendedStatistics=["p50", "p99"]
    )
    assert latency["SampleCount"] == 20
    assert latency["ExtendedStatistics"]["p99"] >= latency["ExtendedStatistics"]["p50"] > 0
    bad = {"Service": "api", "Route": "/api/products/{product_id}", "Method": "GET", "StatusClass": "4xx"}
    assert wait_for_sum(cloudwatch, "Errors4xx", bad, 1) == 1
    assert wait_for_sum(cloudwatch, "Searches", {"Service": "api"}, 7) == 7
    assert wait_for_sum(cloudwatch, "ZeroResultSearches", {"Service": "api"}, 3) == 3
    assert wait_for_sum(cloudwatch, "ProductViews", {"Service": "api", "Category": "kitchen"}, 1) == 1
    inventory = {"Service": "inventory", "Route": "/api/stock/lookup", "Method": "POST", "StatusClass": "2xx"}
    assert wait_for_sum(cloudwatch, "Requests", inventory, 1) >= 1


def run_query(logs, query: str) -> list[dict[str, str]]:
    now = int(time.time())
    started = logs.start_query(
        logGroupNames=log_groups("development"), startTime=now - 3600, endTime=now + 60, queryString=query
    )
    deadline = time.monotonic() + 30
    while True:
        result = logs.get_query_results(queryId=started["queryId"])
        if result["status"] == "Complete" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert result["status"] == "Complete"
    return [{f["field"]: f["value"] for f in row} for row in result["results"]]


def saved_queries(shop: Shop) -> tuple[str, dict[str, str]]:
    """The saved-query name prefix of the shop's mode, and its queries' texts by short name."""
    saved = OTEL_SAVED_QUERIES if shop.mode == "otel" else SAVED_QUERIES
    prefix = "o11yshop/otel/" if shop.mode == "otel" else "o11yshop/"
    return prefix, {q.name.removeprefix(prefix): q.query for q in saved}


def test_saved_queries_answer_for_the_traffic(observed_shop):
    base, logs = observed_shop.base, observed_shop.logs
    marker = uuid.uuid4().hex[:8]
    request_id = f"q-{marker}"
    with httpx.Client(base_url=base, timeout=30) as shop:
        for _ in range(2):
            shop.get("/api/products", params={"q": f"unobtainium {marker}"})
        listed = shop.get(
            "/api/products",
            headers={"X-Request-Id": request_id, "X-Amzn-Trace-Id": f"Root={new_trace_id()};Sampled=1"},
        )
        shop_trace = dict(part.split("=", 1) for part in listed.headers["X-Amzn-Trace-Id"].split(";"))
        empty = shop.post("/api/cart").json()["token"]
        failed = shop.post(
            "/api/checkout",
            json={"shipping": SHIPPING},
            headers={"X-Cart-Token": empty, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert failed.status_code == 422
        for _ in range(2):  # the errors-by-route query must count two, whatever ran before
            shop.get("/api/products/nope")
    observed_shop.lines("api", 2, route="/api/products/{product_id}", status=422)
    observed_shop.lines("inventory", request_id=request_id)

    # each mode installs its own texts: aws mode's read the JSON lines, otel mode's the records
    prefix, texts = saved_queries(observed_shop)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the api installs them in the background at start-up
        definitions = logs.describe_query_definitions(queryDefinitionNamePrefix="o11yshop/")[
            "queryDefinitions"
        ]
        if len(definitions) == len(texts):
            break
        time.sleep(0.2)
    saved = {d["name"].removeprefix(prefix): d for d in definitions}
    assert {d["name"] for d in definitions} == {prefix + name for name in texts}
    assert all(saved[name]["queryString"] == text for name, text in texts.items())
    assert all(sorted(d["logGroupNames"]) == log_groups("development") for d in saved.values())

    errors = run_query(logs, saved["errors-by-route"]["queryString"])
    assert {"service": "api", "route": "/api/products/{product_id}", "status": "422"}.items() <= next(
        r for r in errors if r.get("route") == "/api/products/{product_id}"
    ).items()
    assert int(next(r for r in errors if r.get("route") == "/api/products/{product_id}")["errors"]) >= 2

    slowest = run_query(logs, saved["slowest-routes-p99"]["queryString"])
    assert 1 <= len(slowest) <= 10
    assert all(float(r["p99_ms"]) >= float(r["p50_ms"]) for r in slowest)
    assert [float(r["p99_ms"]) for r in slowest] == sorted(
        (float(r["p99_ms"]) for r in slowest), reverse=True
    )

    one = run_query(
        logs,
        saved["everything-for-one-request"]["queryString"].replace("PASTE-A-REQUEST-ID", request_id),
    )
    assert {r["service"] for r in one} == {"api", "inventory"}
    assert [r["@timestamp"] for r in one] == sorted(r["@timestamp"] for r in one)

    traced = shop_trace["Root"]
    lines = run_query(
        logs, saved["everything-for-one-trace"]["queryString"].replace("PASTE-A-TRACE-ID", traced)
    )
    assert {r["service"] for r in lines} == {"api", "inventory"}
    assert all(r["segment_id"] for r in lines)

    searches = run_query(logs, saved["zero-result-searches"]["queryString"])
    assert {"query": f"unobtainium {marker}", "searches": "2"} in searches

    failures = run_query(logs, saved["checkout-failures-by-reason"]["queryString"])
    assert int(next(r for r in failures if r["reason"] == "validation_failed")["failures"]) >= 1


def test_saved_queries_run_from_the_aws_cli(observed_shop):
    base, logs = observed_shop.base, observed_shop.logs
    httpx.get(f"{base}/api/products/nope")
    observed_shop.lines("api", status=422)
    # each mode's doc shows a query of that mode's events
    doc_name = "docs/observability-otel.md" if observed_shop.mode == "otel" else "docs/queries.md"
    doc = (Path(__file__).resolve().parents[2] / doc_name).read_text()
    [block] = re.findall(r"^```bash\n(.*?)^```", doc, re.DOTALL | re.MULTILINE)
    endpoint = logs.meta.endpoint_url
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        env={
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "AWS_ENDPOINT_URL": endpoint,
            "HOME": str(Path(__file__).parent),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "errors" in result.stdout
    assert "route" in result.stdout


@pytest.mark.parametrize("service", ["api", "inventory"])
def test_process_and_host_metrics(observed_shop, service):
    cloudwatch = observed_shop.cloudwatch
    dims = {"Service": service}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # sampled at every flush (each second here)
        rss = statistics(cloudwatch, "ProcessMemoryRss", dims, Statistics=["Maximum", "SampleCount"])
        lag = statistics(
            cloudwatch, "EventLoopLag", dims, Statistics=["SampleCount"], ExtendedStatistics=["p99"]
        )
        if rss and lag:
            break
        time.sleep(0.25)
    assert 20e6 < rss[0]["Maximum"] < 2e9  # bytes: a Python web process
    assert rss[0]["Unit"] == "Bytes"
    assert lag[0]["SampleCount"] >= 1
    assert lag[0]["ExtendedStatistics"]["p99"] >= 0
    for name in (
        "ProcessCpuPercent",
        "ProcessThreads",
        "ProcessOpenFiles",
        "HostCpuPercent",
        "DbPoolInUse",
        "GcCollections",
        "HostNetworkSentBytes",
        "DbPoolWait",
    ):
        assert statistics(cloudwatch, name, dims, Statistics=["SampleCount"]), name
    assert statistics(cloudwatch, "ProcessThreads", dims, Statistics=["Minimum"])[0]["Minimum"] >= 1
