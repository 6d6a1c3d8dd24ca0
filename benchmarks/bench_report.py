"""The telemetry bench's output: medians and ratios, the console report, docs/comparison.md, charts."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import bench_stats
from bench_stats import dig

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

# (key, label, path into a run, unit)
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("throughput", "throughput", "throughput_rps", "req/s"),
    ("p50", "latency p50", "latency_ms.all.p50", "ms"),
    ("p90", "latency p90", "latency_ms.all.p90", "ms"),
    ("p99", "latency p99", "latency_ms.all.p99", "ms"),
    ("cpu", "CPU per 1,000 requests (api + inventory)", "cpu_s_per_1k.shop", "s"),
    ("cpu_api", "CPU per 1,000 requests, api", "cpu_s_per_1k.api", "s"),
    ("cpu_inventory", "CPU per 1,000 requests, inventory", "cpu_s_per_1k.inventory", "s"),
    ("cpu_localaws", "CPU per 1,000 requests, local AWS endpoint", "cpu_s_per_1k.local-aws", "s"),
    ("rss_api", "peak RSS, api", "peak_rss_mb.api", "MB"),
    ("rss_inventory", "peak RSS, inventory", "peak_rss_mb.inventory", "MB"),
    ("rss_localaws", "peak RSS, local AWS endpoint", "peak_rss_mb.local-aws", "MB"),
    ("stdout", "stdout log bytes per request", "stdout_bytes_per_request", "B"),
    ("calls", "AWS API calls per request", "rates.api_calls_per_request", ""),
    ("api_bytes", "AWS API request bytes per request", "rates.api_bytes_per_request", "B"),
    ("log_bytes", "CloudWatch Logs billed bytes per request (lines)", "rates.log_bytes_per_request", "B"),
    ("emf_bytes", "EMF value bytes per request", "rates.emf_value_bytes_per_request", "B"),
    ("emf_fixed", "EMF document bytes per second (fixed)", "rates.emf_fixed_bytes_per_second", "B/s"),
    ("events", "log events per request", "rates.log_events_per_request", ""),
    ("series", "metric series", "rates.metric_series", ""),
    ("traced", "share of requests traced", "rates.traced_share", ""),
    ("trace_bytes", "bytes per trace (segment documents as stored)", "rates.trace_bytes", "B"),
)
RATIO_KEYS = ("cpu", "p50", "p99", "throughput")


def summarize(runs: list[dict[str, Any]], modes: list[str]) -> dict[str, Any]:
    """Per mode, each metric's median and spread across rounds; ratios of the medians to ``off``."""
    out: dict[str, Any] = {"modes": {}}
    for mode in modes:
        mine = [r for r in runs if r["mode"] == mode]
        metrics = {
            key: bench_stats.median_spread([dig(r, path) for r in mine]) for key, _, path, _ in METRICS
        }
        kinds = sorted({k for r in mine for k in r["latency_ms"]["by_kind"]})
        by_kind = {
            kind: {
                q: bench_stats.median_spread([dig(r, f"latency_ms.by_kind.{kind}.{q}") for r in mine])[
                    "median"
                ]
                for q in ("p50", "p99", "count")
            }
            for kind in kinds
        }
        statuses: dict[str, int] = {}
        for r in mine:
            for status, n in r["latency_ms"]["statuses"].items():
                statuses[status] = statuses.get(status, 0) + n
        out["modes"][mode] = {
            "rounds": len(mine),
            "metrics": metrics,
            "by_kind": by_kind,
            "statuses": statuses,
        }
    base = out["modes"].get("off")
    for data in out["modes"].values():
        data["ratios"] = {
            key: bench_stats.ratio(
                data["metrics"][key]["median"], base["metrics"][key]["median"] if base else None
            )
            for key in RATIO_KEYS
        }
    # each round's ratio to the off run next to it in time: what shared noise does to one round
    for mode, data in out["modes"].items():
        paired: dict[str, list[float]] = {key: [] for key in RATIO_KEYS}
        for run in (r for r in runs if r["mode"] == mode):
            partner = next((r for r in runs if r["mode"] == "off" and r["round"] == run["round"]), None)
            for key, _, path, _ in METRICS:
                if key in paired and partner is not None:
                    value = bench_stats.ratio(dig(run, path), dig(partner, path))
                    if value is not None:
                        paired[key].append(value)
        data["round_ratios"] = {key: bench_stats.median_spread(values) for key, values in paired.items()}
    return out


