"""Log records sent by the real OpenTelemetry SDK to ``/v1/logs``, read back through CloudWatch Logs.

AWS's endpoint writes to an existing log group and stream named by the x-aws-log-group and
x-aws-log-stream headers, and stores each record as one JSON event (body, attributes, resource,
scope, severity, traceId, spanId), which filter patterns, metric filters and Logs Insights read.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import botocore.session
import pytest
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.instrumentation.logging.handler import LoggingHandler
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import (
    InMemoryLogRecordExporter,
    LogRecordExportResult,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.resources import Resource

from o11yshop.localaws.server import Endpoint

from .conftest import ClientFactory
from .otlp_helpers import post, service

GROUP, STREAM = "/o11yshop/otel", "api"
DESTINATION = {"x-aws-log-group": GROUP, "x-aws-log-stream": STREAM}


class Logs:
    """An OpenTelemetry LoggerProvider for service ``api``, keeping what it emits in memory."""

    def __init__(self) -> None:
        self.memory = InMemoryLogRecordExporter()
        self.provider = LoggerProvider(resource=Resource.create({"service.name": "api"}))
        self.provider.add_log_record_processor(SimpleLogRecordProcessor(self.memory))
        self.logger = logging.getLogger(f"o11yshop.tests.otlp.{id(self)}")
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(LoggingHandler(logger_provider=self.provider))

    def records(self) -> list[Any]:
        return list(self.memory.get_finished_logs())


@pytest.fixture
def logs(aws: ClientFactory) -> Any:
    client = aws("logs")
    client.create_log_group(logGroupName=GROUP)
    client.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    return client


def messages(logs: Any, pattern: str = "") -> list[dict[str, Any]]:
    events = logs.filter_log_events(logGroupName=GROUP, filterPattern=pattern)["events"]
    return [json.loads(e["message"]) for e in events]


def test_sdk_log_records_become_events_that_filters_metric_filters_and_insights_read(
    endpoint: Endpoint, logs: Any, aws: ClientFactory
) -> None:
    logs.put_metric_filter(
        logGroupName=GROUP,
        filterName="errors",
        filterPattern='{ $.severityText = "ERROR" }',
        metricTransformations=[{"metricName": "Errors", "metricNamespace": "Shop/OTLP", "metricValue": "1"}],
    )
    shop, emitted = service("api"), Logs()
    with shop.tracer.start_as_current_span("checkout") as span:
        emitted.logger.error("payment declined", extra={"order_id": "o-1", "amount": 1200})
        emitted.logger.info("retrying with another card")
    emitted.logger.info("outside any trace")
    emitted.provider.get_logger("o11yshop.checkout").emit(body={"event": "abandoned", "items": [1, 2]})
    exporter = OTLPLogExporter(endpoint=f"{endpoint.url}/v1/logs", headers=DESTINATION)
    assert exporter.export(emitted.records()) is LogRecordExportResult.SUCCESS

    trace_id = f"{span.get_span_context().trace_id:032x}"
    in_trace = messages(logs, f'{{ $.traceId = "{trace_id}" }}')
    assert [m["body"] for m in in_trace] == ["payment declined", "retrying with another card"]
    declined = in_trace[0]
    assert declined["severityText"] == "ERROR"
    assert declined["severityNumber"] == 17
    assert declined["spanId"] == f"{span.get_span_context().span_id:016x}"
    assert declined["attributes"]["order_id"] == "o-1"
    assert declined["attributes"]["amount"] == 1200
    assert declined["resource"]["attributes"]["service.name"] == "api"
    assert declined["scope"]["name"] == emitted.logger.name
    assert (
        declined["timeUnixNano"] // 1_000_000
        == logs.filter_log_events(
            logGroupName=GROUP,
            filterPattern=f'{{ $.spanId = "{declined["spanId"]}" && $.severityNumber = 17 }}',
        )["events"][0]["timestamp"]
    )
    structured = messages(logs, '{ $.body.event = "abandoned" }')
    assert [m["body"] for m in structured] == [{"event": "abandoned", "items": [1, 2]}]
    assert "traceId" not in structured[0]
    assert len(messages(logs)) == 4

    now = time.time()
    statistics = aws("cloudwatch").get_metric_statistics(
        Namespace="Shop/OTLP",
        MetricName="Errors",
        StartTime=now - 600,
        EndTime=now + 60,
        Period=3600,
        Statistics=["Sum"],
    )["Datapoints"]
    assert [d["Sum"] for d in statistics] == [1.0]
    query = logs.start_query(
        logGroupName=GROUP,
        startTime=int(now) - 600,
        endTime=int(now) + 60,
        queryString='filter attributes.order_id = "o-1" | stats count(*) as declined',
    )["queryId"]
    assert logs.get_query_results(queryId=query)["results"] == [[{"field": "declined", "value": "1"}]]


def test_the_log_group_and_stream_must_be_named_and_exist(endpoint: Endpoint, logs: Any) -> None:
    emitted = Logs()
    emitted.logger.info("hello")
    body = encode_logs(emitted.records()).SerializeToString()
    url = f"{endpoint.url}/v1/logs"
    missing_header = post(url, body, headers={"x-aws-log-group": GROUP})
    assert missing_header.status == 400
    assert b"x-aws-log-stream" in missing_header.body
    no_group = post(url, body, headers={"x-aws-log-group": "/nope", "x-aws-log-stream": STREAM})
    assert no_group.status == 400
    assert b"ResourceNotFoundException" in no_group.body
    no_stream = post(url, body, headers={"x-aws-log-group": GROUP, "x-aws-log-stream": "nope"})
    assert no_stream.status == 400
    assert messages(logs) == []
    assert post(url, body, headers=DESTINATION).status == 200
    assert [m["body"] for m in messages(logs)] == ["hello"]


def test_records_aws_refuses_are_counted_and_batches_over_the_limits_are_refused(
    endpoint: Endpoint, logs: Any
) -> None:
    emitted = Logs()
    now = time.time_ns()
    logger = emitted.provider.get_logger("limits")
    logger.emit(body="fifteen days ago", timestamp=now - 15 * 24 * 3600 * 10**9)
    logger.emit(body="now", timestamp=now)
    logger.emit(body="three hours ahead", timestamp=now + 3 * 3600 * 10**9)
    old, new, future = emitted.records()
    url = f"{endpoint.url}/v1/logs"

    reply = post(url, encode_logs([new, future]).SerializeToString(), headers=DESTINATION)
    assert reply.status == 200
    answer = ExportLogsServiceResponse.FromString(reply.body)
    assert answer.partial_success.rejected_log_records == 1
    assert json.loads(answer.partial_success.error_message) == {"tooNewLogEventCount": 1}
    assert [m["body"] for m in messages(logs)] == ["now"]

    too_long = post(url, encode_logs([old, new]).SerializeToString(), headers=DESTINATION)
    assert too_long.status == 400  # more than 24 hours between the records of one request
    assert b"24 hours" in too_long.body

    big = Logs()
    big.provider.get_logger("big").emit(body="x" * (1024 * 1024))
    too_big = post(url, encode_logs(big.records()).SerializeToString(), headers=DESTINATION, compress=True)
    assert too_big.status == 400
    assert b"1,048,576 bytes" in too_big.body
    assert [m["body"] for m in messages(logs)] == ["now"]


def test_otlp_json_logs(endpoint: Endpoint, logs: Any) -> None:
    trace, span = "5B8EFFF798038103D269B633813FC60C", "EEE19B7EC3C1B174"
    request = {
        "resourceLogs": [
            {
                "resource": {"attributes": []},
                "scopeLogs": [
                    {
                        "logRecords": [
                            {
                                "observedTimeUnixNano": str(time.time_ns()),
                                "severityNumber": "SEVERITY_NUMBER_WARN",
                                "traceId": trace,
                                "spanId": span,
                                "body": {
                                    "kvlistValue": {
                                        "values": [
                                            {"key": "stock", "value": {"intValue": "2"}},
                                            {"key": "low", "value": {"boolValue": True}},
                                        ]
                                    }
                                },
                            }
                        ]
                    }
                ],
            }
        ]
    }
    reply = post(f"{endpoint.url}/v1/logs", json.dumps(request).encode(), "application/json", DESTINATION)
    assert (reply.status, json.loads(reply.body)) == (200, {})
    [message] = messages(logs, f'{{ $.traceId = "{trace.lower()}" }}')
    assert message["body"] == {"stock": 2, "low": True}
    assert message["severityNumber"] == 13
    assert "resource" not in message


def test_the_adot_log_exporter_sends_gzip_signed_for_its_region(
    endpoint: Endpoint, aws: ClientFactory
) -> None:
    import boto3
    from amazon.opentelemetry.distro.exporter.otlp.aws.logs.otlp_aws_log_record_exporter import (
        OTLPAwsLogRecordExporter,
    )

    ireland = boto3.client(
        "logs",
        endpoint_url=endpoint.url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    ireland.create_log_group(logGroupName=GROUP)
    ireland.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    emitted = Logs()
    emitted.logger.warning("stock low")
    exporter = OTLPAwsLogRecordExporter(
        aws_region="eu-west-1",
        session=botocore.session.get_session(),
        log_group=GROUP,
        log_stream=STREAM,
        endpoint=f"{endpoint.url}/v1/logs",
    )
    assert exporter.export(emitted.records()) is LogRecordExportResult.SUCCESS
    events = ireland.filter_log_events(logGroupName=GROUP)["events"]
    assert [json.loads(e["message"])["body"] for e in events] == ["stock low"]
    assert aws("logs").describe_log_groups()["logGroups"] == []  # nothing in us-east-1
