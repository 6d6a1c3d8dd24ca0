"""Benchmark of the local AWS endpoint: memory with a realistic load, and Logs Insights latency.

Targets (issue 4): under 200 MB RSS with 100,000 log events, 100,000 metric values and 10,000
segments stored; a Logs Insights query over 100,000 events answers in under 2 s.

Run: ``uv run --frozen python benchmarks/localaws_bench.py``. The endpoint runs as its own process
(``o11yshop local-aws``), so its RSS is measured alone, from /proc.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from typing import Any

import boto3

EVENTS = 100_000
METRIC_VALUES = 100_000
SEGMENTS = 10_000


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1")


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "o11yshop.cli", "local-aws", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("endpoint did not start")
            time.sleep(0.1)
        logs, cloudwatch, xray = client("logs", url), client("cloudwatch", url), client("xray", url)
        logs.describe_log_groups()
        print(f"idle RSS: {rss_mb(process.pid):.0f} MB")
        rng = random.Random(4)
        now = int(time.time())
        start_ms = (now - 3000) * 1000

        began = time.perf_counter()
        logs.create_log_group(logGroupName="/bench")
        for stream in range(10):
            logs.create_log_stream(logGroupName="/bench", logStreamName=f"s{stream}")
            batch = []
            for i in range(EVENTS // 10):
                service = rng.choice(["api", "inventory", "worker"])
                level = rng.choices(["INFO", "WARN", "ERROR"], weights=[90, 7, 3])[0]
                body = {
                    "level": level,
                    "service": service,
                    "route": rng.choice(["/api/products", "/api/cart", "/api/orders"]),
                    "latency": round(rng.lognormvariate(3.5, 0.6), 1),
                    "request_id": secrets.token_hex(8),
                    "message": "request finished",
                }
                batch.append({"timestamp": start_ms + i * 25, "message": json.dumps(body)})
            logs.put_log_events(logGroupName="/bench", logStreamName=f"s{stream}", logEvents=batch)
        print(f"stored {EVENTS} log events in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        per_datum = 150
        data = []
        for index in range(METRIC_VALUES // per_datum + 1):
            count = min(per_datum, METRIC_VALUES - index * per_datum)
            if count <= 0:
                break
            data.append(
                {
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Service", "Value": ["api", "inventory", "worker"][index % 3]}],
                    "Timestamp": now - 3000 + index * 4,
                    "Values": [round(rng.lognormvariate(3.5, 0.6), 1) for _ in range(count)],
                    "Unit": "Milliseconds",
                }
            )
        for chunk in range(0, len(data), 500):
            cloudwatch.put_metric_data(Namespace="Bench", MetricData=data[chunk : chunk + 500])
        print(f"stored {METRIC_VALUES} metric values in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        documents = []
        for _ in range(SEGMENTS // 2):
            trace_id = f"1-{now - 600:08x}-{secrets.token_hex(12)}"
            call_id = secrets.token_hex(8)
            t0 = now - rng.randint(0, 500)
            fault = rng.random() < 0.05
            documents.append(
                {
                    "trace_id": trace_id, "id": secrets.token_hex(8), "name": "api", "start_time": t0,
                    "end_time": t0 + 0.2, "fault": fault,
                    "http": {"response": {"status": 500 if fault else 200}},
                    "annotations": {"route": "/api/orders"},
                    "subsegments": [{"id": call_id, "name": "inventory", "start_time": t0 + 0.01,
                                     "end_time": t0 + 0.15, "namespace": "remote", "fault": fault}],
                }
            )  # fmt: skip
            documents.append(
                {"trace_id": trace_id, "id": secrets.token_hex(8), "name": "inventory", "parent_id": call_id,
                 "start_time": t0 + 0.02, "end_time": t0 + 0.14, "fault": fault}
            )  # fmt: skip
        for chunk in range(0, len(documents), 50):
            xray.put_trace_segments(
                TraceSegmentDocuments=[json.dumps(d) for d in documents[chunk : chunk + 50]]
            )
        print(f"stored {SEGMENTS} segments in {time.perf_counter() - began:.1f} s")

        print(f"RSS with everything stored: {rss_mb(process.pid):.0f} MB (target < 200 MB)")

        for query in (
            'filter level = "ERROR" | stats count(*) by service, bin(1m)',
            "stats avg(latency), pct(latency, 99) by route",
            "fields @timestamp, latency | filter latency > 100 | sort latency desc | limit 20",
            "filter @message like /finished/ and latency > 50 | stats count(*), max(latency) by service, bin(5m)",  # noqa: E501
        ):
            began = time.perf_counter()
            query_id = logs.start_query(
                logGroupName="/bench", startTime=now - 3600, endTime=now, queryString=query
            )["queryId"]
            while logs.get_query_results(queryId=query_id)["status"] != "Complete":
                time.sleep(0.01)
            result = logs.get_query_results(queryId=query_id)
            elapsed = time.perf_counter() - began
            scanned = int(result["statistics"]["recordsScanned"])
            print(f"Insights over {scanned} events: {elapsed:.2f} s (target < 2 s): {query}")

        for expression in (None, 'service("inventory") AND fault'):
            began = time.perf_counter()
            extra = {"FilterExpression": expression} if expression else {}
            summaries = xray.get_trace_summaries(StartTime=now - 900, EndTime=now, **extra)["TraceSummaries"]
            print(f"GetTraceSummaries {expression or '(all)'}: {len(summaries)} traces in "
                  f"{time.perf_counter() - began:.2f} s")  # fmt: skip
        began = time.perf_counter()
        graph = xray.get_service_graph(StartTime=now - 900, EndTime=now)["Services"]
        print(f"GetServiceGraph: {len(graph)} nodes in {time.perf_counter() - began:.2f} s")
        began = time.perf_counter()
        cloudwatch.get_metric_statistics(
            Namespace="Bench", MetricName="Latency", Dimensions=[{"Name": "Service", "Value": "api"}],
            StartTime=now - 3600, EndTime=now, Period=60, ExtendedStatistics=["p99"],
        )  # fmt: skip
        print(f"GetMetricStatistics p99 per minute: {time.perf_counter() - began:.2f} s")
        print(f"RSS at the end: {rss_mb(process.pid):.0f} MB")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    os.environ.setdefault("NO_PROXY", "127.0.0.1")
    os.environ["AWS_ACCESS_KEY_ID"] = "test"  # the local endpoint takes any credentials
    os.environ["AWS_SECRET_ACCESS_KEY"] = "test"  # noqa: S105
    main()
