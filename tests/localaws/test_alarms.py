"""Alarms on a clock the test moves, with SNS notifications delivered to SQS and to an HTTP endpoint.

Expected behaviour from the CloudWatch user guide ("Using Amazon CloudWatch alarms", "Configuring how
CloudWatch alarms treat missing data", "Alarm events and EventBridge"/SNS message contents).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.exceptions import ClientError

from o11yshop.localaws.server import Endpoint, ManualClock, running_endpoint

from .conftest import ClientFactory, make_client_factory

START = (int(time.time()) // 60 - 30) * 60  # a whole minute, half an hour ago


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def timed(clock: ManualClock) -> Iterator[Endpoint]:
    with running_endpoint(clock=clock) as endpoint:
        yield endpoint


@pytest.fixture
def clients(timed: Endpoint) -> ClientFactory:
    return make_client_factory(timed.url)


class _Collector(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_subscriber() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Collector", (_Collector,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alarms", received
    server.shutdown()
    server.server_close()


def topic_with_queue(clients: ClientFactory, name: str) -> tuple[str, str]:
    """A fresh topic and queue (moto's state outlives an endpoint within the process)."""
    name = f"{name}-{secrets.token_hex(4)}"
    sns, sqs = clients("sns"), clients("sqs")
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"{name}-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, queue_url


def drain(clients: ClientFactory, queue_url: str) -> list[dict[str, Any]]:
    sqs = clients("sqs")
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def put_latencies(clients: ClientFactory, minute: int, values: list[float]) -> None:
    clients("cloudwatch").put_metric_data(
        Namespace="Shop/API",
        MetricData=[
            {
                "MetricName": "Latency",
                "Dimensions": [{"Name": "Service", "Value": "api"}],
                "Timestamp": START + minute * 60 + 10,
                "Values": values,
                "Unit": "Milliseconds",
            }
        ],
    )


def state(clients: ClientFactory, name: str, composite: bool = False) -> str:
    kinds = ["CompositeAlarm"] if composite else ["MetricAlarm"]
    alarms = clients("cloudwatch").describe_alarms(AlarmNames=[name], AlarmTypes=kinds)
    found = alarms["CompositeAlarms" if composite else "MetricAlarms"]
    return str(found[0]["StateValue"])


def test_p99_latency_alarm_goes_ok_alarm_ok_and_notifies_sqs_and_http(
    clients: ClientFactory,
    timed: Endpoint,
    clock: ManualClock,
    http_subscriber: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = http_subscriber
    topic, queue_url = topic_with_queue(clients, "latency-alarms")
    clients("sns").subscribe(TopicArn=topic, Protocol="http", Endpoint=url)
    cloudwatch = clients("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="api-p99-latency",
        AlarmDescription="p99 latency of the api above 500 ms",
        Namespace="Shop/API",
        MetricName="Latency",
        Dimensions=[{"Name": "Service", "Value": "api"}],
        ExtendedStatistic="p99",
        Period=60,
        EvaluationPeriods=1,
        Threshold=500.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
        OKActions=[topic],
        InsufficientDataActions=[topic],
    )
    assert state(clients, "api-p99-latency") == "INSUFFICIENT_DATA"
    normal = [float(v) for v in range(1, 101)]  # p99 = 99
    slow = [float(v) for v in range(1, 99)] + [2000.0, 2000.0]  # p99 = 2000

    put_latencies(clients, 0, normal)
    clock.set(START + 60)
    timed.tick()
    assert state(clients, "api-p99-latency") == "OK"

    put_latencies(clients, 1, slow)
    clock.set(START + 120)  # one period after the data changed
    timed.tick()
    assert state(clients, "api-p99-latency") == "ALARM"

    put_latencies(clients, 2, normal)
    clock.set(START + 180)
    timed.tick()
    assert state(clients, "api-p99-latency") == "OK"

    clock.set(START + 240)  # minute 3 has no data: with missing data treated as missing
    timed.tick()
    assert state(clients, "api-p99-latency") == "INSUFFICIENT_DATA"

    envelopes = drain(clients, queue_url)
    messages = [json.loads(e["Message"]) for e in envelopes]
    assert [(m["OldStateValue"], m["NewStateValue"]) for m in messages] == [
        ("INSUFFICIENT_DATA", "OK"),
        ("OK", "ALARM"),
        ("ALARM", "OK"),
        ("OK", "INSUFFICIENT_DATA"),
    ]
    alarm = messages[1]
    assert envelopes[1]["Subject"] == 'ALARM: "api-p99-latency" in US East (N. Virginia)'
    assert alarm["AlarmName"] == "api-p99-latency"
    assert alarm["AlarmDescription"] == "p99 latency of the api above 500 ms"
    assert alarm["AWSAccountId"] == "123456789012"
    assert alarm["Region"] == "US East (N. Virginia)"
    assert alarm["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-p99-latency"
    assert alarm["NewStateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [2000.0")
    assert alarm["AlarmActions"] == [topic]
    assert alarm["OKActions"] == [topic]
    assert alarm["InsufficientDataActions"] == [topic]
    assert alarm["Trigger"] == {
        "MetricName": "Latency",
        "Namespace": "Shop/API",
        "StatisticType": "ExtendedStatistic",
        "ExtendedStatistic": "p99",
        "Unit": None,
        "Dimensions": [{"value": "api", "name": "Service"}],
        "Period": 60,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 500.0,
        "TreatMissingData": "missing",
        "EvaluateLowSampleCountPercentile": "",
    }

    deadline = time.monotonic() + 5
    while len(received) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    notifications = [r for r in received if r.get("Type") == "Notification"]
    states = [json.loads(n["Message"])["NewStateValue"] for n in notifications]
    assert states == ["OK", "ALARM", "OK", "INSUFFICIENT_DATA"]

    history = cloudwatch.describe_alarm_history(AlarmName="api-p99-latency", HistoryItemType="StateUpdate")
    assert [h["HistorySummary"] for h in history["AlarmHistoryItems"]] == [
        "Alarm updated from OK to INSUFFICIENT_DATA",
        "Alarm updated from ALARM to OK",
        "Alarm updated from OK to ALARM",
        "Alarm updated from INSUFFICIENT_DATA to OK",
    ]


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        # one datapoint of three present and not breaching; the other two missing
        ("breaching", "ALARM"),  # 2 missing count as breaching: 2 of 3
        ("notBreaching", "OK"),
        ("missing", "OK"),  # the one present datapoint does not breach
        ("ignore", "OK"),
    ],
)
def test_missing_data_treatment_with_m_of_n(
    clients: ClientFactory, timed: Endpoint, clock: ManualClock, treatment: str, expected: str
) -> None:
    cloudwatch = clients("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="errors",
        Namespace="Shop/API",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=3,
        DatapointsToAlarm=2,
        Threshold=5.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData=treatment,
    )
    cloudwatch.put_metric_data(
        Namespace="Shop/API", MetricData=[{"MetricName": "Errors", "Timestamp": START + 70, "Value": 1.0}]
    )
    clock.set(START + 180)  # evaluates minutes 0, 1 and 2
    timed.tick()
    assert state(clients, "errors") == expected


@pytest.mark.parametrize(("treatment", "expected"), [("missing", "INSUFFICIENT_DATA"), ("ignore", "ALARM")])
def test_all_datapoints_missing(
    clients: ClientFactory, timed: Endpoint, clock: ManualClock, treatment: str, expected: str
) -> None:
    cloudwatch = clients("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="quiet",
        Namespace="Shop/API",
        MetricName="Nothing",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=2,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData=treatment,
    )
    cloudwatch.set_alarm_state(AlarmName="quiet", StateValue="ALARM", StateReason="testing")
    clock.set(START + 600)
    timed.tick()
    assert state(clients, "quiet") == expected


def test_three_of_five_with_missing_data(clients: ClientFactory, timed: Endpoint, clock: ManualClock) -> None:
    # The guide's table: "- - X - -" with 3 of 5 and missing data treated as missing goes to ALARM,
    # because every datapoint present breaches.
    cloudwatch = clients("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="sparse",
        Namespace="Shop/API",
        MetricName="Sparse",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=5,
        DatapointsToAlarm=3,
        Threshold=10.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    cloudwatch.put_metric_data(
        Namespace="Shop/API", MetricData=[{"MetricName": "Sparse", "Timestamp": START + 130, "Value": 50.0}]
    )
    clock.set(START + 300)
    timed.tick()
    assert state(clients, "sparse") == "ALARM"


def test_alarm_on_metric_math_and_a_composite_alarm(
    clients: ClientFactory, timed: Endpoint, clock: ManualClock
) -> None:
    cloudwatch = clients("cloudwatch")
    topic, queue_url = topic_with_queue(clients, "composite")

    def stat(name: str) -> dict[str, Any]:
        return {"Metric": {"Namespace": "Shop/RED", "MetricName": name}, "Period": 60, "Stat": "Sum"}

    cloudwatch.put_metric_alarm(
        AlarmName="error-rate",
        Metrics=[
            {"Id": "errors", "MetricStat": stat("Errors"), "ReturnData": False},
            {"Id": "requests", "MetricStat": stat("Requests"), "ReturnData": False},
            {"Id": "rate", "Expression": "100 * errors / requests", "Label": "error %"},
        ],
        EvaluationPeriods=1,
        Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    cloudwatch.put_metric_alarm(
        AlarmName="manual",
        Namespace="Shop/RED",
        MetricName="Unused",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="ignore",
    )
    cloudwatch.put_composite_alarm(
        AlarmName="shop-unhealthy",
        AlarmRule='ALARM("error-rate") OR ALARM("manual")',
        AlarmActions=[topic],
        OKActions=[topic],
    )
    cloudwatch.put_metric_data(
        Namespace="Shop/RED",
        MetricData=[
            {"MetricName": "Requests", "Timestamp": START + 10, "Value": 100.0},
            {"MetricName": "Errors", "Timestamp": START + 10, "Value": 2.0},
            {"MetricName": "Requests", "Timestamp": START + 70, "Value": 100.0},
            {"MetricName": "Errors", "Timestamp": START + 70, "Value": 20.0},
        ],
    )
    clock.set(START + 60)
    timed.tick()
    assert state(clients, "error-rate") == "OK"  # 2 %
    assert state(clients, "shop-unhealthy", composite=True) == "OK"
    clock.set(START + 120)
    timed.tick()
    assert state(clients, "error-rate") == "ALARM"  # 20 %
    assert state(clients, "shop-unhealthy", composite=True) == "ALARM"

    cloudwatch.set_alarm_state(AlarmName="error-rate", StateValue="OK", StateReason="fixed by hand")
    assert state(clients, "shop-unhealthy", composite=True) == "OK"
    cloudwatch.set_alarm_state(AlarmName="manual", StateValue="ALARM", StateReason="testing")
    assert state(clients, "shop-unhealthy", composite=True) == "ALARM"

    messages = [json.loads(e["Message"]) for e in drain(clients, queue_url)]
    assert [m["NewStateValue"] for m in messages] == ["OK", "ALARM", "OK", "ALARM"]
    assert all(m["AlarmName"] == "shop-unhealthy" for m in messages)
    assert (
        cloudwatch.describe_alarms(AlarmNames=["shop-unhealthy"])["CompositeAlarms"] == []
    )  # metric alarms only


def test_set_alarm_state_runs_actions_and_unknown_actions_are_refused(clients: ClientFactory) -> None:
    cloudwatch = clients("cloudwatch")
    topic, queue_url = topic_with_queue(clients, "manual")
    alarm = {
        "AlarmName": "by-hand",
        "Namespace": "Shop",
        "MetricName": "X",
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    cloudwatch.put_metric_alarm(**alarm, AlarmActions=[topic])
    cloudwatch.set_alarm_state(AlarmName="by-hand", StateValue="ALARM", StateReason="drill")
    [envelope] = drain(clients, queue_url)
    assert json.loads(envelope["Message"])["NewStateReason"] == "drill"
    with pytest.raises(ClientError) as caught:
        cloudwatch.put_metric_alarm(**alarm, AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])
    assert "arn:aws:automate:us-east-1:ec2:stop" in str(caught.value)
