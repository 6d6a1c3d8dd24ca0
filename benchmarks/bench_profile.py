"""Where a telemetry mode's CPU goes: one o11yshop service under cProfile, and the comparison of two.

Run as a script it serves one process exactly as ``o11yshop serve`` does, with a deterministic
profiler (the standard library's cProfile) in **every** thread — the event loop, the thread pool
that runs the shop's sync endpoints, and the telemetry threads (log shipper, metric flush) — timed
with each thread's CPU clock, and writes the merged statistics when the process stops::

    python benchmarks/bench_profile.py api --out api.pstats

Why cProfile: it ships with Python (no dependency to add), sees every thread once hooked through
``threading.setprofile``, and counts calls exactly, so "the shipper formats 3 lines per request"
is a number rather than a guess. It slows the process down (every call is timed), so the bench
never mixes a profiled run into the measured ones; shares and per-request counts are what to read.

``compare`` reads an ``off`` profile and another mode's and reports, per request: CPU by area
(telemetry code, structlog, the AWS SDK, the web stack, the database, ...), the functions with the
most cumulative time, and those whose own time grew the most against ``off``.
"""

from __future__ import annotations

import argparse
import cProfile
import marshal
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

# file path fragment -> area, first match wins
AREAS: tuple[tuple[str, str], ...] = (
    ("/o11yshop/telemetry/", "o11yshop telemetry"),
    ("/structlog/", "structlog"),
    ("/aws_xray_sdk/", "X-Ray SDK"),
    ("/opentelemetry/", "OpenTelemetry"),
    ("/amazon/opentelemetry/", "OpenTelemetry"),
    ("/botocore/", "AWS SDK (boto3/botocore/urllib3)"),
    ("/boto3/", "AWS SDK (boto3/botocore/urllib3)"),
    ("/urllib3/", "AWS SDK (boto3/botocore/urllib3)"),
    ("/psutil/", "psutil"),
    ("/sqlalchemy/", "database (SQLAlchemy, sqlite3)"),
    ("sqlite3", "database (SQLAlchemy, sqlite3)"),
    ("/pydantic", "pydantic"),
    ("/fastapi/", "web (uvicorn, starlette, fastapi, anyio)"),
    ("/starlette/", "web (uvicorn, starlette, fastapi, anyio)"),
    ("/uvicorn/", "web (uvicorn, starlette, fastapi, anyio)"),
    ("/anyio/", "web (uvicorn, starlette, fastapi, anyio)"),
    ("/h11/", "web (uvicorn, starlette, fastapi, anyio)"),
    ("/httptools/", "web (uvicorn, starlette, fastapi, anyio)"),
    ("/httpx/", "httpx (api -> inventory)"),
    ("/httpcore/", "httpx (api -> inventory)"),
    ("/o11yshop/", "o11yshop (the shop itself)"),
    ("/logging/", "stdlib logging"),
    ("/json/", "json"),
    ("/asyncio/", "event loop (asyncio, selectors)"),
    ("selectors.py", "event loop (asyncio, selectors)"),
    ("threading.py", "threads and queues"),
    ("queue.py", "threads and queues"),
)


def area_of(filename: str, function: str) -> str:
    if filename == "~":  # a C function: name it by what it belongs to
        for needle, area in (("json", "json"), ("sqlite3", "database (SQLAlchemy, sqlite3)")):
            if needle in function:
                return area
        if "select" in function or "poll" in function:
            return "event loop (asyncio, selectors)"
        return "builtins and C calls"
    for needle, area in AREAS:
        if needle in filename:
            return area
    if "/site-packages/" in filename:
        return "other libraries"
    return "other standard library"


# -- the profiled process ---------------------------------------------------------------------------

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()
Raw = dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]]


def _start_thread_profiler(*_: Any) -> None:
    """Installed with threading.setprofile: swaps itself for a real profiler in each new thread."""
    sys.setprofile(None)
    profile = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(profile)
    profile.enable()


def snapshot() -> Raw:
    """Every thread's counts so far, merged, without stopping any profiler. Calls still running
    (a thread blocked in a wait, the event loop itself) are left out rather than closed with another
    thread's clock, which is what ``disable`` from this thread would do."""
    merged: Raw = {}
    with _lock:
        profiles = list(_profiles)
    for profile in profiles:
        profile.snapshot_stats()
        for key, (cc, nc, tt, ct, _callers) in profile.stats.items():
            old = merged.get(key, (0, 0, 0.0, 0.0, {}))
            merged[key] = (old[0] + cc, old[1] + nc, old[2] + tt, old[3] + ct, {})
    return merged


def difference(after: Raw, before: Raw) -> Raw:
    out: Raw = {}
    for key, (cc, nc, tt, ct, _) in after.items():
        b = before.get(key, (0, 0, 0.0, 0.0, {}))
        if nc - b[1] or tt - b[2] > 1e-9:
            out[key] = (cc - b[0], nc - b[1], tt - b[2], ct - b[3], {})
    return out


