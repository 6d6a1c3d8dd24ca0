from __future__ import annotations

from fastapi import APIRouter, Request

from o11yshop.api.deps import CurrentAdmin, SettingsDep
from o11yshop.auth import service
from o11yshop.auth.schemas import AdminOut, LoginRequest, TokenOut
from o11yshop.http.database import WriteSession
from o11yshop.http.problems import problems

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/login", operation_id="admin_login", response_model=TokenOut, responses=problems(400, 401, 422, 429)
)
def admin_login(
    body: LoginRequest, request: Request, session: WriteSession, settings: SettingsDep
) -> TokenOut:
    """Exchange an admin's e-mail and password for a short-lived bearer token."""
    address = request.client.host if request.client else "unknown"
    return service.login(session, settings, request.app.state.login_limits, body, address)


@router.get("/me", operation_id="admin_me", response_model=AdminOut, responses=problems(401))
def admin_me(admin: CurrentAdmin) -> AdminOut:
    """The admin the bearer token belongs to, with their permissions."""
    return service.admin_out(admin)
