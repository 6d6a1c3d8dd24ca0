"""Helpers for the OTLP tests: the real OpenTelemetry SDK recording spans and log records in memory,
and plain HTTP posts for what the SDK's exporters never send (JSON, broken bodies)."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

# urllib without proxies: the endpoint is on loopback, and nothing else may be reached.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Service:
    """One instrumented service: its tracer, and the spans it finished, in the order they ended."""

    provider: TracerProvider
    memory: InMemorySpanExporter

    @property
    def tracer(self) -> Any:
        return self.provider.get_tracer("o11yshop.tests")

    def finished(self) -> list[Any]:
        return list(self.memory.get_finished_spans())


def service(name: str, **resource: Any) -> Service:
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": name, **resource}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    return Service(provider, memory)


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes


def post(
    url: str,
    body: bytes,
    content_type: str = "application/x-protobuf",
    headers: dict[str, str] | None = None,
    compress: bool = False,
    method: str = "POST",
) -> Reply:
    sent = {"Content-Type": content_type, **(headers or {})}
    if compress:
        body = gzip.compress(body)
        sent["Content-Encoding"] = "gzip"
    request = urllib.request.Request(url, data=body if method != "GET" else None, headers=sent, method=method)
    try:
        with _opener.open(request, timeout=10) as response:
            return Reply(response.status, response.headers.get("Content-Type", ""), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers.get("Content-Type", ""), error.read())
