"""X-Ray filter expressions: the documented forms the labs use, parsed once and evaluated per trace.

Grammar (X-Ray developer guide, "Using filter expressions"):

    expr       := or
    or         := and (("or" | "||") and)*
    and        := not (("and" | "&&") not)*
    not        := ("!" | "not") not | primary
    primary    := "(" expr ")" | boolean-keyword | comparison | service | edge
    comparison := keyword op value
    service    := "service" "(" string ")" ["{" expr "}"]
    edge       := "edge" "(" string "," string ")" ["{" expr "}"]

Anything else (``id()``, ``rootcause``, ``json``, ...) is refused with the keyword named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from o11yshop.localaws.protocol import AwsError

BOOLEAN_KEYWORDS = {"ok", "error", "fault", "throttle", "partial"}
NUMBER_KEYWORDS = {"responsetime", "duration", "http.status"}
STRING_KEYWORDS = {"http.url", "http.method", "http.useragent", "http.clientip", "user"}
NUMBER_OPS = {"=", "!=", "<", "<=", ">", ">="}
STRING_OPS = {"=", "!=", "contains", "beginswith", "endswith"}

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<op>&&|\|\||!=|<=|>=|=|<|>|!|\(|\)|\{|\}|,)
  | (?P<word>[A-Za-z_][\w.\[\]-]*)
    )""",
    re.VERBOSE,
)


@dataclass
class TraceView:
    """What a filter expression can see of one trace (or of one service's part of it)."""

    segments: list[dict[str, Any]]
    duration: float
    response_time: float
    http: dict[str, Any]
    annotations: dict[str, list[Any]]
    users: set[str]
    services: set[str]
    edges: set[tuple[str, str]]
    partial: bool
    service_views: dict[str, TraceView] = field(default_factory=dict)
    edge_views: dict[tuple[str, str], TraceView] = field(default_factory=dict)


Predicate = Callable[[TraceView], bool]


