"""SVC-05: admin tokens are short-lived HS256 JWTs; everything else is refused; logins are limited."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from o11yshop.auth.schemas import Role
from o11yshop.auth.service import create_admin
from o11yshop.auth.tokens import AUDIENCE, ISSUER, issue_token
from o11yshop.db.engine import session_scope

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_JWT_SECRET, Stack, assert_problem, start_stack


def claims(**overrides):
    now = int(time.time())
    return {
        "sub": "1",
        "role": "admin",
        "iat": now,
        "exp": now + 300,
        "iss": ISSUER,
        "aud": AUDIENCE,
    } | overrides


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_tokens() -> dict[str, str]:
    return {
        "expired": jwt.encode(
            claims(iat=int(time.time()) - 3600, exp=int(time.time()) - 60), TEST_JWT_SECRET
        ),
        "other key": jwt.encode(claims(), "another-secret-" + "y" * 40),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.",
        "HS512 same key": jwt.encode(claims(), TEST_JWT_SECRET, algorithm="HS512"),
        "wrong audience": jwt.encode(claims(aud="someone-else"), TEST_JWT_SECRET),
        "no expiry": jwt.encode({k: v for k, v in claims().items() if k != "exp"}, TEST_JWT_SECRET),
        "garbage": "not.a.token",
        "unknown admin": jwt.encode(claims(sub="999999"), TEST_JWT_SECRET),
    }


@pytest.mark.parametrize("kind", list(forged_tokens()))
def test_admin_endpoints_refuse_bad_tokens(api, kind):
    token = forged_tokens()[kind]
    response = api.get("/api/admin/products", headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert body["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/products"),
        ("POST", "/api/admin/products"),
        ("DELETE", "/api/admin/products/1"),
        ("GET", "/api/admin/stock"),
        ("POST", "/api/admin/stock/1/receipts"),
        ("GET", "/api/admin/orders"),
        ("GET", "/api/admin/audit"),
        ("GET", "/api/admin/summary"),
        ("GET", "/api/auth/me"),
    ],
)
def test_admin_endpoints_need_a_token(api, method, path):
    assert_problem(api.request(method, path), 401)
    assert_problem(api.request(method, path, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}), 401)


def test_login_gives_a_token_that_works(api):
    response = api.post("/api/auth/login", json={"email": ADMIN_EMAIL.upper(), "password": ADMIN_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    decoded = jwt.decode(body["access_token"], TEST_JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert decoded["exp"] - decoded["iat"] == 900
    me = api.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["email"] == ADMIN_EMAIL
    assert me.json()["role"] == "admin"
    logins = api.get(
        "/api/admin/audit",
        params={"entity_type": "admin_user", "entity_id": me.json()["id"]},
        headers={"Authorization": f"Bearer {body['access_token']}"},
    ).json()
    assert logins[0]["action"] == "admin.login"
    assert logins[0]["after"] == {"client_address": "127.0.0.1"}


def test_wrong_password_and_unknown_account_look_the_same(api):
    wrong = api.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": "nope"})
    unknown = api.post("/api/auth/login", json={"email": "ghost@example.com", "password": "nope"})
    assert assert_problem(wrong, 401)["detail"] == assert_problem(unknown, 401)["detail"]


def role_token(stack: Stack, role: Role) -> str:
    with session_scope(stack.database.write) as session:
        admin = create_admin(
            session, f"{role.value}-{time.time_ns()}@o11yshop.test", "pw-" + role.value, role
        )
        admin_id = admin.id
    return issue_token(TEST_JWT_SECRET, admin_id, role.value, 300)


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        (
            Role.viewer,
            "POST",
            "/api/admin/products",
            {"sku": "X-1", "name": "x", "price_minor": 1, "category_id": 1},
        ),
        (Role.viewer, "POST", "/api/admin/stock/1/receipts", {"quantity": 1, "reason": "why not"}),
        (Role.inventory_clerk, "DELETE", "/api/admin/products/1", None),
        (Role.inventory_clerk, "GET", "/api/admin/orders", None),
        (Role.catalog_manager, "POST", "/api/admin/stock/1/corrections", {"quantity": -1, "reason": "count"}),
        (Role.catalog_manager, "GET", "/api/admin/audit", None),
    ],
)
def test_roles_without_the_right_get_403(stack, api, role, method, path, body):
    token = role_token(stack, role)
    response = api.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert assert_problem(response, 403)["code"] == "forbidden"
    allowed = api.get("/api/admin/products", headers={"Authorization": f"Bearer {token}"})
    assert allowed.status_code == 200  # every role may read


def test_login_attempts_are_limited_per_account(db_url, seeded_db, media_dir):
    stack, stop = start_stack(seeded_db, media_dir, login_max_failures_per_account=3)
    try:
        with stack.client() as client:
            for _ in range(3):
                assert_problem(
                    client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": "x"}), 401
                )
            blocked = client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
            assert_problem(blocked, 429)
            assert 1 <= int(blocked.headers["retry-after"]) <= 900
            other = client.post("/api/auth/login", json={"email": "other@example.com", "password": "x"})
            assert_problem(other, 401)  # another account is not locked by this one's failures
    finally:
        stop()


def test_login_attempts_are_limited_per_address(db_url, seeded_db, media_dir):
    stack, stop = start_stack(seeded_db, media_dir, login_max_attempts_per_address=4)
    try:
        with stack.client() as client:
            for n in range(4):
                client.post("/api/auth/login", json={"email": f"user{n}@example.com", "password": "x"})
            blocked = client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
            assert assert_problem(blocked, 429)["code"] == "too_many_requests"
    finally:
        stop()
