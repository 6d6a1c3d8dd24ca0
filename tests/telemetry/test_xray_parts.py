"""The parts of the X-Ray provider, each against the embedded endpoint where AWS is involved: the
segment shipper's batches and limits, names X-Ray accepts, trace headers from anyone, boto3
subsegments only inside requests, and redaction that leaves IDs alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import boto3
import pytest
from sqlalchemy import create_engine

from o11yshop.localaws.server import running_endpoint
from o11yshop.telemetry.redaction import redact_trace_document
from o11yshop.telemetry.xray import (
    MAX_DOCUMENT_BYTES,
    SegmentShipper,
    from_traceparent,
    segment_name,
    sql_subsegment_name,
)


def client(endpoint_url: str, service: str):
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def segment(trace_id: str, name: str = "probe", **extra) -> str:
    now = time.time()
    doc = {"name": name, "id": uuid.uuid4().hex[:16], "trace_id": trace_id, "start_time": now - 0.01}
    return json.dumps(doc | {"end_time": now} | extra)


def new_trace_id() -> str:
    return f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"


def test_the_segment_shipper_batches_by_fifty_and_refuses_what_x_ray_would():
    with running_endpoint() as endpoint:
        shipper = SegmentShipper(lambda: client(endpoint.url, "xray"))
        trace_id = new_trace_id()
        for _ in range(120):
            shipper.put(segment(trace_id))
        shipper.put(segment(trace_id, padding="x" * MAX_DOCUMENT_BYTES))  # over 64 KiB
        shipper.put('{"name": "no id"}')  # X-Ray refuses it: counted, not retried
        shipper.start()
        assert shipper.flush(timeout=20)
        shipper.close()
        stats = shipper.stats()
        [trace] = client(endpoint.url, "xray").batch_get_traces(TraceIds=[trace_id])["Traces"]
    assert len(trace["Segments"]) == 120
    assert stats["accepted"] == 122
    assert stats["shipped"] == 120
    assert stats["dropped_too_large"] == 1
    assert stats["dropped_unprocessed"] == 1
    assert stats["batches"] == 3  # 50 + 50 + 21
    assert stats["accepted"] == stats["shipped"] + stats["dropped"] + stats["pending"]


def test_the_segment_shipper_keeps_what_it_could_not_send_until_the_endpoint_is_back(tmp_path):
    with running_endpoint() as first:
        port = int(first.url.rsplit(":", 1)[1])
    shipper = SegmentShipper(lambda: client(f"http://127.0.0.1:{port}", "xray")).start()
    trace_id = new_trace_id()
    for _ in range(10):
        shipper.put(segment(trace_id))
    assert not shipper.flush(timeout=1.5)  # nobody listens: nothing is lost, all pending
    assert shipper.stats()["pending"] == 10
    with running_endpoint(port) as endpoint:
        assert shipper.flush(timeout=20)
        shipper.close()
        [trace] = client(endpoint.url, "xray").batch_get_traces(TraceIds=[trace_id])["Traces"]
    assert len(trace["Segments"]) == 10
    assert shipper.stats()["retries"] >= 1


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///var/o11yshop.db", "o11yshop.db@sqlite"),
        ("sqlite://", "memory@sqlite"),
        ("mysql+pymysql://root:secret@127.0.0.1:3306/test", "test@127.0.0.1"),
    ],
)
def test_sql_subsegments_get_names_x_ray_accepts(url, name):
    assert sql_subsegment_name(create_engine(url)) == name


def test_names_lose_what_x_ray_refuses():
    assert segment_name("reserve stock (3 lines)!") == "reserve stock _3 lines__"
    assert len(segment_name("x" * 500)) == 200
    assert segment_name("") == "unnamed"


W3C_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.mark.parametrize(
    ("header", "root", "parent", "sampled"),
    [
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "1-4bf92f35-77b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            1,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            "1-4bf92f35-77b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            0,
        ),
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", None, None, None),  # invalid per W3C
        ("garbage", None, None, None),
        (None, None, None, None),
    ],
)
def test_a_traceparent_becomes_an_x_ray_header(header, root, parent, sampled):
    converted = from_traceparent(header)
    assert (converted.root, converted.parent, converted.sampled) == (root, parent, sampled)


def test_redaction_keeps_ids_and_times_and_masks_the_rest():
    card_like_id = "4111111111111111"  # 16 digits: a segment ID can look like a card number
    doc = {
        "id": card_like_id,
        "trace_id": "1-5759e988-bd862e3fe1be46a994272793",
        "start_time": 1764450000.123,
        "http": {"request": {"url": "http://shop/api/products?q=hanako@example.com"}},
        "annotations": {"note": "call +81 3-1234-5678"},
        "metadata": {"o11yshop": {"password": "hunter2"}},
        "subsegments": [
            {
                "id": card_like_id,
                "parent_id": card_like_id,
                "name": "test@db.internal",  # a SQL subsegment's name, not an address
                "metadata": {"o11yshop": {"note": "card 4111 1111 1111 1111"}},
            }
        ],
    }
    clean = redact_trace_document(doc)
    assert (
        clean["id"] == clean["subsegments"][0]["id"] == clean["subsegments"][0]["parent_id"] == card_like_id
    )
    assert clean["trace_id"] == doc["trace_id"]
    assert clean["start_time"] == doc["start_time"]
    assert clean["http"]["request"]["url"] == "http://shop/api/products?q=h***@example.com"
    assert clean["annotations"]["note"] == "call ***-**78"
    assert clean["metadata"]["o11yshop"]["password"] == "[REDACTED]"
    child = clean["subsegments"][0]
    assert child["name"] == "test@db.internal"
    assert child["metadata"]["o11yshop"]["note"] == "card [CARD]"


BOTO3_PROBE = """
import boto3, sys
from o11yshop.config import get_settings
from o11yshop.telemetry.aws import client
from o11yshop.telemetry.xray import XRayTracer
settings = get_settings()
tracer = XRayTracer(settings, "probe", lambda name: client(settings, name))
s3 = client(settings, "s3")
s3.list_buckets()  # outside a request: not traced, and nothing logged about it
segment = tracer.recorder.begin_segment("probe", sampling=1)
s3.list_buckets()  # inside: an "aws" subsegment
tracer.recorder.end_segment()
tracer.shutdown(10)
print(segment.trace_id)
"""


def test_boto3_calls_are_subsegments_inside_a_request_and_untraced_outside():
    with running_endpoint() as endpoint:
        env = os.environ | {"O11YSHOP_AWS_ENDPOINT_URL": endpoint.url, "O11YSHOP_TELEMETRY": "aws"}
        probe = subprocess.run(
            [sys.executable, "-c", BOTO3_PROBE],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert probe.returncode == 0, probe.stderr
        trace_id = probe.stdout.split()[-1]
        [trace] = client(endpoint.url, "xray").batch_get_traces(TraceIds=[trace_id])["Traces"]
        summaries = client(endpoint.url, "xray").get_trace_summaries(
            StartTime=time.time() - 600, EndTime=time.time() + 60
        )["TraceSummaries"]
    [doc] = [json.loads(s["Document"]) for s in trace["Segments"]]
    [call] = doc["subsegments"]
    assert (call["name"], call["namespace"], call["aws"]["operation"]) == ("s3", "aws", "ListBuckets")
    assert [s["Id"] for s in summaries] == [trace_id]  # the untraced call left no trace
    assert "no segment" not in probe.stderr.lower() + probe.stdout.lower()
