"""OTLP/HTTP on the wire: request bodies in, Export*ServiceResponse (or an error Status) out.

Both encodings the OTLP specification defines are read: binary protobuf (``application/x-protobuf``)
and OTLP JSON (``application/json``), which differs from protobuf's own JSON mapping in that trace
and span IDs are hexadecimal strings rather than base64. Bodies may be gzip-compressed, as AWS's
endpoints accept. The answer uses the request's encoding; so does the ``google.rpc.Status`` that an
error carries, as the specification asks.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from dataclasses import dataclass
from typing import Any

PROTOBUF = "application/x-protobuf"
JSON = "application/json"

# google.rpc.Code values the OTLP specification uses in error responses.
INVALID_ARGUMENT = 3
RESOURCE_EXHAUSTED = 8
UNIMPLEMENTED = 12


class OtlpError(Exception):
    """A request the endpoint refuses: the HTTP status and a message for the sender."""

    def __init__(self, status: int, message: str, code: int = INVALID_ARGUMENT) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Encoding:
    content_type: str

    @property
    def is_json(self) -> bool:
        return self.content_type == JSON


def encoding_of(content_type: str) -> Encoding:
    """The request's encoding from its Content-Type (parameters such as charset are ignored)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in (PROTOBUF, JSON):
        return Encoding(media)
    raise OtlpError(
        415, f"Content-Type {content_type or '(none)'!r} is not supported: use {PROTOBUF} or {JSON}"
    )


def read_body(raw: bytes, content_encoding: str, limit: int) -> bytes:
    """The uncompressed body; more than ``limit`` bytes once uncompressed is refused."""
    coding = content_encoding.strip().lower()
    if coding in ("", "identity"):
        body = raw
    elif coding == "gzip":
        # Decompress at most limit + 1 bytes, so a small compressed body cannot inflate without bound.
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(raw, limit + 1)
        except zlib.error as exc:
            raise OtlpError(400, f"the body is not valid gzip: {exc}") from exc
        if len(body) <= limit and not inflater.eof:
            raise OtlpError(400, "the body is not valid gzip: it ends before the compressed stream does")
    else:
        raise OtlpError(415, f"Content-Encoding {content_encoding!r} is not supported: use gzip or none")
    if len(body) > limit:
        raise OtlpError(400, f"the uncompressed request is larger than {limit:,} bytes", RESOURCE_EXHAUSTED)
    return body


# --- decoding -------------------------------------------------------------------------------------

# Where OTLP JSON carries hexadecimal IDs, and how many hex digits each has.
_TRACE_ID_FIELDS = {"traceId": 32, "trace_id": 32, "spanId": 16, "span_id": 16,
                    "parentSpanId": 16, "parent_span_id": 16}  # fmt: skip


def decode_traces(body: bytes, encoding: Encoding) -> Any:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    if encoding.is_json:
        tree = _json_tree(body)
        for resource in _items(tree, "resourceSpans", "resource_spans"):
            for scope in _items(resource, "scopeSpans", "scope_spans"):
                for span in _items(scope, "spans"):
                    _hex_ids_to_base64(span, "span")
                    for link in _items(span, "links"):
                        _hex_ids_to_base64(link, "span link")
        return _parse_json(tree, ExportTraceServiceRequest())
    return _parse_protobuf(body, ExportTraceServiceRequest())


def decode_logs(body: bytes, encoding: Encoding) -> Any:
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

    if encoding.is_json:
        tree = _json_tree(body)
        for resource in _items(tree, "resourceLogs", "resource_logs"):
            for scope in _items(resource, "scopeLogs", "scope_logs"):
                for record in _items(scope, "logRecords", "log_records"):
                    _hex_ids_to_base64(record, "log record")
        return _parse_json(tree, ExportLogsServiceRequest())
    return _parse_protobuf(body, ExportLogsServiceRequest())


def _json_tree(body: bytes) -> dict[str, Any]:
    try:
        tree = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OtlpError(400, f"the body is not JSON: {exc}") from exc
    if not isinstance(tree, dict):
        raise OtlpError(400, "an OTLP JSON request must be a JSON object")
    return tree


def _items(parent: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    for name in names:
        value = parent.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise OtlpError(400, f"{name} must be a list of objects")
        return value
    return []


def _hex_ids_to_base64(item: dict[str, Any], what: str) -> None:
    for name, digits in _TRACE_ID_FIELDS.items():
        value = item.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) != digits:
            raise OtlpError(400, f"{what} {name} must be {digits} hexadecimal digits, not {value!r}")
        try:
            item[name] = base64.b64encode(bytes.fromhex(value)).decode()
        except ValueError as exc:
            raise OtlpError(400, f"{what} {name} must be {digits} hexadecimal digits, not {value!r}") from exc


def _parse_json(tree: dict[str, Any], message: Any) -> Any:
    from google.protobuf import json_format

    try:
        # The OTLP specification asks receivers to ignore fields they do not know.
        return json_format.ParseDict(tree, message, ignore_unknown_fields=True)
    except (json_format.ParseError, ValueError, TypeError, binascii.Error) as exc:
        raise OtlpError(400, f"the body is not an OTLP JSON request: {exc}") from exc


def _parse_protobuf(body: bytes, message: Any) -> Any:
    from google.protobuf.message import DecodeError

    try:
        message.ParseFromString(body)
    except (DecodeError, ValueError) as exc:
        raise OtlpError(400, f"the body is not an OTLP protobuf request: {exc}") from exc
    return message


# --- encoding -------------------------------------------------------------------------------------


def encode(message: Any, encoding: Encoding) -> bytes:
    if encoding.is_json:
        from google.protobuf import json_format

        return json.dumps(json_format.MessageToDict(message), separators=(",", ":")).encode()
    data: bytes = message.SerializeToString()
    return data


def traces_response(rejected: int, message: str) -> Any:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

    response = ExportTraceServiceResponse()
    if rejected or message:
        response.partial_success.rejected_spans = rejected
        response.partial_success.error_message = message
    return response


def logs_response(rejected: int, message: str) -> Any:
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse

    response = ExportLogsServiceResponse()
    if rejected or message:
        response.partial_success.rejected_log_records = rejected
        response.partial_success.error_message = message
    return response


def error_status(error: OtlpError) -> Any:
    from google.rpc.status_pb2 import Status

    return Status(code=error.code, message=error.message)


# --- values ---------------------------------------------------------------------------------------


def value(any_value: Any) -> Any:
    """An OTLP AnyValue as plain JSON-able Python (bytes in base64, non-finite doubles as text)."""
    kind = any_value.WhichOneof("value")
    if kind == "string_value":
        return any_value.string_value
    if kind == "bool_value":
        return any_value.bool_value
    if kind == "int_value":
        return any_value.int_value
    if kind == "double_value":
        number = any_value.double_value
        return number if math.isfinite(number) else str(number)
    if kind == "array_value":
        return [value(item) for item in any_value.array_value.values]
    if kind == "kvlist_value":
        return attributes(any_value.kvlist_value.values)
    if kind == "bytes_value":
        return base64.b64encode(any_value.bytes_value).decode()
    return None


def attributes(key_values: Any) -> dict[str, Any]:
    return {kv.key: value(kv.value) for kv in key_values}
