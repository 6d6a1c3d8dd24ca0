from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Liveness(BaseModel):
    status: Literal["ok"]
    service: str
    version: str


class DependencyCheck(BaseModel):
    status: Literal["ok", "fail"]
    latency_ms: float
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "fail"]
    service: str
    checks: dict[str, DependencyCheck]
