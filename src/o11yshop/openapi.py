"""The committed OpenAPI documents (openapi.json, openapi-inventory.json) come from here."""

from __future__ import annotations

from typing import Any

from o11yshop.config import DEV_JWT_SECRET, Settings


def render_openapi(service: str) -> dict[str, Any]:
    # Fixed settings: the document must not depend on the environment it was rendered in.
    settings = Settings(env="development", database_url="sqlite://", jwt_secret=DEV_JWT_SECRET)
    if service == "inventory":
        from o11yshop.inventory.app import create_inventory_app

        return create_inventory_app(settings).openapi()
    from o11yshop.api.app import create_api_app

    return create_api_app(settings).openapi()
