"""otel mode never breaks the shop either: the processes start before the AWS endpoint is up, then
lose it for 10 s under steady traffic. No request fails or waits on telemetry; the lines logged
before the endpoint existed arrive once it does (the log exporter makes the group and stream first,
retrying); and afterwards every record and span is shipped or counted as dropped.

Unlike aws mode's shippers, which keep every line in their buffer until the endpoint returns, the
OpenTelemetry batch processors hand a batch to the exporter once: the batch being sent when the
endpoint went away is dropped (and counted) after the exporter's own retries; the ones queued
behind it wait, within the queue's bound."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import boto3
import httpx

from o11yshop.localaws.server import running_endpoint

from conftest import free_port
from telemetry_shop import CLI, count_events, seeded_shop_env, wait_ready

OUTAGE_SECONDS = 10


def settled(base: str, seconds: float = 90) -> tuple[dict, int]:
    """The api's telemetry counts once every record accepted before the wait is shipped or
    dropped and no span is pending (bounded poll: the exporters retry), and that first count.
    Each poll logs an access line of its own, so "nothing pending" may never be seen."""
    deadline = time.monotonic() + seconds
    before = httpx.get(f"{base}/api/health/telemetry").json()["accepted"]
    while True:
        counts = httpx.get(f"{base}/api/health/telemetry").json()
        done = counts["shipped"] + counts["dropped"] >= before and counts["segments"]["pending"] == 0
        if done or time.monotonic() > deadline:
            return counts, before
        time.sleep(0.25)


def test_a_late_endpoint_and_an_outage_cost_no_request_and_no_uncounted_record(tmp_path):
    aws_port = free_port()
    state = tmp_path / "aws"
    env, base = seeded_shop_env(tmp_path, "otel", aws_port)
    answers: list[tuple[int, float]] = []
    stop_traffic = threading.Event()

    def steady_traffic() -> None:
        with httpx.Client(base_url=base, timeout=30) as shop:
            while not stop_traffic.is_set():
                began = time.monotonic()
                status = shop.get("/api/products", params={"page_size": 5}).status_code
                answers.append((status, time.monotonic() - began))
                stop_traffic.wait(0.05)

    processes = [  # the endpoint is not there yet
        subprocess.Popen(
            [*CLI, "serve", service], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for service in ("inventory", "api")
    ]
    endpoint = None
    try:
        wait_ready(base)
        traffic = threading.Thread(target=steady_traffic)
        traffic.start()
        time.sleep(3)  # traffic with no endpoint at all
        endpoint = running_endpoint(aws_port, state_dir=state)
        endpoint.__enter__()
        time.sleep(4)  # traffic with the endpoint up
        endpoint.__exit__(None, None, None)
        time.sleep(OUTAGE_SECONDS)
        during = httpx.get(f"{base}/api/health/telemetry").json()
        endpoint = running_endpoint(aws_port, state_dir=state)
        endpoint.__enter__()
        time.sleep(3)  # traffic with the endpoint back
        stop_traffic.set()
        traffic.join()

        statuses = [status for status, _ in answers]
        assert len(statuses) > 50
        assert set(statuses) == {200}, f"{len(statuses) - statuses.count(200)} requests failed"
        # an exporter waits up to 10 s on a dead endpoint, and retries its stream for longer: a
        # request that waited on telemetry would take that long
        assert max(seconds for _, seconds in answers) < 5
        assert during["mode"] == "otel"
        assert during["pending"] > 0  # records wait in the queue while the exporter retries

        after, accepted_before = settled(base)
        print(f"during the outage: {during}\nafter: {after}")
        assert after["shipped"] + after["dropped"] >= accepted_before  # nothing before the wait is left
        assert after["accepted"] == after["shipped"] + after["dropped"] + after["pending"]
        assert after["shipped"] > 0
        segments = after["segments"]
        assert segments["pending"] == 0
        assert segments["accepted"] == segments["shipped"] + segments["dropped"] > 0

        logs = boto3.client(
            "logs",
            endpoint_url=env["O11YSHOP_AWS_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        group, stream = after["log_group"], after["log_stream"]
        # logged before the endpoint existed: the exporter made the stream, then sent them
        started = logs.filter_log_events(
            logGroupName=group,
            logStreamNames=[stream],
            filterPattern='{ $.body = "Application startup complete." }',
        )["events"]
        assert len(started) == 1
        # records and EMF documents share the stream; the stats request's own access line is
        # logged after the stats were read: allow a few
        stored = count_events(logs, group, stream)
        assert after["shipped"] <= stored <= after["shipped"] + 5
    finally:
        stop_traffic.set()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        if endpoint is not None:
            endpoint.__exit__(None, None, None)
