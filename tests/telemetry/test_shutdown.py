"""Stopping a process sends what it still holds: the last log lines and the last metrics interval
reach CloudWatch before it exits (uvicorn re-raises SIGTERM after its own shutdown, so this must
happen inside the app's lifespan, not after the server returns)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid

import boto3
import httpx

from o11yshop.localaws.server import running_endpoint

from conftest import free_port
from telemetry_shop import CLI, wait_ready


def test_sigterm_flushes_the_last_lines_and_metrics(tmp_path):
    port = free_port()
    with running_endpoint() as endpoint:
        env = os.environ | {
            "O11YSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
            "O11YSHOP_INVENTORY_PORT": str(port),
            "O11YSHOP_TELEMETRY": "aws",
            "O11YSHOP_AWS_ENDPOINT_URL": endpoint.url,
            "O11YSHOP_METRICS_INTERVAL_SECONDS": "60",  # only the shutdown flush can send them
            "O11YSHOP_ENV": "development",
        }
        subprocess.run([*CLI, "migrate"], env=env, check=True, capture_output=True)
        inventory = subprocess.Popen(
            [*CLI, "serve", "inventory"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base)
            marker = f"last-{uuid.uuid4().hex[:8]}"
            assert httpx.get(f"{base}/api/stock/1", headers={"X-Request-Id": marker}).status_code in (
                200,
                404,
            )
        finally:
            inventory.send_signal(signal.SIGTERM)
            inventory.wait(timeout=30)
        logs = boto3.client(
            "logs",
            endpoint_url=endpoint.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        group = "/o11yshop/development/inventory"
        lines = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=group)["events"]]
    assert any(line.get("request_id") == marker and line.get("logger") == "o11yshop.access" for line in lines)
    metrics = [line for line in lines if "_aws" in line and line.get("Route") == "/api/stock/{product_id}"]
    assert metrics  # the interval that had not ended yet
