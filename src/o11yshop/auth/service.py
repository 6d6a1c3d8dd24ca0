"""SVC-05: admin login with per-account and per-address attempt limits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o11yshop import telemetry
from o11yshop.admin.audit import record_change
from o11yshop.auth.passwords import hash_password, verify_password
from o11yshop.auth.ratelimit import SlidingWindow
from o11yshop.auth.schemas import AdminOut, LoginRequest, Role, TokenOut, permissions_of
from o11yshop.auth.tokens import issue_token
from o11yshop.config import Settings
from o11yshop.db.base import utcnow
from o11yshop.db.models import AdminUser
from o11yshop.http.problems import AppError, Conflict, TooManyRequests

log = telemetry.get_logger("o11yshop.auth")


class LoginLimits:
    def __init__(self, settings: Settings) -> None:
        self.per_account = SlidingWindow(
            settings.login_max_failures_per_account, settings.login_window_seconds
        )
        self.per_address = SlidingWindow(
            settings.login_max_attempts_per_address, settings.login_window_seconds
        )


class BadCredentials(AppError):
    status = 401
    code = "bad_credentials"


def admin_out(admin: AdminUser) -> AdminOut:
    return AdminOut(
        id=admin.id,
        email=admin.email,
        role=Role(admin.role),
        permissions=sorted(permissions_of(admin.role), key=lambda p: p.value),
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def login(
    session: Session, settings: Settings, limits: LoginLimits, body: LoginRequest, address: str
) -> TokenOut:
    email = normalise_email(body.email)
    wait = max(limits.per_address.retry_after(address), limits.per_account.retry_after(email))
    if wait:
        raise TooManyRequests("too many login attempts; try again later", retry_after=wait)
    limits.per_address.hit(address)
    admin = session.scalar(select(AdminUser).where(func.lower(AdminUser.email) == email))
    if (
        not verify_password(admin.password_hash if admin else None, body.password)
        or admin is None
        or not admin.active
    ):
        limits.per_account.hit(email)
        log.info("admin login failed", email=email, client_address=address)
        raise BadCredentials("e-mail or password is wrong")
    limits.per_account.reset(email)
    telemetry.bind(admin_user=admin.id)
    log.info("admin logged in", role=admin.role)
    admin.last_login_at = utcnow()
    record_change(session, admin, "admin.login", "admin_user", admin.id, None, {"client_address": address})
    token = issue_token(
        settings.jwt_secret.get_secret_value(), admin.id, admin.role, settings.jwt_ttl_seconds
    )
    return TokenOut(access_token=token, expires_in=settings.jwt_ttl_seconds, admin=admin_out(admin))


def create_admin(session: Session, email: str, password: str, role: Role) -> AdminUser:
    email = normalise_email(email)
    if session.scalar(select(AdminUser.id).where(func.lower(AdminUser.email) == email)) is not None:
        raise Conflict(f"an admin {email} exists", code="admin_exists")
    admin = AdminUser(email=email, password_hash=hash_password(password), role=role.value, active=True)
    session.add(admin)
    session.flush()
    return admin
