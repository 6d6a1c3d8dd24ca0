from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from o11yshop.http.schemas import RequestModel


class Role(StrEnum):
    admin = "admin"
    catalog_manager = "catalog_manager"
    inventory_clerk = "inventory_clerk"
    viewer = "viewer"


class Permission(StrEnum):
    catalog_write = "catalog:write"
    stock_write = "stock:write"
    orders_read = "orders:read"
    audit_read = "audit:read"
    admin_read = "admin:read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.catalog_manager: frozenset(
        {Permission.admin_read, Permission.catalog_write, Permission.orders_read}
    ),
    Role.inventory_clerk: frozenset({Permission.admin_read, Permission.stock_write}),
    Role.viewer: frozenset({Permission.admin_read, Permission.orders_read}),
}


class LoginRequest(RequestModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class AdminOut(BaseModel):
    id: int
    email: str
    role: Role
    permissions: list[Permission]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int = Field(description="seconds until the token expires")
    admin: AdminOut


def permissions_of(role: str) -> frozenset[Permission]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()
