"""CloudWatch metric math: the subset the RED dashboards and alarms use.

Arithmetic (+ - * / ^) between time series and scalars; comparison and logical operators inside
``IF``; functions ``SUM``, ``AVG``, ``MIN``, ``MAX``, ``STDDEV`` (a scalar for one series, a series
for an array ``[m1, m2]`` or ``METRICS()``), ``RATE``, ``DIFF``, ``FILL``, ``IF``, ``ABS``, ``CEIL``,
``FLOOR``, ``SQRT``, ``LOG``, ``LOG10``, ``PERIOD``, ``METRICS``. Series combine on the timestamps
they share; a missing datapoint stays missing. Anything else is refused by name.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from o11yshop.localaws.lexer import lex
from o11yshop.localaws.protocol import AwsError

Series = dict[float, float]
Value = float | Series | list[Series] | str

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<string>"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/^<>(),\[\]!])
    )""",
    re.VERBOSE,
)


def _error(message: str) -> AwsError:
    return AwsError("ValidationError", f"Error in expression: {message}")


@dataclass
class Context:
    series: dict[str, Series]  # query id -> its series
    metric_ids: list[str]  # ids of MetricStat queries, in order
    labels: dict[str, str]
    grid: list[float]  # every period start of the query range
    period: int


class _Parser:
    def __init__(self, text: str, context: Context) -> None:
        self.context = context
        self.tokens = lex(text, _TOKEN, _error)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise _error("unexpected end")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise _error(f"expected {value!r}")

    def parse(self) -> Value:
        value = self.logical_or()
        if self.pos != len(self.tokens):
            raise _error(f"unexpected {self.peek()!r}")
        return value

    def logical_or(self) -> Value:
        left = self.logical_and()
        while self.peek() in ("||", "OR"):
            self.take()
            left = _binary(left, self.logical_and(), lambda a, b: float(bool(a) or bool(b)))
        return left

    def logical_and(self) -> Value:
        left = self.logical_not()
        while self.peek() in ("&&", "AND"):
            self.take()
            left = _binary(left, self.logical_not(), lambda a, b: float(bool(a) and bool(b)))
        return left

    def logical_not(self) -> Value:
        if self.peek() in ("!", "NOT"):
            self.take()
            return _unary(self.logical_not(), lambda a: float(not a))
        return self.comparison()

    def comparison(self) -> Value:
        left = self.additive()
        ops: dict[str, Callable[[float, float], float]] = {
            "==": lambda a, b: float(a == b),
            "!=": lambda a, b: float(a != b),
            "<": lambda a, b: float(a < b),
            "<=": lambda a, b: float(a <= b),
            ">": lambda a, b: float(a > b),
            ">=": lambda a, b: float(a >= b),
        }
        while self.peek() in ops:
            op = ops[self.take()[1]]
            left = _binary(left, self.additive(), op)
        return left

    def additive(self) -> Value:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            left = _binary(left, right, (lambda a, b: a + b) if op == "+" else (lambda a, b: a - b))
        return left

    def term(self) -> Value:
        left = self.power()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            right = self.power()
            left = _binary(left, right, (lambda a, b: a * b) if op == "*" else _divide)
        return left

    def power(self) -> Value:
        base = self.unary()
        if self.peek() == "^":
            self.take()
            return _binary(base, self.power(), lambda a, b: a**b)
        return base

    def unary(self) -> Value:
        if self.peek() == "-":
            self.take()
            return _unary(self.unary(), lambda a: -a)
        return self.primary()

    def primary(self) -> Value:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1]
        if text == "(":
            value = self.logical_or()
            self.expect(")")
            return value
        if text == "[":
            items: list[Series] = []
            while True:
                item = self.logical_or()
                items.extend(_as_array(item))
                if self.peek() == ",":
                    self.take()
                    continue
                self.expect("]")
                return items
        if kind == "name":
            if self.peek() == "(":
                self.take()
                args: list[Value] = []
                if self.peek() != ")":
                    while True:
                        args.append(self.logical_or())
                        if self.peek() != ",":
                            break
                        self.take()
                self.expect(")")
                return self.call(text, args)
            if text in ("REPEAT", "LINEAR"):
                return text
            if text in self.context.series:
                return self.context.series[text]
            raise _error(f"unknown metric id {text!r}")
        raise _error(f"unexpected {text!r}")

    def call(self, name: str, args: list[Value]) -> Value:
        ctx = self.context
        if name == "METRICS":
            needle = args[0] if args else ""
            if not isinstance(needle, str):
                raise _error("METRICS takes a string")
            return [ctx.series[i] for i in ctx.metric_ids if needle in ctx.labels.get(i, i)]
        if name == "PERIOD":
            return float(ctx.period)
        if name in _AGGREGATES:
            if len(args) != 1:
                raise _error(f"{name} takes one argument")
            return _aggregate(name, args[0])
        if name == "RATE" or name == "DIFF":
            return _each(args, lambda s: _difference(s, per_second=name == "RATE"))
        if name == "FILL":
            if len(args) != 2:
                raise _error("FILL takes a series and a value, REPEAT or LINEAR")
            return _each(args[:1], lambda s: _fill(s, args[1], ctx.grid))
        if name == "IF":
            return _if(args)
        if name in _MATH:
            return _unary(args[0], _MATH[name])
        raise AwsError(
            "ValidationError",
            f"o11yshop local-aws does not emulate the metric math function {name}; see docs/local-aws.md",
        )


