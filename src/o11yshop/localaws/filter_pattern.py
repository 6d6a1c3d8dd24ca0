"""CloudWatch Logs filter patterns: terms, JSON (``{ $.level = "ERROR" }``), space-delimited (``[a, ...]``).

Syntax from the CloudWatch Logs user guide, "Filter pattern syntax for metric filters, subscription
filters, filter log events, and Live Tail". A pattern compiles once; ``match`` returns the values a
metric filter can use (``$.field`` for JSON, ``$name`` for space-delimited), or None.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from o11yshop.localaws.lexer import lex
from o11yshop.localaws.protocol import AwsError

_MISSING = object()


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterException", f"Invalid filter pattern: {message}")


@dataclass
class Matched:
    """What a matching event offers to metric filters."""

    document: Any = None
    fields: dict[str, str] | None = None

    def value(self, reference: str) -> Any:
        """``$.a.b`` in a JSON event, ``$name`` in a space-delimited one; None when absent."""
        if reference.startswith("$.") and self.document is not None:
            found = _select(self.document, _parse_selector(reference))
            return None if found is _MISSING else found
        if reference.startswith("$") and self.fields is not None:
            return self.fields.get(reference[1:])
        return None


class Pattern:
    def __init__(self, text: str) -> None:
        self.text = text
        stripped = text.strip()
        self._match: Callable[[str], Matched | None]
        if not stripped:
            self._match = lambda message: Matched()
        elif stripped.startswith("{"):
            self._match = _json_pattern(stripped)
        elif stripped.startswith("["):
            self._match = _delimited_pattern(stripped)
        else:
            self._match = _term_pattern(stripped)

    def match(self, message: str) -> Matched | None:
        return self._match(message)


def compile_pattern(text: str | None) -> Pattern:
    return Pattern(text or "")


# --- regular expressions (%...%) ------------------------------------------------------------------


def _regex(body: str) -> re.Pattern[str]:
    # CloudWatch supports a subset of regular expressions: no backreferences or lookaround.
    if re.search(r"\(\?[=!<]|\\[1-9]", body):
        raise _invalid("lookaround and backreferences are not supported in %regex%")
    try:
        return re.compile(body)
    except re.error as exc:
        raise _invalid(f"bad regular expression %{body}%: {exc}") from exc


# --- terms ---------------------------------------------------------------------------------------

_TERM = re.compile(
    r'\s*(?P<prefix>[?-]?)(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|%(?P<regex>[^%]+)%|(?P<bare>[^\s"]+))'
)


def _contains(term: str) -> Callable[[str], bool]:
    return lambda message: term in message


def _term_pattern(text: str) -> Callable[[str], Matched | None]:
    required: list[Callable[[str], bool]] = []
    optional: list[Callable[[str], bool]] = []
    excluded: list[Callable[[str], bool]] = []
    pos = 0
    while pos < len(text):
        match = _TERM.match(text, pos)
        if not match or match.end() == pos:
            if text[pos:].strip():
                raise _invalid(f"unexpected text {text[pos:]!r}")
            break
        pos = match.end()
        test: Callable[[str], bool]
        if match.group("regex") is not None:
            test = _regex(match.group("regex")).search  # type: ignore[assignment]
        else:
            term = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
            test = _contains(term.replace('\\"', '"'))
        {"": required, "?": optional, "-": excluded}[match.group("prefix")].append(test)

    def evaluate(message: str) -> Matched | None:
        if not all(t(message) for t in required):
            return None
        if optional and not any(t(message) for t in optional):
            return None
        if any(t(message) for t in excluded):
            return None
        return Matched()

    return evaluate


# --- JSON ------------------------------------------------------------------------------------------

_SELECTOR_PART = re.compile(r"\.([A-Za-z_@$][\w@$-]*)|\[(\d+)\]")


def _parse_selector(text: str) -> list[str | int]:
    if not text.startswith("$"):
        raise _invalid(f"a selector starts with $: {text!r}")
    parts: list[str | int] = []
    pos = 1
    while pos < len(text):
        match = _SELECTOR_PART.match(text, pos)
        if not match:
            raise _invalid(f"bad selector {text!r}")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if not parts:
        raise _invalid(f"bad selector {text!r}")
    return parts


def _select(document: Any, path: list[str | int]) -> Any:
    current = document
    for part in path:
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return _MISSING
            current = current[part]
        else:
            if not isinstance(current, dict) or part not in current:
                return _MISSING
            current = current[part]
    return current


_JSON_TOKEN = re.compile(
    r"""\s*(?:
    (?P<selector>\$[\w.\[\]@$-]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<regex>%[^%]+%)
  | (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\})
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.*]))
  | (?P<word>[^\s(){}&|=!<>"]+)
    )""",
    re.VERBOSE,
)

JsonTest = Callable[[Any], bool]


def _wildcard(value: str) -> Callable[[str], bool]:
    if "*" not in value:
        return lambda text: text == value
    compiled = re.compile("^" + ".*".join(re.escape(part) for part in value.split("*")) + "$", re.DOTALL)
    return lambda text: compiled.match(text) is not None


class _JsonParser:
    def __init__(self, text: str) -> None:
        self.tokens = lex(text, _JSON_TOKEN, _invalid)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise _invalid("unexpected end of pattern")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, value: str) -> None:
        _kind, got = self.take()
        if got != value:
            raise _invalid(f"expected {value!r}, got {got!r}")

    def parse(self) -> JsonTest:
        self.expect("{")
        test = self.parse_or()
        self.expect("}")
        if self.pos != len(self.tokens):
            raise _invalid(f"unexpected {self.peek()!r} after the closing brace")
        return test

    def parse_or(self) -> JsonTest:
        parts = [self.parse_and()]
        while self.peek() == "||":
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def parse_and(self) -> JsonTest:
        parts = [self.parse_primary()]
        while self.peek() == "&&":
            self.take()
            parts.append(self.parse_primary())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def parse_primary(self) -> JsonTest:
        if self.peek() == "(":
            self.take()
            inner = self.parse_or()
            self.expect(")")
            return inner
        kind, selector = self.take()
        if kind != "selector":
            raise _invalid(f"expected a selector such as $.level, got {selector!r}")
        path = _parse_selector(selector)
        kind, op = self.take()
        if kind == "word" and op.upper() in ("IS", "NOT"):
            return self.parse_keyword_test(path, op.upper())
        if kind != "op" or op not in ("=", "!=", "<", "<=", ">", ">="):
            raise _invalid(f"expected a comparison after {selector}, got {op!r}")
        kind, raw = self.take()
        if kind == "number":
            number = float(raw)
            compare = _NUMBER_OPS[op]
            return lambda doc: _is_number(found := _select(doc, path)) and compare(float(found), number)
        if op not in ("=", "!="):
            raise _invalid(f"{op} compares numbers only")
        if kind == "regex":
            compiled = _regex(raw[1:-1])
            string_test: Callable[[str], bool] = lambda text: compiled.search(text) is not None  # noqa: E731
        elif kind in ("string", "word"):
            value = json.loads(raw) if kind == "string" else raw
            string_test = _wildcard(value)
        else:
            raise _invalid(f"unexpected value {raw!r}")
        if op == "=":
            return lambda doc: isinstance(found := _select(doc, path), str) and string_test(found)
        return lambda doc: isinstance(found := _select(doc, path), str) and not string_test(found)

    def parse_keyword_test(self, path: list[str | int], first: str) -> JsonTest:
        _, second = self.take()
        phrase = f"{first} {second.upper()}"
        if phrase == "NOT EXISTS":
            return lambda doc: _select(doc, path) is _MISSING
        if phrase == "IS NULL":
            return lambda doc: _select(doc, path) is None
        if phrase == "IS TRUE":
            return lambda doc: _select(doc, path) is True
        if phrase == "IS FALSE":
            return lambda doc: _select(doc, path) is False
        raise _invalid(f"unknown test {phrase!r} (use IS NULL, NOT EXISTS, IS TRUE or IS FALSE)")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_NUMBER_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _json_pattern(text: str) -> Callable[[str], Matched | None]:
    test = _JsonParser(text).parse()

    def evaluate(message: str) -> Matched | None:
        stripped = message.lstrip()
        if not stripped.startswith("{"):
            return None
        try:
            document = json.loads(message)
        except ValueError:
            return None
        return Matched(document=document) if test(document) else None

    return evaluate


# --- space-delimited -------------------------------------------------------------------------------

_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|(\S+)')


def split_fields(message: str) -> list[str]:
    """Split an event into fields: spaces separate; "quoted" and [bracketed] text is one field."""
    fields = []
    for match in _FIELD.finditer(message):
        quoted, bracketed, word = match.groups()
        fields.append(quoted if quoted is not None else bracketed if bracketed is not None else word)
    return fields


@dataclass
class _Column:
    name: str | None  # None for "..."
    test: Callable[[dict[str, str]], bool] | None = None


_CONDITION = re.compile(
    r"""\s*(?P<name>[A-Za-z_]\w*)\s*(?P<op>!=|<=|>=|=|<|>)\s*(?P<value>"(?:[^"\\]|\\.)*"|%[^%]+%|[^\s&|]+)\s*"""
)


