"""make bench (benchmarks/telemetry_bench.py): the plan is deterministic, the cost model scales each
part the way it grows, the docs block is replaced without touching the prose, and a tiny run of
``off`` and ``aws`` produces complete results. Timing goals are the bench's to report, never
asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import aws_prices  # noqa: E402
import bench_cost  # noqa: E402
import bench_loadgen  # noqa: E402
import bench_report  # noqa: E402
import bench_stats  # noqa: E402


def test_the_plan_is_the_same_for_the_same_seed_and_needs_no_cart_it_did_not_create():
    args = (7, 203, 4, [1, 2, 3], ["kitchen"], ["kettle"])
    plan = bench_loadgen.make_plan(*args)
    assert plan == bench_loadgen.make_plan(*args)
    assert plan != bench_loadgen.make_plan(8, *args[1:])
    assert sum(len(steps) for steps in plan) == 203
    for steps in plan:
        has_cart, items = False, 0
        for kind, _ in steps:
            if kind == "cart_create":
                has_cart, items = True, 0
            elif kind == "cart_add":
                assert has_cart
                items += 1
            elif kind == "checkout":
                assert has_cart
                assert items > 0
                has_cart = False
    kinds = {kind for steps in plan for kind, _ in steps}
    assert kinds == set(bench_loadgen.KINDS)


def test_percentiles_and_medians():
    assert bench_stats.percentile([1, 2, 3, 4], 50) == 2.5
    assert bench_stats.percentile(list(range(101)), 99) == 99
    spread = bench_stats.median_spread([3.0, None, 1.0, 2.0])
    assert spread == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert bench_stats.ratio(11.0, 10.0) == pytest.approx(1.1)
    assert bench_stats.ratio(1.0, None) is None


def test_custom_metrics_are_priced_through_the_tiers():
    assert aws_prices.custom_metrics_monthly(10) == pytest.approx(3.0)
    assert aws_prices.custom_metrics_monthly(10_000) == pytest.approx(3000.0)
    assert aws_prices.custom_metrics_monthly(10_001) == pytest.approx(3000.1)
    for price in aws_prices.PRICES.values():
        assert price.source.startswith("https://")
        assert price.read


def synthetic_run(**telemetry: object) -> dict:
    base = {
        "mode": "aws",
        "round": 1,
        "requests": 1000,
        "elapsed_s": 10.0,
        "metrics_interval_s": 10.0,
        "telemetry": {
            "endpoint_stats": {"logs.PutLogEvents": {"calls": 20, "bytes": 600_000}},
            "log_groups": {
                "/o11yshop/test/api": {
                    "events": 2000,
                    "billed_bytes": 500_000,
                    "gzip_bytes": 50_000,
                    "emf_documents": 10,
                    "emf_flushes": 1,
                    "emf_fixed_bytes_per_flush": 4000,
                    "emf_value_bytes": 6000,
                    "emf_requests_counted": 1000,
                }
            },
            "metric_series": {"o11yshop": 40, "AWS/Logs": 3},
            "traces": {"traces": None, "rules": []},
        },
    }
    base["telemetry"].update(telemetry)
    return base


def test_the_bill_scales_log_lines_per_request_and_emf_documents_per_second():
    cost = bench_cost.estimate([synthetic_run()])
    lines = {line["item"]: line for line in cost["lines"]}
    days = 365 / 12
    per_request = 500 + 6  # log lines, EMF values
    per_second = 4000 / 10  # one flush of EMF documents every 10 s
    gb = (per_request * 1_000_000 * days + per_second * days * 86400) / 1e9
    ingestion = lines["CloudWatch Logs ingestion (log lines + EMF)"]
    assert ingestion["quantity"] == pytest.approx(gb)
    assert ingestion["usd"] == pytest.approx(gb * 0.50)
    stored = lines["CloudWatch Logs storage"]["quantity"]
    assert stored == pytest.approx(gb / days * 7 * 0.1)  # 7 days kept, gzip to a tenth
    assert lines["CloudWatch custom metrics"]["quantity"] == 40  # AWS/ namespaces are not ours
    assert lines["CloudWatch custom metrics"]["usd"] == pytest.approx(12.0)
    assert cost["total_usd"] == pytest.approx(sum(line["usd"] for line in cost["lines"]))


def test_traces_follow_the_sampling_rule_at_the_target_rate():
    rule = {"name": "Default", "priority": 10000, "reservoir_per_s": 1, "fixed_rate": 0.05}
    # at the bench's 100 req/s the default rule samples (1 + 0.05 * 99) / 100 = 5.95%
    run = synthetic_run(traces={"traces": 60, "segment_bytes_per_trace": 1500, "rules": [rule]})
    cost = bench_cost.estimate([run])
    recorded = next(line for line in cost["lines"] if line["item"] == "X-Ray traces recorded")
    target_rps = 1_000_000 / 86400
    share = (1 + 0.05 * (target_rps - 1)) / target_rps
    assert recorded["quantity"] == pytest.approx(share * 1_000_000 * 365 / 12)
    assert recorded["usd"] == pytest.approx(recorded["quantity"] / 1e6 * 5.0)
    # the same traces sent over OTLP are spans billed by the GB (Transaction Search)
    otlp = synthetic_run(
        traces={"traces": 60, "segment_bytes_per_trace": 1500, "rules": [rule]},
        endpoint_stats={"xray.OTLPTraces": {"calls": 5, "bytes": 90_000}},
    )
    spans = next(line for line in bench_cost.estimate([otlp])["lines"] if "span" in line["item"])
    assert spans["quantity"] == pytest.approx(recorded["quantity"] * 1500 / 1e9)


def test_the_docs_block_is_replaced_and_the_prose_kept():
    document = (
        f"# Title\n\nprose before\n\n{bench_report.BEGIN}\nold numbers\n{bench_report.END}\n\nprose after\n"
    )
    new = bench_report.replace_block(document, f"{bench_report.BEGIN}\nnew numbers\n{bench_report.END}")
    assert "old numbers" not in new
    assert "new numbers" in new
    assert new.startswith("# Title\n\nprose before\n")
    assert new.endswith("\n\nprose after\n")
    appended = bench_report.replace_block("# Only prose\n", f"{bench_report.BEGIN}\nx\n{bench_report.END}")
    assert appended == f"# Only prose\n\n{bench_report.BEGIN}\nx\n{bench_report.END}\n"


@pytest.mark.timeout(240)
def test_a_tiny_run_of_off_and_aws_produces_complete_results(tmp_path):
    out = tmp_path / "results.json"
    command = [sys.executable, str(BENCH / "telemetry_bench.py"), "--quick", "--modes", "off,aws"]
    command += ["--requests", "120", "--warmup", "20", "--out", str(out)]
    command += ["--env", "O11YSHOP_METRICS_INTERVAL_SECONDS=1"]  # a run this short sees a flush
    finished = subprocess.run(command, capture_output=True, text=True, timeout=230)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(out.read_text())
    assert [run["mode"] for run in results["runs"]] == ["off", "aws"]
    for run in results["runs"]:
        assert run["requests"] == 120
        assert set(run["latency_ms"]["statuses"]) <= {"200", "201"}, run["latency_ms"]["statuses"]
        assert run["latency_ms"]["all"]["p99"] > 0
        assert run["cpu_s_per_1k"]["shop"] > 0
        assert run["peak_rss_mb"]["api"] > 0
        assert run["peak_rss_mb"]["inventory"] > 0
    off, aws = results["runs"]
    assert off["rates"]["api_calls_per_request"] == 0  # off sends nothing
    assert off["telemetry"]["log_groups"] == {}
    assert aws["rates"]["api_calls_per_request"] > 0
    assert aws["rates"]["log_bytes_per_request"] > 0
    assert aws["rates"]["metric_series"] > 0
    modes = results["summary"]["modes"]
    assert modes["off"]["ratios"]["cpu"] == pytest.approx(1.0)
    assert modes["aws"]["ratios"]["cpu"] > 0
    assert results["cost"]["off"]["total_usd"] == 0
    assert results["cost"]["aws"]["total_usd"] > 0
    report = bench_report.markdown(results)
    assert report.startswith(bench_report.BEGIN)
    assert report.endswith(bench_report.END)
    assert "aws: CPU per request" in finished.stdout
