"""The shop in an observability mode, as a learner starts it (`o11yshop migrate`, `seed`, `up`: local
AWS, inventory and api as processes), with boto3 clients of the embedded endpoint to read back what
arrived, and the polling helpers the telemetry tests share.

The two modes write the same log lines differently: in aws mode each CloudWatch event is the JSON
line itself; in otel mode it is an OpenTelemetry log record, the line's fields under
``attributes``, its message as ``body`` and its level as ``severityText``. ``Shop.where`` writes a
filter pattern for either, and ``Shop.line`` reads an event back as the line's fields, so one
assertion holds in both modes. Metric (EMF) documents are the same in both: plain patterns."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

CLI = [sys.executable, "-m", "o11yshop.cli"]
ADMIN_PASSWORD = "right-password-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(base: str, seconds: float = 120, path: str = "/api/health/ready") -> None:
    """Poll (bounded) until the service says it is ready (the api: both services up, database
    reachable)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}{path}", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)


@dataclass
class Shop:
    mode: str
    base: str
    env: dict[str, str]
    logs: Any
    cloudwatch: Any
    xray: Any
    output: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30)

    def field(self, name: str) -> str:
        """Where a log line's field is in a CloudWatch event of this mode, as a JSON selector."""
        if self.mode != "otel":
            return f"$.{name}"
        return {"message": "$.body", "level": "$.severityText"}.get(name, f"$.attributes.{name}")

    def where(self, **fields: str | int) -> str:
        """A FilterLogEvents pattern for the log lines whose fields have these values."""
        terms = [f"{self.field(k)} = {json.dumps(v)}" for k, v in fields.items()]
        return "{ " + " && ".join(terms) + " }"

    def line(self, event: dict[str, Any]) -> dict[str, Any]:
        """A log line's fields, from a CloudWatch event of either mode."""
        if self.mode != "otel" or "attributes" not in event:
            return event
        return {**event["attributes"], "message": event.get("body"), "level": event.get("severityText")}

    def lines(self, service: str, count: int = 1, **fields: str | int) -> list[dict[str, Any]]:
        """Poll (bounded) until ``count`` lines of ``service`` have these field values."""
        found = wait_for(self.logs, log_group(service), self.where(**fields), count)
        return [self.line(event) for event in found]


def log_group(service: str) -> str:
    return f"/o11yshop/development/{service}"


def seeded_shop_env(tmp: Path, mode: str, aws_port: int, **extra: str) -> tuple[dict[str, str], str]:
    """The environment of a shop in ``mode`` on its own ports and a migrated, seeded SQLite file in
    ``tmp``, sending telemetry to the endpoint on ``aws_port``; and the api's base URL."""
    env = os.environ | {
        "O11YSHOP_DATABASE_URL": f"sqlite:///{tmp / 'shop.db'}",
        "O11YSHOP_MEDIA_DIR": str(tmp / "media"),
        "O11YSHOP_API_PORT": str(free_port()),
        "O11YSHOP_INVENTORY_PORT": str(free_port()),
        "O11YSHOP_TELEMETRY": mode,
        "O11YSHOP_AWS_ENDPOINT_URL": f"http://127.0.0.1:{aws_port}",
        "O11YSHOP_METRICS_INTERVAL_SECONDS": "1",
        "O11YSHOP_ENV": "development",
        **extra,
    }
    for step in (["migrate"], ["seed"]):
        subprocess.run([*CLI, *step], env=env, check=True, capture_output=True, timeout=300)
    return env, f"http://127.0.0.1:{env['O11YSHOP_API_PORT']}"


def start_shop(tmp: Path, mode: str) -> tuple[Shop, subprocess.Popen[str]]:
    aws_port = free_port()
    env, base = seeded_shop_env(
        tmp,
        mode,
        aws_port,
        O11YSHOP_LOCAL_AWS_PORT=str(aws_port),
        O11YSHOP_XRAY_DAEMON_PORT="0",  # leave port 2000 to a test of its own
        O11YSHOP_LOCAL_AWS_STATE_DIR=str(tmp / "aws"),
        O11YSHOP_ADMIN_PASSWORD=ADMIN_PASSWORD,
    )
    output = tmp / "up.log"
    up = subprocess.Popen([*CLI, "up"], env=env, stdout=output.open("w"), stderr=subprocess.STDOUT, text=True)
    wait_ready(base)
    logs, cloudwatch, xray = (
        boto3.client(
            name,
            endpoint_url=env["O11YSHOP_AWS_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        for name in ("logs", "cloudwatch", "xray")
    )
    return Shop(mode, base, env, logs, cloudwatch, xray, output), up


def count_events(logs: Any, group: str, stream: str) -> int:
    """How many events one log stream holds (GetLogEvents, paged from the head)."""
    total, token = 0, None
    while True:
        kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
        if token:
            kwargs["nextToken"] = token
        page = logs.get_log_events(**kwargs)
        total += len(page["events"])
        if not page["events"] or page["nextForwardToken"] == token:
            return total
        token = page["nextForwardToken"]


def events(logs: Any, group: str, pattern: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    token = None
    while True:
        kwargs = {"logGroupName": group, "filterPattern": pattern}
        if token:
            kwargs["nextToken"] = token
        try:
            page = logs.filter_log_events(**kwargs)
        except logs.exceptions.ResourceNotFoundException:
            return []
        found += [json.loads(e["message"]) for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            return found


def wait_for(
    logs: Any, group: str, pattern: str, count: int = 1, seconds: float = 30
) -> list[dict[str, Any]]:
    """Poll (bounded) until ``count`` events match: the shipper sends about once a second."""
    deadline = time.monotonic() + seconds
    while True:
        found = events(logs, group, pattern)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def segments_sent(shop: Shop, seconds: float = 30) -> dict[str, int]:
    """Wait (bounded) until the api's segment shipper has nothing pending; return its counts."""
    deadline = time.monotonic() + seconds
    while True:
        counts: dict[str, int] = httpx.get(f"{shop.base}/api/health/telemetry", timeout=5).json()["segments"]
        if counts["pending"] == 0 or time.monotonic() > deadline:
            return counts
        time.sleep(0.1)