_MATH: dict[str, Callable[[float], float]] = {
    "ABS": abs,
    "CEIL": lambda a: float(math.ceil(a)),
    "FLOOR": lambda a: float(math.floor(a)),
    "SQRT": lambda a: math.sqrt(a) if a >= 0 else math.nan,
    "LOG": lambda a: math.log(a) if a > 0 else math.nan,
    "LOG10": lambda a: math.log10(a) if a > 0 else math.nan,
}
_AGGREGATES = ("SUM", "AVG", "MIN", "MAX", "STDDEV")


def _divide(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan


def _as_array(value: Value) -> list[Series]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    raise _error("arrays hold time series only")


def _unary(value: Value, op: Callable[[float], float]) -> Value:
    if isinstance(value, float):
        return op(value)
    if isinstance(value, dict):
        return {t: op(v) for t, v in value.items()}
    if isinstance(value, list):
        return [{t: op(v) for t, v in s.items()} for s in value]
    raise _error(f"cannot apply an operator to {value!r}")


def _binary(left: Value, right: Value, op: Callable[[float, float], float]) -> Value:
    if isinstance(left, str) or isinstance(right, str):
        raise _error("strings cannot be used in arithmetic")
    if isinstance(left, list):
        return [_binary(s, right, op) for s in left]  # type: ignore[misc]
    if isinstance(right, list):
        return [_binary(left, s, op) for s in right]  # type: ignore[misc]
    if isinstance(left, float) and isinstance(right, float):
        return op(left, right)
    if isinstance(left, float) and isinstance(right, dict):
        return {t: op(left, v) for t, v in right.items()}
    if isinstance(left, dict) and isinstance(right, float):
        return {t: op(v, right) for t, v in left.items()}
    assert isinstance(left, dict)
    assert isinstance(right, dict)
    return {t: op(v, right[t]) for t, v in left.items() if t in right}


def _aggregate(name: str, value: Value) -> Value:
    def reduce(values: list[float]) -> float:
        if name == "SUM":
            return sum(values)
        if name == "AVG":
            return sum(values) / len(values)
        if name == "MIN":
            return min(values)
        if name == "MAX":
            return max(values)
        mean = sum(values) / len(values)
        return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))

    if isinstance(value, dict):
        return reduce(list(value.values())) if value else math.nan
    if isinstance(value, list):
        stamps = sorted({t for s in value for t in s})
        return {t: reduce([s[t] for s in value if t in s]) for t in stamps}
    raise _error(f"{name} takes a time series or an array of them")


def _each(args: list[Value], op: Callable[[Series], Series]) -> Value:
    if not args:
        raise _error("a time series is required")
    value = args[0]
    if isinstance(value, dict):
        return op(value)
    if isinstance(value, list):
        return [op(s) for s in value]
    raise _error("a time series is required")


def _difference(series: Series, per_second: bool) -> Series:
    stamps = sorted(series)
    out: Series = {}
    for before, after in itertools.pairwise(stamps):
        change = series[after] - series[before]
        out[after] = change / (after - before) if per_second else change
    return out


def _fill(series: Series, how: Value, grid: list[float]) -> Series:
    if isinstance(how, float):
        return {t: series.get(t, how) for t in grid}
    if how == "REPEAT":
        out: Series = {}
        known = sorted(series)
        last = series[known[0]] if known else None
        for t in grid:
            if t in series:
                last = series[t]
            if last is not None:
                out[t] = last
        return out
    if how == "LINEAR":
        known = sorted(series)
        out = {}
        for t in grid:
            if t in series:
                out[t] = series[t]
                continue
            before = [k for k in known if k < t]
            after = [k for k in known if k > t]
            if before and after:
                a, b = before[-1], after[0]
                out[t] = series[a] + (series[b] - series[a]) * (t - a) / (b - a)
        return out
    raise _error("FILL takes a number, REPEAT or LINEAR")


def _if(args: list[Value]) -> Value:
    if len(args) not in (2, 3):
        raise _error("IF takes a condition, a value and optionally an else value")
    condition, then = args[0], args[1]
    otherwise = args[2] if len(args) == 3 else None
    if isinstance(condition, list) or isinstance(then, list) or isinstance(otherwise, list):
        raise _error("IF does not take arrays")
    if isinstance(condition, float):
        chosen = then if condition else otherwise
        return chosen if chosen is not None else {}
    if not isinstance(condition, dict):
        raise _error("IF needs a condition")
    out: Series = {}
    for t, flag in condition.items():
        branch = then if flag else otherwise
        if branch is None:
            continue
        if isinstance(branch, float):
            out[t] = branch
        elif isinstance(branch, dict) and t in branch:
            out[t] = branch[t]
    return out


def evaluate(expression: str, context: Context) -> Series:
    """Evaluate one expression to a single time series (a scalar becomes a flat line over the range)."""
    value = _Parser(expression, context).parse()
    if isinstance(value, float):
        return {t: value for t in context.grid}
    if isinstance(value, dict):
        return {t: v for t, v in value.items() if not math.isnan(v)}
    if isinstance(value, list):
        raise AwsError(
            "ValidationError",
            "o11yshop local-aws does not emulate expressions that return several time series; "
            "wrap them in SUM/AVG/MIN/MAX",
        )
    raise _error("the expression does not produce a time series")


def referenced_ids(expression: str) -> set[str]:
    return {m.group("name") for m in _TOKEN.finditer(expression) if m.group("name")}
