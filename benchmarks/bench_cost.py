"""The monthly AWS bill of each telemetry mode at a million shop requests a day, from measurements.

What the bench measured in a run becomes a rate that scales the right way:

- log lines (and span documents) grow with requests: bytes per request;
- an EMF document is written per set of dimension values per flush interval, whatever the traffic,
  and only its arrays of values grow with requests: the documents' fixed part is a rate per
  second, their values a size per request;
- metrics are billed per distinct series a month, however often they are written;
- traces follow the sampling rule in effect — a reservoir per second plus a fixed rate of the rest
  — so the share of requests traced at a million a day (about 11.6 a second) is not the share
  traced during the bench (which runs far faster); the rule read back from the endpoint is used
  when it explains the measured share, else the measured share;
- PutMetricData requests (none with EMF) are counted per second.

Prices come from ``aws_prices.py``; free tiers are excluded. Each line says what it assumed.
"""

from __future__ import annotations

from typing import Any

import aws_prices as prices
import bench_stats

REQUESTS_PER_DAY = 1_000_000
DAYS_PER_MONTH = 365 / 12
SECONDS_PER_MONTH = DAYS_PER_MONTH * 86400
GB = 1e9  # AWS bills decimal gigabytes
SPAN_GROUP = "aws/spans"
DEFAULT_RETENTION_DAYS = 7  # O11YSHOP_LOG_RETENTION_DAYS


def measured_rates(run: dict[str, Any]) -> dict[str, Any]:
    """The rates of one run that the bill scales from."""
    requests = run["requests"]
    elapsed = run["elapsed_s"]
    telemetry = run["telemetry"]
    groups: dict[str, dict[str, Any]] = telemetry.get("log_groups") or {}
    logs = [g for name, g in groups.items() if name != SPAN_GROUP]
    spans = groups.get(SPAN_GROUP)
    billed = sum(g["billed_bytes"] for g in logs)
    gzip_bytes = sum(g["gzip_bytes"] for g in logs)
    emf_values = sum(g.get("emf_value_bytes", 0) for g in logs)
    emf_requests = sum(g.get("emf_requests_counted", 0) for g in logs)
    emf_flush_bytes = sum(g.get("emf_fixed_bytes_per_flush", 0) for g in logs)
    interval = float(run.get("metrics_interval_s") or 10.0)
    stats = telemetry.get("endpoint_stats")
    series = telemetry.get("metric_series") or {}
    traces = telemetry.get("traces") or {}
    otlp_traces = (stats or {}).get("xray.OTLPTraces", {}).get("calls", 0)
    return {
        "log_bytes_per_request": billed / requests,
        "log_events_per_request": sum(g["events"] for g in logs) / requests,
        "gzip_ratio": gzip_bytes / billed if billed else None,
        "emf_value_bytes_per_request": emf_values / emf_requests if emf_requests else 0.0,
        "emf_fixed_bytes_per_second": emf_flush_bytes / interval,
        "span_bytes_per_request": spans["billed_bytes"] / requests if spans else 0.0,
        "metric_series": sum(n for ns, n in series.items() if not ns.startswith("AWS/")),
        "traced_share": traces["traces"] / requests if traces.get("traces") is not None else None,
        "traced_share_at_target": _probe_share(traces.get("probe")),
        "trace_bytes": traces.get("segment_bytes_per_trace"),
        "traces_via_otlp": 1.0 if otlp_traces else 0.0,
        "bench_rps": requests / elapsed,
        "put_metric_data_per_second": (
            stats.get("cloudwatch.PutMetricData", {}).get("calls", 0) / elapsed if stats is not None else None
        ),
        "api_calls_per_request": (
            sum(op["calls"] for op in stats.values()) / requests if stats is not None else None
        ),
        "api_bytes_per_request": (
            sum(op["bytes"] for op in stats.values()) / requests if stats is not None else None
        ),
    }


def _probe_share(probe: dict[str, Any] | None) -> float | None:
    if not probe or not probe.get("requests") or probe.get("traces") is None:
        return None
    return float(probe["traces"]) / float(probe["requests"])


def fmt_bytes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} B"


def median_rates(runs: list[dict[str, Any]]) -> dict[str, Any]:
    rates = [measured_rates(run) for run in runs]
    out: dict[str, Any] = {}
    for key in rates[0]:
        out[key] = bench_stats.median_spread([r[key] for r in rates])["median"]
    return out


def sampled_share(rule: dict[str, Any] | None, requests_per_second: float) -> float | None:
    """Share of requests a reservoir-plus-rate rule samples at a steady request rate."""
    if not rule or rule.get("fixed_rate") is None or requests_per_second <= 0:
        return None
    reservoir = float(rule.get("reservoir_per_s") or 0)
    rate = float(rule["fixed_rate"])
    sampled = min(requests_per_second, reservoir) + rate * max(0.0, requests_per_second - reservoir)
    return sampled / requests_per_second


def default_rule(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The catch-all rule (highest priority number, usually 'Default') the endpoint reported."""
    for run in runs:
        rules = (run["telemetry"].get("traces") or {}).get("rules") or []
        if rules:
            return dict(max(rules, key=lambda r: r.get("priority") or 0))
    return None


def estimate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The monthly bill of one mode from its runs' median rates."""
    rates = median_rates(runs)
    retention_days = int(runs[0].get("log_retention_days") or DEFAULT_RETENTION_DAYS)
    per_day = REQUESTS_PER_DAY
    target_rps = per_day / 86400
    lines: list[dict[str, Any]] = []

    def add(item: str, quantity: float, unit: str, usd: float, how: str) -> None:
        lines.append({"item": item, "quantity": quantity, "unit": unit, "usd": usd, "how": how})

    # traces: how many requests are sampled at the target rate
    trace_share_target = rates["traced_share"]
    sampling_note = "no traces recorded"
    rule = default_rule(runs)
    if rates["traced_share"] and rates["traced_share_at_target"] is not None:
        trace_share_target = rates["traced_share_at_target"]
        sampling_note = (
            f"{trace_share_target:.1%} of requests traced when sent at {target_rps:.1f}/s (measured; "
            f"{rates['traced_share']:.1%} at the bench's {rates['bench_rps']:.0f}/s)"
        )
    elif rates["traced_share"]:
        predicted_bench = sampled_share(rule, rates["bench_rps"])
        if predicted_bench and abs(predicted_bench - rates["traced_share"]) <= 0.5 * predicted_bench:
            trace_share_target = sampled_share(rule, target_rps)
            sampling_note = (
                f"rule '{rule['name'] if rule else '?'}': {rule['reservoir_per_s'] if rule else '?'}/s + "
                f"{(rule['fixed_rate'] if rule else 0):.0%} of the rest -> {trace_share_target:.1%} of "
                f"requests at {target_rps:.1f}/s (measured {rates['traced_share']:.1%} at "
                f"{rates['bench_rps']:.0f}/s)"
            )
        else:
            sampling_note = f"measured share {rates['traced_share']:.1%} of requests (no rule explains it)"

    log_gb_month = (
        (rates["log_bytes_per_request"] + rates["emf_value_bytes_per_request"]) * per_day * DAYS_PER_MONTH
        + rates["emf_fixed_bytes_per_second"] * SECONDS_PER_MONTH
    ) / GB
    if log_gb_month:
        add(
            "CloudWatch Logs ingestion (log lines + EMF)",
            log_gb_month,
            "GB",
            log_gb_month * prices.LOGS_INGESTION.usd,
            f"{rates['log_bytes_per_request']:.0f} B of log lines and "
            f"{rates['emf_value_bytes_per_request']:.0f} B of EMF values per request, "
            f"+ {rates['emf_fixed_bytes_per_second']:.0f} B/s of EMF documents "
            "(whatever the traffic)",
        )
        ratio = rates["gzip_ratio"] or 1.0
        stored = log_gb_month / DAYS_PER_MONTH * retention_days * ratio
        add(
            "CloudWatch Logs storage",
            stored,
            "GB-month",
            stored * prices.LOGS_STORAGE.usd,
            f"{retention_days} days retained, compressed to {ratio:.0%} (gzip of the events read back)",
        )
    if rates["metric_series"]:
        add(
            "CloudWatch custom metrics",
            rates["metric_series"],
            "metrics",
            prices.custom_metrics_monthly(rates["metric_series"]),
            "distinct namespace+name+dimensions read back with ListMetrics, present all month",
        )
    if rates["put_metric_data_per_second"]:
        calls = rates["put_metric_data_per_second"] * SECONDS_PER_MONTH
        add(
            "CloudWatch PutMetricData requests",
            calls,
            "requests",
            calls / 1000 * prices.METRIC_API_REQUESTS.usd,
            f"{rates['put_metric_data_per_second']:.2f} a second, as measured (a timer-driven exporter)",
        )
    traces = (trace_share_target or 0.0) * per_day * DAYS_PER_MONTH
    if traces and not rates["traces_via_otlp"]:
        add(
            "X-Ray traces recorded",
            traces,
            "traces",
            traces / 1e6 * prices.XRAY_TRACES_RECORDED.usd,
            f"segments through the daemon or PutTraceSegments, billed per trace; {sampling_note}",
        )
    if traces and rates["traces_via_otlp"]:
        # X-Ray's OTLP endpoint needs Transaction Search: spans are billed by the GB, not per trace
        span_gb = traces * (rates["trace_bytes"] or 0.0) / GB
        add(
            "Transaction Search span ingestion",
            span_gb,
            "GB",
            span_gb * prices.TRANSACTION_SEARCH_SPANS.usd,
            f"spans sent over OTLP, {fmt_bytes(rates['trace_bytes'])} per trace as stored (segment JSON); "
            f"{sampling_note}; 1% indexed free; price unverified (aws_prices.py)",
        )
    if rates["span_bytes_per_request"]:
        span_gb = rates["span_bytes_per_request"] * per_day * DAYS_PER_MONTH / GB
        add(
            "Transaction Search span ingestion (aws/spans)",
            span_gb,
            "GB",
            span_gb * prices.TRANSACTION_SEARCH_SPANS.usd,
            f"{rates['span_bytes_per_request']:.0f} B of span events per request in aws/spans; "
            "price unverified",
        )
    return {
        "requests_per_day": per_day,
        "rates": rates,
        "sampling": sampling_note,
        "lines": lines,
        "total_usd": sum(line["usd"] for line in lines),
    }


def estimate_all(summary: dict[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    modes = list(summary["modes"])
    return {mode: estimate([r for r in runs if r["mode"] == mode]) for mode in modes}