def modes_over_goal(summary: dict[str, Any], goal: float) -> list[str]:
    over = []
    for mode, data in summary["modes"].items():
        if mode == "off":
            continue
        if any((data["ratios"].get(k) or 0) > goal for k in ("cpu", "p99")):
            over.append(mode)
    return over


# -- text -------------------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    return str(value)


def run_line(run: dict[str, Any]) -> str:
    lat = run["latency_ms"]["all"]
    rates = run.get("rates", {})
    errors = sum(n for s, n in run["latency_ms"]["statuses"].items() if not s.startswith("2"))
    return (
        f"  round {run['round']} {run['mode']:>5}: {run['throughput_rps']:6.1f} req/s  "
        f"p50 {lat['p50']:6.1f} ms  p99 {lat['p99']:6.1f} ms  CPU {run['cpu_s_per_1k']['shop']:5.2f} s/1k  "
        f"calls/req {fmt(rates.get('api_calls_per_request'), 3)}  non-2xx {errors}"
    )


def _ratio_text(value: float | None, goal: float | None = None, rounds: dict[str, Any] | None = None) -> str:
    if value is None:
        return "n/a"
    text = f"x{value:.2f}"
    if goal is not None:
        text += " (ok)" if value <= goal else " (OVER the goal)"
    if rounds and rounds.get("n", 0) > 1:
        text += f" [rounds {rounds['min']:.2f}-{rounds['max']:.2f}]"
    return text


def text_report(results: dict[str, Any]) -> str:
    summary, cost, goal = results["summary"], results["cost"], results["goal_ratio"]
    modes = list(summary["modes"])
    lines = ["", "=" * 100, "telemetry bench: medians across rounds (min-max in brackets)", ""]
    others = sorted(r["other_cpu_share"] for r in results.get("runs", []) if "other_cpu_share" in r)
    if others and others[-1] > 0.10:
        lines += [
            f"note: other work used up to {others[-1]:.0%} of the machine's CPU during a measured phase "
            f"(median {others[len(others) // 2]:.0%}); it shares the cores with the shop, so spreads widen",
            "",
        ]
    lines += [f"note: {note}" for note in results.get("notes", [])]
    header = f"{'':44}" + "".join(f"{m:>28}" for m in modes)
    lines.append(header)
    for key, label, _, unit in METRICS:
        cells = []
        for mode in modes:
            m = summary["modes"][mode]["metrics"][key]
            digits = 3 if key in ("calls", "traced") else 2 if key.startswith("cpu") else 1
            cell = f"{fmt(m['median'], digits)} [{fmt(m['min'], digits)}-{fmt(m['max'], digits)}]"
            cells.append(f"{cell:>28}")
        lines.append(f"{(label + (' (' + unit + ')' if unit else '')):44}" + "".join(cells))
    lines.append("")
    lines.append(
        f"{'estimated AWS bill, $/month at 1M requests/day':44}"
        + "".join(f"{fmt(cost[m]['total_usd'], 2):>28}" for m in modes)
    )
    lines.append("")
    for mode in modes:
        if mode == "off":
            continue
        r = summary["modes"][mode]["ratios"]
        rr = summary["modes"][mode].get("round_ratios", {})
        lines.append(
            f"{mode}: CPU per request {_ratio_text(r['cpu'], goal, rr.get('cpu'))}, "
            f"p99 {_ratio_text(r['p99'], goal, rr.get('p99'))}, "
            f"p50 {_ratio_text(r['p50'])}, throughput {_ratio_text(r['throughput'])} of off; "
            f"estimated ${cost[mode]['total_usd']:,.2f} a month at 1M requests a day"
        )
        for line in cost[mode]["lines"]:
            lines.append(
                f"    {line['item']:48} {fmt(line['quantity'], 1):>14} {line['unit']:9} "
                f"${line['usd']:>9,.2f}  {line['how']}"
            )
    for mode, profile in results.get("profiles", {}).items():
        lines += ["", f"where {mode}'s extra CPU goes (cProfile, CPU time per thread, ms per request):"]
        lines += profile_text(profile)
    lines.append("=" * 100)
    return "\n".join(lines)


