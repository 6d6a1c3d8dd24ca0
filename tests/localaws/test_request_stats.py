"""``/_localaws/stats`` counts every request per AWS service and operation, with its body bytes;
and OTLP data, like every other write, survives a restart with ``--state``."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.trace import SpanKind

from o11yshop.localaws.server import Endpoint, running_endpoint

from .conftest import make_client_factory
from .otlp_helpers import post, service


@pytest.fixture
def with_daemon() -> Iterator[Endpoint]:
    with running_endpoint(xray_daemon_port=0) as endpoint:
        yield endpoint


def stats(endpoint: Endpoint) -> dict[str, dict[str, int]]:
    reply = post(f"{endpoint.url}/_localaws/stats", b"", method="GET")
    assert reply.status == 200
    counts: dict[str, dict[str, int]] = json.loads(reply.body)["requests"]
    return counts


def one_trace() -> bytes:
    shop = service("api")
    with shop.tracer.start_as_current_span("GET /", kind=SpanKind.SERVER):
        pass
    return bytes(encode_spans(shop.finished()).SerializeToString())


def one_log_record(body: str) -> bytes:
    memory = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(SimpleLogRecordProcessor(memory))
    provider.get_logger("stats").emit(body=body)
    return bytes(encode_logs(memory.get_finished_logs()).SerializeToString())


def test_every_request_is_counted_by_service_and_operation(with_daemon: Endpoint) -> None:
    aws = make_client_factory(with_daemon.url)
    logs, xray, sns, sqs = aws("logs"), aws("xray"), aws("sns"), aws("sqs")
    logs.create_log_group(logGroupName="/counted")
    logs.create_log_stream(logGroupName="/counted", logStreamName="s")
    reset = post(f"{with_daemon.url}/_localaws/stats", b"", method="DELETE")
    assert reset.status == 204
    assert stats(with_daemon) == {}

    for _ in range(2):
        logs.describe_log_groups()
    xray.get_sampling_rules()
    sns.create_topic(Name="counted")  # query protocol: the operation is in the body
    sqs.create_queue(QueueName="counted")
    trace = one_trace()
    assert post(f"{with_daemon.url}/v1/traces", trace).status == 200
    record = one_log_record("counted")
    destination = {"x-aws-log-group": "/counted", "x-aws-log-stream": "s"}
    assert post(f"{with_daemon.url}/v1/logs", record, headers=destination).status == 200
    assert post(f"{with_daemon.url}/v1/logs", b"broken", headers=destination).status == 400
    datagram = b'{"format": "json", "version": 1}\n{"broken": "segment"}'
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(datagram, ("127.0.0.1", with_daemon.xray_daemon_port or 0))

    deadline = time.monotonic() + 10
    counts = stats(with_daemon)
    while "xray.DaemonUDP" not in counts and time.monotonic() < deadline:
        time.sleep(0.02)  # UDP is asynchronous: poll, with a deadline, for a datagram that must arrive
        counts = stats(with_daemon)
    assert counts["xray.DaemonUDP"] == {"calls": 1, "bytes": len(datagram)}
    assert counts["xray.OTLPTraces"] == {"calls": 1, "bytes": len(trace)}
    assert counts["logs.OTLPLogs"] == {"calls": 2, "bytes": len(record) + len(b"broken")}
    assert counts["logs.DescribeLogGroups"]["calls"] == 2
    assert counts["logs.DescribeLogGroups"]["bytes"] > 0
    assert counts["xray.GetSamplingRules"]["calls"] == 1
    assert counts["sns.CreateTopic"]["calls"] == 1
    assert counts["sqs.CreateQueue"]["calls"] == 1
    assert set(counts) == {
        "xray.DaemonUDP",
        "xray.OTLPTraces",
        "logs.OTLPLogs",
        "logs.DescribeLogGroups",
        "xray.GetSamplingRules",
        "sns.CreateTopic",
        "sqs.CreateQueue",
    }
    assert sns.list_topics()["Topics"]  # moto still read the body the count looked into


def test_otlp_traces_and_logs_survive_a_restart(tmp_path: Path) -> None:
    destination = {"x-aws-log-group": "/kept", "x-aws-log-stream": "s"}
    shop = service("api")
    call = {"http.method": "GET"}
    with (
        shop.tracer.start_as_current_span("GET /", kind=SpanKind.SERVER) as server,
        shop.tracer.start_as_current_span("GET", kind=SpanKind.CLIENT, attributes=call),
    ):
        pass
    client_first = shop.finished()
    trace_hex = f"{server.get_span_context().trace_id:032x}"
    trace = f"1-{trace_hex[:8]}-{trace_hex[8:]}"
    with running_endpoint(state_dir=tmp_path) as endpoint:
        logs = make_client_factory(endpoint.url)("logs")
        logs.create_log_group(logGroupName="/kept")
        logs.create_log_stream(logGroupName="/kept", logStreamName="s")
        for span in client_first:  # the subsegment waits for its segment, in the journal too
            assert post(f"{endpoint.url}/v1/traces", encode_spans([span]).SerializeToString()).status == 200
        assert post(f"{endpoint.url}/v1/logs", one_log_record("kept"), headers=destination).status == 200

    with running_endpoint(state_dir=tmp_path) as restarted:
        aws = make_client_factory(restarted.url)
        events = aws("logs").filter_log_events(logGroupName="/kept")["events"]
        assert [json.loads(e["message"])["body"] for e in events] == ["kept"]
        [kept] = aws("xray").batch_get_traces(TraceIds=[trace])["Traces"]
        [segment] = [json.loads(s["Document"]) for s in kept["Segments"]]
        assert [s["http"]["request"]["method"] for s in segment["subsegments"]] == ["GET"]
