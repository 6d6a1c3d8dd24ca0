"""Redaction: what must never leave the process in a log line or a span.

Applied to every event before it is written or shipped:

- values under sensitive keys (passwords, tokens, Authorization and cookie headers, secrets) are
  replaced by ``"[REDACTED]"``;
- runs of 13 to 19 digits (spaces and dashes allowed) that start like a payment card (2 to 6) and
  pass the Luhn check become ``"[CARD]"``;
- e-mail addresses keep their first letter and domain: ``h***@example.com``;
- phone numbers keep their last two digits: ``***-**78``.

>>> redact_event({"event": "paid", "password": "hunter2", "note": "card 4111 1111 1111 1111"})
{'event': 'paid', 'password': '[REDACTED]', 'note': 'card [CARD]'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[REDACTED]"
SENSITIVE_KEY = re.compile(
    r"pass(word)?|secret|token|authorization|cookie|api[_-]?key|credential|session[_-]?id|x-cart-token",
    re.IGNORECASE,
)
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# international or domestic numbers with separators; 8+ digits in all (ids and amounts rarely look so)
_PHONE = re.compile(r"(?<![\w])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w])")
MAX_DEPTH = 8


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # payment cards start with 2-6 (Mastercard 2-series, Amex/JCB/Diners, Visa, Mastercard,
    # Discover/UnionPay); this spares epoch-millisecond timestamps, which start with 1
    card_like = 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits)
    return "[CARD]" if card_like else match.group(0)


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 8 or len(digits) > 15:
        return text
    plain = text == digits  # no '+' and no separators: an ID or a timestamp, unless it dials like a phone
    if plain and not (10 <= len(digits) <= 11 and digits.startswith("0")):
        return text
    return "***-**" + digits[-2:]


def redact_text(text: str) -> str:
    text = _CARD.sub(_card, text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _PHONE.sub(_phone, text)


def redact_value(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return "[TOO DEEP]"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: REDACTED if _sensitive(k) else redact_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [redact_value(v, depth + 1) for v in value]
    return value


def redact_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a structured log event with every secret and personal value removed."""
    return {k: REDACTED if _sensitive(k) else redact_value(v) for k, v in event.items()}


def _sensitive(key: object) -> bool:
    return isinstance(key, str) and SENSITIVE_KEY.search(key) is not None


# what identifies, names and orders a trace document: never rewritten (a segment ID of 16 digits
# could pass for a card number, a SQL subsegment named test@db.internal for an e-mail address);
# names come from the code, never from a request
TRACE_STRUCTURE_KEYS = frozenset(
    {"id", "trace_id", "parent_id", "start_time", "end_time", "type", "namespace", "precursor_ids", "name"}
)


def redact_trace_document(document: Any, depth: int = 0) -> Any:
    """A copy of an X-Ray segment document (or an OpenTelemetry span as a mapping) with every
    secret and personal value removed, its IDs and timings untouched."""
    if depth > MAX_DEPTH:
        return "[TOO DEEP]"
    if isinstance(document, Mapping):
        return {
            k: v
            if k in TRACE_STRUCTURE_KEYS
            else REDACTED
            if _sensitive(k)
            else redact_trace_document(v, depth + 1)
            for k, v in document.items()
        }
    if isinstance(document, list):
        return [redact_trace_document(v, depth + 1) for v in document]
    return redact_value(document, depth)