def serve_profiled(service: str, out: Path) -> None:
    """Serve with every thread profiled. SIGUSR1 marks the start of the measured phase, SIGUSR2 its
    end: ``out`` then holds what happened in between (a pstats file)."""
    marks: dict[str, Raw] = {}

    def start(_signum: int, _frame: Any) -> None:
        marks["start"] = snapshot()

    def stop(_signum: int, _frame: Any) -> None:
        measured = difference(snapshot(), marks.get("start", {}))
        tmp = out.with_suffix(".tmp")
        with tmp.open("wb") as file:
            marshal.dump(measured, file)
        tmp.rename(out)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    threading.setprofile(_start_thread_profiler)  # before any thread of the shop exists
    main = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(main)
    main.enable()
    from o11yshop.runner import serve_one

    serve_one(service)


# -- reading two profiles ---------------------------------------------------------------------------

Key = tuple[str, int, str]


def load(path: Path) -> dict[Key, tuple[int, int, float, float]]:
    with path.open("rb") as file:
        raw = marshal.load(file)  # noqa: S302 - our own file, written by snapshot()
    return {
        key: (cc, nc, tt, ct) for key, (cc, nc, tt, ct, _callers) in raw.items() if not _profiler_itself(key)
    }


def _profiler_itself(key: Key) -> bool:
    """The snapshot's own work, done inside the measured phase: not the shop's."""
    filename, _, function = key
    return "cProfile.py" in filename or "bench_profile" in filename or "_lsprof" in function


def _label(key: Key) -> str:
    filename, line, function = key
    if filename == "~":
        return function
    short = filename
    for marker in ("/site-packages/", "/src/", "/lib/python3.11/"):
        if marker in filename:
            short = filename.split(marker, 1)[1]
            break
    return f"{short}:{line}({function})"


def _skip_cumulative(key: Key) -> bool:
    """Frames that enclose everything (thread bootstraps, the server's run loop): not informative."""
    filename, _, function = key
    enclosing = {"_bootstrap", "_bootstrap_inner", "run", "serve_profiled", "serve_one", "<module>"}
    wrapper_file = "threading.py" in filename or "bench_profile" in filename or filename.endswith("runner.py")
    return (function in enclosing and wrapper_file) or function in {"run_forever", "_run_once"}


def _areas(data: dict[Key, tuple[int, int, float, float]], scale: float) -> dict[str, float]:
    totals: dict[str, float] = {}
    for key, (_cc, _nc, tt, _ct) in data.items():
        name = area_of(key[0], key[2])
        totals[name] = totals.get(name, 0.0) + tt * scale
    return totals


def compare(off: dict[str, Path], mode: dict[str, Path], requests: int, top: int = 15) -> dict[str, Any]:
    """Per service: CPU per request by area in ``off`` and in the mode, top cumulative functions of
    the mode, and the functions whose own time grew the most."""
    report: dict[str, Any] = {"requests": requests, "services": {}}
    for service in mode:
        if not off[service].exists() or not mode[service].exists():
            report["services"][service] = {"error": "no profile written"}
            continue
        base, other = load(off[service]), load(mode[service])
        per_request_ms = 1000 / requests
        base_areas, other_areas = _areas(base, per_request_ms), _areas(other, per_request_ms)
        names = sorted(
            base_areas.keys() | other_areas.keys(),
            key=lambda name: other_areas.get(name, 0.0) - base_areas.get(name, 0.0),
            reverse=True,
        )
        area_rows = [
            {"area": name, "off_ms": base_areas.get(name, 0.0), "mode_ms": other_areas.get(name, 0.0)}
            for name in names
        ]
        cumulative = sorted(
            ((key, v) for key, v in other.items() if not _skip_cumulative(key)),
            key=lambda kv: kv[1][3],
            reverse=True,
        )
        growth = sorted(
            other.items(), key=lambda kv: kv[1][2] - base.get(kv[0], (0, 0, 0.0, 0.0))[2], reverse=True
        )
        report["services"][service] = {
            "cpu_ms_per_request": {
                "off": sum(v[2] for v in base.values()) * per_request_ms,
                "mode": sum(v[2] for v in other.values()) * per_request_ms,
            },
            "areas": area_rows,
            "top_cumulative": [
                {
                    "function": _label(key),
                    "cumulative_ms": ct * per_request_ms,
                    "calls_per_request": nc / requests,
                }
                for key, (_cc, nc, _tt, ct) in cumulative[:top]
            ],
            "top_self_growth": [
                {
                    "function": _label(key),
                    "self_ms_off": base.get(key, (0, 0, 0.0, 0.0))[2] * per_request_ms,
                    "self_ms_mode": tt * per_request_ms,
                    "calls_per_request_off": base.get(key, (0, 0, 0.0, 0.0))[1] / requests,
                    "calls_per_request_mode": nc / requests,
                }
                for key, (_cc, nc, tt, _ct) in growth[:top]
            ],
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="serve one o11yshop process under cProfile")
    parser.add_argument("service", choices=("api", "inventory"))
    parser.add_argument(
        "--out", type=Path, required=True, help="where to write the measured phase's pstats file"
    )
    args = parser.parse_args(argv)
    serve_profiled(args.service, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