def profile_text(profile: dict[str, Any], top: int = 10) -> list[str]:
    out = []
    for service, data in profile["services"].items():
        if "error" in data:
            out.append(f"  {service}: {data['error']}")
            continue
        cpu = data["cpu_ms_per_request"]
        out.append(
            f"  {service}: {cpu['off']:.2f} ms in off, {cpu['mode']:.2f} ms in this mode (profiler on)"
        )
        out.append("    by area (off -> mode):")
        for row in data["areas"][:top]:
            out.append(f"      {row['area']:44} {row['off_ms']:7.3f} -> {row['mode_ms']:7.3f}")
        out.append("    own time that grew the most (ms/request, calls/request):")
        for row in data["top_self_growth"][:top]:
            out.append(
                f"      {row['self_ms_off']:7.3f} -> {row['self_ms_mode']:7.3f}  "
                f"{row['calls_per_request_off']:6.1f} -> {row['calls_per_request_mode']:6.1f} calls  "
                f"{row['function']}"
            )
        out.append("    most cumulative time in this mode:")
        for row in data["top_cumulative"][:top]:
            out.append(
                f"      {row['cumulative_ms']:7.3f} ms  {row['calls_per_request']:6.1f} calls  "
                f"{row['function']}"
            )
    return out


# -- docs/comparison.md -----------------------------------------------------------------------------


TIMES, DASH = "\u00d7", "\u2013"


def _cell(metric: dict[str, Any], digits: int = 1) -> str:
    if metric["median"] is None:
        return "n/a"
    text = fmt(metric["median"], digits)
    if metric["n"] > 1:
        text += f" ({fmt(metric['min'], digits)}{DASH}{fmt(metric['max'], digits)})"
    return text


def _digits(key: str) -> int:
    return 3 if key in ("calls", "traced") else 2 if key.startswith("cpu") else 1


def _table(modes: list[str], rows: list[tuple[str, list[str]]]) -> str:
    out = ["| | " + " | ".join(f"`{m}`" for m in modes) + " |", "|---|" + "---:|" * len(modes)]
    out += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    return "\n".join(out) + "\n"


