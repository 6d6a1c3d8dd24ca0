"""SVC-06: dependency checks timed the same way in every process."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from o11yshop.health.schemas import DependencyCheck


def timed_check(probe: Callable[[], None]) -> DependencyCheck:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # a failed probe is the answer, not an error
        return DependencyCheck(
            status="fail", latency_ms=_ms_since(started), detail=f"{type(exc).__name__}: {exc}"[:300]
        )
    return DependencyCheck(status="ok", latency_ms=_ms_since(started))


def database_check(factory: sessionmaker[Session]) -> DependencyCheck:
    def probe() -> None:
        with factory() as session:
            session.execute(text("SELECT 1"))

    return timed_check(probe)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
