"""One AWS-compatible endpoint on loopback: o11yshop's CloudWatch, Logs and X-Ray in front of moto.

Requests for CloudWatch Logs (``X-Amz-Target: Logs_20140328.*``), CloudWatch (the JSON protocol,
``GraniteServiceVersion20100801.*``, Smithy RPC v2 CBOR and query) and X-Ray (REST-JSON,
recognised by path) are answered here, and so are the OTLP/HTTP endpoints of X-Ray and CloudWatch
Logs (``POST /v1/traces``, ``POST /v1/logs``); everything else (SNS, SQS, S3, EventBridge, ...) goes
to moto's server application unchanged. ``/_localaws/stats`` counts the requests of each kind.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from werkzeug.serving import BaseWSGIServer, make_server

from o11yshop.localaws import otlp, otlp_logs, otlp_traces, xray
from o11yshop.localaws.cloudwatch import CloudWatchRegion
from o11yshop.localaws.logs import LogsRegion
from o11yshop.localaws.protocol import AwsError, dumps, not_emulated
from o11yshop.localaws.request_stats import RequestStats
from o11yshop.localaws.state import Journal, moto_changes_state

LOOPBACK = "127.0.0.1"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
# AWS serves these on xray., logs. and monitoring.<region>.amazonaws.com; one port here.
OTLP_PATHS = {
    "/v1/traces": "xray.OTLPTraces",
    "/v1/logs": "logs.OTLPLogs",
    "/v1/metrics": "cloudwatch.OTLPMetrics",
}
STATS_PATH = "/_localaws/stats"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time, for the endpoint a learner runs."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to, so tests can drive alarm evaluation deterministically."""

    def __init__(self, start: float) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def set(self, moment: float) -> None:
        with self._lock:
            self._now = float(moment)


class _FixedClock:
    def __init__(self, moment: float) -> None:
        self.moment = moment

    def now(self) -> float:
        return self.moment


@functools.cache
def _xray_routes() -> dict[str, str]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("xray")
    routes = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        if http.get("method") == "POST":
            routes[http["requestUri"].split("?")[0]] = name
    return routes


@dataclass
class Region:
    """Everything o11yshop emulates itself for one region."""

    xray: xray.XRayRegion
    logs: LogsRegion
    cloudwatch: CloudWatchRegion