def markdown(results: dict[str, Any], image_prefix: str = "img/") -> str:
    """The measured part of docs/comparison.md, between the bench markers."""
    summary, cost, goal = results["summary"], results["cost"], results["goal_ratio"]
    settings, machine = results["settings"], results["machine"]
    modes = list(summary["modes"])
    data = summary["modes"]

    def metric_rows(keys: tuple[str, ...]) -> list[tuple[str, list[str]]]:
        return [
            (
                label + (f" ({unit})" if unit else ""),
                [_cell(data[m]["metrics"][key], _digits(key)) for m in modes],
            )
            for key, label, _, unit in METRICS
            if key in keys
        ]

    ratio_rows = []
    for key, label in (("cpu", "CPU per request"), ("p50", "latency p50"), ("p99", "latency p99")):
        cells = []
        for m in modes:
            value = data[m]["ratios"][key]
            notes = []
            if key in ("cpu", "p99") and m != "off" and value is not None:
                notes.append("goal met" if value <= goal else "**over the goal**")
            rounds = data[m].get("round_ratios", {}).get(key)
            if m != "off" and rounds and rounds["n"] > 1:
                notes.append(f"rounds {rounds['min']:.2f}{DASH}{rounds['max']:.2f}")
            mark = f" ({'; '.join(notes)})" if notes else ""
            cells.append(("n/a" if value is None else f"{TIMES}{value:.2f}") + mark)
        ratio_rows.append((label, cells))
    ratio_rows.append(
        (
            "throughput",
            [f"{TIMES}{v:.2f}" if (v := data[m]["ratios"]["throughput"]) else "n/a" for m in modes],
        )
    )

    kinds = sorted({k for m in modes for k in data[m]["by_kind"]})

    def p50_p99(mode: str, kind: str) -> str:
        found = data[mode]["by_kind"].get(kind, {})
        return f"{fmt(found.get('p50'))} / {fmt(found.get('p99'))}"

    kind_rows = [(kind, [p50_p99(m, kind) for m in modes]) for kind in kinds]
    statuses = "; ".join(
        f"`{m}`: " + ", ".join(f"{n} {TIMES} {s}" for s, n in data[m]["statuses"].items()) for m in modes
    )

    cost_rows = []
    for item in sorted({line["item"] for m in modes for line in cost[m]["lines"]}):
        cells = []
        for m in modes:
            found = [line for line in cost[m]["lines"] if line["item"] == item]
            cells.append(
                f"${found[0]['usd']:,.2f} ({fmt(found[0]['quantity'], 1)} {found[0]['unit']})"
                if found
                else DASH
            )
        cost_rows.append((item, cells))
    cost_rows.append(("**total**", [f"**${cost[m]['total_usd']:,.2f}**" for m in modes]))
    how = "\n".join(
        f"- `{m}`: " + "; ".join(f"{line['item']}: {line['how']}" for line in cost[m]["lines"]) + "."
        for m in modes
        if cost[m]["lines"]
    )

    profile_md = ""
    for mode, profile in results.get("profiles", {}).items():
        profile_md += (
            f"\n**Where `{mode}`'s extra CPU goes** (cProfile in every thread, CPU time in ms per request; "
            "the profiler slows everything down, so read the shares and the call counts):\n\n```\n"
            + "\n".join(profile_text(profile))
            + "\n```\n"
        )
    stats_note = ""
    if all(data[m]["metrics"]["calls"]["median"] is None for m in modes if m != "off"):
        stats_note = (
            "\nAPI calls and request bytes read n/a: the local endpoint of this run had no "
            "`/_localaws/stats`. The other figures come from reading the data back.\n"
        )
    mix = ", ".join(f"{k} {v}%" for k, v in settings["mix"].items())
    others = [r["other_cpu_share"] for r in results.get("runs", []) if "other_cpu_share" in r]
    load_note = (
        f" Other work on the machine used {min(others):.0%}{DASH}{max(others):.0%} of its CPU during the "
        "measured phases."
        if others
        else ""
    )
    parts = [
        BEGIN,
        f"<!-- generated by `make bench` ({results['command']}): edit benchmarks/bench_report.py, "
        "not this block -->",
        "",
        f"Measured on {results['generated'][:10]} in {results['duration_s'] / 60:.1f} minutes on "
        f"{machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB, Python "
        f"{machine['python']} (load average {', '.join(str(x) for x in machine['load_average_at_start'])} "
        f"at the start). Each mode ran {settings['rounds']} interleaved round(s) of {settings['requests']:,} "
        f"requests after {settings['warmup']:,} of warm-up, {settings['concurrency']} at a time; the mix is "
        f"{mix}, plus the cart creations the carts need (seed {settings['seed']}). Figures are medians "
        "across rounds with the lowest and highest round in brackets."
        + load_note
        + "".join(f" Note: {note}." for note in results.get("notes", [])),
        "",
        f"**Ratios to `off`** (goal: CPU per request and p99 at most {TIMES}{goal:.2f})",
        "",
        _table(modes, ratio_rows),
        "**Throughput and latency**",
        "",
        _table(modes, metric_rows(("throughput", "p50", "p90", "p99"))),
        "Latency p50 / p99 (ms) by kind of request:",
        "",
        _table(modes, kind_rows),
        f"Answers, all rounds together: {statuses}.",
        "",
        f"![Ratios to off]({image_prefix}bench-ratios.png) "
        f"![CPU per 1,000 requests]({image_prefix}bench-cpu.png) "
        f"![Latency]({image_prefix}bench-latency.png)",
        "",
        "**CPU and memory**",
        "",
        _table(
            modes,
            metric_rows(("cpu", "cpu_api", "cpu_inventory", "cpu_localaws"))
            + metric_rows(("rss_api", "rss_inventory", "rss_localaws")),
        ),
        "The local AWS endpoint stands in for AWS: its CPU is not the shop's, but it shares the machine's "
        "cores with the shop during the run.",
        "",
        "**Telemetry sent**",
        "",
        _table(
            modes,
            metric_rows(
                ("stdout", "calls", "api_bytes", "events", "log_bytes", "emf_bytes", "emf_fixed", "series",
                 "traced", "trace_bytes")
            ),
        ) + stats_note,
        "**Estimated AWS bill at 1,000,000 requests a day** (us-east-1 list prices from "
        "`benchmarks/aws_prices.py`; free tiers excluded)",
        "",
        _table(modes, cost_rows),
        how,
        "",
        f"![Monthly cost]({image_prefix}bench-cost.png)",
        profile_md,
        END,
    ]  # fmt: skip
    return "\n".join(parts)


def replace_block(document: str, block: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document, count=1)
    return document.rstrip("\n") + "\n\n" + block + "\n"


