"""Settings: one class, read from the environment with the ``O11YSHOP_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-o11yshop-secret-change-me"  # noqa: S105 - refused outside development

Environment = Literal["development", "test", "production"]
TelemetryMode = Literal["off", "aws", "otel"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="O11YSHOP_", env_file=".env", extra="ignore")

    env: Environment = Field("development", description="development, test or production")
    database_url: str = Field(
        "sqlite:///var/o11yshop.db",
        description="SQLAlchemy URL: sqlite:///path or mysql+pymysql://user:pass@host:3306/db",
    )
    host: str = Field("127.0.0.1", description="address every process binds to")
    api_port: int = Field(8000, ge=1, le=65535, description="port of the api process (shop and /api)")
    inventory_port: int = Field(8001, ge=1, le=65535, description="port of the inventory process")
    local_aws_port: int = Field(4566, ge=1, le=65535, description="port of the embedded local AWS endpoint")
    xray_daemon_port: int = Field(
        2000, ge=0, le=65535, description="where `up`'s local AWS stands in for the X-Ray daemon; 0: nowhere"
    )
    local_aws_state_dir: Path | None = Field(
        Path("var/aws"), description="where `up` keeps the local AWS endpoint's data across restarts"
    )
    inventory_url: str | None = Field(
        None, description="base URL the api uses to reach inventory (default: http://HOST:INVENTORY_PORT)"
    )
    inventory_timeout_seconds: float = Field(5.0, gt=0, le=60, description="timeout of each inventory call")
    jwt_secret: SecretStr = Field(SecretStr(DEV_JWT_SECRET), description="HMAC key for admin tokens")
    jwt_ttl_seconds: int = Field(900, ge=30, le=86400, description="lifetime of an admin token")
    log_level: LogLevel = Field("INFO", description="root log level")
    log_levels: dict[str, LogLevel] = Field(
        default_factory=dict, description='per-logger levels, JSON: {"sqlalchemy.engine": "INFO"}'
    )
    telemetry: TelemetryMode = Field(
        "off",
        description="off: JSON logs on stdout; aws: AWS SDKs (CloudWatch Logs, EMF, X-Ray SDK); "
        "otel: OpenTelemetry with ADOT (OTLP to X-Ray and CloudWatch Logs, EMF)",
    )
    aws_endpoint_url: str | None = Field(
        "http://127.0.0.1:4566", description="AWS endpoint for telemetry; empty for real AWS"
    )
    aws_region: str = Field("us-east-1", description="AWS region of every AWS call")
    otlp_endpoint: str | None = Field(
        None,
        description="otel mode: base URL of an OTLP/HTTP receiver (an ADOT collector) for traces and logs; "
        "unset: the OTLP endpoints of X-Ray and CloudWatch Logs",
    )
    metrics_transport: Literal["emf", "putmetricdata"] = Field(
        "emf", description="emf: metrics ride the log stream; putmetricdata: one API call per flush"
    )
    trace_sample_rate: float = Field(
        0.05, ge=0, le=1, description="share of requests traced after the first each second (local rule)"
    )
    xray_daemon_address: str | None = Field(
        None, description="host:port of an X-Ray daemon to send segments to by UDP; unset: PutTraceSegments"
    )
    metrics_interval_seconds: float = Field(
        10.0, gt=0, le=60, description="how often metrics are flushed as EMF"
    )
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365] = Field(
        7, description="retention set on the log groups (a value CloudWatch Logs accepts)"
    )
    log_buffer_events: int = Field(
        20_000, ge=100, description="log lines held while CloudWatch is unreachable"
    )
    currency: str = Field("JPY", min_length=3, max_length=3, description="ISO 4217 code of every price")
    shipping_fee_minor: int = Field(500, ge=0, description="shipping fee in minor units")
    free_shipping_from_minor: int = Field(5000, ge=0, description="subtotal from which shipping is free")
    reservation_ttl_seconds: int = Field(300, ge=5, le=86400, description="how long checkout holds stock")
    default_low_stock_threshold: int = Field(5, ge=0, description="low-stock threshold of new products")
    login_max_failures_per_account: int = Field(5, ge=1, description="failed logins per account per window")
    login_max_attempts_per_address: int = Field(20, ge=1, description="logins per client address per window")
    login_window_seconds: int = Field(900, ge=1, description="window of both login limits")
    admin_email: str = Field("admin@o11yshop.local", description="e-mail of the admin that seed creates")
    admin_password: SecretStr | None = Field(
        None, description="password of that admin; generated and printed once when unset"
    )
    media_dir: Path = Field(Path("var/media"), description="product images, served at /media")
    web_dir: Path = Field(Path("web/out"), description="the exported front end, served at /")

    @model_validator(mode="after")
    def _refuse_dev_secret(self) -> Settings:
        if self.env != "development" and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
            raise ValueError(f"O11YSHOP_JWT_SECRET must be set when O11YSHOP_ENV={self.env}")
        if len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("O11YSHOP_JWT_SECRET must be at least 32 characters")
        return self

    @field_validator("aws_endpoint_url", "xray_daemon_address", "otlp_endpoint")
    @classmethod
    def _empty_means_aws(cls, value: str | None) -> str | None:
        return value or None

    @property
    def inventory_base_url(self) -> str:
        return (self.inventory_url or f"http://{self.host}:{self.inventory_port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
