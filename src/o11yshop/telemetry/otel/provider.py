"""Assembling the OpenTelemetry SDK for one process: resource, propagators, sampler, trace and log
pipelines, and the botocore instrumentation. ``telemetry.configure`` calls ``start`` once."""

from __future__ import annotations

import os
import platform
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opentelemetry import propagate, trace
from opentelemetry._logs import set_logger_provider
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import Sampler

from o11yshop import __version__
from o11yshop.telemetry.otel.export import (
    CountingSpanProcessor,
    Counts,
    ShippingSpanExporter,
    otlp_url,
    signing_session,
)
from o11yshop.telemetry.otel.logs import (
    BatchLogRecords,
    CloudWatchLogRecordExporter,
    LogRecords,
    ensure_log_stream,
)
from o11yshop.telemetry.otel.propagation import ContinuingIdGenerator, propagator
from o11yshop.telemetry.otel.sampling import ShopSampler, sampling_endpoint, xray_rules
from o11yshop.telemetry.otel.tracer import OtelTracer

if TYPE_CHECKING:
    from o11yshop.config import Settings


@dataclass
class OtelTelemetry:
    tracer: OtelTracer
    logs: LogRecords


def service_resource(settings: Settings, service: str) -> Resource:
    """Who is sending: the service, its version and environment, the host and the process.
    ``OTEL_RESOURCE_ATTRIBUTES`` adds to these (say, ``cloud.region`` on EC2)."""
    return Resource.create(
        {
            "service.name": service,
            "service.namespace": "o11yshop",
            "service.version": __version__,
            "deployment.environment": settings.env,
            "deployment.environment.name": settings.env,  # the newer semantic-convention name
            "host.name": socket.gethostname(),
            "host.arch": platform.machine(),
            "os.type": sys.platform,
            "process.pid": os.getpid(),
            "process.executable.name": Path(sys.executable).name,
            "process.runtime.name": platform.python_implementation().lower(),
            "process.runtime.version": platform.python_version(),
        }
    )


def start(
    settings: Settings, service: str, group: str, stream: str, *, rules: Sampler | None = None
) -> OtelTelemetry:
    resource = service_resource(settings, service)
    session = signing_session(settings)
    propagate.set_global_textmap(propagator())

    spans = Counts()
    exporter = _span_exporter(settings, session)
    provider = TracerProvider(
        resource=resource,
        sampler=ShopSampler(rules or xray_rules(sampling_endpoint(settings), resource)),
        id_generator=ContinuingIdGenerator(),
    )
    provider.add_span_processor(CountingSpanProcessor(ShippingSpanExporter(exporter, spans), spans))
    trace.set_tracer_provider(provider)

    from opentelemetry.instrumentation.botocore import BotocoreInstrumentor

    BotocoreInstrumentor().instrument(tracer_provider=provider)

    records = Counts()
    log_exporter = CloudWatchLogRecordExporter(
        endpoint=otlp_url(settings, "logs", "/v1/logs"),
        region=settings.aws_region,
        session=session,
        group=group,
        stream=stream,
        counts=records,
        # a collector's exporter makes its own group; AWS's OTLP endpoint needs them to exist
        ensure_stream=None if settings.otlp_endpoint else _stream_maker(settings, group, stream),
    )
    processor = BatchLogRecords(log_exporter, max_queue_size=settings.log_buffer_events)
    log_provider = LoggerProvider(resource=resource)
    log_provider.add_log_record_processor(processor)
    set_logger_provider(log_provider)
    logs = LogRecords(
        log_provider.get_logger("o11yshop", __version__), processor, records, settings.log_buffer_events
    )
    return OtelTelemetry(OtelTracer(provider, spans), logs)


def _span_exporter(settings: Settings, session: Any) -> Any:
    from amazon.opentelemetry.distro.exporter.otlp.aws.traces.otlp_aws_span_exporter import (
        OTLPAwsSpanExporter,
    )
    from opentelemetry.exporter.otlp.proto.http import Compression

    return OTLPAwsSpanExporter(
        aws_region=settings.aws_region,
        session=session,
        endpoint=otlp_url(settings, "xray", "/v1/traces"),
        compression=Compression.Gzip,
        timeout=10,
    )


def _stream_maker(settings: Settings, group: str, stream: str) -> Any:
    from o11yshop.telemetry.aws import client

    made: list[Any] = []

    def make() -> None:
        if not made:
            made.append(client(settings, "logs"))
        ensure_log_stream(made[0], group, stream, settings.log_retention_days)

    return make
