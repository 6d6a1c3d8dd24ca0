"""AWS list prices used by ``make bench`` to estimate the monthly bill of each telemetry mode.

Every number is us-east-1 (US East, N. Virginia), in US dollars, without tax, and carries where it
was read and when. Prices change: when one does, change it here (and its ``read`` date); nothing
else in the bench holds a price.

Free tiers are listed (``FREE_TIER``) but **excluded** from every estimate: a shop at a million
requests a day shares its account with other workloads, and leaving them out keeps the modes
comparable. ``verified=False`` marks a figure that could not be confirmed from a stored copy of an
AWS page when it was read; the report flags those.
"""

from __future__ import annotations

from dataclasses import dataclass

CLOUDWATCH_PRICING = "https://aws.amazon.com/cloudwatch/pricing/"
XRAY_PRICING = "https://aws.amazon.com/xray/pricing/"
READ = "2026-11-30"


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str
    read: str = READ
    note: str = ""
    verified: bool = True


# -- CloudWatch Logs (standard log class) ----------------------------------------------------------

LOGS_INGESTION = Price(
    0.50,
    "GB ingested",
    CLOUDWATCH_PRICING,
    note="standard log class, 'Collect (data ingestion)'; EMF documents are log events and pay this "
    "too. Billed size taken as UTF-8 message bytes + 26 bytes per event (the PutLogEvents size rule). "
    "Corroborated on 2026-11-30 by hykell.com and c3x.dev articles quoting the same page.",
)
LOGS_STORAGE = Price(
    0.03,
    "GB-month archived",
    CLOUDWATCH_PRICING,
    note="'Store (archival)', charged on compressed bytes; the bench measures the gzip ratio of the "
    "events it read back and applies it",
)
LOGS_INSIGHTS_SCANNED = Price(
    0.005,
    "GB scanned",
    CLOUDWATCH_PRICING,
    note="Logs Insights; depends on how often people query, not on traffic",
)

# -- CloudWatch metrics -----------------------------------------------------------------------------

# Custom metrics are billed per metric (namespace + name + dimension values) per month, prorated by
# the hour, in tiers. Source: the pricing page's Metrics tab (its tiers quoted in
# github.com/nishinoshake/aws-rough issue 37; the first tier also by signoz.io, Feb 2026).
CUSTOM_METRIC_TIERS: tuple[tuple[float, float], ...] = (
    (10_000, 0.30),
    (240_000, 0.10),
    (750_000, 0.05),
    (float("inf"), 0.02),
)
CUSTOM_METRIC = Price(
    0.30,
    "metric-month (first 10,000; then 0.10, 0.05, 0.02)",
    CLOUDWATCH_PRICING,
    note="a metric is one namespace + name + set of dimension values: a dimension with N values makes "
    "N metrics",
)
METRIC_API_REQUESTS = Price(
    0.01,
    "1,000 requests",
    CLOUDWATCH_PRICING,
    note="PutMetricData, ListMetrics, GetMetricStatistics ... (GetMetricData is per 1,000 metrics "
    "requested, same figure); EMF sends no PutMetricData",
)

# -- X-Ray (traces sent as segments: the X-Ray SDK through the daemon, or PutTraceSegments) --------

XRAY_TRACES_RECORDED = Price(
    5.00,
    "million traces recorded",
    XRAY_PRICING,
    note="a trace is one request however many segments it has; also stated on the German and Chinese "
    "copies of the page",
)
XRAY_TRACES_RETRIEVED = Price(
    0.50,
    "million traces retrieved",
    XRAY_PRICING,
    note="BatchGetTraces / console views: depends on people, not traffic (excluded from estimates)",
)
XRAY_TRACES_SCANNED = Price(
    0.50,
    "million traces scanned",
    XRAY_PRICING,
    note="GetTraceSummaries / filter expressions: depends on people, not traffic (excluded)",
)

# -- X-Ray through OTLP with CloudWatch Transaction Search ------------------------------------------

# With Transaction Search on (required for X-Ray's OTLP endpoint), every span is stored as a
# structured log event in the `aws/spans` log group and billed as span ingestion under CloudWatch
# pricing, not per trace; 1% of spans are indexed as X-Ray trace summaries at no charge
# (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html, read
# 2026-11-30). The docs say "span ingestion is charged separately from log ingestion"
# (.../CloudWatch-Transaction-Search-ingesting-span-log-groups.html); the per-GB figure itself was
# not in any stored copy of the pricing page searched on 2026-11-30, so the standard log ingestion
# price stands in for it until someone reads it off the live page.
TRANSACTION_SEARCH_SPANS = Price(
    0.50,
    "GB of spans ingested (aws/spans)",
    CLOUDWATCH_PRICING,
    note="stand-in: the log ingestion price; see the comment above",
    verified=False,
)
TRANSACTION_SEARCH_FREE_INDEXING = 0.01  # share of spans indexed as trace summaries at no charge
TRANSACTION_SEARCH_INDEXED = Price(
    XRAY_TRACES_RECORDED.usd,
    "million traces indexed beyond the free 1%",
    CLOUDWATCH_PRICING,
    note="assumed to be the X-Ray recorded-trace price; the bench's estimate keeps the default 1%, so "
    "it is not used",
    verified=False,
)

# -- free tiers (excluded from the estimates; listed so the reader can subtract them) --------------

FREE_TIER: dict[str, str] = {
    "CloudWatch Logs": "5 GB a month of ingestion, archive storage and Logs Insights scanning together",
    "CloudWatch metrics": "10 custom or detailed-monitoring metrics; 1 million API requests (not "
    "GetMetricData)",
    "X-Ray": "100,000 traces recorded and 1,000,000 traces retrieved or scanned a month",
    "Transaction Search": "1% of spans indexed as trace summaries",
}

PRICES: dict[str, Price] = {
    "logs_ingestion": LOGS_INGESTION,
    "logs_storage": LOGS_STORAGE,
    "logs_insights_scanned": LOGS_INSIGHTS_SCANNED,
    "custom_metric": CUSTOM_METRIC,
    "metric_api_requests": METRIC_API_REQUESTS,
    "xray_traces_recorded": XRAY_TRACES_RECORDED,
    "xray_traces_retrieved": XRAY_TRACES_RETRIEVED,
    "xray_traces_scanned": XRAY_TRACES_SCANNED,
    "transaction_search_spans": TRANSACTION_SEARCH_SPANS,
    "transaction_search_indexed": TRANSACTION_SEARCH_INDEXED,
}


def custom_metrics_monthly(count: float) -> float:
    """Dollars a month for ``count`` custom metrics present all month, through the tiers."""
    total, left = 0.0, max(0.0, count)
    for size, usd in CUSTOM_METRIC_TIERS:
        take = min(left, size)
        total += take * usd
        left -= take
        if left <= 0:
            break
    return total
