"""CloudWatch metrics through boto3: statistics as the CloudWatch user guide defines them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import ClientFactory

BASE = (int(time.time()) // 3600 - 2) * 3600  # the start of an hour, two hours ago
DIMS = [{"Name": "Route", "Value": "/api/orders"}]


def put_values(
    cloudwatch: Any, name: str, values: list[float], counts: list[float] | None = None, **extra: Any
) -> None:
    datum: dict[str, Any] = {
        "MetricName": name,
        "Dimensions": DIMS,
        "Timestamp": BASE + 30,
        "Values": values,
        "Unit": "Milliseconds",
        **extra,
    }
    if counts is not None:
        datum["Counts"] = counts
    cloudwatch.put_metric_data(Namespace="Shop", MetricData=[datum])


def one_hour(cloudwatch: Any, name: str, **extra: Any) -> list[dict[str, Any]]:
    datapoints: list[dict[str, Any]] = cloudwatch.get_metric_statistics(
        Namespace="Shop",
        MetricName=name,
        Dimensions=DIMS,
        StartTime=BASE,
        EndTime=BASE + 3600,
        Period=3600,
        **extra,
    )["Datapoints"]
    return datapoints


def test_percentiles_of_1_to_100_sent_as_values_and_counts(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    # 1..100 in two requests, the second one with counts of 1 spelled out
    put_values(cloudwatch, "Latency", [float(v) for v in range(1, 51)])
    put_values(cloudwatch, "Latency", [float(v) for v in range(51, 101)], [1.0] * 50)
    [point] = one_hour(
        cloudwatch,
        "Latency",
        Statistics=["SampleCount", "Sum", "Average", "Minimum", "Maximum"],
        ExtendedStatistics=[
            "p50",
            "p90",
            "p99",
            "p99.9",
            "p100",
            "TM(10%:90%)",
            "tm90",
            "IQM",
            "TC(10%:90%)",
        ],
    )
    assert (point["SampleCount"], point["Sum"], point["Average"]) == (100.0, 5050.0, 50.5)
    assert (point["Minimum"], point["Maximum"], point["Unit"]) == (1.0, 100.0, "Milliseconds")
    ext = point["ExtendedStatistics"]
    # pNN: the value NN% of the samples are at or below
    assert (ext["p50"], ext["p90"], ext["p99"], ext["p99.9"], ext["p100"]) == (50.0, 90.0, 99.0, 100.0, 100.0)
    # TM(10%:90%): the mean of the samples ranked above 10% and up to 90%: 11..90
    assert ext["TM(10%:90%)"] == pytest.approx(50.5)
    assert ext["TC(10%:90%)"] == pytest.approx(80.0)
    assert ext["tm90"] == pytest.approx(45.5)  # mean of 1..90
    assert ext["IQM"] == pytest.approx(50.5)  # mean of 26..75


def test_counts_weight_the_percentiles(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    put_values(cloudwatch, "Weighted", [10.0, 1000.0], [98.0, 2.0])
    [point] = one_hour(cloudwatch, "Weighted", Statistics=["SampleCount"], ExtendedStatistics=["p98", "p99"])
    assert point["SampleCount"] == 100.0
    assert point["ExtendedStatistics"] == {"p98": 10.0, "p99": 1000.0}


def test_statistic_sets_have_no_percentiles(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {
                "MetricName": "Aggregated",
                "Dimensions": DIMS,
                "Timestamp": BASE + 5,
                "StatisticValues": {"SampleCount": 4, "Sum": 10, "Minimum": 1, "Maximum": 4},
            }
        ],
    )
    [point] = one_hour(cloudwatch, "Aggregated", Statistics=["Average"], ExtendedStatistics=["p50"])
    assert point["Average"] == 2.5
    assert point["ExtendedStatistics"] == {}


def test_dimensions_are_matched_exactly(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    put_values(cloudwatch, "Exact", [1.0])
    cloudwatch.put_metric_data(
        Namespace="Shop", MetricData=[{"MetricName": "Exact", "Timestamp": BASE + 5, "Value": 100.0}]
    )
    assert [p["Sum"] for p in one_hour(cloudwatch, "Exact", Statistics=["Sum"])] == [1.0]
    none = cloudwatch.get_metric_statistics(
        Namespace="Shop",
        MetricName="Exact",
        StartTime=BASE,
        EndTime=BASE + 3600,
        Period=3600,
        Statistics=["Sum"],
    )["Datapoints"]
    assert [p["Sum"] for p in none] == [100.0]
    listed = cloudwatch.list_metrics(Namespace="Shop", MetricName="Exact", Dimensions=[{"Name": "Route"}])
    assert [m["Dimensions"] for m in listed["Metrics"]] == [DIMS]


def test_periods_split_the_data(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    data = [
        {"MetricName": "Orders", "Timestamp": BASE + minute * 60 + 1, "Value": float(minute + 1)}
        for minute in range(3)
    ]
    cloudwatch.put_metric_data(Namespace="Shop", MetricData=data)
    points = cloudwatch.get_metric_statistics(
        Namespace="Shop",
        MetricName="Orders",
        StartTime=BASE,
        EndTime=BASE + 300,
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    assert sorted((p["Timestamp"].timestamp(), p["Sum"]) for p in points) == [
        (BASE, 1.0),
        (BASE + 60, 2.0),
        (BASE + 120, 3.0),
    ]


def test_get_metric_data_with_percentile_stat(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    put_values(cloudwatch, "GmdLatency", [float(v) for v in range(1, 101)])
    metric = {"Namespace": "Shop", "MetricName": "GmdLatency", "Dimensions": DIMS}
    response = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {"Id": "p99", "MetricStat": {"Metric": metric, "Period": 3600, "Stat": "p99"}},
            {
                "Id": "avg",
                "MetricStat": {"Metric": metric, "Period": 3600, "Stat": "Average"},
                "Label": "mean",
            },
        ],
        StartTime=BASE,
        EndTime=BASE + 3600,
    )
    results = {r["Id"]: r for r in response["MetricDataResults"]}
    assert results["p99"]["Values"] == [99.0]
    assert results["p99"]["StatusCode"] == "Complete"
    assert results["avg"]["Values"] == [50.5]
    assert results["avg"]["Label"] == "mean"
    assert [t.timestamp() for t in results["p99"]["Timestamps"]] == [BASE]


def test_invalid_requests_are_refused(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    with pytest.raises(ClientError) as reserved:
        cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "x", "Value": 1.0}])
    assert reserved.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError):
        cloudwatch.put_metric_data(
            Namespace="Shop", MetricData=[{"MetricName": "x", "Values": [1.0], "Counts": [1.0, 2.0]}]
        )
    with pytest.raises(ClientError):
        one_hour(cloudwatch, "Latency", Statistics=["p99"])  # percentiles belong in ExtendedStatistics
    with pytest.raises(ClientError) as not_emulated:
        cloudwatch.put_anomaly_detector(
            SingleMetricAnomalyDetector={"Namespace": "Shop", "MetricName": "x", "Stat": "Average"}
        )
    assert "PutAnomalyDetector" in str(not_emulated.value)


def test_large_requests_that_botocore_compresses(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    data = [
        {
            "MetricName": "Big",
            "Dimensions": DIMS,
            "Timestamp": BASE + 60,
            "Values": [float(v) for v in range(1, 151)],
        }
        for _ in range(20)
    ]  # well over botocore's 10 KB compression threshold
    cloudwatch.put_metric_data(Namespace="Shop", MetricData=data)
    [point] = one_hour(cloudwatch, "Big", Statistics=["SampleCount"], ExtendedStatistics=["p50"])
    assert point["SampleCount"] == 3000.0
    assert point["ExtendedStatistics"]["p50"] == 75.0


def test_dashboards_and_tags(aws: ClientFactory) -> None:
    cloudwatch = aws("cloudwatch")
    body = '{"widgets": [{"type": "metric", "properties": {"metrics": [["Shop", "Latency"]]}}]}'
    assert (
        cloudwatch.put_dashboard(DashboardName="red", DashboardBody=body)["DashboardValidationMessages"] == []
    )
    assert cloudwatch.get_dashboard(DashboardName="red")["DashboardBody"] == body
    assert [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]] == ["red"]
    with pytest.raises(ClientError):
        cloudwatch.put_dashboard(DashboardName="broken", DashboardBody="{not json")
    cloudwatch.delete_dashboards(DashboardNames=["red"])
    assert cloudwatch.list_dashboards()["DashboardEntries"] == []

    cloudwatch.put_metric_alarm(
        AlarmName="tagged", Namespace="Shop", MetricName="X", Statistic="Sum", Period=60, EvaluationPeriods=1,
        Threshold=1.0, ComparisonOperator="GreaterThanThreshold", Tags=[{"Key": "team", "Value": "shop"}],
    )  # fmt: skip
    arn = cloudwatch.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"][0]["AlarmArn"]
    cloudwatch.tag_resource(ResourceARN=arn, Tags=[{"Key": "tier", "Value": "1"}])
    tags = cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("team", "shop"), ("tier", "1")]
