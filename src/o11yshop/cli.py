"""The ``o11yshop`` command: migrate, seed, serve, up, openapi, local-aws."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="o11yshop: a shop for learning AWS observability"
)


class Service(StrEnum):
    api = "api"
    inventory = "inventory"


@app.command()
def migrate(revision: str = "head") -> None:
    """Bring the database schema up to REVISION (default: the newest)."""
    from o11yshop.config import get_settings
    from o11yshop.db.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def seed(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="do nothing when products exist")] = False,
) -> None:
    """Fill the catalog, stock and one admin account with demo data."""
    from o11yshop.config import get_settings
    from o11yshop.seed import seed_database

    report = seed_database(get_settings(), only_if_empty=if_empty)
    typer.echo(report)


@app.command()
def serve(
    service: Service,
    reload: Annotated[bool, typer.Option(help="restart on code changes (development)")] = False,
) -> None:
    """Serve one process: the api (shop and /api) or the inventory service."""
    from o11yshop.runner import serve_one

    serve_one(service.value, reload=reload)


@app.command()
def up() -> None:
    """Start every process (local AWS, inventory, api) and stop them together on Ctrl-C or SIGTERM."""
    from o11yshop.runner import run_all

    raise typer.Exit(run_all())


@app.command()
def openapi(
    out: Annotated[Path | None, typer.Option(help="write here instead of stdout")] = None,
    service: Service = Service.api,
) -> None:
    """Print (or write) the OpenAPI document of a service."""
    from o11yshop.openapi import render_openapi

    text = json.dumps(render_openapi(service.value), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@app.command()
def trace(
    trace_id: Annotated[
        str, typer.Argument(help="an X-Ray trace ID, e.g. from a response's X-Amzn-Trace-Id")
    ],
    logs: Annotated[bool, typer.Option(help="show each segment's log lines under it")] = True,
) -> None:
    """Print a trace as a waterfall with each segment's log lines under it (X-Ray, CloudWatch Logs APIs)."""
    from o11yshop.config import get_settings
    from o11yshop.telemetry.aws import client
    from o11yshop.telemetry.queries import log_groups
    from o11yshop.telemetry.waterfall import fetch, render

    settings = get_settings()
    documents, lines = fetch(
        client(settings, "xray"), client(settings, "logs"), trace_id, log_groups(settings.env) if logs else []
    )
    if not documents and not lines:
        typer.echo(f"no trace {trace_id} (not sampled, not sent yet, or older than the retention)", err=True)
        raise typer.Exit(1)
    typer.echo(render(trace_id, documents, lines))


@app.command("local-aws")
def local_aws(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 4566,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="keep state in this directory across restarts (default: memory)"),
    ] = None,
    xray_daemon_port: Annotated[
        int, typer.Option(help="also stand in for the X-Ray daemon on this port (UDP and TCP); 0: don't")
    ] = 2000,
) -> None:
    """Serve the embedded AWS-compatible endpoint (CloudWatch, Logs, X-Ray, SNS, SQS, S3) on loopback."""
    from o11yshop.localaws.server import serve as serve_local_aws

    serve_local_aws(host="127.0.0.1", port=port, state_dir=state, xray_daemon_port=xray_daemon_port or None)


if __name__ == "__main__":
    app()