def write_docs(results: dict[str, Any], doc: Path, images: Path) -> list[Path]:
    images.mkdir(parents=True, exist_ok=True)
    written = charts(results, images)
    text = doc.read_text() if doc.exists() else "# Comparison\n"
    doc.write_text(replace_block(text, markdown(results)))
    return [doc, *written]


# -- charts -----------------------------------------------------------------------------------------


def charts(results: dict[str, Any], images: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary, cost = results["summary"], results["cost"]
    modes = list(summary["modes"])
    written: list[Path] = []

    def errors(key: str) -> tuple[list[float], list[list[float]]]:
        med, low, high = [], [], []
        for m in modes:
            s = summary["modes"][m]["metrics"][key]
            med.append(s["median"] or 0.0)
            low.append((s["median"] or 0.0) - (s["min"] or 0.0))
            high.append((s["max"] or 0.0) - (s["median"] or 0.0))
        return med, [low, high]

    # CPU per 1,000 requests, api and inventory stacked, whole-shop spread as error bars
    fig, ax = plt.subplots(figsize=(6, 3.6))
    api = [summary["modes"][m]["metrics"]["cpu_api"]["median"] or 0.0 for m in modes]
    inventory = [summary["modes"][m]["metrics"]["cpu_inventory"]["median"] or 0.0 for m in modes]
    ax.bar(modes, api, label="api", color="#4c72b0")
    ax.bar(modes, inventory, bottom=api, label="inventory", color="#55a868")
    total, spread = errors("cpu")
    ax.errorbar(modes, total, yerr=spread, fmt="none", ecolor="black", capsize=4, label="spread (rounds)")
    ax.set_ylabel("CPU seconds per 1,000 requests")
    ax.set_title("CPU per request (lower is better)")
    ax.legend(loc="lower right", fontsize=8)
    written.append(_save(fig, images / "bench-cpu.png"))

    # latency percentiles
    fig, ax = plt.subplots(figsize=(6, 3.6))
    width = 0.8 / 3
    for i, (key, color) in enumerate((("p50", "#4c72b0"), ("p90", "#dd8452"), ("p99", "#c44e52"))):
        med, spread = errors(key)
        xs = [j + (i - 1) * width for j in range(len(modes))]
        ax.bar(xs, med, width, label=key, color=color, yerr=spread, capsize=3)
    ax.set_xticks(range(len(modes)), modes)
    ax.set_ylabel("ms")
    ax.set_title("Latency, all requests (lower is better)")
    ax.legend(fontsize=8)
    written.append(_save(fig, images / "bench-latency.png"))

    # ratios to off against the goal
    others = [m for m in modes if m != "off"]
    if others:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        width = 0.8 / 3
        for i, (key, label, color) in enumerate(
            (("cpu", "CPU per request", "#4c72b0"), ("p50", "p50", "#8c8c8c"), ("p99", "p99", "#c44e52"))
        ):
            values = [summary["modes"][m]["ratios"][key] or 0.0 for m in others]
            xs = [j + (i - 1) * width for j in range(len(others))]
            bars = ax.bar(xs, values, width, label=label, color=color)
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        goal = results["goal_ratio"]
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.axhline(goal, color="#c44e52", linestyle="--", linewidth=1, label=f"goal {goal:.2f}")
        ax.set_xticks(range(len(others)), others)
        ax.set_ylim(
            0.8, max(1.3, *(summary["modes"][m]["ratios"][k] or 0 for m in others for k in RATIO_KEYS)) + 0.1
        )
        ax.set_ylabel("ratio to off")
        ax.set_title("Each mode against off (medians)")
        ax.legend(fontsize=7, loc="upper left")
        written.append(_save(fig, images / "bench-ratios.png"))

    # monthly cost by line item
    fig, ax = plt.subplots(figsize=(6, 3.6))
    items = sorted({line["item"] for m in modes for line in cost[m]["lines"]})
    bottom = [0.0] * len(modes)
    for item in items:
        values = [sum(line["usd"] for line in cost[m]["lines"] if line["item"] == item) for m in modes]
        ax.bar(modes, values, bottom=bottom, label=item)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for j, value in enumerate(bottom):
        ax.annotate(f"${value:,.2f}", (j, value), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("US$ per month")
    ax.set_title("Estimated AWS bill at 1M requests/day")
    if items:
        ax.legend(fontsize=7, loc="upper left")
    written.append(_save(fig, images / "bench-cost.png"))
    return written


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path
