"""CloudWatch Logs Insights: a parser and evaluator for the query language's common commands.

Commands: ``fields``, ``display``, ``filter``, ``stats ... by``, ``sort``, ``limit``, ``parse``
(glob and regular expression), ``dedup``. Fields: ``@timestamp``, ``@message``, ``@logStream``,
``@log``, ``@ingestionTime``, ``@ptr``, and the fields of JSON events, discovered as CloudWatch does
(nested keys joined with dots, array items by index: ``user.id``, ``items.0``). Anything else is
refused with its name; see docs/local-aws.md for the list and the differences from AWS.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from o11yshop.localaws.lexer import lex
from o11yshop.localaws.protocol import ACCOUNT_ID, AwsError

DEFAULT_LIMIT = 10000
_UNITS_MS = {
    "ms": 1,
    "s": 1000,
    "sec": 1000,
    "m": 60_000,
    "min": 60_000,
    "h": 3_600_000,
    "hr": 3_600_000,
    "d": 86_400_000,
    "w": 604_800_000,
}
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<regex>/(?:[^/\\]|\\.)+/i?)
  | (?P<duration>\d+(?:ms|sec|min|hr|s|m|h|d|w)\b)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<field>@?[A-Za-z_][\w.@-]*|`[^`]+`)
  | (?P<op>=~|!=|<=|>=|==|=|<|>|\(|\)|\[|\]|,|\+|-|\*|/|%)
    )""",
    re.VERBOSE,
)


def _error(message: str) -> AwsError:
    return AwsError("MalformedQueryException", f"Query is malformed: {message}")


def _refuse(what: str) -> AwsError:
    return AwsError(
        "MalformedQueryException",
        f"o11yshop local-aws does not emulate the Logs Insights {what}; see docs/local-aws.md",
    )


# --- records ---------------------------------------------------------------------------------------


class Record(dict[str, Any]):
    """One log event's fields. The metadata fields and the fields of a JSON event are worked out
    the first time they are read, so a query pays only for what it uses."""

    __slots__ = ("_parsed", "_source")

    def __init__(self, values: dict[str, Any], source: tuple[str, str, Any] | None = None) -> None:
        super().__init__(values)
        self._parsed = source is None
        self._source = source

    def __missing__(self, key: str) -> Any:
        source = self._source
        if source is not None and key[:1] == "@":
            group, stream, event = source
            if key == "@logStream":
                return stream
            if key == "@log":
                return f"{ACCOUNT_ID}:{group}"
            if key == "@ptr":
                return f"{group}/{stream}/{event.number}"
            if key == "@ingestionTime":
                return event.ingestion
        if not self._parsed:
            self._parsed = True
            message = dict.get(self, "@message")
            if isinstance(message, str) and message[:1] == "{":
                try:
                    document, end = _DECODER.raw_decode(message)
                except ValueError:
                    document, end = None, 0
                if isinstance(document, dict) and not message[end:].strip():
                    _flatten_into(self, document)
            if dict.__contains__(self, key):
                return dict.__getitem__(self, key)
        return None


_DECODER = json.JSONDecoder()


def _flatten_into(record: Record, document: dict[str, Any]) -> None:
    """Add a JSON event's fields: nested keys joined with dots, array items by index, nulls left out."""
    timestamp, message = dict.__getitem__(record, "@timestamp"), dict.__getitem__(record, "@message")
    record.update(document)
    message_text: str = message
    if message_text.count("{") == 1 and "[" not in message_text and "null" not in message_text:
        awkward: list[str] = []  # a flat object: nothing nested, no nulls (the common case, checked cheaply)
    else:
        awkward = [k for k, v in document.items() if v is None or type(v) is dict or type(v) is list]
    for key in awkward:
        value = dict.pop(record, key)
        if value is not None:
            _flatten_nested(record, f"{key}.", value)
    dict.__setitem__(record, "@timestamp", timestamp)
    dict.__setitem__(record, "@message", message)


def _flatten_nested(record: Record, prefix: str, value: Any) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, dict | list):
            _flatten_nested(record, f"{prefix}{key}.", item)
        elif item is not None:
            dict.setdefault(record, f"{prefix}{key}", item)


