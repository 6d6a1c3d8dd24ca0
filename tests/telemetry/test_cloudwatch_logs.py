"""The CloudWatch Logs shipper against the embedded endpoint, read back with GetLogEvents /
FilterLogEvents: batches within PutLogEvents' limits, an outage survived, every line accounted for."""

from __future__ import annotations

import json
import socket
import time

import boto3

from o11yshop.localaws.server import running_endpoint
from o11yshop.telemetry.cloudwatch_logs import (
    EVENT_OVERHEAD_BYTES,
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    MAX_EVENT_BYTES,
    CloudWatchLogsShipper,
    LogEvent,
    next_batch,
    truncate,
)


def logs_client(url: str):
    return boto3.client(
        "logs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def stored(url: str, group: str, stream: str) -> list[str]:
    client = logs_client(url)
    messages, token = [], None
    while True:
        kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
        if token:
            kwargs["nextToken"] = token
        page = client.get_log_events(**kwargs)
        messages += [e["message"] for e in page["events"]]
        if not page["events"] or page["nextForwardToken"] == token:
            return messages
        token = page["nextForwardToken"]


NOW = int(time.time() * 1000) - 60_000  # a minute ago: well inside what CloudWatch accepts


def line(n: int) -> str:
    return json.dumps({"level": "info", "message": f"line {n}", "n": n})


def test_batches_respect_the_put_log_events_limits():
    many = [LogEvent(1_000 + i, "x") for i in range(MAX_BATCH_EVENTS + 5)]
    assert len(next_batch(many)) == MAX_BATCH_EVENTS
    big = [LogEvent(1_000 + i, "y" * (100_000 - EVENT_OVERHEAD_BYTES)) for i in range(20)]
    batch = next_batch(big)
    assert sum(e.size for e in batch) <= MAX_BATCH_BYTES
    assert len(batch) == 10
    day = 24 * 3600 * 1000
    spread = [LogEvent(0, "a"), LogEvent(day, "b"), LogEvent(day + 1, "c")]
    assert next_batch(spread) == spread[:2]
    text, cut = truncate("é" * MAX_EVENT_BYTES)
    assert cut
    assert len(text.encode()) <= MAX_EVENT_BYTES


def test_lines_arrive_in_order_and_are_counted():
    with running_endpoint() as endpoint:
        shipper = CloudWatchLogsShipper(
            lambda: logs_client(endpoint.url), "/o11yshop/test/ship", "s1", flush_interval=0.05
        ).start()
        for n in range(250):
            shipper.put(NOW + n, line(n))
        assert shipper.flush(timeout=20)
        shipper.close()
        messages = stored(endpoint.url, "/o11yshop/test/ship", "s1")
        group = logs_client(endpoint.url).describe_log_groups(logGroupNamePrefix="/o11yshop/test/ship")
    assert [json.loads(m)["n"] for m in messages] == list(range(250))
    assert group["logGroups"][0]["retentionInDays"] == 7
    stats = shipper.stats()
    assert (stats["accepted"], stats["shipped"], stats["dropped"], stats["pending"]) == (250, 250, 0, 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_outage_loses_nothing_and_the_buffer_bound_is_counted(tmp_path):
    port = free_port()
    state = tmp_path / "aws-state"
    shipper = CloudWatchLogsShipper(
        lambda: logs_client(f"http://127.0.0.1:{port}"),
        "/o11yshop/test/outage",
        "s1",
        flush_interval=0.05,
        max_backoff=0.3,
        max_buffered=300,
    )
    with running_endpoint(port, state_dir=state):
        shipper.start()
        for n in range(100):
            shipper.put(NOW + n, line(n))
        assert shipper.flush(timeout=20)
    # the endpoint is down: lines wait in the buffer; past its bound they are dropped and counted
    for n in range(100, 500):
        shipper.put(NOW + n, line(n))
    assert not shipper.flush(timeout=1.0)
    during = shipper.stats()
    assert during["retries"] >= 1
    assert during["dropped_buffer_full"] == 100
    assert during["pending"] == 300
    with running_endpoint(port, state_dir=state) as endpoint:
        assert shipper.flush(timeout=30)
        shipper.close()
        messages = stored(endpoint.url, "/o11yshop/test/outage", "s1")
    stats = shipper.stats()
    assert stats["accepted"] == 500
    assert stats["shipped"] + stats["dropped"] == 500
    assert stats["dropped"] == 100
    numbers = [json.loads(m)["n"] for m in messages]
    assert numbers == list(range(400))  # the first 400 lines, in order; the last 100 are the counted drops
    assert len(numbers) == stats["shipped"]


def test_close_counts_what_it_could_not_send():
    port = free_port()
    shipper = CloudWatchLogsShipper(
        lambda: logs_client(f"http://127.0.0.1:{port}"), "/g", "s", flush_interval=0.05, max_backoff=0.2
    ).start()
    for n in range(10):
        shipper.put(NOW + n, line(n))
    shipper.close(timeout=0.5)
    stats = shipper.stats()
    assert (stats["shipped"], stats["dropped"], stats["dropped_at_close"], stats["pending"]) == (0, 10, 10, 0)
    shipper.put(NOW, "late")
    assert shipper.stats()["dropped_after_close"] == 1


def test_events_cloudwatch_refuses_are_counted_not_retried():
    with running_endpoint() as endpoint:
        shipper = CloudWatchLogsShipper(
            lambda: logs_client(endpoint.url), "/o11yshop/test/old", "s1", flush_interval=0.05
        ).start()
        shipper.put(NOW - 15 * 24 * 3600 * 1000, line(0))  # 15 days old: past what CloudWatch takes
        shipper.put(NOW, line(1))
        assert shipper.flush(timeout=20)
        shipper.close()
        messages = stored(endpoint.url, "/o11yshop/test/old", "s1")
    assert [json.loads(m)["n"] for m in messages] == [1]
    stats = shipper.stats()
    assert (stats["shipped"], stats["dropped"], stats["dropped_rejected"]) == (1, 1, 1)
