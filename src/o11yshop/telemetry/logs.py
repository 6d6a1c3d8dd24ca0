"""Structured logs (O-LOG-01..04): one JSON object per line, for structlog and stdlib loggers alike.

Every line carries ``timestamp`` (UTC, ISO 8601), ``level``, ``service``, ``environment``,
``version``, ``logger`` and ``message``, plus the X-Ray ``trace_id`` and ``segment_id`` when the
line belongs to a traced request, and whatever the request bound (``request_id`` and, where known,
``admin_user``, ``cart_id``, ``order_number``). Secrets and personal data are
redacted before a line is written anywhere (see ``redaction``). Each line goes to stdout and to
every sink (the CloudWatch Logs shipper, in ``aws`` mode).

>>> log = get_logger("o11yshop.cart")
>>> log.info("item added", product_id=3, quantity=2)   # doctest: +SKIP
{"timestamp": "2026-11-29T22:15:44.120Z", "level": "info", "service": "api", ..., "message": "item added"}
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, TextIO

import structlog

from o11yshop.telemetry.redaction import redact_event
from o11yshop.telemetry.tracing import trace_ids

Sink = Callable[[int, str], None]
# structlog's own keys that are not fields of the line
_META = ("_record", "_from_structlog")


def _static_fields(fields: Mapping[str, str]) -> structlog.types.Processor:
    def add(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key, value in fields.items():
            event.setdefault(key, value)
        return event

    return add


def _trace_fields(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The X-Ray trace ID (and the segment that was open) of the line, for O-CORR-01."""
    ids = trace_ids()
    if ids is not None:
        event.setdefault("trace_id", ids.trace_id)
        if ids.segment_id:
            event.setdefault("segment_id", ids.segment_id)
    return event


def _redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    return redact_event(event)


FIRST_KEYS = ("timestamp", "level", "service", "logger", "message")
DROPPED_KEYS = ("color_message",)  # uvicorn's ANSI-coloured copy of the message
# the access lines already show every call between services; the X-Ray SDK says at INFO which
# sampling rule it used, for every request
QUIET_BY_DEFAULT = {"httpx": "WARNING", "aws_xray_sdk": "WARNING"}


def _to_json(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> str:
    ordered = {key: event[key] for key in FIRST_KEYS if key in event}
    ordered.update((k, v) for k, v in event.items() if k not in ordered and k not in DROPPED_KEYS)
    return json.dumps(ordered, default=str, ensure_ascii=False, separators=(",", ":"))


class JsonLinesHandler(logging.Handler):
    """Formats a record once, writes the line to ``stream``, and hands it to every sink."""

    def __init__(self, stream: TextIO, sinks: list[Sink]) -> None:
        super().__init__()
        self.stream = stream
        self.sinks = sinks

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            self.stream.write(line + "\n")
            self.stream.flush()
            stamp = int(record.created * 1000)
            for sink in self.sinks:
                sink(stamp, line)
        except Exception:
            self.handleError(record)


def configure_logging(
    *,
    service: str,
    environment: str,
    version: str,
    level: str,
    logger_levels: Mapping[str, str],
    sinks: list[Sink],
    stream: TextIO | None = None,
) -> JsonLinesHandler:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _static_fields({"service": service, "environment": environment, "version": version}),
        structlog.stdlib.ExtraAdder(),
        _trace_fields,
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.EventRenamer("message"),
            _redact,
            _to_json,
        ],
    )
    handler = JsonLinesHandler(stream or sys.stdout, sinks)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's access line is replaced by ours (with route, duration and IDs); its other loggers
    # propagate to the root and come out as JSON too
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    for name, logger_level in {**QUIET_BY_DEFAULT, **logger_levels}.items():
        logging.getLogger(name).setLevel(logger_level.upper())
    return handler


def _route_to_stdlib_until_configured() -> None:
    """Before ``configure_logging`` (in tests, in scripts) structlog lines go to stdlib logging, so
    they obey its levels and handlers (pytest's capture included) instead of printing to stdout."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.render_to_log_kwargs,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


_route_to_stdlib_until_configured()


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger


def bind(**fields: Any) -> None:
    """Add fields to every line logged from here on in this request (or task)."""
    structlog.contextvars.bind_contextvars(**fields)


def clear() -> None:
    structlog.contextvars.clear_contextvars()


def now_ms() -> int:
    return int(time.time() * 1000)