# --- expressions ------------------------------------------------------------------------------------

Expr = Callable[[Record], Any]


@dataclass
class Tokens:
    items: list[tuple[str, str]]
    pos: int = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.pos + offset
        return self.items[index] if index < len(self.items) else None

    def peek_word(self) -> str | None:
        token = self.peek()
        return token[1].lower() if token and token[0] in ("field", "op") else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _error("unexpected end of command")
        self.pos += 1
        return token

    def expect(self, value: str) -> None:
        token = self.take()
        if token[1].lower() != value:
            raise _error(f"expected {value!r}, found {token[1]!r}")

    def done(self) -> bool:
        return self.pos >= len(self.items)


def tokenize(text: str) -> Tokens:
    return Tokens(lex(text, _TOKEN, _error))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    left_type, right_type = type(left), type(right)
    if (left_type is right_type and left_type is not bool) or (
        left_type in _NUMERIC and right_type in _NUMERIC
    ):
        return bool(_OPS[op](left, right))
    a, b = _number(left), _number(right)
    if a is not None and b is not None and not (isinstance(left, str) and isinstance(right, str)):
        x: Any = a
        y: Any = b
    else:
        x, y = _text(left), _text(right)
    if op in ("=", "=="):
        return bool(x == y)
    if op == "!=":
        return bool(x != y)
    if op == "<":
        return bool(x < y)
    if op == "<=":
        return bool(x <= y)
    if op == ">":
        return bool(x > y)
    return bool(x >= y)


_NUMERIC = (int, float)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _regex(token: str) -> re.Pattern[str]:
    flags = re.IGNORECASE if token.endswith("/i") else 0
    body = token[1:-2] if token.endswith("/i") else token[1:-1]
    body = body.replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!")
    try:
        return re.compile(body, flags)
    except re.error as exc:
        raise _error(f"bad regular expression {token}: {exc}") from exc


def _literal(kind: str, text: str) -> Any:
    if kind == "string":
        return text[1:-1].replace('\\"', '"').replace("\\'", "'")
    if kind == "number":
        value = float(text)
        return int(value) if value.is_integer() and "." not in text else value
    raise _error(f"expected a literal, found {text!r}")