class LocalAws:
    """The WSGI application: o11yshop's services, with moto behind them for everything else."""

    SERVICES = {"xray": "X-Ray", "logs": "CloudWatch Logs", "cloudwatch": "CloudWatch"}

    def __init__(self, clock: Clock | None = None, state_dir: Path | None = None) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.clock: Clock = clock or SystemClock()
        self._time: Clock = self.clock
        self.lock = threading.RLock()
        self.regions: dict[str, Region] = {}
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.xray_routes = _xray_routes()
        self.journal: Journal | None = None
        self.stats = RequestStats()
        self._deferred = threading.local()
        self._replaying = False
        if state_dir is not None:
            # moto keeps its state in the process: replaying its requests assumes a new process,
            # which is what a restart of the command is.
            journal = Journal(state_dir)
            journal.replay(self)
            self.journal = journal

    def now(self) -> float:
        return self._time.now()

    def region(self, name: str) -> Region:
        found = self.regions.get(name)
        if found is None:
            metrics = CloudWatchRegion(name, self.now, self)
            found = Region(xray.XRayRegion(name, self.now), LogsRegion(name, self.now, metrics), metrics)
            self.regions[name] = found
        return found

    def operations(
        self, service: str
    ) -> tuple[dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]], set[str]]:
        if service == "xray":
            return xray.OPERATIONS, xray.READ_ONLY
        if service == "logs":
            from o11yshop.localaws import logs

            return logs.OPERATIONS, logs.READ_ONLY
        from o11yshop.localaws import cloudwatch

        return cloudwatch.OPERATIONS, cloudwatch.READ_ONLY

    def call(self, service: str, region_name: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one operation a request names, journalling it first when it changes state."""
        if operation.startswith("_"):
            raise not_emulated(self.SERVICES[service], operation)
        return self.apply(service, region_name, operation, params)

    def apply(self, service: str, region_name: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one operation, internal ones (``_PutOtlpSegments``) included, journalled like ``call``."""
        handlers, read_only = self.operations(service)
        handler = handlers.get(operation)
        if handler is None:
            raise not_emulated(self.SERVICES[service], operation)
        with self.lock:
            region = self.region(region_name)
            target = getattr(region, service)
            if self.journal is not None and operation not in read_only:
                self.journal.record(service, region_name, operation, params, self.now())
            self._deferred.items = []
            try:
                result = handler(target, params)
            finally:
                deliveries: list[Callable[[], None]] = self._deferred.items
                self._deferred.items = []
                if service == "cloudwatch":
                    region.cloudwatch.alarms.take_transitions()  # the request itself is journalled
        # SNS deliveries caused by this request (SetAlarmState) run once the lock is released.
        for deliver in deliveries:
            deliver()
        return result

    def defer(self, deliveries: list[Callable[[], None]]) -> None:
        """Queue SNS deliveries caused by the current request; they run after the lock is released."""
        if not self._replaying:
            self._deferred.items.extend(deliveries)

    def replay(
        self, service: str, region_name: str, operation: str, params: dict[str, Any], moment: float
    ) -> None:
        """Apply a journalled operation as if at the moment it first happened."""
        handlers, _ = self.operations(service)
        with self.lock:
            self._time = _FixedClock(moment)
            self._replaying = True
            region = self.region(region_name)
            try:
                handlers[operation](getattr(region, service), params)
            except AwsError:
                pass  # it failed the first time too, and was answered with this error
            finally:
                region.cloudwatch.alarms.take_transitions()
                self._time = self.clock
                self._replaying = False

    def replay_http(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> None:
        """Send a journalled request to moto again."""
        from werkzeug.test import EnvironBuilder

        environ = EnvironBuilder(
            method=method, path=path, query_string=query, headers=list(headers.items()), data=body
        ).get_environ()
        environ["REMOTE_ADDR"] = LOOPBACK
        for _ in self.moto(environ, lambda status, headers, exc_info=None: None):
            pass

    def tick(self) -> None:
        """Evaluate every alarm once, now; deliveries to SNS happen after the lock is released."""
        deliveries: list[Callable[[], None]] = []
        with self.lock:
            for name, region in self.regions.items():
                deliveries.extend(region.cloudwatch.evaluate_alarms())
                for change in region.cloudwatch.alarms.take_transitions():
                    if self.journal is not None:
                        self.journal.record("cloudwatch", name, "_RestoreAlarmState", change, self.now())
        for deliver in deliveries:
            deliver()

    # --- WSGI -------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        region_name = scope.group(1) if scope else "us-east-1"
        signed_for = scope.group(2) if scope else None
        if path == STATS_PATH:
            return self._stats(method, start_response)
        if path in OTLP_PATHS and signed_for in (None, "xray", "logs", "monitoring"):
            return self._otlp(environ, start_response, path, region_name)
        size = _content_length(environ)
        if target.startswith("Logs_20140328."):
            operation = target.split(".", 1)[1]
            self.stats.count(f"logs.{operation}", size)
            return self._json(environ, start_response, "logs", region_name, operation, "1.1")
        if target.startswith("GraniteServiceVersion20100801."):
            operation = target.split(".", 1)[1]
            self.stats.count(f"cloudwatch.{operation}", size)
            return self._json(environ, start_response, "cloudwatch", region_name, operation, "1.0")
        if path.startswith(_CBOR_PREFIX) and method == "POST":
            operation = path[len(_CBOR_PREFIX) :]
            self.stats.count(f"cloudwatch.{operation}", size)
            return self._cbor(environ, start_response, region_name, operation)
        if signed_for == "monitoring":
            return self._query(environ, start_response, region_name, size)
        if signed_for == "logs":
            self.stats.count(f"logs.{target or method}", size)
            return _json_error(
                start_response, not_emulated("CloudWatch Logs", f"request {target or path}"), "1.1"
            )
        if method == "POST" and path in self.xray_routes and signed_for in (None, "xray"):
            self.stats.count(f"xray.{self.xray_routes[path]}", size)
            return self._rest(environ, start_response, region_name, self.xray_routes[path])
        if signed_for == "xray":
            self.stats.count(f"xray.{method}", size)
            return _rest_error(start_response, not_emulated("X-Ray", f"{method} {path}"))
        self.stats.count(f"{signed_for or 'unsigned'}.{_moto_operation(environ, target)}", size)
        if self.journal is not None:
            self._journal_moto(self.journal, environ, target)
        result: Iterable[bytes] = self.moto(environ, start_response)
        return result

    def _stats(self, method: str, start_response: StartResponse) -> Iterable[bytes]:
        if method == "GET":
            body = json.dumps(self.stats.snapshot(), separators=(",", ":")).encode()
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if method == "DELETE":
            self.stats.reset()
            start_response("204 No Content", [])
            return []
        body = b'{"message":"GET reads the request counts, DELETE resets them"}'
        headers = [("Allow", "GET, DELETE"), ("Content-Type", "application/json")]
        start_response("405 Method Not Allowed", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _otlp(
        self, environ: dict[str, Any], start_response: StartResponse, path: str, region_name: str
    ) -> Iterable[bytes]:
        """OTLP/HTTP, as AWS's X-Ray and CloudWatch Logs endpoints answer it."""
        raw = _read_body(environ)
        self.stats.count(OTLP_PATHS[path], len(raw))
        encoding = otlp.Encoding(otlp.PROTOBUF)
        try:
            if environ.get("REQUEST_METHOD") != "POST":
                raise otlp.OtlpError(405, f"{path} accepts POST only")
            encoding = otlp.encoding_of(environ.get("CONTENT_TYPE", ""))
            if path == "/v1/metrics":
                # AWS has one (monitoring.<region>.amazonaws.com/v1/metrics): refused by name, never
                # ignored. 404, not 501: OTLP exporters retry any 5xx, and retrying cannot help.
                raise otlp.OtlpError(
                    404,
                    "o11yshop local-aws does not emulate CloudWatch's OTLP metrics "
                    "endpoint (/v1/metrics); see docs/local-aws.md",
                    otlp.UNIMPLEMENTED,
                )
            if path == "/v1/traces":
                response = self._otlp_traces(raw, environ, encoding, region_name)
            else:
                response = self._otlp_logs(raw, environ, encoding, region_name)
            status, body = 200, otlp.encode(response, encoding)
        except otlp.OtlpError as error:
            status, body = error.status, otlp.encode(otlp.error_status(error), encoding)
        except AwsError as error:
            problem = otlp.OtlpError(error.status, f"{error.code}: {error.message}")
            status, body = error.status, otlp.encode(otlp.error_status(problem), encoding)
        start_response(
            _status(status),
            [("Content-Type", encoding.content_type), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _otlp_traces(
        self, raw: bytes, environ: dict[str, Any], encoding: otlp.Encoding, region_name: str
    ) -> Any:
        body = otlp.read_body(raw, environ.get("HTTP_CONTENT_ENCODING", ""), otlp_traces.MAX_REQUEST_BYTES)
        translation = otlp_traces.translate(otlp.decode_traces(body, encoding), self.now())
        rejected, reasons = translation.rejected, translation.reasons
        if translation.documents:
            stored = self.apply("xray", region_name, "_PutOtlpSegments", {"Documents": translation.documents})
            for refused in stored["Rejected"]:
                rejected += 1
                if refused["Message"] not in reasons:
                    reasons.append(refused["Message"])
        return otlp.traces_response(rejected, "; ".join(reasons))

    def _otlp_logs(
        self, raw: bytes, environ: dict[str, Any], encoding: otlp.Encoding, region_name: str
    ) -> Any:
        names = {}
        for header in ("x-aws-log-group", "x-aws-log-stream"):
            names[header] = environ.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
            if not names[header]:
                why = "AWS writes OTLP logs to the existing log group and stream these headers name"
                raise otlp.OtlpError(400, f"the {header} header is required: {why}")
        destination = {"logGroupName": names["x-aws-log-group"], "logStreamName": names["x-aws-log-stream"]}
        with self.lock:
            self.region(region_name).logs.destination(destination)  # both must exist, as on AWS
        body = otlp.read_body(raw, environ.get("HTTP_CONTENT_ENCODING", ""), otlp_logs.MAX_REQUEST_BYTES)
        events = otlp_logs.translate(otlp.decode_logs(body, encoding), self.now())
        if not events:
            return otlp.logs_response(0, "")
        stored = self.apply("logs", region_name, "_PutOtlpLogEvents", {**destination, "logEvents": events})
        counts: dict[str, int] = stored["rejected"]
        return otlp.logs_response(sum(counts.values()), json.dumps(counts) if counts else "")

    def _journal_moto(self, journal: Journal, environ: dict[str, Any], target: str) -> None:
        from urllib.parse import parse_qs

        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        query = environ.get("QUERY_STRING", "")
        action = target.rsplit(".", 1)[-1] if target else None
        if action is None:
            form = parse_qs(query)
            if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
                form.update(parse_qs(body.decode("utf-8", "replace")))
            action = form["Action"][0] if "Action" in form else None
        method = environ.get("REQUEST_METHOD", "GET")
        if moto_changes_state(method, action):
            headers = {
                key[5:].replace("_", "-").title(): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            if environ.get("CONTENT_TYPE"):
                headers["Content-Type"] = environ["CONTENT_TYPE"]
            journal.record_http(method, environ.get("PATH_INFO", "/"), query, headers, body)

    def _body(self, environ: dict[str, Any]) -> dict[str, Any]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if "gzip" in environ.get("HTTP_CONTENT_ENCODING", ""):
            # botocore compresses large PutMetricData bodies (the requestcompression trait)
            raw = gzip.decompress(raw)
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise AwsError("SerializationException", "the request body is not JSON") from exc
        if not isinstance(body, dict):
            raise AwsError("SerializationException", "the request body must be a JSON object")
        return body

    def _json(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        service: str,
        region: str,
        op: str,
        version: str,
    ) -> Iterable[bytes]:
        try:
            result = self.call(service, region, op, self._body(environ))
        except AwsError as error:
            return _json_error(start_response, error, version)
        body = dumps(result)
        start_response(
            "200 OK",
            [
                ("Content-Type", f"application/x-amz-json-{version}"),
                ("Content-Length", str(len(body))),
                ("x-amzn-RequestId", str(uuid.uuid4())),
            ],
        )
        return [body]

    def _query(
        self, environ: dict[str, Any], start_response: StartResponse, region: str, size: int
    ) -> Iterable[bytes]:
        """CloudWatch over the query protocol (older SDKs and AWS CLI versions), parsed and answered with
        moto's protocol machinery and botocore's model."""
        from urllib.parse import parse_qsl

        from moto.core.parse import QueryParser
        from moto.core.serialize import QuerySerializer
        from werkzeug.datastructures import Headers, MultiDict

        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if "gzip" in environ.get("HTTP_CONTENT_ENCODING", ""):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8", "replace")
        values = MultiDict(parse_qsl(environ.get("QUERY_STRING", "")) + parse_qsl(text))
        operation = values.get("Action") or ""
        self.stats.count(f"cloudwatch.{operation or 'Unknown'}", size)
        model = _moto_service_model("cloudwatch")
        if operation not in model.operation_names:
            return _query_error(
                start_response, not_emulated("CloudWatch", operation or "request without Action")
            )
        try:
            operation_model = model.operation_model(operation)
            parser = QueryParser(operation_model, map_type=dict)
            params = parser.parse(
                {
                    "method": "POST",
                    "values": values,
                    "headers": Headers(),
                    "body": text,
                    "url_path": "/",
                    "url_params": {},
                }
            )
            result = self.call("cloudwatch", region, operation, params)
        except AwsError as error:
            return _query_error(start_response, error)
        response = QuerySerializer(operation_model).serialize(
            _timestamps_as_datetimes("cloudwatch", operation, result)
        )
        body = response["body"].encode() if isinstance(response["body"], str) else response["body"]
        headers = [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))]
        start_response("200 OK", [*headers, ("x-amzn-RequestId", str(uuid.uuid4()))])
        return [body]

    def _cbor(
        self, environ: dict[str, Any], start_response: StartResponse, region: str, op: str
    ) -> Iterable[bytes]:
        from o11yshop.localaws import cbor

        headers = [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            if "gzip" in environ.get("HTTP_CONTENT_ENCODING", ""):
                raw = gzip.decompress(raw)
            try:
                params = cbor.loads(raw) if raw else {}
            except ValueError as exc:
                raise AwsError("SerializationException", f"the request body is not CBOR: {exc}") from exc
            if not isinstance(params, dict):
                raise AwsError("SerializationException", "the request body must be a CBOR map")
            result = self.call("cloudwatch", region, op, params)
        except AwsError as error:
            body = cbor.dumps({"__type": error.code, "message": error.message})
            start_response(
                _status(error.status),
                [
                    *headers,
                    ("Content-Length", str(len(body))),
                    ("x-amzn-query-error", f"{error.code};Sender"),
                ],
            )
            return [body]
        body = cbor.dumps(_timestamps_as_datetimes("cloudwatch", op, result))
        start_response(
            "200 OK", [*headers, ("Content-Length", str(len(body))), ("x-amzn-RequestId", str(uuid.uuid4()))]
        )
        return [body]

    def _rest(
        self, environ: dict[str, Any], start_response: StartResponse, region: str, op: str
    ) -> Iterable[bytes]:
        try:
            result = self.call("xray", region, op, self._body(environ))
        except AwsError as error:
            return _rest_error(start_response, error)
        body = dumps(result)
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("x-amzn-RequestId", str(uuid.uuid4())),
            ],
        )
        return [body]


_CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


def _content_length(environ: dict[str, Any]) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _read_body(environ: dict[str, Any]) -> bytes:
    length = _content_length(environ)
    if not length and environ.get("wsgi.input_terminated"):
        # chunked transfer encoding (some OTLP exporters stream their body): read to the end
        chunked: bytes = environ["wsgi.input"].read()
        return chunked
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body


def _moto_operation(environ: dict[str, Any], target: str) -> str:
    """The operation a request for moto names: its X-Amz-Target or query Action, else its method.

    A query-protocol body is read here and put back for moto, as the journal does.
    """
    if target:
        return target.rsplit(".", 1)[-1]
    from urllib.parse import parse_qs

    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if not action and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return action[0] if action else str(environ.get("REQUEST_METHOD", "GET"))


@functools.cache
def _moto_service_model(service: str) -> Any:
    import botocore.session
    from moto.core.model import ServiceModel

    loader = botocore.session.get_session().get_component("data_loader")
    return ServiceModel(loader.load_service_model(service, "service-2"), service)


@functools.cache
def _service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def _timestamps_as_datetimes(service: str, operation: str, result: Any) -> Any:
    """CBOR carries timestamps as tagged values: mark the response's timestamp members as datetimes."""
    from datetime import UTC, datetime

    def convert(value: Any, shape: Any) -> Any:
        if value is None or shape is None:
            return value
        kind = shape.type_name
        if kind == "timestamp" and isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if kind == "structure" and isinstance(value, dict):
            return {k: convert(v, shape.members.get(k)) for k, v in value.items()}
        if kind == "list" and isinstance(value, list):
            return [convert(v, shape.member) for v in value]
        if kind == "map" and isinstance(value, dict):
            return {k: convert(v, shape.value) for k, v in value.items()}
        return value

    model = _service_model(service)
    if operation not in model.operation_names:
        return result
    return convert(result, model.operation_model(operation).output_shape)


def _status(code: int) -> str:
    return {
        200: "200 OK",
        400: "400 Bad Request",
        404: "404 Not Found",
        405: "405 Method Not Allowed",
        409: "409 Conflict",
        415: "415 Unsupported Media Type",
        501: "501 Not Implemented",
    }.get(code, f"{code} Error")


def _json_error(start_response: StartResponse, error: AwsError, version: str) -> Iterable[bytes]:
    body = dumps({"__type": error.code, "message": error.message})
    start_response(
        _status(error.status),
        [
            ("Content-Type", f"application/x-amz-json-{version}"),
            ("Content-Length", str(len(body))),
            ("x-amzn-ErrorType", error.code),
            ("x-amzn-query-error", f"{error.code};Sender"),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ],
    )
    return [body]


def _rest_error(start_response: StartResponse, error: AwsError) -> Iterable[bytes]:
    body = dumps({"message": error.message})
    start_response(
        _status(error.status),
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("x-amzn-ErrorType", error.code),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ],
    )
    return [body]


def _query_error(start_response: StartResponse, error: AwsError) -> Iterable[bytes]:
    from xml.sax.saxutils import escape

    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()
    start_response(_status(error.status), [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


# --- running it -------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """A running endpoint: its URL, and the application behind it (for ``tick()`` in tests)."""

    url: str
    host: str
    port: int
    app: LocalAws
    xray_daemon_port: int | None = None

    def tick(self) -> None:
        self.app.tick()


def _make_server(port: int, app: LocalAws) -> BaseWSGIServer:
    # moto's request handler keeps headers werkzeug would drop (S3 metadata with underscores).
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    return make_server(LOOPBACK, port, app, threaded=True, request_handler=MotoRequestHandler)


def _ticker(app: LocalAws, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        app.tick()


@contextmanager
def running_endpoint(
    port: int = 0,
    *,
    clock: Clock | None = None,
    state_dir: Path | None = None,
    evaluate_every: float | None = None,
    xray_daemon_port: int | None = None,
) -> Iterator[Endpoint]:
    """Serve the endpoint on 127.0.0.1 in background threads; stop it on leaving the block.

    Alarms are evaluated by ``endpoint.tick()``; pass ``evaluate_every`` (seconds) to also have a
    background thread evaluate them, as the command-line endpoint does. ``xray_daemon_port`` (0 for
    a free one) also listens for X-Ray SDK segments over UDP, as the X-Ray daemon does.
    """
    app = LocalAws(clock=clock, state_dir=state_dir)
    daemon = _start_daemon(app, xray_daemon_port)
    server = _make_server(port, app)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-aws", daemon=True
    )
    thread.start()
    stop = threading.Event()
    ticker = None
    if evaluate_every:
        ticker = threading.Thread(
            target=_ticker, args=(app, evaluate_every, stop), name="local-aws-alarms", daemon=True
        )
        ticker.start()
    real_port = server.server_address[1]
    try:
        yield Endpoint(
            url=f"http://{LOOPBACK}:{real_port}",
            host=LOOPBACK,
            port=real_port,
            app=app,
            xray_daemon_port=daemon.port if daemon else None,
        )
    finally:
        if daemon is not None:
            daemon.stop()
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        if ticker is not None:
            ticker.join(timeout=10)
        if app.journal is not None:
            app.journal.close()


def _start_daemon(app: LocalAws, port: int | None) -> Any:
    if port is None:
        return None
    from o11yshop.localaws.xray_daemon import XRayDaemon

    daemon = XRayDaemon(app, port)
    daemon.start()
    return daemon


def serve(
    host: str,
    port: int,
    state_dir: Path | None = None,
    evaluate_every: float = 10.0,
    xray_daemon_port: int | None = 2000,
) -> None:
    """Serve until interrupted. ``host`` must be loopback: the endpoint has no authentication.

    Unless ``xray_daemon_port`` is None, the endpoint also stands in for the X-Ray daemon on that
    port (2000, the daemon's default, so the X-Ray SDKs need no configuration): segments over UDP,
    sampling rules and targets over HTTP. A port already taken (a real daemon) is left alone.
    """
    if host not in (LOOPBACK, "localhost"):
        raise ValueError("o11yshop local-aws listens on 127.0.0.1 only")
    app = LocalAws(state_dir=state_dir)
    daemon = None
    if xray_daemon_port is not None:
        try:
            daemon = _start_daemon(app, xray_daemon_port)
            sampling = _make_server(xray_daemon_port, app)
            threading.Thread(target=sampling.serve_forever, name="local-aws-xray-tcp", daemon=True).start()
        except OSError as error:
            message = f"not standing in for the X-Ray daemon on port {xray_daemon_port}: {error}"
            print(f"o11yshop local-aws: {message}", file=sys.stderr)
    server = _make_server(port, app)
    stop = threading.Event()
    ticker = threading.Thread(
        target=_ticker, args=(app, evaluate_every, stop), name="local-aws-alarms", daemon=True
    )
    ticker.start()
    print(f"o11yshop local-aws listening on http://{LOOPBACK}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if daemon is not None:
            daemon.stop()
        stop.set()
        server.server_close()
        if app.journal is not None:
            app.journal.close()
