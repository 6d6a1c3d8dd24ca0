"""The saved Logs Insights queries of otel mode: the same questions as aws mode's
(``telemetry.queries``), asked of OpenTelemetry log records.

A record's fields sit under ``attributes.`` and its message is ``body`` (see ``otel.logs``), so
each query starts by naming them as aws mode's lines name them (``attributes.route as route``,
``body as message``, ``severityText as level``); the rest of the query is aws mode's, word for
word. They are saved under ``o11yshop/otel/…``, beside aws mode's ``o11yshop/…``, so an account
that has run both modes keeps both sets, each reading its own kind of event.
"""

from __future__ import annotations

from typing import Any

from o11yshop.telemetry.queries import SAVED_QUERIES, SavedQuery
from o11yshop.telemetry.queries import install_saved_queries as install_all

PREFIX = "o11yshop/otel/"
_ACCESS = "attributes.service as service, attributes.logger as logger, attributes.route as route"
_LINE = "@timestamp, attributes.service as service, severityText as level, attributes.logger as logger"

_TEXTS = {
    "o11yshop/errors-by-route": (
        f"fields {_ACCESS}, attributes.status as status\n"
        '| filter logger = "o11yshop.access" and status >= 400\n'
        "| stats count(*) as errors by service, route, status\n"
        "| sort errors desc"
    ),
    "o11yshop/slowest-routes-p99": (
        f"fields {_ACCESS}, attributes.duration_ms as duration_ms\n"
        '| filter logger = "o11yshop.access"\n'
        "| stats pct(duration_ms, 99) as p99_ms, pct(duration_ms, 50) as p50_ms, count(*) as requests"
        " by service, route\n"
        "| sort p99_ms desc\n"
        "| limit 10"
    ),
    "o11yshop/everything-for-one-request": (
        f"fields {_LINE}, body as message, attributes.request_id as request_id\n"
        '| filter request_id = "PASTE-A-REQUEST-ID"\n'
        "| sort @timestamp asc"
    ),
    "o11yshop/everything-for-one-trace": (
        f"fields {_LINE}, attributes.segment_id as segment_id, body as message,"
        " attributes.trace_id as trace_id\n"
        '| filter trace_id = "PASTE-A-TRACE-ID" and ispresent(message)\n'
        "| sort @timestamp asc"
    ),
    "o11yshop/zero-result-searches": (
        "fields body as message, attributes.results as results, attributes.query as query\n"
        '| filter message = "catalog search" and results = 0\n'
        "| stats count(*) as searches by query\n"
        "| sort searches desc"
    ),
    "o11yshop/checkout-failures-by-reason": (
        "fields body as message, attributes.reason as reason\n"
        '| filter message = "checkout failed"\n'
        "| stats count(*) as failures by reason\n"
        "| sort failures desc"
    ),
}

# a query aws mode adds without a text here is not installed in otel mode (a test says so)
OTEL_SAVED_QUERIES: tuple[SavedQuery, ...] = tuple(
    SavedQuery(PREFIX + saved.name.removeprefix("o11yshop/"), _TEXTS[saved.name], saved.what)
    for saved in SAVED_QUERIES
    if saved.name in _TEXTS
)


def install_saved_queries(logs: Any, environment: str) -> dict[str, str]:
    """Create or update every otel-mode saved query; returns name → queryDefinitionId."""
    return install_all(logs, environment, OTEL_SAVED_QUERIES, PREFIX)
