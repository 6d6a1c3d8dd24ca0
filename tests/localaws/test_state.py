"""``--state DIR``: everything written survives a restart and a crash (SIGKILL)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from o11yshop.localaws.server import ManualClock, running_endpoint, serve

from .conftest import ClientFactory, make_client_factory

NOW = (int(time.time()) // 60 - 5) * 60


def write_everything(aws: ClientFactory, moto_too: bool) -> dict[str, str]:
    """Write to every service; moto's only when the endpoint runs in its own process (moto's state is
    per process, so an in-process restart would find it still there)."""
    logs, cloudwatch, xray, sns, sqs = (aws(s) for s in ("logs", "cloudwatch", "xray", "sns", "sqs"))
    logs.create_log_group(logGroupName="/kept")
    logs.create_log_stream(logGroupName="/kept", logStreamName="s")
    logs.put_log_events(
        logGroupName="/kept",
        logStreamName="s",
        logEvents=[{"timestamp": NOW * 1000, "message": '{"level": "ERROR"}'}],
    )
    cloudwatch.put_metric_data(
        Namespace="Kept",
        MetricData=[{"MetricName": "Latency", "Timestamp": NOW + 1, "Values": [1.0, 2.0, 3.0]}],
    )
    trace_id = f"1-{NOW:08x}-{secrets.token_hex(12)}"
    segment = {
        "trace_id": trace_id,
        "id": secrets.token_hex(8),
        "name": "api",
        "start_time": NOW,
        "end_time": NOW + 1,
    }
    xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(segment)])
    topic = "arn:aws:sns:us-east-1:123456789012:kept-topic"
    queue_url = ""
    if moto_too:
        topic = sns.create_topic(Name="kept-topic")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="kept-queue")["QueueUrl"]
        sqs.send_message(QueueUrl=queue_url, MessageBody="still here")
    cloudwatch.put_metric_alarm(
        AlarmName="kept-alarm",
        Namespace="Kept",
        MetricName="Latency",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=2.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    return {"trace_id": trace_id, "queue_url": queue_url, "topic": topic}


def check_everything(aws: ClientFactory, written: dict[str, str], alarm_state: str) -> None:
    logs, cloudwatch, xray, sns, sqs = (aws(s) for s in ("logs", "cloudwatch", "xray", "sns", "sqs"))
    events = logs.filter_log_events(logGroupName="/kept", filterPattern='{ $.level = "ERROR" }')["events"]
    assert [e["message"] for e in events] == ['{"level": "ERROR"}']
    points = cloudwatch.get_metric_statistics(
        Namespace="Kept",
        MetricName="Latency",
        StartTime=NOW,
        EndTime=NOW + 60,
        Period=60,
        ExtendedStatistics=["p50"],
    )["Datapoints"]
    assert [p["ExtendedStatistics"]["p50"] for p in points] == [2.0]
    assert [t["Id"] for t in xray.batch_get_traces(TraceIds=[written["trace_id"]])["Traces"]] == [
        written["trace_id"]
    ]
    if written["queue_url"]:
        assert written["topic"] in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
        messages = sqs.receive_message(QueueUrl=written["queue_url"]).get("Messages", [])
        assert [m["Body"] for m in messages] == ["still here"]
    [alarm] = cloudwatch.describe_alarms(AlarmNames=["kept-alarm"])["MetricAlarms"]
    assert alarm["StateValue"] == alarm_state


def test_state_survives_a_restart(tmp_path: Path) -> None:
    clock = ManualClock(NOW + 10)
    with running_endpoint(clock=clock, state_dir=tmp_path) as first:
        written = write_everything(make_client_factory(first.url), moto_too=False)
        clock.set(NOW + 60)
        first.tick()  # max 3 > 2: ALARM, decided by the clock, journalled too
    with running_endpoint(clock=clock, state_dir=tmp_path) as second:
        check_everything(make_client_factory(second.url), written, "ALARM")


def test_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    with running_endpoint(state_dir=tmp_path) as first:
        written = write_everything(make_client_factory(first.url), moto_too=False)
    with open(tmp_path / "journal.jsonl", "ab") as journal:
        journal.write(b'{"k": "op", "t": 1, "s": "logs", "r": "us-e')  # the process died mid-write
    with running_endpoint(state_dir=tmp_path) as second:
        aws = make_client_factory(second.url)
        check_everything(aws, written, "INSUFFICIENT_DATA")
        aws("logs").create_log_group(logGroupName="/after-the-crash")
    with running_endpoint(state_dir=tmp_path) as third:  # what was written after the torn line is kept
        groups = make_client_factory(third.url)("logs").describe_log_groups()["logGroups"]
        assert {g["logGroupName"] for g in groups} == {"/kept", "/after-the-crash"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Any]:
    started: list[subprocess.Popen[bytes]] = []

    def start(port: int) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "o11yshop.cli",
                "local-aws",
                "--port",
                str(port),
                "--state",
                str(tmp_path / "state"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return process
            assert process.poll() is None, "the endpoint exited"
            time.sleep(0.05)
        raise AssertionError("the endpoint did not start within 60 s")

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_state_survives_sigkill(launch: Any) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = launch(port)
    written = write_everything(make_client_factory(url), moto_too=True)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    launch(port)
    check_everything(make_client_factory(url), written, "INSUFFICIENT_DATA")


def test_listens_on_loopback_only(launch: Any) -> None:
    port = _free_port()
    launch(port)
    table = Path("/proc/net/tcp")
    if table.exists():
        listening = [
            fields[1]
            for fields in (line.split() for line in table.read_text().splitlines()[1:])
            if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port
        ]
        assert listening == [f"0100007F:{port:04X}"]  # 127.0.0.1 only, not 0.0.0.0
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        serve("0.0.0.0", port)  # the point is that it is refused


def _port_free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def test_the_command_stands_in_for_the_xray_daemon_on_port_2000(launch: Any) -> None:
    if not _port_free(2000):
        pytest.skip("port 2000 is taken (an X-Ray daemon?)")
    port = _free_port()
    launch(port)
    deadline = time.monotonic() + 10
    while _port_free(2000) and time.monotonic() < deadline:
        time.sleep(0.05)  # the daemon stand-in binds just after the HTTP port opens
    trace_id = f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"
    segment = {"trace_id": trace_id, "id": secrets.token_hex(8), "name": "udp", "start_time": time.time(),
               "end_time": time.time() + 0.1}  # fmt: skip
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.sendto(
            b'{"format": "json", "version": 1}\n' + json.dumps(segment).encode(), ("127.0.0.1", 2000)
        )
    xray = make_client_factory(f"http://127.0.0.1:{port}")("xray")
    found: list[Any] = []
    while not found and time.monotonic() < deadline:
        found = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
        time.sleep(0.05)
    assert [t["Id"] for t in found] == [trace_id]
    sampling = make_client_factory("http://127.0.0.1:2000")(
        "xray"
    ).get_sampling_rules()  # the SDK's TCP address
    assert sampling["SamplingRuleRecords"][0]["SamplingRule"]["RuleName"] == "Default"
