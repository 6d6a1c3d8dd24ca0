"""Which requests get a trace in otel mode — the same policy as aws mode, in OpenTelemetry's terms.

- **Health checks and static files: never.** The middleware starts no span for them at all (no
  context is read, their log lines carry no trace ID), exactly as the X-Ray middleware does.
- **A caller's decision is kept**: ``Sampled=1``/``0`` in ``X-Amzn-Trace-Id``, or the flag of
  ``traceparent``. A caller that names a parent but leaves the decision open (``Sampled=?``, or no
  ``Sampled``) gets this service's decision, as the X-Ray SDK does.
- **``POST /api/checkout``: always**, so that every failed checkout has a trace.
- **Nothing outside a request starts a trace**: a span with no parent that is not a request's
  server span (the EMF shipper's PutLogEvents, the saved-query installer's calls, a health check's
  call to the inventory) is dropped. Left alone, each would be a one-span trace of its own.
- **The rest: X-Ray's sampling rules**, by ADOT's ``AwsXRayRemoteSampler``: it polls
  ``GetSamplingRules`` (every 5 minutes) and ``GetSamplingTargets`` (every 10 seconds) and applies
  the matching rule's reservoir and fixed rate; the default rule keeps the first request each
  second and 5 % of the others.

How this differs from the X-Ray SDK's sampler (aws mode):

- ADOT's sampler sends its polls unsigned, to a proxy that signs them: the X-Ray daemon or the
  collector's ``awsproxy`` extension (``http://127.0.0.1:2000`` by default,
  ``O11YSHOP_XRAY_DAEMON_ADDRESS`` here). The local endpoint answers unsigned polls itself, so it
  is the default when ``O11YSHOP_AWS_ENDPOINT_URL`` is set. The X-Ray SDK in aws mode calls the
  X-Ray API with boto3 (signed), needing no proxy.
- Until the first rules arrive (or when no proxy answers), ADOT falls back to a fixed 1 a second
  plus 5 %; aws mode's local rule takes ``O11YSHOP_TRACE_SAMPLE_RATE``, which otel mode does not
  read.
- The decision is made when a span starts, from the attributes known then: the URL path and the
  method (the route template is known only after routing), as the X-Ray SDK matches them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.context import Context, get_value
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind

from o11yshop.telemetry.otel.propagation import UNDECIDED, continued_in
from o11yshop.telemetry.tracing import ALWAYS_TRACED

if TYPE_CHECKING:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.trace.span import TraceState
    from opentelemetry.util.types import Attributes

    from o11yshop.config import Settings

DEFAULT_PROXY = "http://127.0.0.1:2000"  # where ADOT looks for the daemon or the collector's awsproxy
RULES_POLLING_SECONDS = 300


def _request_of(attributes: Mapping[str, Any]) -> tuple[str, str]:
    """(method, path) of a server span from its start attributes, in either semconv generation."""
    method = attributes.get("http.request.method", attributes.get("http.method", ""))
    path = attributes.get("url.path") or str(attributes.get("http.target", "")).split("?", 1)[0]
    return str(method), str(path)


def _follow(sampled: bool, state: TraceState | None = None) -> SamplingResult:
    return SamplingResult(Decision.RECORD_AND_SAMPLE if sampled else Decision.DROP, trace_state=state)


class ShopSampler(Sampler):
    """The shop's policy in front of ``rules`` (X-Ray's rules, or any sampler in tests)."""

    def __init__(self, rules: Sampler) -> None:
        self.rules = rules

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        undecided = parent.is_valid and parent.is_remote and bool(get_value(UNDECIDED, parent_context))
        if parent.is_valid and not undecided:
            return _follow(parent.trace_flags.sampled, parent.trace_state)
        if not parent.is_valid:
            if kind is not SpanKind.SERVER:
                return _follow(False)
            continued = continued_in(parent_context)
            if continued is not None and continued.sampled is not None:
                return _follow(continued.sampled)
        if _request_of(attributes or {}) in ALWAYS_TRACED:
            return _follow(True)
        # the rules sampler follows a parent if it sees one: an undecided caller must not count as one
        decide_in = Context() if undecided else parent_context
        return self.rules.should_sample(decide_in, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        policy = "health never, checkout always, a caller's decision kept"
        return f"ShopSampler{{{policy}, else {self.rules.get_description()}}}"


def sampling_endpoint(settings: Settings) -> str:
    """Where ADOT's sampler asks for rules: a daemon or collector proxy if one is named, else the
    configured endpoint (the local one takes unsigned polls), else ADOT's default proxy address."""
    if settings.xray_daemon_address:
        return f"http://{settings.xray_daemon_address}"
    return (settings.aws_endpoint_url or DEFAULT_PROXY).rstrip("/")


def xray_rules(endpoint: str, resource: Resource) -> Sampler:
    from amazon.opentelemetry.distro.sampler.aws_xray_remote_sampler import AwsXRayRemoteSampler

    return AwsXRayRemoteSampler(resource=resource, endpoint=endpoint, polling_interval=RULES_POLLING_SECONDS)
