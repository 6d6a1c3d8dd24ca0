"""Process management: `o11yshop serve` runs one process, `o11yshop up` runs them all together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

import uvicorn

from o11yshop import telemetry
from o11yshop.config import get_settings


def serve_one(service: str, *, reload: bool = False) -> None:
    settings = get_settings()
    telemetry.configure(settings, service)
    port = settings.api_port if service == "api" else settings.inventory_port
    factory = (
        "o11yshop.api.app:create_api_app"
        if service == "api"
        else "o11yshop.inventory.app:create_inventory_app"
    )
    uvicorn.run(
        factory,
        factory=True,
        host=settings.host,
        port=port,
        reload=reload,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
        server_header=False,
        log_config=None,  # telemetry.configure set up logging: JSON lines, shipped in aws mode
        access_log=False,  # the request middleware writes a richer access line
    )
    telemetry.shutdown()


def _local_aws_available() -> bool:
    try:
        from o11yshop.localaws import server  # noqa: F401
    except ImportError:
        return False
    return True


def run_all() -> int:
    """Start every process, print where they are, and stop them all when one stops or on a signal."""
    settings = get_settings()
    exe = [sys.executable, "-m", "o11yshop.cli"]
    commands = {}
    if _local_aws_available():
        commands["local-aws"] = [*exe, "local-aws", "--port", str(settings.local_aws_port)]
        commands["local-aws"] += ["--xray-daemon-port", str(settings.xray_daemon_port)]
        if settings.local_aws_state_dir:
            commands["local-aws"] += ["--state", str(settings.local_aws_state_dir)]
    commands["inventory"] = [*exe, "serve", "inventory"]
    commands["api"] = [*exe, "serve", "api"]
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, command in commands.items():
        children[name] = subprocess.Popen(command, env=os.environ.copy())  # noqa: S603 - our own CLI
    base = f"http://{settings.host}:{settings.api_port}"
    print(
        f"\no11yshop is starting:\n"
        f"  shop           {base}/\n"
        f"  API            {base}/api  (docs {base}/api/docs)\n"
        f"  inventory      {settings.inventory_base_url}/api\n"
        + (
            f"  local AWS      http://127.0.0.1:{settings.local_aws_port}\n"
            if "local-aws" in children
            else ""
        )
        + "Ctrl-C stops everything.\n",
        flush=True,
    )
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                print(f"{name} exited with {code}; stopping the rest", file=sys.stderr, flush=True)
                exit_code = code or 1
                stopping = True
                break
        time.sleep(0.2)
    _terminate(children)
    return exit_code


def _terminate(children: dict[str, subprocess.Popen[bytes]], grace_seconds: float = 10.0) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for child in children.values():
        remaining = max(0.1, deadline - time.monotonic())
        try:
            child.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
