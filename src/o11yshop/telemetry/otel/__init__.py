"""The OpenTelemetry provider (``O11YSHOP_TELEMETRY=otel``): the OpenTelemetry SDK with AWS Distro
for OpenTelemetry (ADOT), imported only in this mode. What one process sends, with no collector:

- **traces**: spans from the instrumentations of ASGI (FastAPI), SQLAlchemy, httpx and botocore,
  plus the shop's business steps, with X-Ray trace IDs, exported over OTLP/HTTP to X-Ray's OTLP
  endpoint (``tracer``, ``export``); sampled as aws mode samples (``sampling``); context read and
  written as both ``traceparent`` and ``X-Amzn-Trace-Id`` (``propagation``);
- **logs**: the shop's JSON lines, still on stdout, each also an OpenTelemetry log record exported
  over OTLP to CloudWatch Logs, into the same group and stream as aws mode uses (``logs``); the
  saved queries of this mode read the record's fields (``queries``);
- **metrics**: the shop's catalogue, recorded and flushed as Embedded Metric Format by the same
  recorder as in aws mode and sent with ``PutLogEvents`` (see ``telemetry.configure``): CloudWatch
  extracts EMF only from events written that way, never from OTLP log records.

docs/observability-otel.md explains each choice and compares it with aws mode.
"""

from o11yshop.telemetry.otel.provider import OtelTelemetry, start

__all__ = ["OtelTelemetry", "start"]
