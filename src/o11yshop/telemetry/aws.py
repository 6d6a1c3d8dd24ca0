"""The AWS-native provider: boto3 clients for the configured endpoint (the embedded local AWS by
default, LocalStack or real AWS by changing ``O11YSHOP_AWS_ENDPOINT_URL``). boto3 is imported only
here, and only in ``aws`` mode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from o11yshop.telemetry.cloudwatch_logs import CloudWatchLogsShipper

if TYPE_CHECKING:
    from o11yshop.config import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def client(settings: Settings, service: str) -> Any:
    import boto3
    from botocore.config import Config

    kwargs: dict[str, Any] = {
        "region_name": settings.aws_region,
        # our shipper retries with its own back-off; botocore's retries would hide throttling from it
        "config": Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=10),
    }
    endpoint = settings.aws_endpoint_url
    if endpoint:
        kwargs["endpoint_url"] = endpoint
        if urlparse(endpoint).hostname in LOOPBACK:
            # the local endpoint takes any credentials; never let a real profile's keys go there
            kwargs |= {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return boto3.client(service, **kwargs)


def make_log_shipper(settings: Settings, group: str, stream: str) -> CloudWatchLogsShipper:
    return CloudWatchLogsShipper(
        lambda: client(settings, "logs"),
        group,
        stream,
        retention_days=settings.log_retention_days,
        max_buffered=settings.log_buffer_events,
    )
