"""CloudWatch Logs through boto3: filter patterns, metric filters and EMF, per the Logs user guide."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import ClientFactory

NOW_MS = (int(time.time()) // 60 - 10) * 60 * 1000

EVENTS = [
    {"level": "ERROR", "service": "api", "latency": 120, "user": {"id": 7}, "tags": ["a", "b"]},
    {"level": "INFO", "service": "api", "latency": 30, "user": {"id": 8}},
    {"level": "ERROR", "service": "inventory", "latency": 900, "retry": True},
    {"level": "WARN", "service": "inventory", "latency": 250, "note": None},
    {"level": "ERRORS", "service": "cart", "latency": 5},
]
PLAIN = [
    '127.0.0.1 - alice [29/Nov/2026:10:00:00 +0000] "GET /api/products HTTP/1.1" 200 512',
    '127.0.0.1 - bob [29/Nov/2026:10:00:01 +0000] "POST /api/orders HTTP/1.1" 404 12',
    '10.0.0.9 - carol [29/Nov/2026:10:00:02 +0000] "POST /api/orders HTTP/1.1" 500 77',
    "ERROR Exception while reserving stock: timeout",
    "ERROR Exiting after shutdown",
    "WARN slow query",
]


def setup_group(logs: Any, group: str, messages: list[str], stream: str = "s1") -> None:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    events = [{"timestamp": NOW_MS + i * 1000, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def matching(logs: Any, group: str, pattern: str) -> list[str]:
    response = logs.filter_log_events(logGroupName=group, filterPattern=pattern)
    return [e["message"] for e in response["events"]]


@pytest.fixture
def json_group(aws: ClientFactory) -> Any:
    logs = aws("logs")
    setup_group(logs, "/o11yshop/json", [json.dumps(e) for e in EVENTS] + PLAIN[:1])
    return logs


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.level = "ERROR" }', [0, 2]),
        ("{ $.level = ERROR }", [0, 2]),
        ('{ $.level = "ERR*" }', [0, 2, 4]),
        ('{ $.level != "ERROR" }', [1, 3, 4]),
        ("{ $.latency > 100 }", [0, 2, 3]),
        ("{ $.latency <= 30 }", [1, 4]),
        ('{ ($.level = "ERROR") && ($.latency > 500) }', [2]),
        ('{ $.service = "cart" || $.latency = 30 }', [1, 4]),
        ("{ $.user.id = 7 }", [0]),
        ('{ $.tags[1] = "b" }', [0]),
        ("{ $.retry IS TRUE }", [2]),
        ("{ $.note IS NULL }", [3]),
        ("{ $.user NOT EXISTS }", [2, 3, 4]),
        ("{ $.level = %^ERR% }", [0, 2, 4]),
    ],
)
def test_json_filter_patterns_match_exactly_the_intended_events(
    json_group: Any, pattern: str, expected: list[int]
) -> None:
    assert matching(json_group, "/o11yshop/json", pattern) == [json.dumps(EVENTS[i]) for i in expected]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", [0, 1, 2, 3, 4, 5]),
        ("ERROR", [3, 4]),
        ("ERROR Exception", [3]),
        ("?WARN ?Exception", [3, 5]),
        ('"slow query"', [5]),
        ("ERROR -Exiting", [3]),
        ("%4[0-9]{2}%", [1]),
        ("[ip, identity, user, timestamp, request, status = 404, bytes]", [1]),
        ("[ip, identity, user, timestamp, request, status = 5*, bytes]", [2]),
        ("[ip, identity, user, timestamp, request, status >= 400 && status < 500, bytes]", [1]),
        ("[..., status = 200, bytes]", [0]),
        ('[ip = "127.0.0.1", ..., bytes > 100]', [0]),
        ("[ip, identity, user != alice, ...]", [1, 2, 3, 4, 5]),
    ],
)
def test_term_and_space_delimited_patterns(aws: ClientFactory, pattern: str, expected: list[int]) -> None:
    logs = aws("logs")
    setup_group(logs, "/o11yshop/plain", PLAIN)
    assert matching(logs, "/o11yshop/plain", pattern) == [PLAIN[i] for i in expected]


def test_filter_log_events_honours_time_range_streams_and_limit(aws: ClientFactory) -> None:
    logs = aws("logs")
    setup_group(logs, "/o11yshop/range", ["a1", "a2", "a3"], stream="a")
    logs.create_log_stream(logGroupName="/o11yshop/range", logStreamName="b")
    logs.put_log_events(
        logGroupName="/o11yshop/range",
        logStreamName="b",
        logEvents=[{"timestamp": NOW_MS + 1500, "message": "b1"}],
    )
    in_range = logs.filter_log_events(
        logGroupName="/o11yshop/range", startTime=NOW_MS + 1000, endTime=NOW_MS + 2000
    )
    assert [e["message"] for e in in_range["events"]] == ["a2", "b1", "a3"]
    only_b = logs.filter_log_events(logGroupName="/o11yshop/range", logStreamNames=["b"])
    assert [e["message"] for e in only_b["events"]] == ["b1"]
    first = logs.filter_log_events(logGroupName="/o11yshop/range", limit=2)
    assert len(first["events"]) == 2
    rest = logs.filter_log_events(logGroupName="/o11yshop/range", limit=2, nextToken=first["nextToken"])
    assert [e["message"] for e in rest["events"]] == ["b1", "a3"]


def test_broken_patterns_and_missing_groups_are_errors(aws: ClientFactory) -> None:
    logs = aws("logs")
    setup_group(logs, "/o11yshop/errors", ["x"])
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName="/o11yshop/errors", filterPattern="{ $.level = ")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as missing:
        logs.filter_log_events(logGroupName="/nope")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_put_log_events_rejects_events_older_than_14_days(aws: ClientFactory) -> None:
    logs = aws("logs")
    logs.create_log_group(logGroupName="/o11yshop/old")
    logs.create_log_stream(logGroupName="/o11yshop/old", logStreamName="s")
    old = int(time.time() * 1000) - 15 * 24 * 3600 * 1000
    response = logs.put_log_events(
        logGroupName="/o11yshop/old",
        logStreamName="s",
        logEvents=[
            {"timestamp": old, "message": "too old"},
            {"timestamp": old + 3600 * 1000, "message": "old"},
        ],
    )
    assert response["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    assert logs.filter_log_events(logGroupName="/o11yshop/old")["events"] == []


def _statistics(
    cloudwatch: Any, namespace: str, name: str, dimensions: list[dict[str, str]], **extra: Any
) -> Any:
    return cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=dimensions,
        StartTime=NOW_MS / 1000 - 3600,
        EndTime=NOW_MS / 1000 + 3600,
        Period=3600 * 2,
        **extra,
    )["Datapoints"]


def test_metric_filters_turn_matching_events_into_metrics(aws: ClientFactory) -> None:
    logs, cloudwatch = aws("logs"), aws("cloudwatch")
    logs.create_log_group(logGroupName="/o11yshop/api")
    logs.create_log_stream(logGroupName="/o11yshop/api", logStreamName="s")
    logs.put_metric_filter(
        logGroupName="/o11yshop/api",
        filterName="errors",
        filterPattern='{ $.level = "ERROR" }',
        metricTransformations=[
            {"metricName": "Errors", "metricNamespace": "Shop/Logs", "metricValue": "1", "defaultValue": 0}
        ],
    )
    logs.put_metric_filter(
        logGroupName="/o11yshop/api",
        filterName="latency",
        filterPattern="{ $.latency > 0 }",
        metricTransformations=[
            {
                "metricName": "Latency",
                "metricNamespace": "Shop/Logs",
                "metricValue": "$.latency",
                "unit": "Milliseconds",
                "dimensions": {"Service": "$.service"},
            }
        ],
    )
    batch = [{"timestamp": NOW_MS + i, "message": json.dumps(e)} for i, e in enumerate(EVENTS)]
    logs.put_log_events(logGroupName="/o11yshop/api", logStreamName="s", logEvents=batch)
    logs.put_log_events(
        logGroupName="/o11yshop/api",
        logStreamName="s",
        logEvents=[{"timestamp": NOW_MS + 10, "message": "no json"}],
    )

    errors = _statistics(cloudwatch, "Shop/Logs", "Errors", [], Statistics=["Sum", "SampleCount"])
    # two ERROR events from the first batch, and one defaultValue 0 for the batch with no match
    assert [(d["Sum"], d["SampleCount"]) for d in errors] == [(2.0, 3.0)]
    inventory = _statistics(
        cloudwatch,
        "Shop/Logs",
        "Latency",
        [{"Name": "Service", "Value": "inventory"}],
        Statistics=["Sum", "Maximum"],
    )
    assert [(d["Sum"], d["Maximum"], d["Unit"]) for d in inventory] == [(1150.0, 900.0, "Milliseconds")]
    assert (
        _statistics(cloudwatch, "Shop/Logs", "Latency", [], Statistics=["Sum"]) == []
    )  # dimensions are exact
    described = logs.describe_metric_filters(logGroupName="/o11yshop/api")["metricFilters"]
    assert {f["filterName"] for f in described} == {"errors", "latency"}


def test_test_metric_filter_extracts_space_delimited_fields(aws: ClientFactory) -> None:
    response = aws("logs").test_metric_filter(
        filterPattern="[ip, identity, user, timestamp, request, status = 404, bytes]", logEventMessages=PLAIN
    )
    assert [m["eventNumber"] for m in response["matches"]] == [2]
    assert response["matches"][0]["extractedValues"]["$user"] == "bob"
    assert response["matches"][0]["extractedValues"]["$bytes"] == "12"


def test_embedded_metric_format_events_become_metrics(aws: ClientFactory) -> None:
    logs, cloudwatch = aws("logs"), aws("cloudwatch")
    logs.create_log_group(logGroupName="/o11yshop/emf")
    logs.create_log_stream(logGroupName="/o11yshop/emf", logStreamName="s")

    def emf(latency: Any, service: str = "api", **extra: Any) -> str:
        return json.dumps(
            {
                "_aws": {
                    "Timestamp": NOW_MS,
                    "CloudWatchMetrics": [
                        {
                            "Namespace": "Shop/EMF",
                            "Dimensions": [["Service"], []],
                            "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}],
                        }
                    ],
                },
                "Service": service,
                "Latency": latency,
                **extra,
            }
        )

    messages = [
        emf(10),
        emf([20, 30, 40]),
        emf(1000, service="inventory"),
        emf("not a number"),  # invalid: stays a log event, no metric
        json.dumps({"_aws": {"CloudWatchMetrics": []}, "Latency": 5}),  # no Timestamp: not EMF
    ]
    logs.put_log_events(
        logGroupName="/o11yshop/emf",
        logStreamName="s",
        logEvents=[{"timestamp": NOW_MS, "message": m} for m in messages],
    )
    api = _statistics(
        cloudwatch,
        "Shop/EMF",
        "Latency",
        [{"Name": "Service", "Value": "api"}],
        Statistics=["SampleCount", "Sum"],
        ExtendedStatistics=["p50"],
    )
    assert [(d["SampleCount"], d["Sum"], d["ExtendedStatistics"]["p50"]) for d in api] == [(4.0, 100.0, 20.0)]
    everything = _statistics(cloudwatch, "Shop/EMF", "Latency", [], Statistics=["SampleCount", "Maximum"])
    assert [(d["SampleCount"], d["Maximum"]) for d in everything] == [(5.0, 1000.0)]
    assert len(logs.filter_log_events(logGroupName="/o11yshop/emf")["events"]) == 5
