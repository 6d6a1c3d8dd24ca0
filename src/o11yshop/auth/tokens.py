"""SVC-05 admin tokens: short-lived HS256 JWTs. Only HS256 is accepted, so `alg: none` and
tokens signed with another key or algorithm are refused."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
ISSUER = "o11yshop"
AUDIENCE = "o11yshop-admin"


@dataclass(frozen=True)
class TokenClaims:
    admin_id: int
    role: str
    expires_at: int


def issue_token(secret: str, admin_id: int, role: str, ttl_seconds: int, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    payload = {
        "sub": str(admin_id),
        "role": role,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


class InvalidToken(Exception):
    pass


def read_token(secret: str, token: str) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            leeway=5,
        )
        return TokenClaims(
            admin_id=int(claims["sub"]), role=str(claims.get("role", "")), expires_at=int(claims["exp"])
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("the token has expired") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise InvalidToken("the token is not valid") from exc