class ExprParser:
    def __init__(self, tokens: Tokens) -> None:
        self.t = tokens

    def parse(self) -> Expr:
        return self.parse_or()

    def parse_or(self) -> Expr:
        parts = [self.parse_and()]
        while self.t.peek_word() in ("or", "||"):
            self.t.take()
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            first, second = parts
            return lambda r: _truthy(first(r)) or _truthy(second(r))
        return lambda r: any(_truthy(p(r)) for p in parts)

    def parse_and(self) -> Expr:
        parts = [self.parse_not()]
        while self.t.peek_word() in ("and", "&&"):
            self.t.take()
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            first, second = parts
            return lambda r: _truthy(first(r)) and _truthy(second(r))
        return lambda r: all(_truthy(p(r)) for p in parts)

    def parse_not(self) -> Expr:
        if self.t.peek_word() in ("not", "!"):
            self.t.take()
            inner = self.parse_not()
            return lambda r: not _truthy(inner(r))
        return self.parse_comparison()

    def parse_comparison(self) -> Expr:
        left = self.parse_additive()
        word = self.t.peek_word()
        negate = False
        if word == "not" and self.t.peek(1) and self.t.peek(1)[1].lower() in ("like", "in"):  # type: ignore[index]
            self.t.take()
            negate = True
            word = self.t.peek_word()
        if word in ("=", "==", "!=", "<", "<=", ">", ">="):
            op = self.t.take()[1]
            right = self.parse_additive()
            return lambda r: _compare(op, left(r), right(r))
        if word == "like" or word == "=~":
            self.t.take()
            kind, text = self.t.take()
            if kind == "regex":
                pattern = _regex(text)
                test: Callable[[str], bool] = lambda s: pattern.search(s) is not None  # noqa: E731
            elif kind == "string" and word == "like":
                needle = _literal(kind, text)
                test = lambda s: needle in s  # noqa: E731
            else:
                raise _error(f"{word} takes a string or /regex/")

            def matches(r: Record) -> bool:
                value = left(r)
                found = value is not None and test(_text(value))
                return found != negate

            return matches
        if word == "in":
            self.t.take()
            self.t.expect("[")
            options: list[Any] = []
            while True:
                kind, text = self.t.take()
                options.append(_literal(kind, text))
                if self.t.peek_word() == ",":
                    self.t.take()
                    continue
                self.t.expect("]")
                break

            def inside(r: Record) -> bool:
                value = left(r)
                found = value is not None and any(_compare("=", value, o) for o in options)
                return found != negate

            return inside
        if negate:
            raise _error("expected like or in after not")
        return left

    def parse_additive(self) -> Expr:
        left = self.parse_multiplicative()
        while self.t.peek_word() in ("+", "-"):
            op = self.t.take()[1]
            right = self.parse_multiplicative()
            left = _arithmetic(op, left, right)
        return left

    def parse_multiplicative(self) -> Expr:
        left = self.parse_unary()
        while self.t.peek_word() in ("*", "/", "%"):
            op = self.t.take()[1]
            right = self.parse_unary()
            left = _arithmetic(op, left, right)
        return left

    def parse_unary(self) -> Expr:
        if self.t.peek_word() == "-":
            self.t.take()
            inner = self.parse_unary()
            return lambda r: -n if (n := _number(inner(r))) is not None else None
        return self.parse_primary()

    def parse_primary(self) -> Expr:
        kind, text = self.t.take()
        if kind in ("string", "number"):
            value = _literal(kind, text)
            return lambda r: value
        if kind == "duration":
            ms = _duration_ms(text)
            return lambda r: ms
        if text == "(":
            inner = self.parse_or()
            self.t.expect(")")
            return inner
        if kind == "field":
            nxt = self.t.peek()
            if nxt is not None and nxt[1] == "(" and not text.startswith("`"):
                return self.parse_function(text)
            name = field_name(text)
            return lambda r: r[name]
        raise _error(f"unexpected {text!r}")

    def arguments(self) -> list[Expr]:
        self.t.expect("(")
        args: list[Expr] = []
        if self.t.peek_word() == ")":
            self.t.take()
            return args
        while True:
            args.append(self.parse_or())
            if self.t.peek_word() == ",":
                self.t.take()
                continue
            self.t.expect(")")
            return args

    def parse_function(self, name: str) -> Expr:
        lowered = name.lower()
        if lowered in AGGREGATES:
            # After stats, ``count(*)`` names the column stats made (``sort count(*) desc``).
            start = self.t.pos - 1
            depth = 0
            while True:
                text = self.t.take()[1]
                depth += {"(": 1, ")": -1}.get(text, 0)
                if depth == 0:
                    break
            column = _source_text(self.t, start)
            return lambda r: r[column]
        function = FUNCTIONS.get(lowered)
        if function is None:
            raise _refuse(f"function {name}()")
        args = self.arguments()
        return lambda r: function(*[a(r) for a in args])


def field_name(text: str) -> str:
    return text[1:-1] if text.startswith("`") else text


def _duration_ms(text: str) -> int:
    match = re.fullmatch(r"(\d+)(ms|sec|min|hr|s|m|h|d|w)", text)
    if not match:
        raise _error(f"bad duration {text!r}")
    return int(match.group(1)) * _UNITS_MS[match.group(2)]


def _truthy(value: Any) -> bool:
    return value is not None and value is not False and value != 0 and value != ""


def _arithmetic(op: str, left: Expr, right: Expr) -> Expr:
    def compute(r: Record) -> Any:
        a, b = _number(left(r)), _number(right(r))
        if a is None or b is None:
            return None
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return None
        return a / b if op == "/" else a % b

    return compute


def _str_fn(fn: Callable[[str], Any]) -> Callable[..., Any]:
    return lambda value=None, *rest: None if value is None else fn(_text(value))


