from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Liveness(BaseModel):
    status: Literal["ok"]
    service: str
    version: str


class TelemetryHealth(BaseModel):
    mode: str = Field(description="off, aws or otel")
    log_group: str | None = None
    log_stream: str | None = None
    accepted: int = Field(0, description="log lines handed to the shipper")
    shipped: int = Field(0, description="lines CloudWatch Logs accepted")
    dropped: int = Field(
        0, description="lines given up on (buffer full, refused by CloudWatch, left at close)"
    )
    pending: int = Field(0, description="lines waiting to be sent")
    retries: int = Field(0, description="failed sends that were retried")
    segments: SegmentCounts | None = Field(None, description="what the X-Ray segment shipper did (aws mode)")


class SegmentCounts(BaseModel):
    accepted: int = Field(0, description="segment documents handed to the shipper")
    shipped: int = Field(0, description="documents X-Ray accepted")
    dropped: int = Field(
        0, description="documents given up on (too large, refused, buffer full, left at close)"
    )
    pending: int = Field(0, description="documents waiting to be sent")


class DependencyCheck(BaseModel):
    status: Literal["ok", "fail"]
    latency_ms: float
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "fail"]
    service: str
    checks: dict[str, DependencyCheck]
