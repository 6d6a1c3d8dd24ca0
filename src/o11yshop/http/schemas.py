from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """Base of every request body: types are strict ("2" is not 2) and unknown fields are refused,
    so a client's mistake is named instead of silently coerced or ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")
