"""Wire helpers shared by the services o11yshop emulates itself (JSON and REST-JSON protocols)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

ACCOUNT_ID = "123456789012"  # moto's default account, so ARNs match the SNS topics moto holds


class AwsError(Exception):
    """An error AWS would return: a code, a message and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def not_emulated(service: str, what: str) -> AwsError:
    """The refusal for anything o11yshop does not emulate: never accept and ignore."""
    return AwsError(
        "UnsupportedOperation",
        f"o11yshop local-aws does not emulate {service} {what}; see docs/local-aws.md",
        501,
    )


def invalid(message: str, code: str = "InvalidParameterException") -> AwsError:
    return AwsError(code, message)


def require(params: Mapping[str, Any], name: str) -> Any:
    if name not in params or params[name] is None:
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value null at {name!r} failed to satisfy constraint: "
            "Member must not be null",
        )
    return params[name]


def to_epoch(value: Any) -> float:
    """A timestamp as the JSON protocols send it (epoch seconds) or as ISO 8601, in epoch seconds."""
    if isinstance(value, bool):
        raise invalid(f"not a timestamp: {value!r}")
    if isinstance(value, datetime):
        # the query protocol's parser gives naive datetimes in UTC
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        text = value.replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise invalid(f"not a timestamp: {value!r}") from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    raise invalid(f"not a timestamp: {value!r}")


def clean_number(value: float) -> float | int:
    """JSON cannot carry NaN or infinity; AWS never returns them."""
    if math.isnan(value) or math.isinf(value):
        return 0
    return value


def dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), default=_default).encode()


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
