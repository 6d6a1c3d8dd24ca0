"""``make bench``: what each telemetry mode costs the shop, in CPU, latency, memory, bytes and dollars.

For every mode of ``O11YSHOP_TELEMETRY`` (``off`` is the baseline; new modes are picked up from
``o11yshop.config.TelemetryMode``) the bench starts the shop as a learner runs it — a local AWS
endpoint, the inventory and the api, each its own process, on a fresh copy of one seeded SQLite
database — replays the same seeded request mix at a fixed concurrency from a load generator in a
process of its own, and measures:

- throughput and latency (p50/p90/p99, overall and per kind of request);
- CPU seconds per 1,000 requests (user + system, api and inventory, measured phase only) and peak
  RSS of each process;
- what reached the AWS endpoint: API calls and request bytes per shop request (from the endpoint's
  ``/_localaws/stats``), log events and billed bytes per log group, metric series (ListMetrics),
  traces (GetTraceSummaries) — and from those, the monthly bill at a million requests a day
  (``bench_cost.py``, prices in ``aws_prices.py``). For a mode that traces, round 1 also sends
  requests at that rate (11.6 a second) for ``--probe-seconds``, because the share of requests a
  sampling rule keeps depends on the rate.

Rounds are interleaved (off, aws, …, off, aws, …) and the report gives each figure's median across
rounds, its spread, and each mode's ratio to ``off``. When a mode's CPU or p99 ratio is above the
goal (1.10), the bench runs that mode and ``off`` once more with the services under cProfile and
prints where the time goes.

    uv run --frozen python benchmarks/telemetry_bench.py                 # ~1.5 min a mode, + profiles
    uv run --frozen python benchmarks/telemetry_bench.py --quick         # a smoke run (~1 min)
    uv run --frozen python benchmarks/telemetry_bench.py --write-docs    # also docs/comparison.md
    uv run --frozen python benchmarks/telemetry_bench.py --env O11YSHOP_LOG_LEVEL=WARNING  # a lever

Processes are stopped with SIGTERM. uvicorn then re-raises the signal after its graceful shutdown,
so ``o11yshop serve`` exits with -15 before ``telemetry.shutdown()`` runs: the bench waits until the
log shipper has sent every line accepted during the run before it stops anything, and derives the
EMF figures per flush, so the lost last flush does not bias them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_cost  # noqa: E402
import bench_loadgen  # noqa: E402
import bench_profile  # noqa: E402
import bench_report  # noqa: E402
import bench_stats  # noqa: E402

CLI = [sys.executable, "-m", "o11yshop.cli"]
JWT_SECRET = "bench-only-secret-" + "b" * 32
ADMIN_EMAIL = "admin@o11yshop.local"
ADMIN_PASSWORD = "bench-admin-password"  # noqa: S105 - a throwaway database's admin
RESTOCK_UNITS = 100_000
GOAL_RATIO = 1.10
PROBE_RATE = 1_000_000 / 86400  # a million requests a day, in requests a second
SERVICES = ("api", "inventory")
ZERO_RESULT_WORDS = ("unicorn", "zzz")


def telemetry_modes() -> list[str]:
    """Every value O11YSHOP_TELEMETRY accepts, ``off`` first."""
    from o11yshop.config import TelemetryMode

    modes = list(typing.get_args(TelemetryMode))
    return sorted(modes, key=lambda mode: (mode != "off", modes.index(mode)))


# -- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of every shop process: the caller's, less any O11YSHOP_ setting it had."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("O11YSHOP_")}
    env |= {
        "O11YSHOP_ENV": "test",
        "O11YSHOP_JWT_SECRET": JWT_SECRET,
        "O11YSHOP_HOST": "127.0.0.1",
        "O11YSHOP_ADMIN_EMAIL": ADMIN_EMAIL,
        "O11YSHOP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "O11YSHOP_AWS_REGION": "us-east-1",
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


def wait_until(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError, OSError):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not happen within {seconds:.0f} s")


def free_daemon_port() -> int:
    """A port free for both UDP and TCP (the X-Ray daemon stand-in listens on both)."""
    for _ in range(50):
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no port free for UDP and TCP")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Shop:
    """One running shop: local AWS, inventory and api processes, with their logs in ``directory``."""

    mode: str
    directory: Path
    env: dict[str, str]
    api_url: str
    aws_url: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Any] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> None:
        log = (self.directory / f"{name}.log").open("wb")
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own CLI
            command, env=self.env, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT
        )

    def psutil(self, name: str) -> psutil.Process:
        return psutil.Process(self.processes[name].pid)

    def stop(self, names: tuple[str, ...], timeout: float = 30.0) -> dict[str, int | None]:
        """SIGTERM, then wait: a clean stop flushes the telemetry still buffered."""
        for name in names:
            if name in self.processes and self.processes[name].poll() is None:
                self.processes[name].send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for name in names:
            process = self.processes.get(name)
            if process is None:
                continue
            try:
                codes[name] = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                codes[name] = None
            log = self.logs.pop(name, None)
            if log:
                log.close()
        return codes

    def stop_all(self) -> None:
        self.stop(("api", "inventory"))
        self.stop(("local-aws",))

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.directory / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running_shop(
    mode: str,
    directory: Path,
    database: Path,
    media: Path,
    extra_env: dict[str, str],
    profile_dir: Path | None = None,
    with_aws: bool = True,
) -> Iterator[Shop]:
    aws_port, api_port, inventory_port = free_port(), free_port(), free_port()
    daemon_port = free_daemon_port()
    env = base_env(
        {
            "O11YSHOP_DATABASE_URL": f"sqlite:///{database}",
            "O11YSHOP_MEDIA_DIR": str(media),
            "O11YSHOP_WEB_DIR": str(directory / "no-front-end"),
            "O11YSHOP_API_PORT": str(api_port),
            "O11YSHOP_INVENTORY_PORT": str(inventory_port),
            "O11YSHOP_TELEMETRY": mode,
            "O11YSHOP_AWS_ENDPOINT_URL": f"http://127.0.0.1:{aws_port}",
            # the endpoint stands in for the X-Ray daemon on a port of this run's own (the shop sends
            # segments the way its own settings say; this only keeps port 2000 free)
            "O11YSHOP_XRAY_DAEMON_PORT": str(daemon_port),
        }
        | extra_env
    )
    shop = Shop(mode, directory, env, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{aws_port}")
    try:
        if with_aws:
            shop.start(
                "local-aws",
                [*CLI, "local-aws", "--port", str(aws_port), "--xray-daemon-port", str(daemon_port)],
            )
        for service in ("inventory", "api"):
            if profile_dir is not None:
                out = profile_dir / f"{service}.pstats"
                command = [sys.executable, str(HERE / "bench_profile.py"), service, "--out", str(out)]
            else:
                command = [*CLI, "serve", service]
            shop.start(service, command)
        if with_aws:
            wait_until(lambda: port_open(aws_port), 60, "local AWS listening")
        wait_until(
            lambda: httpx.get(f"{shop.api_url}/api/health/ready", timeout=2).status_code == 200,
            90,
            f"the shop ({mode}) ready",
        )
        yield shop
    except Exception:
        for name in shop.processes:
            print(f"--- {name} log (last lines) ---\n{shop.log_tail(name)}", file=sys.stderr)
        raise
    finally:
        shop.stop_all()


# -- the template database --------------------------------------------------------------------------


@dataclass
class Template:
    database: Path
    media: Path
    products: list[int]
    categories: list[str]
    words: list[str]


def prepare_template(workdir: Path) -> Template:
    """Migrate and seed once, restock every product on sale, and list what the mix can ask for."""
    directory = workdir / "template"
    directory.mkdir()
    database, media = directory / "shop.db", directory / "media"
    env = base_env({"O11YSHOP_DATABASE_URL": f"sqlite:///{database}", "O11YSHOP_MEDIA_DIR": str(media)})
    for step in (["migrate"], ["seed"]):
        subprocess.run([*CLI, *step], env=env, cwd=directory, check=True, capture_output=True, timeout=300)  # noqa: S603
    with (
        running_shop("off", directory, database, media, {}, with_aws=False) as shop,
        httpx.Client(base_url=shop.api_url, timeout=30) as client,
    ):
        login = client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        categories = [c["slug"] for c in client.get("/api/categories").json()]
        products: list[dict[str, Any]] = []
        page = 1
        while True:
            found = client.get("/api/products", params={"page": page, "page_size": 100}).json()
            products += found["items"]
            if len(products) >= found["total"] or not found["items"]:
                break
            page += 1
        for product in products:
            received = client.post(
                f"/api/admin/stock/{product['id']}/receipts",
                json={"quantity": RESTOCK_UNITS, "reason": "bench stock"},
                headers=auth,
            )
            received.raise_for_status()
    words = sorted({w.lower() for p in products for w in p["name"].split() if len(w) > 3 and w.isalpha()})
    # a few words from names, plus searches that find nothing (they log and count differently)
    chosen = words[:: max(1, len(words) // 12)][:12] + list(ZERO_RESULT_WORDS)
    return Template(database, media, sorted(p["id"] for p in products), categories, chosen)


def copy_database(template: Template, directory: Path) -> Path:
    target = directory / "shop.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template.database}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{target}{suffix}"))
    return target


# -- what reached AWS ------------------------------------------------------------------------------


def aws_client(shop: Shop, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=shop.aws_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - the local endpoint takes any key
    )


def endpoint_stats(shop: Shop) -> dict[str, Any] | None:
    """The endpoint's per-operation counters, or None when this endpoint has none (older build)."""
    try:
        response = httpx.get(f"{shop.aws_url}/_localaws/stats", timeout=5)
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    requests = body.get("requests") if isinstance(body, dict) else None
    return requests if isinstance(requests, dict) else None


def reset_endpoint_stats(shop: Shop) -> bool:
    try:
        return httpx.delete(f"{shop.aws_url}/_localaws/stats", timeout=5).status_code in (200, 202, 204)
    except httpx.TransportError:
        return False


def telemetry_health(shop: Shop, service_url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{service_url}/api/health/telemetry", timeout=5).json())


def wait_for_shipping(shop: Shop, urls: dict[str, str], seconds: float = 30.0) -> dict[str, Any]:
    """Until every line each process had accepted when we started waiting is shipped (or dropped,
    counted). Not "pending == 0": each poll logs an access line of its own, pending until the next
    send. Bounded; returns the last counts."""
    deadline = time.monotonic() + seconds
    first = {name: telemetry_health(shop, url) for name, url in urls.items()}
    targets = {name: int(h.get("accepted") or 0) for name, h in first.items()}
    last = first
    while time.monotonic() < deadline:
        if all(
            int(h.get("shipped") or 0) + int(h.get("dropped") or 0) >= targets[n] for n, h in last.items()
        ):
            break
        time.sleep(0.3)
        last = {name: telemetry_health(shop, url) for name, url in urls.items()}
    return last


def read_log_events(shop: Shop, start_ms: int, end_ms: int, api_group: str) -> dict[str, dict[str, Any]]:
    """What each log group holds. Log lines: those stamped in the measured window [start, end] —
    count, billed bytes (message + 26), gzip size. EMF documents: all of them, by flush (a log
    stream's documents sharing one timestamp): the bytes that do not grow with traffic per flush, and
    the bytes of their value arrays with the number of api requests those values cover (the api's
    ``Requests`` counters), so neither depends on where a flush fell against the window."""
    logs = aws_client(shop, "logs")
    groups: list[str] = []
    for page in logs.get_paginator("describe_log_groups").paginate():
        groups += [g["logGroupName"] for g in page["logGroups"]]
    out: dict[str, dict[str, Any]] = {}
    for group in groups:
        lines: list[bytes] = []
        flushes: dict[tuple[str, int], list[int]] = {}
        value_bytes = requests_counted = documents = 0
        kwargs: dict[str, Any] = {"logGroupName": group}
        while True:
            page = logs.filter_log_events(**kwargs)
            for event in page["events"]:
                message = event["message"].encode("utf-8")
                emf = _emf(message)
                if emf is None:
                    if start_ms <= event["timestamp"] <= end_ms:
                        lines.append(message)
                    continue
                documents += 1
                values = _emf_value_bytes(emf)
                value_bytes += values
                if group == api_group and emf.get("Service") == "api" and "Route" in emf:
                    requests_counted += int(emf.get("Requests", 0) or 0)
                key = (event.get("logStreamName", ""), int(emf["_aws"].get("Timestamp", 0)))
                flushes.setdefault(key, []).append(len(message) + 26 - values)
            token = page.get("nextToken")
            if not token:
                break
            kwargs["nextToken"] = token
        per_stream: dict[str, list[int]] = {}
        for (stream, _stamp), sizes in flushes.items():
            per_stream.setdefault(stream, []).append(sum(sizes))
        out[group] = {
            "events": len(lines),
            "billed_bytes": sum(len(m) + 26 for m in lines),
            "gzip_bytes": len(gzip.compress(b"\n".join(lines))) if lines else 0,
            "emf_documents": documents,
            "emf_flushes": len(flushes),
            "emf_fixed_bytes_per_flush": sum(statistics.median(v) for v in per_stream.values()),
            "emf_value_bytes": value_bytes,
            "emf_requests_counted": requests_counted,
        }
    return out


def _emf(message: bytes) -> dict[str, Any] | None:
    if not message.startswith(b"{") or b'"_aws"' not in message:
        return None
    try:
        document = json.loads(message)
    except ValueError:
        return None
    return document if isinstance(document, dict) and isinstance(document.get("_aws"), dict) else None


def _emf_value_bytes(document: dict[str, Any]) -> int:
    """Bytes of an EMF document that grow with traffic: its arrays of values (one per request)."""
    total = 0
    for directive in document["_aws"].get("CloudWatchMetrics", []):
        for metric in directive.get("Metrics", []):
            value = document.get(metric.get("Name"))
            if isinstance(value, list):
                total += len(json.dumps(value, separators=(",", ":")))
    return total


def metric_series(shop: Shop) -> dict[str, int]:
    """Distinct metrics (namespace + name + dimension values) the endpoint holds, per namespace."""
    cloudwatch = aws_client(shop, "cloudwatch")
    counts: dict[str, int] = {}
    for page in cloudwatch.get_paginator("list_metrics").paginate():
        for metric in page["Metrics"]:
            counts[metric["Namespace"]] = counts.get(metric["Namespace"], 0) + 1
    return counts


def trace_summary(shop: Shop, start: float, end: float, sample: int = 20) -> dict[str, Any]:
    """Traces recorded in the window, the size of a sample of them (their segment documents as
    JSON), and the sampling rules in effect."""
    xray = aws_client(shop, "xray")
    ids: list[str] = []
    kwargs: dict[str, Any] = {
        "StartTime": dt.datetime.fromtimestamp(start, dt.UTC),
        "EndTime": dt.datetime.fromtimestamp(end, dt.UTC),
    }
    try:
        while True:
            page = xray.get_trace_summaries(**kwargs)
            ids += [t["Id"] for t in page.get("TraceSummaries", [])]
            token = page.get("NextToken")
            if not token:
                break
            kwargs["NextToken"] = token
        sizes: list[int] = []
        chosen = sorted(ids)[:: max(1, len(ids) // sample)][:sample] if sample else []
        for i in range(0, len(chosen), 5):
            for trace in xray.batch_get_traces(TraceIds=chosen[i : i + 5]).get("Traces", []):
                sizes.append(sum(len(s["Document"].encode()) for s in trace.get("Segments", [])))
        rules = [
            {
                "name": r["SamplingRule"].get("RuleName"),
                "priority": r["SamplingRule"].get("Priority"),
                "reservoir_per_s": r["SamplingRule"].get("ReservoirSize"),
                "fixed_rate": r["SamplingRule"].get("FixedRate"),
            }
            for r in xray.get_sampling_rules().get("SamplingRuleRecords", [])
        ]
    except Exception as exc:  # an endpoint without X-Ray: the bench still reports the rest
        return {"traces": None, "rules": [], "error": str(exc)}
    return {
        "traces": len(ids),
        "segment_bytes_per_trace": statistics.median(sizes) if sizes else None,
        "rules": rules,
    }


# -- one run ----------------------------------------------------------------------------------------


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every core, every process) since boot."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def peak_rss_mb(process: psutil.Process) -> float | None:
    """VmHWM: the process's peak resident set since it started (Linux); else its RSS now."""
    try:
        with open(f"/proc/{process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    with contextlib.suppress(psutil.Error):
        return float(process.memory_info().rss) / 2**20
    return None


def run_loadgen(
    base: str, plan_path: Path, out: Path, rate: float | None = None
) -> tuple[dict[str, Any], float]:
    """Replay a plan from a process of its own; returns its records and its CPU seconds."""
    command = [sys.executable, str(HERE / "bench_loadgen.py"), "--base", base, "--plan", str(plan_path)]
    command += ["--out", str(out)] + (["--rate", str(rate)] if rate else [])
    process = subprocess.Popen(command)  # noqa: S603 - our own script
    handle = psutil.Process(process.pid)
    cpu = 0.0
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):
            cpu = cpu_seconds(handle)
        time.sleep(0.05)
    if process.returncode != 0:
        raise RuntimeError(f"the load generator failed ({process.returncode})")
    return json.loads(out.read_text()), cpu


def run_once(
    mode: str,
    round_no: int,
    template: Template,
    workdir: Path,
    plans: dict[str, Path],
    extra_env: dict[str, str],
    profile_dir: Path | None = None,
) -> dict[str, Any]:
    directory = workdir / (f"{mode}-{round_no}" + ("-profiled" if profile_dir else ""))
    directory.mkdir()
    database = copy_database(template, directory)
    phases: dict[str, float] = {}
    mark = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)

    def phase(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        phases[name] = round(now - mark, 2)
        mark = now

    with running_shop(mode, directory, database, template.media, extra_env, profile_dir) as shop:
        phase("start")
        urls = {"api": shop.api_url, "inventory": _inventory_url(shop)}
        warmup_started = time.time()
        run_loadgen(shop.api_url, plans["warmup"], directory / "warmup.json")
        wait_for_shipping(shop, urls)
        phase("warmup")
        probe: dict[str, Any] | None = None
        if "probe" in plans and mode != "off":
            time.sleep(1.5)  # let the last batch of segments arrive
            if trace_summary(shop, warmup_started, time.time(), sample=0).get("traces"):
                # the share of requests traced at the estimate's request rate, measured rather than
                # modelled (a reservoir per second makes it depend on the rate); before the measured
                # phase, so that its traffic stays out of the measured counters
                probe_started = time.time()
                probe_result, _ = run_loadgen(
                    shop.api_url, plans["probe"], directory / "probe.json", PROBE_RATE
                )
                probe = {
                    "started": probe_started,
                    "ended": time.time(),
                    "requests": len(probe_result["records"]),
                }
                time.sleep(2)  # segments are sent in batches about once a second
                wait_for_shipping(shop, urls)
            phase("sampling probe")
        stats_reset = reset_endpoint_stats(shop)
        handles = {name: shop.psutil(name) for name in ("api", "inventory", "local-aws")}
        stdout_before = {name: (directory / f"{name}.log").stat().st_size for name in SERVICES}
        cpu_before = {name: cpu_seconds(handle) for name, handle in handles.items()}
        machine_before, me_before = busy_seconds(), cpu_seconds(psutil.Process())
        if profile_dir is not None:
            for service in SERVICES:
                shop.processes[service].send_signal(signal.SIGUSR1)  # bench_profile: start counting
        started = time.time()
        result, loadgen_cpu = run_loadgen(shop.api_url, plans["measure"], directory / "measure.json")
        ended = time.time()
        if profile_dir is not None:
            for service in SERVICES:
                shop.processes[service].send_signal(signal.SIGUSR2)  # ... and write what it counted
            wait_until(
                lambda: all((profile_dir / f"{s}.pstats").exists() for s in SERVICES), 60, "profiles written"
            )
        cpu_after = {name: cpu_seconds(handle) for name, handle in handles.items()}
        machine_busy, me = busy_seconds() - machine_before, cpu_seconds(psutil.Process()) - me_before
        stdout_after = {name: (directory / f"{name}.log").stat().st_size for name in SERVICES}
        rss = {name: peak_rss_mb(handle) for name, handle in handles.items()}
        phase("measure")
        shipper = wait_for_shipping(shop, urls)
        codes = shop.stop(SERVICES)  # a clean stop sends what the processes still hold
        phase("stop")
        stats = endpoint_stats(shop) if stats_reset else None
        start_ms, end_ms = int(started * 1000), int(ended * 1000)
        logs = read_log_events(shop, start_ms, end_ms, shipper["api"].get("log_group") or "")
        series = metric_series(shop)
        traces = trace_summary(shop, started, ended)
        if probe is not None:
            probed = trace_summary(shop, probe["started"], probe["ended"], sample=0)
            traces["probe"] = probe | {"traces": probed.get("traces"), "rate_per_s": PROBE_RATE}
        phase("read back")
    phase("stop endpoint")
    records = result["records"]
    requests = len(records)
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before} | {"loadgen": loadgen_cpu}
    shop_cpu = cpu["api"] + cpu["inventory"]
    # CPU that none of this run's processes used during the measured phase: other work on the machine
    others = max(0.0, machine_busy - sum(cpu.values()) - me)
    other_share = others / (result["elapsed_s"] * (os.cpu_count() or 1))
    return {
        "mode": mode,
        "round": round_no,
        "load_average_1m_before": load_before,
        "other_cpu_share": round(other_share, 3),
        "requests": requests,
        "elapsed_s": result["elapsed_s"],
        "throughput_rps": requests / result["elapsed_s"],
        "latency_ms": bench_stats.summarize_records(records),
        "cpu_s": cpu,
        "cpu_s_per_1k": {
            "shop": shop_cpu / requests * 1000,
            "api": cpu["api"] / requests * 1000,
            "inventory": cpu["inventory"] / requests * 1000,
            "local-aws": cpu["local-aws"] / requests * 1000,
        },
        "peak_rss_mb": rss,
        "stdout_bytes_per_request": sum(stdout_after[n] - stdout_before[n] for n in SERVICES) / requests,
        "exit_codes": codes,
        "phases_s": phases,
        "metrics_interval_s": float(shop.env.get("O11YSHOP_METRICS_INTERVAL_SECONDS", "10")),
        "log_retention_days": int(shop.env.get("O11YSHOP_LOG_RETENTION_DAYS", "7")),
        "telemetry": {
            "shipper": shipper,
            "endpoint_stats": stats,
            "log_groups": logs,
            "metric_series": series,
            "traces": traces,
        },
    }


def _inventory_url(shop: Shop) -> str:
    return f"http://127.0.0.1:{shop.env['O11YSHOP_INVENTORY_PORT']}"


# -- the whole bench --------------------------------------------------------------------------------


@dataclass
class Settings:
    modes: list[str]
    requests: int
    warmup: int
    rounds: int
    concurrency: int
    seed: int
    out: Path
    write_docs: bool
    profile: str  # auto | always | never
    profile_requests: int
    extra_env: dict[str, str]
    probe_seconds: int = 0
    budget_minutes: float = 14.0
    from_results: Path | None = None


def parse_args(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(
        description="Compare the telemetry modes of o11yshop on the same traffic (make bench).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--modes", default=",".join(telemetry_modes()), help="comma-separated; off first")
    parser.add_argument("--requests", type=int, default=2500, help="measured requests per run")
    parser.add_argument("--warmup", type=int, default=None, help="warm-up requests per run (default: 10%%)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of every mode")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--seed", type=int, default=20261130, help="seed of the request mix")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json", help="results JSON")
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/comparison.md and charts")
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="profile a mode whose CPU or p99 ratio exceeds the goal (auto), every mode, or none",
    )
    parser.add_argument("--profile-requests", type=int, default=800, help="requests of a profiled run")
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=14.0,
        help="stop adding rounds (and shorten or skip profiles) to finish within this",
    )
    parser.add_argument(
        "--probe-seconds",
        type=int,
        default=30,
        help="per traced mode, once: requests at 1M/day's rate (11.6/s) to measure the share traced; 0: off",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 requests, 1 round, no profile")
    parser.add_argument(
        "--from-results",
        type=Path,
        default=None,
        metavar="JSON",
        help="run nothing: print the report of an earlier run's results (and --write-docs from them)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra setting for the shop processes",
    )
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    known = telemetry_modes()
    unknown = [m for m in modes if m not in known]
    if unknown:
        parser.error(f"unknown mode(s) {unknown}; this build has {known}")
    if "off" not in modes:
        modes.insert(0, "off")  # every ratio is to off
    modes.sort(key=lambda m: (m != "off", known.index(m)))
    if args.quick:
        args.requests, args.rounds, args.profile, args.probe_seconds = min(args.requests, 300), 1, "never", 0
    extra = dict(item.split("=", 1) for item in args.env)
    return Settings(
        modes=modes,
        requests=args.requests,
        warmup=args.warmup if args.warmup is not None else max(50, args.requests // 10),
        rounds=args.rounds,
        concurrency=args.concurrency,
        seed=args.seed,
        out=args.out,
        write_docs=args.write_docs,
        profile=args.profile,
        profile_requests=args.profile_requests,
        extra_env=extra,
        probe_seconds=args.probe_seconds,
        budget_minutes=args.budget_minutes,
        from_results=args.from_results,
    )


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _profile_seconds(per_run: list[tuple[float, float]], settings: Settings, runs: int) -> float:
    """What ``runs`` profiled runs will take: the profiler slows the services about fourfold."""
    if not per_run:
        return 0.0
    outside = statistics.median(p[0] for p in per_run)
    per_request = statistics.median(p[1] for p in per_run)
    return runs * (outside + 4 * per_request * settings.profile_requests)


def write_plan(path: Path, plan: list[list[bench_loadgen.Step]]) -> Path:
    path.write_text(json.dumps(plan))
    return path


def report(results: dict[str, Any], write_docs: bool) -> None:
    print(bench_report.text_report(results), flush=True)
    if write_docs:
        written = bench_report.write_docs(results, ROOT / "docs" / "comparison.md", ROOT / "docs" / "img")
        print("wrote " + ", ".join(str(p.relative_to(ROOT)) for p in written))


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    if settings.from_results is not None:
        report(json.loads(settings.from_results.read_text()), settings.write_docs)
        return 0
    began = time.monotonic()
    command = "python benchmarks/telemetry_bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(
        f"telemetry bench: modes {', '.join(settings.modes)}; {settings.rounds} round(s) of "
        f"{settings.requests} requests (+{settings.warmup} warm-up) at concurrency {settings.concurrency}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="o11yshop-bench-") as tmp:
        workdir = Path(tmp)
        template = prepare_template(workdir)
        print(
            f"  template: {len(template.products)} products, {len(template.categories)} categories "
            f"({time.monotonic() - began:.0f} s)",
            flush=True,
        )
        plans = {
            "warmup": write_plan(
                workdir / "warmup-plan.json",
                bench_loadgen.make_plan(
                    settings.seed + 1, settings.warmup, settings.concurrency, template.products,
                    template.categories, template.words, tag="warmup",
                ),
            ),
            "measure": write_plan(
                workdir / "measure-plan.json",
                bench_loadgen.make_plan(
                    settings.seed, settings.requests, settings.concurrency, template.products,
                    template.categories, template.words, tag="measure",
                ),
            ),
        }  # fmt: skip
        probe_plan = None
        if settings.probe_seconds:
            probe_plan = write_plan(
                workdir / "probe-plan.json",
                bench_loadgen.make_plan(
                    settings.seed + 2,
                    round(settings.probe_seconds * PROBE_RATE),
                    settings.concurrency,
                    template.products,
                    template.categories,
                    template.words,
                    tag="probe",
                ),
            )
        runs: list[dict[str, Any]] = []
        notes: list[str] = []
        budget = settings.budget_minutes * 60
        round_seconds: list[float] = []
        per_run: list[tuple[float, float]] = []  # (seconds outside the measured phase, seconds a request)
        for round_no in range(1, settings.rounds + 1):
            if round_seconds:
                # keep the whole bench within its budget: a round, and profiles if they may be needed
                reserve = (
                    0.0
                    if settings.profile == "never"
                    else _profile_seconds(per_run, settings, len(settings.modes))
                )
                if time.monotonic() - began + round_seconds[-1] + reserve > budget:
                    notes.append(
                        f"stopped after {round_no - 1} of {settings.rounds} rounds to stay within "
                        f"--budget-minutes {settings.budget_minutes:g}"
                    )
                    print(f"  {notes[-1]}", flush=True)
                    break
            round_began = time.monotonic()
            for mode in settings.modes:
                run_plans = plans | ({"probe": probe_plan} if probe_plan and round_no == 1 else {})
                run_began = time.monotonic()
                run = run_once(mode, round_no, template, workdir, run_plans, settings.extra_env)
                outside = (
                    time.monotonic() - run_began - run["elapsed_s"] - run["phases_s"].get("sampling probe", 0)
                )
                per_run.append((outside, run["elapsed_s"] / run["requests"]))
                run["rates"] = bench_cost.measured_rates(run)
                runs.append(run)
                print(bench_report.run_line(run), flush=True)
            round_seconds.append(time.monotonic() - round_began)
        summary = bench_report.summarize(runs, settings.modes)
        cost = bench_cost.estimate_all(summary, runs)
        profiles: dict[str, Any] = {}
        to_profile = bench_report.modes_over_goal(summary, GOAL_RATIO) if settings.profile == "auto" else []
        if settings.profile == "always":
            to_profile = [m for m in settings.modes if m != "off"]
        if to_profile:
            left = budget - (time.monotonic() - began)
            needed = _profile_seconds(per_run, settings, len(to_profile) + 1)
            if needed > left:
                outside = statistics.median(p[0] for p in per_run) * (len(to_profile) + 1)
                fits = int(settings.profile_requests * max(0.0, left - outside) / max(1.0, needed - outside))
                if fits < 300:
                    notes.append(f"no profile of {', '.join(to_profile)}: it would not fit the time budget")
                    to_profile = []
                else:
                    notes.append(f"profiles cut to {fits} requests to fit the time budget")
                    settings.profile_requests = fits
                print(f"  {notes[-1]}", flush=True)
        if to_profile:
            profile_plans = dict(plans)
            profile_plans["measure"] = write_plan(
                workdir / "profile-plan.json",
                bench_loadgen.make_plan(
                    settings.seed, settings.profile_requests, settings.concurrency, template.products,
                    template.categories, template.words, tag="profile",
                ),
            )  # fmt: skip
            dumps: dict[str, dict[str, Path]] = {}
            for mode in ["off", *to_profile]:
                profile_dir = workdir / f"profile-{mode}"
                profile_dir.mkdir()
                print(f"  profiling {mode} (cProfile, CPU time per thread) ...", flush=True)
                run_once(mode, 0, template, workdir, profile_plans, settings.extra_env, profile_dir)
                dumps[mode] = {s: profile_dir / f"{s}.pstats" for s in SERVICES}
            for mode in to_profile:
                profiles[mode] = bench_profile.compare(dumps["off"], dumps[mode], settings.profile_requests)
    finished = dt.datetime.now(dt.UTC)
    results = {
        "generated": finished.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - began, 1),
        "command": command.strip(),
        "notes": notes,
        "settings": {
            "modes": settings.modes,
            "requests": settings.requests,
            "warmup": settings.warmup,
            "rounds": settings.rounds,
            "concurrency": settings.concurrency,
            "seed": settings.seed,
            "mix": bench_loadgen.MIX,
            "probe_seconds": settings.probe_seconds,
            "extra_env": settings.extra_env,
        },
        "goal_ratio": GOAL_RATIO,
        "machine": machine(),
        "summary": summary,
        "cost": cost,
        "profiles": profiles,
        "runs": runs,
    }
    settings.out.parent.mkdir(parents=True, exist_ok=True)
    settings.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    report(results, settings.write_docs)
    print(f"results: {settings.out}  ({results['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