def _num_fn(fn: Callable[[float], Any]) -> Callable[..., Any]:
    return lambda value=None, *rest: None if (n := _number(value)) is None else fn(n)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "strlen": _str_fn(len),
    "toupper": _str_fn(str.upper),
    "tolower": _str_fn(str.lower),
    "trim": _str_fn(str.strip),
    "ltrim": _str_fn(str.lstrip),
    "rtrim": _str_fn(str.rstrip),
    "concat": lambda *values: "".join(_text(v) for v in values if v is not None),
    "substr": lambda s, start, length=None: (
        None if s is None else _text(s)[int(start) : None if length is None else int(start) + int(length)]
    ),
    "replace": lambda s, old, new: None if s is None else _text(s).replace(_text(old), _text(new)),
    "strcontains": lambda s, needle: None if s is None else int(_text(needle) in _text(s)),
    "isempty": lambda s=None: int(s is None or s == ""),
    "isblank": lambda s=None: int(s is None or _text(s).strip() == ""),
    "ispresent": lambda s=None: int(s is not None),
    "coalesce": lambda *values: next((v for v in values if v is not None), None),
    "abs": _num_fn(abs),
    "ceil": _num_fn(math.ceil),
    "floor": _num_fn(math.floor),
    "sqrt": _num_fn(lambda n: math.sqrt(n) if n >= 0 else None),
    "log": _num_fn(lambda n: math.log(n) if n > 0 else None),
    "greatest": lambda *values: max((n for v in values if (n := _number(v)) is not None), default=None),
    "least": lambda *values: min((n for v in values if (n := _number(v)) is not None), default=None),
    "frommillis": _num_fn(int),
    "tomillis": _num_fn(int),
}


# --- aggregates -------------------------------------------------------------------------------------


@dataclass
class Aggregate:
    name: str  # the column name: the alias or the text as written
    function: str
    argument: Expr | None  # None for count(*)
    extra: float | None = None


class _Accumulator:
    def __init__(self, aggregate: Aggregate) -> None:
        self.a = aggregate
        self.count = 0
        self.values: list[float] = []
        self.distinct: set[Any] = set()
        self.best: tuple[int, Any] | None = None

    def add(self, record: Record) -> None:
        if self.a.argument is None:
            self.count += 1
            return
        value = self.a.argument(record)
        if value is None:
            return
        function = self.a.function
        if function == "count":
            self.count += 1
        elif function == "count_distinct":
            self.distinct.add(value)
        elif function in ("earliest", "latest"):
            stamp = record["@timestamp"]
            if self.best is None or (
                stamp < self.best[0] if function == "earliest" else stamp >= self.best[0]
            ):
                self.best = (stamp, value)
        elif type(value) is float or type(value) is int:
            self.values.append(value)
        else:
            number = _number(value)
            if number is not None:
                self.values.append(number)

    def result(self) -> Any:
        function = self.a.function
        if function == "count":
            return self.count
        if function == "count_distinct":
            return len(self.distinct)
        if function in ("earliest", "latest"):
            return None if self.best is None else self.best[1]
        values = self.values
        if not values:
            return None
        if function == "sum":
            return sum(values)
        if function == "avg":
            return sum(values) / len(values)
        if function == "min":
            return min(values)
        if function == "max":
            return max(values)
        if function == "stddev":
            mean = sum(values) / len(values)
            return math.sqrt(sum((v - mean) ** 2 for v in values) / max(1, len(values) - 1))
        ordered = sorted(values)
        p = self.a.extra if function == "pct" else 50.0
        rank = max(math.ceil((p or 0.0) / 100.0 * len(ordered) - 1e-9), 1)
        return ordered[min(rank, len(ordered)) - 1]


AGGREGATES = {
    "count",
    "count_distinct",
    "sum",
    "avg",
    "min",
    "max",
    "pct",
    "earliest",
    "latest",
    "stddev",
    "median",
}


# --- commands ---------------------------------------------------------------------------------------


@dataclass
class Query:
    stages: list[Callable[[Iterable[Record]], Iterable[Record]]] = field(default_factory=list)
    columns: list[str] | None = None  # from fields/display/stats; None: @timestamp and @message
    aggregated: bool = False
    limit: int | None = None
    sorted: bool = False
    time_columns: set[str] = field(default_factory=lambda: {"@timestamp", "@ingestionTime"})
    newest_first: bool = False  # whether the events must arrive newest first (order-sensitive commands)

    def order_matters(self) -> None:
        if not self.sorted and not self.aggregated:
            self.newest_first = True


