"""Logs Insights through boto3: queries answered as the Logs Insights query syntax reference describes."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import ClientFactory

BASE = (int(time.time()) // 60 - 10) * 60  # a whole minute, ten minutes ago
GROUP = "/o11yshop/insights"
EVENTS: list[tuple[int, Any]] = [
    (5, {"level": "ERROR", "service": "api", "latency": 120, "user": {"id": "u1"}}),
    (10, {"level": "INFO", "service": "api", "latency": 30}),
    (20, {"level": "ERROR", "service": "inventory", "latency": 900}),
    (30, "plain text ERROR line"),
    (65, {"level": "ERROR", "service": "api", "latency": 200}),
    (70, {"level": "ERROR", "service": "api", "latency": 50}),
    (80, {"level": "WARN", "service": "inventory", "latency": 250}),
    (125, {"level": "ERROR", "service": "inventory", "latency": 400}),
]


def minute(offset: int) -> str:
    return datetime.fromtimestamp(BASE + offset, UTC).strftime("%Y-%m-%d %H:%M:%S.000")


@pytest.fixture
def logs(aws: ClientFactory) -> Any:
    client = aws("logs")
    client.create_log_group(logGroupName=GROUP)
    for stream in ("a", "b"):
        client.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    for index, (offset, body) in enumerate(EVENTS):
        message = body if isinstance(body, str) else json.dumps(body)
        client.put_log_events(
            logGroupName=GROUP,
            logStreamName="ab"[index % 2],
            logEvents=[{"timestamp": (BASE + offset) * 1000, "message": message}],
        )
    return client


def query(logs: Any, text: str) -> tuple[list[dict[str, str]], dict[str, float]]:
    query_id = logs.start_query(
        logGroupName=GROUP, startTime=BASE - 60, endTime=BASE + 600, queryString=text
    )["queryId"]
    deadline = time.monotonic() + 10
    while True:
        response = logs.get_query_results(queryId=query_id)
        if response["status"] == "Complete":
            break
        assert response["status"] in ("Scheduled", "Running")
        assert time.monotonic() < deadline
    rows = [
        {cell["field"]: cell["value"] for cell in row if cell["field"] != "@ptr"}
        for row in response["results"]
    ]
    return rows, response["statistics"]


def test_error_counts_by_service_per_minute(logs: Any) -> None:
    rows, stats = query(logs, 'filter level = "ERROR" | stats count(*) by service, bin(1m)')
    assert sorted(rows, key=lambda r: (r["bin(1m)"], r["service"])) == [
        {"service": "api", "bin(1m)": minute(0), "count(*)": "1"},
        {"service": "inventory", "bin(1m)": minute(0), "count(*)": "1"},
        {"service": "api", "bin(1m)": minute(60), "count(*)": "2"},
        {"service": "inventory", "bin(1m)": minute(120), "count(*)": "1"},
    ]
    assert stats["recordsMatched"] == 5.0  # the plain-text line has no level field
    assert stats["recordsScanned"] == 8.0
    assert stats["logGroupsScanned"] == 1.0


def test_aggregate_functions(logs: Any) -> None:
    rows, _ = query(
        logs,
        "stats count(*) as events, count(latency) as timed, sum(latency) as total, avg(latency) as mean, "
        "min(latency) as fastest, max(latency) as slowest, pct(latency, 50) as p50, "
        "count_distinct(service) as services",
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["events"], row["timed"], row["total"]) == ("8", "7", "1950")
    assert float(row["mean"]) == pytest.approx(1950 / 7)
    assert (row["fastest"], row["slowest"], row["p50"], row["services"]) == ("30", "900", "200", "2")


def test_earliest_and_latest_by_service(logs: Any) -> None:
    rows, _ = query(
        logs,
        "filter ispresent(service) | stats earliest(latency) as first, latest(latency) as last by service",
    )
    assert sorted(rows, key=lambda r: r["service"]) == [
        {"service": "api", "first": "120", "last": "50"},
        {"service": "inventory", "first": "900", "last": "400"},
    ]


def test_fields_filter_sort_limit(logs: Any) -> None:
    rows, _ = query(
        logs,
        'fields service, latency | filter latency > 100 and service in ["api", "inventory"] '
        "| sort latency desc | limit 2",
    )
    assert rows == [{"service": "inventory", "latency": "900"}, {"service": "inventory", "latency": "400"}]


def test_boolean_logic_like_regex_and_nested_fields(logs: Any) -> None:
    rows, _ = query(logs, 'filter level != "ERROR" and not (service = "api") | display service, level')
    assert rows == [{"service": "inventory", "level": "WARN"}]
    rows, _ = query(logs, "filter @message like /plain/ | fields @message")
    assert rows == [{"@message": "plain text ERROR line"}]
    rows, _ = query(logs, 'filter @message like "ERROR" | stats count(*) as n')
    assert rows == [{"n": "6"}]
    rows, _ = query(logs, "filter level =~ /^W/ | fields latency")
    assert rows == [{"latency": "250"}]
    rows, _ = query(logs, 'filter user.id = "u1" | fields latency')
    assert rows == [{"latency": "120"}]


def test_parse_dedup_and_default_fields(logs: Any) -> None:
    rows, _ = query(logs, 'parse @message "plain * line" as word | filter ispresent(word) | display word')
    assert rows == [{"word": "text ERROR"}]
    rows, _ = query(logs, r"parse @message /(?<kind>[A-Z]{4,}) line/ | filter ispresent(kind) | display kind")
    assert rows == [{"kind": "ERROR"}]
    rows, _ = query(
        logs, "filter ispresent(service) | dedup service | fields service, latency | sort service asc"
    )
    assert rows == [{"service": "api", "latency": "50"}, {"service": "inventory", "latency": "400"}]
    rows, _ = query(logs, "filter latency = 900")
    assert rows == [{"@timestamp": minute(20)[:-4] + ".000", "@message": json.dumps(EVENTS[2][1])}]
    rows, _ = query(logs, "fields @log, @logStream | filter latency = 30")
    assert rows == [{"@log": f"123456789012:{GROUP}", "@logStream": "b"}]


def test_unsupported_commands_are_refused_by_name(logs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        query(logs, "pattern @message")
    assert caught.value.response["Error"]["Code"] == "MalformedQueryException"
    assert "pattern" in str(caught.value)
    with pytest.raises(ClientError):
        query(logs, "filter level = ")


def test_query_definitions(logs: Any) -> None:
    created = logs.put_query_definition(name="errors/by-service", queryString='filter level = "ERROR"')
    found = logs.describe_query_definitions(queryDefinitionNamePrefix="errors/")["queryDefinitions"]
    assert [(d["queryDefinitionId"], d["queryString"]) for d in found] == [
        (created["queryDefinitionId"], 'filter level = "ERROR"')
    ]


def test_computed_fields(logs: Any) -> None:
    rows, _ = query(
        logs,
        "fields toupper(service) as svc, latency * 2 as double | filter latency = 30 | display svc, double",
    )
    assert rows == [{"svc": "API", "double": "60"}]


def test_json_escapes_are_decoded_before_filtering(aws: ClientFactory) -> None:
    client = aws("logs")
    client.create_log_group(logGroupName="/o11yshop/escaped")
    client.create_log_stream(logGroupName="/o11yshop/escaped", logStreamName="s")
    messages = ['{"level": "\\u0045RROR", "service": "escaped"}', '{"level": "ERROR", "service": "plain"}',
                '{"level": "INFO", "service": "ERROR"}']  # fmt: skip
    client.put_log_events(
        logGroupName="/o11yshop/escaped",
        logStreamName="s",
        logEvents=[{"timestamp": (BASE + 1) * 1000, "message": m} for m in messages],
    )
    query_id = client.start_query(
        logGroupName="/o11yshop/escaped",
        startTime=BASE - 60,
        endTime=BASE + 600,
        queryString='filter level = "ERROR" | stats count(*) as n by service | sort service',
    )["queryId"]
    results = client.get_query_results(queryId=query_id)["results"]
    assert [[c["value"] for c in row] for row in results] == [["escaped", "1"], ["plain", "1"]]


def test_sort_uses_the_documented_natural_order(aws: ClientFactory) -> None:
    # The example of the Logs Insights "sort" reference, in its documented ascending order.
    documented = ["!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh",
                  "0", "01", "1", "2", "3"]  # fmt: skip
    client = aws("logs")
    client.create_log_group(logGroupName="/o11yshop/sort")
    client.create_log_stream(logGroupName="/o11yshop/sort", logStreamName="s")
    shuffled = documented[::2] + documented[1::2]
    client.put_log_events(
        logGroupName="/o11yshop/sort",
        logStreamName="s",
        logEvents=[{"timestamp": (BASE + 1) * 1000, "message": json.dumps({"name": v})} for v in shuffled],
    )

    def sorted_names(direction: str) -> list[str]:
        query_id = client.start_query(
            logGroupName="/o11yshop/sort", startTime=BASE - 60, endTime=BASE + 600,
            queryString=f"fields name | sort name {direction}",
        )["queryId"]  # fmt: skip
        rows = client.get_query_results(queryId=query_id)["results"]
        return [cell["value"] for row in rows for cell in row if cell["field"] == "name"]

    ascending = sorted_names("asc")
    assert ascending[:12] == documented[:12]  # every non-number first, in natural order
    assert [float(v) for v in ascending[12:]] == [0.0, 1.0, 1.0, 2.0, 3.0]  # then the numbers ("01" is 1)
    assert sorted_names("desc")[:2] == ["3", "2"]


def test_time_aggregates_are_shown_as_times(logs: Any) -> None:
    rows, _ = query(logs, "stats min(@timestamp) as first, max(@timestamp) as last, count(*) as n")
    assert rows == [{"first": minute(5), "last": minute(125), "n": "8"}]


def test_sort_by_an_aggregate_as_written(logs: Any) -> None:
    rows, _ = query(logs, "filter ispresent(service) | stats count(*) by service | sort count(*) desc")
    assert rows == [{"service": "api", "count(*)": "4"}, {"service": "inventory", "count(*)": "3"}]
    rows, _ = query(logs, "stats count() as n")
    assert rows == [{"n": "8"}]
