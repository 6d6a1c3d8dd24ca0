from __future__ import annotations

import pytest
from pydantic import ValidationError

from o11yshop.config import DEV_JWT_SECRET, Settings


def test_development_runs_on_defaults(monkeypatch):
    monkeypatch.delenv("O11YSHOP_ENV", raising=False)
    monkeypatch.delenv("O11YSHOP_JWT_SECRET", raising=False)
    settings = Settings(_env_file=None)
    assert settings.env == "development"
    assert settings.database_url.startswith("sqlite:///var/")
    assert settings.inventory_base_url == "http://127.0.0.1:8001"


@pytest.mark.parametrize("env", ["test", "production"])
def test_the_default_secret_is_refused_outside_development(monkeypatch, env):
    monkeypatch.delenv("O11YSHOP_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="O11YSHOP_JWT_SECRET must be set"):
        Settings(_env_file=None, env=env)
    assert Settings(_env_file=None, env=env, jwt_secret="s" * 32).env == env
    assert DEV_JWT_SECRET


def test_short_secrets_are_refused():
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(_env_file=None, jwt_secret="short")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("O11YSHOP_API_PORT", "9100")
    monkeypatch.setenv("O11YSHOP_INVENTORY_URL", "http://inventory.internal:81/")
    monkeypatch.setenv("O11YSHOP_LOG_LEVEL", "DEBUG")
    settings = Settings(_env_file=None)
    assert settings.api_port == 9100
    assert settings.inventory_base_url == "http://inventory.internal:81"
    assert settings.log_level == "DEBUG"
    monkeypatch.setenv("O11YSHOP_TELEMETRY", "sideways")
    with pytest.raises(ValidationError, match="telemetry"):
        Settings(_env_file=None)
