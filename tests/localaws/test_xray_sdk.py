"""The X-Ray SDK for Python, unchanged, sends segments over UDP as to the daemon, and reads sampling rules."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from o11yshop.localaws.server import Endpoint, running_endpoint

from .conftest import make_client_factory

xray_core = pytest.importorskip("aws_xray_sdk.core")


@pytest.fixture
def with_daemon() -> Iterator[Endpoint]:
    with running_endpoint(xray_daemon_port=0) as endpoint:
        yield endpoint


def test_segments_sent_by_the_sdk_over_udp_become_traces(with_daemon: Endpoint) -> None:
    from aws_xray_sdk.core import AWSXRayRecorder

    recorder = AWSXRayRecorder()
    recorder.configure(
        daemon_address=f"udp:127.0.0.1:{with_daemon.xray_daemon_port} tcp:127.0.0.1:{with_daemon.port}",
        sampling=False,
        context_missing="LOG_ERROR",
    )
    segment = recorder.begin_segment("api")
    segment.put_annotation("order_id", "o-9")
    segment.put_http_meta("status", 201)
    recorder.begin_subsegment("inventory", namespace="remote")
    recorder.end_subsegment()
    recorder.end_segment()

    xray = make_client_factory(with_daemon.url)("xray")
    deadline = time.monotonic() + 10
    summaries: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not summaries:
        now = time.time()
        summaries = xray.get_trace_summaries(
            StartTime=now - 60, EndTime=now + 60, FilterExpression='annotation.order_id = "o-9"'
        )["TraceSummaries"]
        if not summaries:
            time.sleep(0.05)  # UDP is asynchronous: poll, with a deadline, for a trace that must arrive
    assert len(summaries) == 1
    assert summaries[0]["Id"] == segment.trace_id
    assert summaries[0]["Http"]["HttpStatus"] == 201
    assert {s["Name"] for s in summaries[0]["ServiceIds"]} == {"api", "inventory"}


def test_the_sdk_sampler_reads_rules_and_targets_over_http(with_daemon: Endpoint) -> None:
    from aws_xray_sdk.core.sampling.connector import ServiceConnector

    connector = ServiceConnector()
    connector.setup_xray_client("127.0.0.1", with_daemon.port, None)
    rules = connector.fetch_sampling_rules()
    assert [(r.name, r.rate) for r in rules] == [("Default", 0.05)]
    targets, _ = connector.fetch_sampling_target(rules)
    assert targets["Default"]["rate"] == 0.05
    assert targets["Default"]["quota"] == 1
