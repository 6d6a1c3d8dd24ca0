"""Saved Logs Insights queries (O-LOG-05), installed with PutQueryDefinition so they appear under
"Saved queries" in the console (and in DescribeQueryDefinitions). docs/queries.md explains each.

Each runs over the api and inventory log groups of one environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from o11yshop.telemetry import log_group_name

SERVICES = ("api", "inventory")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    query: str
    what: str


SAVED_QUERIES: tuple[SavedQuery, ...] = (
    SavedQuery(
        "o11yshop/errors-by-route",
        'filter logger = "o11yshop.access" and status >= 400\n'
        "| stats count(*) as errors by service, route, status\n"
        "| sort errors desc",
        "which routes answer with errors, and which errors",
    ),
    SavedQuery(
        "o11yshop/slowest-routes-p99",
        'filter logger = "o11yshop.access"\n'
        "| stats pct(duration_ms, 99) as p99_ms, pct(duration_ms, 50) as p50_ms, count(*) as requests"
        " by service, route\n"
        "| sort p99_ms desc\n"
        "| limit 10",
        "the ten routes with the slowest 1% of requests",
    ),
    SavedQuery(
        "o11yshop/everything-for-one-request",
        'fields @timestamp, service, level, logger, message\n| filter request_id = "PASTE-A-REQUEST-ID"\n'
        "| sort @timestamp asc",
        "every line of one request, in both services (replace the ID; X-Request-Id echoes it)",
    ),
    SavedQuery(
        "o11yshop/everything-for-one-trace",
        "fields @timestamp, service, level, logger, segment_id, message\n"
        '| filter trace_id = "PASTE-A-TRACE-ID" and ispresent(message)\n'
        "| sort @timestamp asc",
        "every line of one X-Ray trace, in both services (X-Amzn-Trace-Id on the response gives the ID)",
    ),
    SavedQuery(
        "o11yshop/zero-result-searches",
        'filter message = "catalog search" and results = 0\n'
        "| stats count(*) as searches by query\n"
        "| sort searches desc",
        "what shoppers looked for and did not find",
    ),
    SavedQuery(
        "o11yshop/checkout-failures-by-reason",
        'filter message = "checkout failed"\n| stats count(*) as failures by reason\n| sort failures desc',
        "why checkouts fail: out of stock, inventory down, bad input …",
    ),
)


def log_groups(environment: str) -> list[str]:
    return [log_group_name(environment, service) for service in SERVICES]


def install_saved_queries(
    logs: Any, environment: str, queries: tuple[SavedQuery, ...] = SAVED_QUERIES, prefix: str = "o11yshop/"
) -> dict[str, str]:
    """Create or update every saved query; returns name → queryDefinitionId. Safe to run again."""
    existing = {
        d["name"]: d["queryDefinitionId"]
        for d in logs.describe_query_definitions(queryDefinitionNamePrefix=prefix).get("queryDefinitions", [])
    }
    installed = {}
    for saved in queries:
        kwargs: dict[str, Any] = {
            "name": saved.name,
            "queryString": saved.query,
            "logGroupNames": log_groups(environment),
        }
        if saved.name in existing:
            kwargs["queryDefinitionId"] = existing[saved.name]
        installed[saved.name] = logs.put_query_definition(**kwargs)["queryDefinitionId"]
    return installed
