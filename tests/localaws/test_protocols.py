"""CloudWatch over the other protocols its model lists: Smithy RPC v2 CBOR, which newer AWS SDKs (Go,
Java, JavaScript) prefer, and the query protocol older SDKs and AWS CLI versions use.

botocore can speak both: the tests give it a copy of the CloudWatch model that lists only one
protocol, so the requests and their parsing are botocore's own.
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from o11yshop.localaws import cbor
from o11yshop.localaws.server import Endpoint

BASE = (int(time.time()) // 3600 - 1) * 3600


def speaking(protocol: str, endpoint: Endpoint, tmp_path: Path) -> Any:
    source = Path(botocore.__file__).parent / "data" / "cloudwatch" / "2010-08-01" / "service-2.json.gz"
    model = json.loads(gzip.decompress(source.read_bytes()))
    model["metadata"]["protocols"] = [protocol]
    model["metadata"]["protocol"] = protocol
    target = tmp_path / protocol / "cloudwatch" / "2010-08-01"
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model))
    session = botocore.session.get_session()
    session.set_config_variable("data_path", str(tmp_path / protocol))
    client = boto3.Session(botocore_session=session).client(
        "cloudwatch", endpoint_url=endpoint.url, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )  # fmt: skip
    assert client.meta.service_model.resolved_protocol == protocol
    return client


@pytest.fixture
def cbor_cloudwatch(endpoint: Endpoint, tmp_path: Path) -> Any:
    return speaking("smithy-rpc-v2-cbor", endpoint, tmp_path)


@pytest.fixture
def query_cloudwatch(endpoint: Endpoint, tmp_path: Path) -> Any:
    return speaking("query", endpoint, tmp_path)


def test_statistics_over_cbor(cbor_cloudwatch: Any) -> None:
    cbor_cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Cbor", "Timestamp": BASE + 5, "Values": [float(v) for v in range(1, 101)]}
        ],
    )
    [point] = cbor_cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="Cbor", StartTime=BASE, EndTime=BASE + 3600, Period=3600,
        Statistics=["Average"], ExtendedStatistics=["p90"],
    )["Datapoints"]  # fmt: skip
    assert point["Average"] == 50.5
    assert point["ExtendedStatistics"] == {"p90": 90.0}
    assert point["Timestamp"].timestamp() == BASE  # a tagged timestamp, parsed by botocore
    with pytest.raises(ClientError) as caught:
        cbor_cloudwatch.put_metric_data(Namespace="AWS/Nope", MetricData=[{"MetricName": "x", "Value": 1.0}])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_statistics_alarms_and_errors_over_the_query_protocol(query_cloudwatch: Any) -> None:
    query_cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Query", "Dimensions": [{"Name": "Route", "Value": "/x"}], "Timestamp": BASE + 5,
             "Values": [float(v) for v in range(1, 101)], "Counts": [1.0] * 100}
        ],
    )  # fmt: skip
    [point] = query_cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="Query", Dimensions=[{"Name": "Route", "Value": "/x"}], StartTime=BASE,
        EndTime=BASE + 3600, Period=3600, Statistics=["Sum"], ExtendedStatistics=["p99"],
    )["Datapoints"]  # fmt: skip
    assert point["Sum"] == 5050.0
    assert point["ExtendedStatistics"] == {"p99": 99.0}
    assert point["Timestamp"].timestamp() == BASE
    query_cloudwatch.put_metric_alarm(
        AlarmName="over-query", Namespace="Shop", MetricName="Query", ExtendedStatistic="p99", Period=60,
        EvaluationPeriods=1, Threshold=10.0, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    [alarm] = query_cloudwatch.describe_alarms(AlarmNames=["over-query"])["MetricAlarms"]
    assert (alarm["StateValue"], alarm["ExtendedStatistic"]) == ("INSUFFICIENT_DATA", "p99")
    with pytest.raises(ClientError) as caught:
        query_cloudwatch.put_metric_data(Namespace="AWS/Nope", MetricData=[{"MetricName": "x", "Value": 1.0}])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


@pytest.mark.parametrize(
    "value",
    [0, 23, 24, 255, 65536, 2**40, -1, -500, 1.5, -0.25, "", "Latency", "日本", b"\x00\x01", True, False,
     None, [1, [2, "x"]], {"a": {"b": [1.0, None]}}],
)  # fmt: skip
def test_cbor_round_trip(value: Any) -> None:
    assert cbor.loads(cbor.dumps(value)) == value


def test_cbor_reads_rfc_8949_examples() -> None:
    # Appendix A of RFC 8949
    assert cbor.loads(bytes.fromhex("f93c00")) == 1.0  # half precision
    assert cbor.loads(bytes.fromhex("fa47c35000")) == 100000.0
    assert cbor.loads(bytes.fromhex("c11a514b67b0")) == 1363896240  # tag 1: epoch seconds
    assert cbor.loads(bytes.fromhex("9f018202039f0405ffff")) == [1, [2, 3], [4, 5]]  # indefinite arrays
    assert cbor.loads(bytes.fromhex("7f657374726561646d696e67ff")) == "streaming"
    assert cbor.loads(bytes.fromhex("bf61610161629f0203ffff")) == {"a": 1, "b": [2, 3]}