def _condition(text: str) -> tuple[str, Callable[[dict[str, str]], bool]]:
    """``name OP value`` joined by && or ||; returns the column name and its test."""
    alternatives = [part for part in re.split(r"\|\|", text)]
    names: set[str] = set()
    ors: list[list[Callable[[dict[str, str]], bool]]] = []
    for alternative in alternatives:
        ands = []
        for piece in alternative.split("&&"):
            match = _CONDITION.fullmatch(piece)
            if not match:
                raise _invalid(f"bad condition {piece.strip()!r}")
            names.add(match.group("name"))
            ands.append(_field_test(match.group("name"), match.group("op"), match.group("value")))
        ors.append(ands)
    if len(names) != 1:
        raise _invalid(f"a condition refers to one field only: {text.strip()!r}")

    def test(fields: dict[str, str]) -> bool:
        return any(all(t(fields) for t in group) for group in ors)

    return names.pop(), test


def _field_test(name: str, op: str, raw: str) -> Callable[[dict[str, str]], bool]:
    if re.fullmatch(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", raw):
        number = float(raw)
        compare = _NUMBER_OPS[op]

        def numeric(fields: dict[str, str]) -> bool:
            try:
                return compare(float(fields[name]), number)
            except ValueError:
                return False

        return numeric
    if op not in ("=", "!="):
        raise _invalid(f"{op} compares numbers only")
    if raw.startswith("%"):
        compiled = _regex(raw[1:-1])
        string_test: Callable[[str], bool] = lambda text: compiled.search(text) is not None  # noqa: E731
    else:
        string_test = _wildcard(json.loads(raw) if raw.startswith('"') else raw)
    if op == "=":
        return lambda fields: string_test(fields[name])
    return lambda fields: not string_test(fields[name])


def _delimited_pattern(text: str) -> Callable[[str], Matched | None]:
    if not text.endswith("]"):
        raise _invalid("a space-delimited pattern ends with ]")
    columns: list[_Column] = []
    for raw in _split_columns(text[1:-1]):
        item = raw.strip()
        if item == "...":
            columns.append(_Column(None))
        elif re.fullmatch(r"[A-Za-z_]\w*", item):
            columns.append(_Column(item))
        elif item:
            name, test = _condition(item)
            columns.append(_Column(name, test))
        else:
            raise _invalid("empty field in a space-delimited pattern")

    def evaluate(message: str) -> Matched | None:
        values = split_fields(message)
        fields = _assign(columns, values)
        if fields is None:
            return None
        return Matched(fields=fields)

    def _assign(cols: list[_Column], vals: list[str]) -> dict[str, str] | None:
        if not cols:
            return {} if not vals else None
        head, rest = cols[0], cols[1:]
        if head.name is None:
            for skip in range(len(vals) + 1):
                found = _assign(rest, vals[skip:])
                if found is not None:
                    return found
            return None
        if not vals:
            return None
        fields = {head.name: vals[0]}
        if head.test is not None and not head.test(fields):
            return None
        tail = _assign(rest, vals[1:])
        if tail is None:
            return None
        return {**fields, **tail}

    return evaluate


def _split_columns(body: str) -> list[str]:
    parts: list[str] = []
    current = ""
    quoted = False
    for char in body:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts
