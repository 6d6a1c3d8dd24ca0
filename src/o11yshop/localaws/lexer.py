"""The one tokenizer loop that the filter-pattern, Logs Insights and metric-math parsers share."""

from __future__ import annotations

import re
from collections.abc import Callable


def lex(text: str, token: re.Pattern[str], error: Callable[[str], Exception]) -> list[tuple[str, str]]:
    """Split ``text`` into (group name, text) pairs with ``token``, a pattern of named alternatives
    that also consumes the whitespace before each token; anything it cannot match is ``error``."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = token.match(text, pos)
        if not match or match.end() == pos:
            raise error(f"unexpected text {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens
