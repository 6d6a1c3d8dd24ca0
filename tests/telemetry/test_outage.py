"""Telemetry never breaks the shop: with the AWS endpoint gone for 60 s under steady traffic, no
request fails, and afterwards every log line has arrived or is counted as dropped."""

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

OUTAGE_SECONDS = 60


def test_a_60_second_outage_costs_no_request_and_no_uncounted_line(tmp_path):
    aws_port = free_port()
    state = tmp_path / "aws"
    env, base = seeded_shop_env(tmp_path, "aws", aws_port)
    statuses: list[int] = []
    stop_traffic = threading.Event()

    def steady_traffic() -> None:
        with httpx.Client(base_url=base, timeout=30) as shop:
            while not stop_traffic.is_set():
                statuses.append(shop.get("/api/products", params={"page_size": 5}).status_code)
                stop_traffic.wait(0.05)

    endpoint = running_endpoint(aws_port, state_dir=state)
    endpoint.__enter__()
    processes = [
        subprocess.Popen(
            [*CLI, "serve", service], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for service in ("inventory", "api")
    ]
    try:
        wait_ready(base)
        traffic = threading.Thread(target=steady_traffic)
        traffic.start()
        time.sleep(3)  # traffic with the endpoint up
        endpoint.__exit__(None, None, None)
        outage_started = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        during = httpx.get(f"{base}/api/health/telemetry").json()
        endpoint = running_endpoint(aws_port, state_dir=state)
        endpoint.__enter__()
        print(f"outage of {time.monotonic() - outage_started:.0f} s; shipper then: {during}")
        time.sleep(3)  # traffic with the endpoint back
        stop_traffic.set()
        traffic.join()

        assert len(statuses) > 300
        assert set(statuses) == {200}, f"{len(statuses) - statuses.count(200)} requests failed"
        assert during["pending"] > 0
        assert during["retries"] >= 1

        # bounded wait until every line accepted before it is shipped or dropped and no segment is
        # pending (each shipper backs off on its own; each poll logs a line of its own)
        deadline = time.monotonic() + 60
        accepted_before = httpx.get(f"{base}/api/health/telemetry").json()["accepted"]
        while time.monotonic() < deadline:
            after = httpx.get(f"{base}/api/health/telemetry").json()
            if after["shipped"] + after["dropped"] >= accepted_before and after["segments"]["pending"] == 0:
                break
            time.sleep(0.25)
        logs = boto3.client(
            "logs",
            endpoint_url=env["O11YSHOP_AWS_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        stored = count_events(logs, after["log_group"], after["log_stream"])
        print(f"after: {after}; events stored: {stored}")
        assert after["shipped"] + after["dropped"] >= accepted_before
        assert after["accepted"] == after["shipped"] + after["dropped"] + after["pending"]
        segments = after["segments"]  # the sampled requests' traces waited for the endpoint too
        assert segments["accepted"] > 0
        assert segments["pending"] == 0
        assert segments["accepted"] == segments["shipped"] + segments["dropped"]
        assert during["segments"]["pending"] > 0
        # the stats request's own access line is logged after the stats were read: allow a few
        assert after["shipped"] <= stored
        assert stored - after["shipped"] <= 5 + after["pending"]
    finally:
        stop_traffic.set()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        endpoint.__exit__(None, None, None)
