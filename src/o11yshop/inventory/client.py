"""How the api process calls the inventory service: httpx with timeouts; failures become typed errors."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import httpx

from o11yshop import telemetry
from o11yshop.http.context import current_request_id
from o11yshop.http.problems import AppError, FieldError, ServiceUnavailable
from o11yshop.inventory.schemas import (
    AdjustmentRequest,
    AdjustmentResult,
    MovementPage,
    Reservation,
    ReservationLine,
    ReservationRequest,
    StockLevel,
    StockPage,
)

LOOKUP_BATCH = 200
log = logging.getLogger("o11yshop.inventory.client")


class InventoryUnavailable(ServiceUnavailable):
    code = "inventory_unavailable"


class InventoryClient:
    def __init__(
        self, base_url: str, timeout_seconds: float, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 1.0)),
            transport=transport,
            headers={"User-Agent": "o11yshop-api"},
        )
        telemetry.instrument_http_client(self._http, "inventory")  # a subsegment per call; trace header

    def close(self) -> None:
        self._http.close()

    # -- reads --------------------------------------------------------------------------------

    def levels(self, product_ids: Iterable[int]) -> dict[int, StockLevel]:
        ids = sorted(set(product_ids))
        out: dict[int, StockLevel] = {}
        for start in range(0, len(ids), LOOKUP_BATCH):
            data = self._call(
                "POST", "/api/stock/lookup", json={"product_ids": ids[start : start + LOOKUP_BATCH]}
            )
            for item in data:
                level = StockLevel.model_validate(item)
                out[level.product_id] = level
        return out

    def levels_if_up(self, product_ids: Iterable[int]) -> dict[int, StockLevel] | None:
        """Like ``levels``, but None when the inventory cannot answer: callers show "unknown"."""
        ids = list(product_ids)
        if not ids:
            return {}
        try:
            return self.levels(ids)
        except InventoryUnavailable as exc:
            log.warning("stock status unknown: %s", exc.detail)
            return None

    def level(self, product_id: int) -> StockLevel:
        return StockLevel.model_validate(self._call("GET", f"/api/stock/{product_id}"))

    def list_levels(self, *, low: bool, page: int, page_size: int) -> StockPage:
        params: dict[str, Any] = {"low": str(low).lower(), "page": page, "page_size": page_size}
        return StockPage.model_validate(self._call("GET", "/api/stock", params=params))

    def movements(self, product_id: int, limit: int) -> MovementPage:
        return MovementPage.model_validate(
            self._call("GET", f"/api/stock/{product_id}/movements", params={"limit": limit})
        )

    def ping(self) -> None:
        self._call("GET", "/api/health/ready")

    # -- writes -------------------------------------------------------------------------------

    def adjust(self, product_id: int, request: AdjustmentRequest) -> AdjustmentResult:
        return AdjustmentResult.model_validate(
            self._call("POST", f"/api/stock/{product_id}/adjustments", json=request.model_dump(mode="json"))
        )

    def set_threshold(self, product_id: int, threshold: int, actor: str) -> StockLevel:
        return StockLevel.model_validate(
            self._call(
                "PATCH", f"/api/stock/{product_id}", json={"low_stock_threshold": threshold, "actor": actor}
            )
        )

    def retire(self, product_id: int, actor: str) -> None:
        self._call("DELETE", f"/api/stock/{product_id}", params={"actor": actor})

    def reserve(self, reservation_id: str, items: list[ReservationLine], reference: str) -> Reservation:
        body = ReservationRequest(reservation_id=reservation_id, items=items, reference=reference)
        return Reservation.model_validate(
            self._call("POST", "/api/reservations", json=body.model_dump(mode="json"))
        )

    def commit(self, reservation_id: str) -> Reservation:
        return Reservation.model_validate(self._call("POST", f"/api/reservations/{reservation_id}/commit"))

    def release(self, reservation_id: str) -> Reservation:
        return Reservation.model_validate(self._call("POST", f"/api/reservations/{reservation_id}/release"))

    def cancel(self, reservation_id: str, actor: str) -> Reservation:
        return Reservation.model_validate(
            self._call("POST", f"/api/reservations/{reservation_id}/cancel", params={"actor": actor})
        )

    # -- plumbing -----------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {}
        request_id = current_request_id()
        if request_id:
            headers["X-Request-Id"] = request_id
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise InventoryUnavailable(
                f"the inventory service did not answer in time ({method} {path})"
            ) from exc
        except httpx.TransportError as exc:
            raise InventoryUnavailable(
                f"the inventory service cannot be reached ({type(exc).__name__})"
            ) from exc
        if response.status_code >= 500:
            raise InventoryUnavailable(f"the inventory service failed ({response.status_code})")
        if response.status_code >= 400:
            raise _relayed(response)
        if response.status_code == 204:
            return None
        return response.json()


def _relayed(response: httpx.Response) -> AppError:
    """A 4xx from the inventory becomes the same problem here (its code and fields kept)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    errors = [FieldError.model_validate(e) for e in body.get("errors") or []] or None
    return AppError(
        str(body.get("detail") or f"inventory answered {response.status_code}"),
        status=response.status_code,
        code=str(body.get("code") or "inventory_error"),
        errors=errors,
    )
