"""Metrics (O-METRIC-01, 03, 04, 05): recorded in memory, flushed as EMF, turned into CloudWatch
metrics by the embedded endpoint, read back with GetMetricStatistics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from o11yshop.localaws.server import running_endpoint
from o11yshop.telemetry import catalogue
from o11yshop.telemetry.cloudwatch_logs import CloudWatchLogsShipper
from o11yshop.telemetry.metrics import MetricRecorder
from o11yshop.telemetry.putmetricdata import PutMetricDataSender

RED = {"Route": "/api/products", "Method": "GET", "StatusClass": "2xx"}


def test_counters_add_up_and_distributions_keep_every_value():
    recorder = MetricRecorder("api")
    for ms in range(1, 251):
        recorder.record(catalogue.LATENCY, ms, **RED)
        recorder.record(catalogue.REQUESTS, 1, **RED)
    recorder.record(catalogue.ORDERS_PLACED)
    documents = [json.loads(d) for d in recorder.documents(timestamp_ms=1_000)]
    red = [d for d in documents if d.get("Route") == "/api/products"]
    assert [len(d["Latency"]) for d in red] == [100, 100, 50]  # EMF takes at most 100 values a metric
    assert sum(v for d in red for v in d["Latency"]) == sum(range(1, 251))
    assert [d.get("Requests") for d in red] == [250, None, None]  # counted once, not per chunk
    directive = red[0]["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "o11yshop"
    assert directive["Dimensions"] == [["Service", "Route", "Method", "StatusClass"]]
    assert {"Name": "Latency", "Unit": "Milliseconds"} in directive["Metrics"]
    orders = next(d for d in documents if "OrdersPlaced" in d)
    assert (orders["Service"], orders["OrdersPlaced"], orders["_aws"]["Timestamp"]) == ("api", 1, 1_000)
    assert recorder.documents() == []  # taken: the next flush starts empty


def test_undeclared_dimensions_are_refused_and_off_records_nothing():
    recorder = MetricRecorder("api")
    with pytest.raises(ValueError, match="takes dimensions"):
        recorder.record(catalogue.REQUESTS, 1, Route="/x")  # Method and StatusClass missing
    with pytest.raises(ValueError, match="takes dimensions"):
        recorder.record(catalogue.ORDERS_PLACED, 1, UserId="42")  # a high-cardinality mistake
    off = MetricRecorder("api", enabled=False)
    off.record(catalogue.ORDERS_PLACED)
    assert off.documents() == []


@pytest.mark.parametrize("transport", ["emf", "putmetricdata"])
def test_both_transports_become_metrics_with_percentiles(transport):
    with running_endpoint() as endpoint:

        def client(service):
            return boto3.client(
                service,
                endpoint_url=endpoint.url,
                region_name="us-east-1",
                aws_access_key_id="test",
                aws_secret_access_key="test",
            )

        shipper = CloudWatchLogsShipper(
            lambda: client("logs"), "/o11yshop/test/emf", "s", flush_interval=0.05
        ).start()
        recorder = MetricRecorder("api", sink=shipper.put)
        if transport == "putmetricdata":
            recorder.sender = PutMetricDataSender(lambda: client("cloudwatch"))
        for ms in range(1, 101):
            recorder.record(catalogue.LATENCY, ms, **RED)
            recorder.record(catalogue.REQUESTS, 1, **RED)
        calls = recorder.flush()
        assert shipper.flush(timeout=20)
        shipper.close()
        now = datetime.now(UTC)

        def red_statistics(name: str, **wanted: list[str]) -> list[dict]:
            return client("cloudwatch").get_metric_statistics(
                Namespace="o11yshop",
                MetricName=name,
                Dimensions=[{"Name": k, "Value": v} for k, v in ({"Service": "api"} | RED).items()],
                StartTime=now - timedelta(minutes=5),
                EndTime=now + timedelta(minutes=1),
                Period=3600,
                **wanted,
            )["Datapoints"]

        [point] = red_statistics(
            "Latency", Statistics=["SampleCount", "Maximum"], ExtendedStatistics=["p50", "p99"]
        )
        requests = red_statistics("Requests", Statistics=["Sum"])
        logs = client("logs")
        try:
            log_events = logs.filter_log_events(logGroupName="/o11yshop/test/emf")["events"]
        except logs.exceptions.ResourceNotFoundException:  # nothing was ever shipped
            log_events = []
    assert (point["SampleCount"], point["Maximum"]) == (100, 100)
    assert point["ExtendedStatistics"] == {"p50": 50.0, "p99": 99.0}
    assert point["Unit"] == "Milliseconds"
    assert [p["Sum"] for p in requests] == [100]
    if transport == "putmetricdata":  # one API call, nothing in the log stream
        assert calls == 1
        assert log_events == []
    else:  # no metrics API call: one EMF document (100 values fit; the counter rides along)
        assert len(log_events) == 1


@pytest.mark.parametrize(("transport", "sender"), [("emf", "None"), ("putmetricdata", "PutMetricDataSender")])
def test_the_setting_chooses_the_transport(transport, sender):
    configure = (
        "from o11yshop import telemetry; from o11yshop.config import get_settings; "
        "state = telemetry.configure(get_settings(), 'api'); "
        "print(type(state.recorder.sender).__name__ if state.recorder.sender else None); "
        "telemetry.shutdown(0.5)"
    )
    env = os.environ | {
        "O11YSHOP_TELEMETRY": "aws",
        "O11YSHOP_METRICS_TRANSPORT": transport,
        "O11YSHOP_AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens: nothing is sent
    }
    done = subprocess.run(
        [sys.executable, "-c", configure], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    printed = [line for line in done.stdout.splitlines() if not line.startswith("{")]  # not log lines
    assert printed == [sender]
