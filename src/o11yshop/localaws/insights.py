"""Logs Insights (the query engine lands in the next commit)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from o11yshop.localaws.protocol import not_emulated


def parse(query: str) -> Any:
    raise not_emulated("CloudWatch Logs", "Logs Insights queries yet")


def run(
    query: Any, rows: Iterable[Any], limit: int | None, account: str
) -> tuple[list[Any], dict[str, float]]:
    raise not_emulated("CloudWatch Logs", "Logs Insights queries yet")
