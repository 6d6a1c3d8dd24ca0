"""Metric math in GetMetricData, as the CloudWatch "Using metric math" guide defines the functions."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import ClientFactory

BASE = (int(time.time()) // 3600 - 2) * 3600
REQUESTS = {0: 10.0, 1: 20.0, 2: 40.0}  # minute -> sum
ERRORS = {0: 1.0, 2: 4.0}


@pytest.fixture
def cloudwatch(aws: ClientFactory) -> Any:
    client = aws("cloudwatch")
    data = [
        {"MetricName": "Requests", "Timestamp": BASE + m * 60 + 5, "Value": v} for m, v in REQUESTS.items()
    ]
    data += [{"MetricName": "Errors", "Timestamp": BASE + m * 60 + 5, "Value": v} for m, v in ERRORS.items()]
    client.put_metric_data(Namespace="Shop/RED", MetricData=data)
    return client


def expression(cloudwatch: Any, text: str) -> dict[int, float]:
    def stat(name: str) -> dict[str, Any]:
        return {"Metric": {"Namespace": "Shop/RED", "MetricName": name}, "Period": 60, "Stat": "Sum"}

    response = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {"Id": "requests", "MetricStat": stat("Requests"), "ReturnData": False},
            {"Id": "errors", "MetricStat": stat("Errors"), "ReturnData": False},
            {"Id": "result", "Expression": text, "Label": "result"},
        ],
        StartTime=BASE,
        EndTime=BASE + 300,
        ScanBy="TimestampAscending",
    )
    [result] = response["MetricDataResults"]
    assert result["Id"] == "result"
    return {
        int(t.timestamp() - BASE) // 60: v
        for t, v in zip(result["Timestamps"], result["Values"], strict=True)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("requests + errors", {0: 11.0, 2: 44.0}),  # series combine on shared timestamps
        ("100 * errors / requests", {0: 10.0, 2: 10.0}),
        ("SUM([requests, errors])", {0: 11.0, 1: 20.0, 2: 44.0}),
        ("AVG([requests, errors])", {0: 5.5, 1: 20.0, 2: 22.0}),
        ("requests / MAX(requests)", {0: 0.25, 1: 0.5, 2: 1.0}),  # MAX of one series is a scalar
        ("RATE(requests)", {1: 10 / 60, 2: 20 / 60}),
        ("DIFF(requests)", {1: 10.0, 2: 20.0}),
        ("FILL(errors, 0)", {0: 1.0, 1: 0.0, 2: 4.0, 3: 0.0, 4: 0.0}),
        ("FILL(errors, REPEAT)", {0: 1.0, 1: 1.0, 2: 4.0, 3: 4.0, 4: 4.0}),
        ("IF(requests > 15, 1, 0)", {0: 0.0, 1: 1.0, 2: 1.0}),
        ("IF(requests > 15, requests)", {1: 20.0, 2: 40.0}),
    ],
)
def test_expressions(cloudwatch: Any, text: str, expected: dict[int, float]) -> None:
    assert expression(cloudwatch, text) == pytest.approx(expected)


def test_unknown_functions_and_ids_are_refused(cloudwatch: Any) -> None:
    with pytest.raises(ClientError) as caught:
        expression(cloudwatch, "ANOMALY_DETECTION_BAND(requests)")
    assert "ANOMALY_DETECTION_BAND" in str(caught.value)
    with pytest.raises(ClientError):
        expression(cloudwatch, "requests + nothing")
