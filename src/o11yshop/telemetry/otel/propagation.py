"""Trace context across processes: W3C ``traceparent`` and X-Ray's ``X-Amzn-Trace-Id``, both read
and both written, so a trace crosses an X-Ray-SDK service, an OpenTelemetry one, a load balancer
or API Gateway without breaking, and every trace ID stays a valid X-Ray ID.

Inbound, the X-Ray header follows X-Ray's rules rather than the stock OpenTelemetry propagator's,
which drops the trace unless the header names a parent:

- ``Root=…;Parent=…;Sampled=1|0``: the caller's span is the parent, its decision is kept;
- ``Root=…;Parent=…`` (or ``Sampled=?``): the parent is kept and *this* service decides;
- ``Root=…`` alone (what a load balancer sends): the request's span starts the trace's first
  segment under that trace ID, with no parent, and ``Sampled=`` (if given) decides;
- an invalid root (anyone can send the header) is ignored: a new trace starts.

When both headers arrive, ``traceparent`` wins (it is read last), as with
``OTEL_PROPAGATORS=xray,tracecontext``. Outbound (the inventory client, boto3), both are written.

>>> header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"
>>> continued_in(XRayHeaderPropagator().extract({"X-Amzn-Trace-Id": header})).sampled
False
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

from opentelemetry import trace
from opentelemetry.context import Context, create_key, get_value, set_value
from opentelemetry.propagators.aws import AwsXRayPropagator
from opentelemetry.propagators.aws.aws_xray_propagator import TRACE_HEADER_KEY
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.propagators.textmap import CarrierT, Getter, TextMapPropagator, default_getter
from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

# a trace the request continues without a parent span (the caller sent only Root=…)
CONTINUED = create_key("o11yshop-xray-continued-root")
# the caller named a parent but left the sampling decision to this service
UNDECIDED = create_key("o11yshop-xray-undecided")

_ROOT = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")
_PARENT = re.compile(r"^[0-9a-f]{16}$")
_MAX_HEADER = 256


@dataclass(frozen=True)
class Continued:
    trace_id: int
    sampled: bool | None  # None: the caller did not decide


def xray_trace_id(trace_id: int) -> str:
    """An OpenTelemetry trace ID written the X-Ray way: ``1-<8 hex digits>-<24 hex digits>``."""
    digits = f"{trace_id:032x}"
    return f"1-{digits[:8]}-{digits[8:]}"


def _fields(header: str) -> dict[str, str]:
    fields = {}
    for part in header[:_MAX_HEADER].split(";"):
        key, _, value = part.partition("=")
        fields[key.strip()] = value.strip()
    return fields


class XRayHeaderPropagator(AwsXRayPropagator):
    """ADOT's X-Ray propagator (which writes the header) with X-Ray's reading rules."""

    def extract(
        self,
        carrier: CarrierT,
        context: Context | None = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        context = context if context is not None else Context()
        values = getter.get(carrier, TRACE_HEADER_KEY)
        if not values or len(values) != 1 or not values[0]:
            return context
        fields = _fields(values[0])
        root = fields.get("Root", "")
        if not _ROOT.match(root):
            return context
        trace_id = int(root[2:10] + root[11:], 16)
        sampled = {"1": True, "0": False}.get(fields.get("Sampled", ""))
        parent = fields.get("Parent", "")
        if not _PARENT.match(parent) or not int(parent, 16):
            return set_value(CONTINUED, Continued(trace_id, sampled), context)
        flags = trace.TraceFlags(trace.TraceFlags.SAMPLED if sampled else trace.TraceFlags.DEFAULT)
        caller = trace.SpanContext(trace_id, int(parent, 16), is_remote=True, trace_flags=flags)
        context = trace.set_span_in_context(trace.NonRecordingSpan(caller), context)
        return set_value(UNDECIDED, True, context) if sampled is None else context


class ContinuingIdGenerator(AwsXRayIdGenerator):
    """X-Ray trace IDs (the first 8 hex digits are the start time, as X-Ray requires), except that a
    request whose caller sent only ``Root=…`` keeps that root: the SDK asks for a trace ID whenever
    a span has no parent, and the propagator put the root in the context it starts the span in."""

    def generate_trace_id(self) -> int:
        continued = get_value(CONTINUED)
        if isinstance(continued, Continued):
            return continued.trace_id
        return super().generate_trace_id()


def propagator() -> TextMapPropagator:
    """X-Ray first and W3C last, so that ``traceparent`` wins when a request carries both."""
    return CompositePropagator([XRayHeaderPropagator(), TraceContextTextMapPropagator()])


def continued_in(context: Context | None) -> Continued | None:
    found: typing.Any = get_value(CONTINUED, context)
    return found if isinstance(found, Continued) else None
