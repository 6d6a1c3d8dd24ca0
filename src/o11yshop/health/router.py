"""SVC-06: liveness and readiness, the same shape in the api and the inventory processes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from o11yshop import __version__, telemetry
from o11yshop.health.schemas import DependencyCheck, Liveness, Readiness, SegmentCounts, TelemetryHealth

SEGMENT_COUNTS = ("accepted", "shipped", "dropped", "pending")
Probes = Callable[[Request], dict[str, DependencyCheck]]


def health_router(service: str, probes: Probes) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", operation_id="health_live", response_model=Liveness)
    def live() -> Liveness:
        """Liveness: the process answers."""
        return Liveness(status="ok", service=service, version=__version__)

    @router.get(
        "/health/ready",
        operation_id="health_ready",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "a dependency failed"}},
    )
    def ready(request: Request) -> JSONResponse:
        """Readiness: every dependency answers, each with its latency."""
        checks = probes(request)
        ok = all(c.status == "ok" for c in checks.values())
        body = Readiness(status="ok" if ok else "fail", service=service, checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    @router.get("/health/telemetry", operation_id="health_telemetry", response_model=TelemetryHealth)
    def telemetry_health() -> TelemetryHealth:
        """What the telemetry shippers did: every line or segment accepted is shipped, dropped or pending."""
        state = telemetry.current()
        if state is None:
            return TelemetryHealth(mode="off")
        stats = state.stats()
        traced = state.trace_stats()
        return TelemetryHealth(
            mode=state.mode,
            log_group=state.log_group,
            log_stream=state.log_stream,
            **{k: stats.get(k, 0) for k in ("accepted", "shipped", "dropped", "pending", "retries")},
            segments=SegmentCounts(
                **{k: traced.get(k, 0) for k in ("accepted", "shipped", "dropped", "pending")}
            )
            if "accepted" in traced
            else None,
        )

    return router
