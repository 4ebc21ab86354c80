"""Cleaning raw import values at the edge, once, before the record model sees them.

Every way a record comes in from a file (a JSON Lines line, a CSV row and the JSON inside its
cells) passes through here, so nothing later has to guard against it: a value that would crash
Python (nesting that blows the recursion limit, an integer past the digit limit), break every
later export (a lone surrogate cannot be encoded as UTF-8), or is not standard JSON (NaN,
Infinity) is refused with the field it sits in; escape and control characters (a terminal
`ESC [2J`, an OSC title, NUL, DEL) are stripped from text, since they only ever do harm when
Helix echoes the value in `/review` or a warning. The character rules themselves live in
`intake.text`, shared with typed interview answers. Pure functions, no I/O.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from intake.text import has_surrogate, strip_text, without_controls

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "SINGLE_LINE",
    "CleaningError",
    "clean_record",
    "clean_text",
    "parse_json",
    "strip_text",
]

MAX_DEPTH = 32
"""Nesting of `[` / `{` a record may have; real records need 3, Python's parser dies near 1000."""
MAX_INT_DIGITS = 64
"""Digits an integer may have; far above any id, far below Python's 4300-digit limit."""

SINGLE_LINE = frozenset({"id", "name", "website", "region", "telegram_id", "actor", "category"})
"""Fields shown on one line: line breaks and tabs become spaces (long text keeps its newlines)."""

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


class CleaningError(ValueError):
    """A value that cannot be kept; `str()` is `field: reason`, the import report's shape."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where or 'record'}: {reason}")


class _HugeInt:
    """Stands in for an over-long integer literal so the refusal can name its field."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(literal: str) -> int | _HugeInt:
    digits = len(literal.lstrip("-"))
    return _HugeInt(digits) if digits > MAX_INT_DIGITS else int(literal)


def parse_json(text: str) -> Any:
    """`json.loads` that cannot crash: depth is checked first, huge integers are held back.

    Raises `json.JSONDecodeError` for text that is not JSON and `CleaningError` for nesting
    deeper than MAX_DEPTH; everything else is refused later by `clean_record` with its field.
    """
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise CleaningError("record", f"nested deeper than {MAX_DEPTH} levels")
    return json.loads(text, parse_int=_parse_int)


def _depth(text: str) -> int:
    deepest = depth = 0
    for char in _STRINGS.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def clean_text(value: str, where: str = "") -> str:
    """Escape and control characters removed; line breaks kept unless the field is one line."""
    if value.isprintable():  # the common case: no surrogate, control, escape or line break
        return value
    if has_surrogate(value):
        raise CleaningError(where, "contains a lone surrogate (not valid Unicode text)")
    return without_controls(value, one_line=_field(where) in SINGLE_LINE)


def clean_record(data: dict[str, Any]) -> dict[str, Any]:
    """The raw record with every string cleaned; `CleaningError` names the first bad value."""
    cleaned = _clean(data, "")
    assert isinstance(cleaned, dict)
    return cleaned


def _clean(value: Any, where: str) -> Any:
    if isinstance(value, str):
        return clean_text(value, where)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, _HugeInt):
        raise CleaningError(where, f"a number of {value.digits} digits is too long")
    if isinstance(value, int):
        if len(str(abs(value))) > MAX_INT_DIGITS:
            raise CleaningError(where, "the number is too long")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CleaningError(where, "not a finite number (NaN and Infinity are not JSON)")
        return value
    if isinstance(value, list):
        return [_clean(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            label = f"{where} field name" if where else "field name"
            name = without_controls(clean_text(str(key), label), one_line=True)
            path = f"{where}.{name}" if where else name
            out[name] = _clean(item, path)
        return out
    return value


def _field(where: str) -> str:
    return where.rsplit(".", 1)[-1].split("[", 1)[0]