_REGEX_CONTEXT = re.compile(r"(?:\blike|=~|[,(\[]|\bparse\s+\S+)\s*$", re.IGNORECASE)


def _split_commands(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if not line.strip().startswith("#")]
    text = "\n".join(lines)
    commands: list[str] = []
    current = ""
    quote: str | None = None
    for index, char in enumerate(text):
        if quote:
            current += char
            if char == quote and text[index - 1] != "\\":
                quote = None
            continue
        if char in "\"'`":
            quote = char
        elif char == "/" and _REGEX_CONTEXT.search(current):
            quote = "/"
        if char == "|":
            commands.append(current)
            current = ""
            continue
        current += char
    commands.append(current)
    return [c.strip() for c in commands if c.strip()]


def _alias(tokens: Tokens, default: str) -> str:
    if tokens.peek_word() == "as":
        tokens.take()
        kind, text = tokens.take()
        if kind != "field":
            raise _error(f"expected a name after as, found {text!r}")
        return field_name(text)
    return default


def _source_text(tokens: Tokens, start: int) -> str:
    parts = [text for _, text in tokens.items[start : tokens.pos]]
    joined = ""
    for part in parts:
        if joined and not (part in "(),[]" or joined.endswith(("(", "["))):
            joined += " "
        joined += part
    return joined.replace(" ,", ",")


def _expression_list(tokens: Tokens) -> list[tuple[str, Expr]]:
    return [(name, expr) for name, expr, _ in _expression_items(tokens)]


def _expression_items(tokens: Tokens) -> list[tuple[str, Expr, bool]]:
    """(name, expression, whether it is a bare field shown under its own name)."""
    items = []
    while True:
        start = tokens.pos
        expr = ExprParser(tokens).parse()
        bare = tokens.pos == start + 1 and tokens.items[start][0] == "field"
        source = _source_text(tokens, start)
        name = _alias(tokens, source)
        items.append((name, expr, bare and name == field_name(source)))
        if tokens.peek_word() == ",":
            tokens.take()
            continue
        if not tokens.done() and tokens.peek_word() != "by":
            raise _error(f"unexpected {tokens.peek()[1]!r}")  # type: ignore[index]
        return items


def parse(text: str) -> Query:
    query = Query()
    commands = _split_commands(text)
    if not commands:
        raise _error("the query is empty")
    for command in commands:
        keyword, _, rest = command.partition(" ")
        keyword = keyword.strip().lower()
        rest = rest.strip()
        handler = _COMMANDS.get(keyword)
        if handler is None:
            raise _refuse(f"command {keyword!r}")
        handler(query, rest)
    query.order_matters()
    return query


