"""The CLI as a learner runs it: migrate, seed, and `up`, which starts every process and stops them
all together on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from conftest import free_port

CLI = [sys.executable, "-m", "o11yshop.cli"]


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def test_migrate_seed_up_and_stop(tmp_path):
    env = os.environ | {
        "O11YSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "O11YSHOP_MEDIA_DIR": str(tmp_path / "media"),
        "O11YSHOP_API_PORT": str(free_port()),
        "O11YSHOP_INVENTORY_PORT": str(free_port()),
        "O11YSHOP_LOCAL_AWS_PORT": str(free_port()),
        "O11YSHOP_XRAY_DAEMON_PORT": "0",  # leave port 2000 to a test of its own
        "O11YSHOP_LOCAL_AWS_STATE_DIR": str(tmp_path / "aws"),
        "O11YSHOP_ENV": "development",
    }
    env.pop("O11YSHOP_ADMIN_PASSWORD", None)
    assert run_cli("migrate", env=env).returncode == 0
    seeded = run_cli("seed", "--if-empty", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "seeded 64 products in 8 categories" in seeded.stdout
    assert "password (shown once" in seeded.stdout
    again = run_cli("seed", "--if-empty", env=env)
    assert "nothing seeded" in again.stdout

    started = time.monotonic()
    up = subprocess.Popen([*CLI, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{env['O11YSHOP_API_PORT']}"
    try:
        products = None
        while time.monotonic() - started < 120:
            try:
                products = httpx.get(f"{base}/api/products", timeout=2)
                if (
                    products.status_code == 200
                    and products.json()["items"][0]["stock"]["status"] != "unknown"
                ):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert products is not None
        assert products.status_code == 200
        assert products.json()["total"] == 64
        print(f"`o11yshop up` served /api/products with stock in {time.monotonic() - started:.1f} s")
        assert httpx.get(f"{base}/api/health/ready", timeout=5).json()["status"] == "ok"
    finally:
        up.send_signal(signal.SIGTERM)
        output, _ = up.communicate(timeout=60)
    assert up.returncode == 0, output
    assert f"shop           {base}/" in output
    for port in (env["O11YSHOP_API_PORT"], env["O11YSHOP_INVENTORY_PORT"]):  # every child has stopped
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
            raise AssertionError(f"something still answers on {port}")
        except httpx.TransportError:
            pass


def test_openapi_command_prints_the_document(tmp_path):
    out = tmp_path / "o.json"
    assert run_cli("openapi", "--out", str(out), env=dict(os.environ)).returncode == 0
    assert '"operationId": "checkout"' in out.read_text()