def _error(message: str) -> AwsError:
    return AwsError("InvalidRequestException", f"Invalid filter expression: {message}")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        stripped = text.strip()
        while pos < len(stripped):
            match = _TOKEN.match(stripped, pos)
            if not match or match.end() == pos:
                raise _error(f"unexpected text at {stripped[pos : pos + 20]!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _error("unexpected end of expression")
        self.pos += 1
        return token

    def accept(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token[1].lower() == value and token[0] in ("op", "word"):
            self.pos += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise _error(f"expected {value!r}")

    def parse(self) -> Predicate:
        predicate = self.parse_or()
        if self.peek() is not None:
            raise _error(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return predicate

    def parse_or(self) -> Predicate:
        parts = [self.parse_and()]
        while self.accept("or") or self.accept("||"):
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return lambda view: any(part(view) for part in parts)

    def parse_and(self) -> Predicate:
        parts = [self.parse_not()]
        while self.accept("and") or self.accept("&&"):
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        return lambda view: all(part(view) for part in parts)

    def parse_not(self) -> Predicate:
        if self.accept("!") or self.accept("not"):
            inner = self.parse_not()
            return lambda view: not inner(view)
        return self.parse_primary()

    def string_literal(self) -> str:
        kind, value = self.take()
        if kind != "string":
            raise _error(f"expected a quoted string, got {value!r}")
        return value[1:-1].replace('\\"', '"')

    def parse_primary(self) -> Predicate:
        if self.accept("("):
            inner = self.parse_or()
            self.expect(")")
            return inner
        kind, word = self.take()
        if kind != "word":
            raise _error(f"unexpected {word!r}")
        keyword = word.lower()
        if keyword == "service":
            return self.parse_service()
        if keyword == "edge":
            return self.parse_edge()
        if keyword in BOOLEAN_KEYWORDS:
            return _boolean(keyword)
        if keyword in NUMBER_KEYWORDS or keyword in STRING_KEYWORDS:
            return self.parse_comparison(keyword)
        if keyword.startswith("annotation."):
            return self.parse_annotation(word[len("annotation.") :])
        if keyword.startswith("annotation[") and keyword.endswith("]"):
            return self.parse_annotation(word[len("annotation[") : -1])
        raise _error(
            f"o11yshop local-aws does not emulate the keyword {word!r}; it supports "
            "service(), edge(), annotation.KEY, responsetime, duration, http.*, user, ok, error, fault, "
            "throttle, partial"
        )

    def parse_service(self) -> Predicate:
        self.expect("(")
        if self.peek() is not None and self.peek()[0] != "string":  # type: ignore[index]
            raise _error('o11yshop local-aws supports service("name") only, not id() or other forms')
        name = self.string_literal()
        self.expect(")")
        inner = self.parse_block()
        if inner is None:
            return lambda view: name in view.services
        return lambda view: name in view.service_views and inner(view.service_views[name])

    def parse_edge(self) -> Predicate:
        self.expect("(")
        source = self.string_literal()
        self.expect(",")
        target = self.string_literal()
        self.expect(")")
        inner = self.parse_block()
        key = (source, target)
        if inner is None:
            return lambda view: key in view.edges
        return lambda view: key in view.edge_views and inner(view.edge_views[key])

    def parse_block(self) -> Predicate | None:
        if not self.accept("{"):
            return None
        inner = self.parse_or()
        self.expect("}")
        return inner

    def operator(self, allowed: set[str]) -> str:
        _kind, value = self.take()
        op = value.lower()
        if op not in allowed:
            raise _error(f"operator {value!r} is not allowed here (allowed: {', '.join(sorted(allowed))})")
        return op

    def parse_comparison(self, keyword: str) -> Predicate:
        if keyword in NUMBER_KEYWORDS:
            op = self.operator(NUMBER_OPS)
            kind, raw = self.take()
            if kind != "number":
                raise _error(f"{keyword} compares with a number, got {raw!r}")
            number = float(raw)
            getter = _number_getter(keyword)
            return lambda view: any(_compare_number(v, op, number) for v in getter(view))
        op = self.operator(STRING_OPS)
        text = self.string_literal()
        sgetter = _string_getter(keyword)
        return lambda view: any(_compare_string(v, op, text) for v in sgetter(view))

    def parse_annotation(self, key: str) -> Predicate:
        token = self.peek()
        if token is None or token[1].lower() not in NUMBER_OPS | STRING_OPS:
            return lambda view: any(v is True for v in view.annotations.get(key, []))
        op = self.take()[1].lower()
        kind, raw = self.take()
        expected: Any
        if kind == "string":
            expected = raw[1:-1]
            if op not in STRING_OPS:
                raise _error(f"operator {op!r} cannot compare strings")
            return lambda view: any(
                isinstance(v, str) and _compare_string(v, op, expected) for v in view.annotations.get(key, [])
            )
        if kind == "number":
            number = float(raw)
            if op not in NUMBER_OPS:
                raise _error(f"operator {op!r} cannot compare numbers")
            return lambda view: any(
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and _compare_number(float(v), op, number)
                for v in view.annotations.get(key, [])
            )
        if kind == "word" and raw.lower() in ("true", "false"):
            flag = raw.lower() == "true"
            if op not in ("=", "!="):
                raise _error("booleans compare with = or != only")
            return lambda view: any(
                isinstance(v, bool) and ((v == flag) if op == "=" else (v != flag))
                for v in view.annotations.get(key, [])
            )
        raise _error(f"unexpected annotation value {raw!r}")


def _boolean(keyword: str) -> Predicate:
    def flag(segment: dict[str, Any], name: str) -> bool:
        return bool(segment.get(name))

    if keyword == "partial":
        return lambda view: view.partial
    if keyword == "ok":
        return lambda view: (
            not any(flag(s, "error") or flag(s, "fault") or flag(s, "throttle") for s in view.segments)
        )
    return lambda view: any(flag(s, keyword) for s in view.segments)


def _number_getter(keyword: str) -> Callable[[TraceView], list[float]]:
    if keyword == "responsetime":
        return lambda view: [view.response_time]
    if keyword == "duration":
        return lambda view: [view.duration]
    return lambda view: [float(view.http["HttpStatus"])] if "HttpStatus" in view.http else []


def _string_getter(keyword: str) -> Callable[[TraceView], list[str]]:
    if keyword == "user":
        return lambda view: sorted(view.users)
    field_name = {
        "http.url": "HttpURL",
        "http.method": "HttpMethod",
        "http.useragent": "UserAgent",
        "http.clientip": "ClientIp",
    }[keyword]
    return lambda view: [str(view.http[field_name])] if field_name in view.http else []


def _compare_number(value: float, op: str, expected: float) -> bool:
    return {
        "=": value == expected,
        "!=": value != expected,
        "<": value < expected,
        "<=": value <= expected,
        ">": value > expected,
        ">=": value >= expected,
    }[op]


def _compare_string(value: str, op: str, expected: str) -> bool:
    if op == "=":
        return value == expected
    if op == "!=":
        return value != expected
    if op == "contains":
        return expected in value
    if op == "beginswith":
        return value.startswith(expected)
    return value.endswith(expected)


def compile_filter(expression: str | None) -> Predicate | None:
    """Parse a filter expression; ``None`` or blank means every trace."""
    if expression is None or not expression.strip():
        return None
    return _Parser(expression).parse()