def _fields(query: Query, rest: str) -> None:
    tokens = tokenize(rest)
    everything = _expression_items(tokens)
    # A bare field needs no work: it is read when the row is shown.
    items = [(name, expr) for name, expr, bare in everything if not bare]

    def stage(records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            for name, expr in items:
                value = expr(record)
                if value is not None:
                    record[name] = value
            yield record

    if items:
        query.stages.append(stage)
    query.columns = (query.columns or []) + [
        name for name, _, _ in everything if name not in (query.columns or [])
    ]


def _display(query: Query, rest: str) -> None:
    tokens = tokenize(rest)
    items = _expression_list(tokens)
    _fields(query, rest)
    query.columns = [name for name, _ in items]


def _filter(query: Query, rest: str) -> None:
    tokens = tokenize(rest)
    expr = ExprParser(tokens).parse()
    if not tokens.done():
        raise _error(f"unexpected {tokens.peek()[1]!r} in filter")  # type: ignore[index]
    needles = _required_text(tokenize(rest)) if not query.stages else []

    def stage(records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            if needles:
                message = dict.__getitem__(record, "@message")
                if "\\u" not in message and not all(n in message for n in needles):
                    continue  # cannot match: skip parsing the event at all
            if _truthy(expr(record)):
                yield record

    query.stages.append(stage)


def _required_text(tokens: Tokens) -> list[str]:
    """Text any matching event must contain: the quoted values of ``field = "value"`` joined by ``and``.

    Sound only for a filter that runs first, on fields read from the event itself; a value with
    characters JSON may escape is not used (and events holding \\u escapes are always evaluated).
    """
    items = tokens.items
    if any(text.lower() in ("or", "||", "not", "!", "(") for kind, text in items if kind in ("field", "op")):
        return []
    needles = []
    for index in range(len(items) - 2):
        (k1, name), (_, op), (k3, value) = items[index : index + 3]
        before = items[index - 1][1].lower() if index else "and"
        after = items[index + 3][1].lower() if index + 3 < len(items) else "and"
        joined = before in ("and", "&&") and after in ("and", "&&")
        if joined and k1 == "field" and not name.startswith("@") and op in ("=", "==") and k3 == "string":
            text = _literal(k3, value)
            if text and text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
                needles.append(text)
    return needles


def _stats(query: Query, rest: str) -> None:
    tokens = tokenize(rest)
    aggregates: list[Aggregate] = []
    while True:
        start = tokens.pos
        kind, name = tokens.take()
        function = name.lower()
        if kind != "field" or function not in AGGREGATES:
            if kind == "field" and tokens.peek_word() == "(":
                raise _refuse(f"aggregate function {name}()")
            raise _error(f"stats needs an aggregate function, found {name!r}")
        tokens.expect("(")
        argument: Expr | None
        extra = None
        time_aggregate = False
        if tokens.peek_word() in ("*", ")"):
            if tokens.peek_word() == "*":
                tokens.take()
            argument = None
            if function != "count":
                raise _error(f"{name}() needs a field")
        else:
            argument_start = tokens.pos
            argument = ExprParser(tokens).parse()
            argument_text = _source_text(tokens, argument_start)
            if function in ("min", "max", "earliest", "latest") and argument_text in query.time_columns:
                time_aggregate = True
            if function == "pct":
                tokens.expect(",")
                kind, number = tokens.take()
                extra = float(number)
        tokens.expect(")")
        column = _alias(tokens, _source_text(tokens, start))
        if time_aggregate:
            query.time_columns.add(column)  # min(@timestamp) is shown as a time, as the console does
        aggregates.append(
            Aggregate(
                column,
                "pct" if function == "median" else function,
                argument,
                50.0 if function == "median" else extra,
            )
        )
        if tokens.peek_word() == ",":
            tokens.take()
            continue
        break
    groups: list[tuple[str, Expr, bool]] = []
    if tokens.peek_word() == "by":
        tokens.take()
        while True:
            start = tokens.pos
            kind, text = tokens.take()
            is_bin = kind == "field" and text.lower() in ("bin", "datefloor") and tokens.peek_word() == "("
            if is_bin:
                tokens.expect("(")
                kind, period_text = tokens.take()
                if kind != "duration":
                    raise _error(f"bin() takes a period such as 5m, found {period_text!r}")
                tokens.expect(")")
                period = _duration_ms(period_text)
                expr: Expr = _binned(period)
            else:
                tokens.pos = start
                expr = ExprParser(tokens).parse()
            name = _alias(tokens, _source_text(tokens, start))
            groups.append((name, expr, is_bin))
            if tokens.peek_word() == ",":
                tokens.take()
                continue
            break
    if not tokens.done():
        raise _error(f"unexpected {tokens.peek()[1]!r} in stats")  # type: ignore[index]

    def stage(records: Iterable[Record]) -> Iterator[Record]:
        buckets: dict[tuple[Any, ...], list[_Accumulator]] = {}
        for record in records:
            key = tuple(expr(record) for _, expr, _ in groups)
            accumulators = buckets.get(key)
            if accumulators is None:
                accumulators = buckets[key] = [_Accumulator(a) for a in aggregates]
            for accumulator in accumulators:
                accumulator.add(record)
        ordered = sorted(buckets.items(), key=lambda item: tuple(_sort_key(v) for v in item[0]))
        for key, accumulators in ordered:
            row = Record({})
            row._parsed = True
            for (name, _, _binned), value in zip(groups, key, strict=True):
                if value is not None:
                    row[name] = value
            for accumulator in accumulators:
                result = accumulator.result()
                if result is not None:
                    row[accumulator.a.name] = result
            yield row

    query.stages.append(stage)
    query.aggregated = True
    query.columns = [name for name, _, _ in groups] + [a.name for a in aggregates]
    query.time_columns |= {name for name, _, binned in groups if binned}


def _binned(period: int) -> Expr:
    return lambda r: (r["@timestamp"] // period) * period


_NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?")
_CHUNKS = re.compile(r"\d+|\D+")


class _Natural:
    """Logs Insights' natural order for values that are not numbers: runs of digits compare by
    length and then value, other runs by Unicode; a digit run against another run by Unicode."""

    __slots__ = ("chunks",)

    def __init__(self, text: str) -> None:
        self.chunks = _CHUNKS.findall(text)

    def __lt__(self, other: _Natural) -> bool:
        for mine, theirs in zip(self.chunks, other.chunks, strict=False):
            if mine == theirs:
                continue
            if mine.isdigit() and theirs.isdigit():
                return (len(mine), int(mine)) < (len(theirs), int(theirs))
            return mine < theirs
        return len(self.chunks) < len(other.chunks)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Natural) and self.chunks == other.chunks

    __hash__ = None  # type: ignore[assignment]


def _sort_key(value: Any) -> tuple[int, Any]:
    """Ascending order as Logs Insights sorts: every non-number before every number; missing last."""
    if value is None:
        return (2, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    text = _text(value)
    if _NUMBER_TEXT.fullmatch(text):
        return (1, float(text))
    return (0, _Natural(text))


def _sort(query: Query, rest: str) -> None:
    tokens = tokenize(rest)
    keys: list[tuple[Expr, bool]] = []
    while True:
        expr = ExprParser(tokens).parse()
        descending = False
        if tokens.peek_word() in ("asc", "desc"):
            descending = tokens.take()[1].lower() == "desc"
        keys.append((expr, descending))
        if tokens.peek_word() == ",":
            tokens.take()
            continue
        break
    if not tokens.done():
        raise _error(f"unexpected {tokens.peek()[1]!r} in sort")  # type: ignore[index]

    def stage(records: Iterable[Record]) -> list[Record]:
        rows = list(records)
        for expr, descending in reversed(keys):
            present = [r for r in rows if expr(r) is not None]
            missing = [r for r in rows if expr(r) is None]
            present.sort(key=_keyed(expr), reverse=descending)
            rows = present + missing
        return rows

    query.stages.append(stage)
    query.sorted = True


def _keyed(expr: Expr) -> Callable[[Record], tuple[int, Any]]:
    return lambda r: _sort_key(expr(r))


def _limit(query: Query, rest: str) -> None:
    if not re.fullmatch(r"\d+", rest):
        raise _error(f"limit takes a number, found {rest!r}")
    count = int(rest)
    if not 1 <= count <= DEFAULT_LIMIT:
        raise _error("limit must be between 1 and 10000")

    def stage(records: Iterable[Record]) -> Iterator[Record]:
        for index, record in enumerate(records):
            if index >= count:
                return
            yield record

    query.order_matters()
    query.stages.append(stage)
    query.limit = count if query.limit is None else min(query.limit, count)


def _dedup(query: Query, rest: str) -> None:
    names = [field_name(n.strip()) for n in rest.split(",") if n.strip()]
    if not names:
        raise _error("dedup needs at least one field")

    query.order_matters()

    def stage(records: Iterable[Record]) -> Iterator[Record]:
        seen: set[tuple[Any, ...]] = set()
        for record in records:
            key = tuple(record[n] for n in names)
            if any(v is None for v in key):
                yield record  # events missing a dedup field are kept, as on AWS
                continue
            if key not in seen:
                seen.add(key)
                yield record

    query.stages.append(stage)


def _parse(query: Query, rest: str) -> None:
    match = re.fullmatch(r"(\S+)\s+(.*)", rest, re.DOTALL)
    if not match:
        raise _error("parse takes a field and a pattern")
    source = field_name(match.group(1))
    pattern_text = match.group(2).strip()
    names: list[str]
    if pattern_text.startswith("/"):
        end = pattern_text.rfind("/")
        compiled = _regex(pattern_text[: end + 1])
        names = list(compiled.groupindex)
        if not names:
            raise _error("a parse regular expression needs named groups (?<name>...)")
    else:
        glob = re.match(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s+as\s+(.+)$""", pattern_text, re.DOTALL)
        if not glob:
            raise _error("parse takes 'pattern with *' as name, ...")
        text = glob.group(1)[1:-1]
        names = [field_name(n.strip()) for n in glob.group(2).split(",")]
        pieces = text.split("*")
        if len(pieces) - 1 != len(names):
            raise _error(f"the pattern has {len(pieces) - 1} wildcards but {len(names)} names")
        regex = ""
        for index, piece in enumerate(pieces[:-1]):
            last = index == len(pieces) - 2 and pieces[-1] == ""
            regex += re.escape(piece) + ("(.*)" if last else "(.*?)")
        regex += re.escape(pieces[-1])
        compiled = re.compile(regex, re.DOTALL)

    def stage(records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            value = record[source]
            found = compiled.search(_text(value)) if value is not None else None
            if found:
                groups = (
                    found.groupdict()
                    if compiled.groupindex
                    else dict(zip(names, found.groups(), strict=True))
                )
                for name, item in groups.items():
                    if item is not None:
                        record[name] = item
            yield record

    query.stages.append(stage)


_COMMANDS: dict[str, Callable[[Query, str], None]] = {
    "fields": _fields,
    "display": _display,
    "filter": _filter,
    "stats": _stats,
    "sort": _sort,
    "limit": _limit,
    "dedup": _dedup,
    "parse": _parse,
}


# --- running ----------------------------------------------------------------------------------------


def _show(value: Any, is_time: bool) -> str:
    if is_time and isinstance(value, int | float):
        return _format_time(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _format_time(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


def run(
    query: Query, rows: Iterable[tuple[str, str, Any]], limit: int | None
) -> tuple[list[list[dict[str, str]]], dict[str, float]]:
    """Run a parsed query over (group, stream, event) rows; returns results and statistics."""
    counters = {"scanned": 0, "bytes": 0, "matched": 0}

    def records() -> Iterator[Record]:
        scanned = 0
        size = 0
        try:
            for row in rows:
                event = row[2]
                scanned += 1
                size += len(event.message)
                yield Record({"@timestamp": event.timestamp, "@message": event.message}, row)
        finally:
            counters["scanned"] = scanned
            counters["bytes"] = size

    stages = list(query.stages)
    data: Iterable[Record] = records()

    def count_matched(source: Iterable[Record]) -> Iterator[Record]:
        for record in source:
            counters["matched"] += 1
            yield record

    # Records matched are those that pass the filters ahead of the first stats command.
    stats_index = next((i for i, s in enumerate(stages) if s.__qualname__.startswith("_stats")), len(stages))
    for stage in stages[:stats_index]:
        data = stage(data)
    data = count_matched(data)
    for stage in stages[stats_index:]:
        data = stage(data)
    cap = min(limit or DEFAULT_LIMIT, DEFAULT_LIMIT)
    results: list[list[dict[str, str]]] = []
    for record in data:
        if len(results) >= cap:
            break
        columns = query.columns if query.columns is not None else ["@timestamp", "@message"]
        row = [
            {"field": name, "value": _show(record[name], name in query.time_columns)}
            for name in columns
            if record[name] is not None
        ]
        if not query.aggregated:
            row.append({"field": "@ptr", "value": record["@ptr"]})
        results.append(row)
    for _ in data:
        pass  # drain, so that the counters cover every event
    stats = {
        "recordsMatched": float(counters["matched"]),
        "recordsScanned": float(counters["scanned"]),
        "bytesScanned": float(counters["bytes"]),
    }
    return results, stats
