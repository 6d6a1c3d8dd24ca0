"""Typed dependencies of the api process, so a handler's signature reads like a sentence."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Request, params
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from o11yshop import telemetry
from o11yshop.auth.schemas import Permission, permissions_of
from o11yshop.auth.tokens import InvalidToken, read_token
from o11yshop.config import Settings
from o11yshop.db.models import AdminUser
from o11yshop.http.database import database
from o11yshop.http.problems import Forbidden, Invalid, Unauthorized
from o11yshop.inventory.client import InventoryClient

CART_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,100}$"  # noqa: S105 - a pattern, not a secret
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _inventory(request: Request) -> InventoryClient:
    client: InventoryClient = request.app.state.inventory
    return client


SettingsDep = Annotated[Settings, Depends(_settings)]
InventoryDep = Annotated[InventoryClient, Depends(_inventory)]

_bearer = HTTPBearer(auto_error=False, description="admin token from POST /api/auth/login")


def _cart_token(
    x_cart_token: Annotated[str | None, Header(description="the token POST /api/cart returned")] = None,
) -> str:
    if not x_cart_token:
        raise Invalid("header.x-cart-token", "required", type_="missing")
    if not re.match(CART_TOKEN_PATTERN, x_cart_token):
        raise Invalid("header.x-cart-token", "not a cart token", type_="string_pattern_mismatch")
    return x_cart_token


CartToken = Annotated[str, Depends(_cart_token)]


def _current_admin(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AdminUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    try:
        claims = read_token(settings.jwt_secret.get_secret_value(), credentials.credentials)
    except InvalidToken as exc:
        raise Unauthorized(str(exc)) from exc
    with database(request).read() as session:
        admin = session.get(AdminUser, claims.admin_id)
        session.expunge_all()
    if admin is None or not admin.active:
        raise Unauthorized("the account behind this token is gone or disabled")
    request.state.admin = admin
    telemetry.bind(admin_user=admin.id)
    return admin


CurrentAdmin = Annotated[AdminUser, Depends(_current_admin)]


def require(permission: Permission) -> params.Depends:
    """A dependency that lets the request through only for roles holding ``permission``."""

    def check(admin: CurrentAdmin) -> AdminUser:
        if permission not in permissions_of(admin.role):
            raise Forbidden(f"role {admin.role!r} may not {permission.value}")
        return admin

    return Depends(check)
