"""Typed answers from free text, and the checks every answer passes before it is stored.

People type numbers the way their country writes them ("1 200", "1,5"), paste URLs without a
scheme, and answer list questions on one line or several. Parsing is forgiving about form and
strict about meaning: when it refuses, it returns a `Refusal` naming a catalog message that says
why and shows an example, so the re-prompt teaches instead of scolding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from intake.engine.matching import (
    JOINERS,
    Matched,
    choice_refusal,
    clip,
    fold,
    match_token,
    split_picks,
)
from intake.engine.refusal import Refusal
from intake.form.definition import LIKERT_POINTS, Choice, FormDefinition, Question
from intake.form.expressions import Scope, holds
from intake.text import has_surrogate, strip_text, without_controls

TEXT_MAX = 500
LONG_TEXT_MAX = 4000
YEAR_MIN, YEAR_MAX = 1800, 2100
LIKERT = LIKERT_POINTS
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009_']+")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")
_LIST_SPLIT = re.compile(r"[\n;,]+")
_NUMBER_IN_TEXT = re.compile(
    r"(?<![\w.,])[+-]?\d(?:[\d.,\u00a0\u202f\u2009']*\d|(?:\s\d{3})+)?(?![\w])"
)
_SCALE_WORDS = frozenset(
    {"k", "m", "bn", "thousand", "thousands", "million", "millions", "billion", "mil", "millon"}
    | {"millón", "millones", "billón", "billones", "percent", "ciento"}
)


def parse_answer(
    definition: FormDefinition, question: Question, text: str, choices: list[Choice]
) -> Any | Refusal:
    """Turn typed text into the value stored for `question`, or a Refusal."""
    kind = question.type
    cleaned = clean_typed(text, one_line=kind == "text")
    if isinstance(cleaned, Refusal):
        return cleaned
    text = cleaned
    if kind in {"text", "long_text"}:
        return text if text else Refusal("engine.error.empty")
    if kind in {"integer", "decimal", "year"}:
        return _numeric(kind, text)
    if kind == "url":
        return _url(text)
    if kind == "list":
        return _list(text)
    if kind == "likert":
        return _likert(definition, text, choices)
    if kind == "select_one":
        return _one_choice(definition, text, choices)
    if kind == "select_multiple":
        return _many_choices(definition, text, choices)
    return Refusal("engine.error.not_here")


def clean_typed(text: str, *, one_line: bool = False) -> str | Refusal:
    """Typed text by the import's rules (`intake.text`): cleaned, or refused with the reason.

    Escapes and control characters are stripped; text that held something but nothing visible
    (only zero-width characters or escapes) is refused as invisible rather than as empty, so
    the person learns why what they sent did not count.
    """
    if has_surrogate(text):
        return Refusal("engine.error.unreadable")
    cleaned = strip_text(without_controls(text, one_line=one_line))
    if not cleaned and text.strip():
        return Refusal("engine.error.invisible")
    return cleaned


def _number(text: str, *, integer: bool) -> int | float | Refusal:
    refusal = Refusal("engine.error.integer" if integer else "engine.error.decimal")
    compact = _SPACES.sub("", text)
    if not compact or len(compact) > 30:
        return refusal
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rfind(",") > compact.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        compact = compact.replace(thousands, "").replace(decimal_mark, ".")
    elif _GROUPED.match(compact) and (integer or compact.count(compact[-4]) > 1):
        compact = compact.replace(",", "").replace(".", "")
    else:
        compact = compact.replace(",", ".")
    if not _PLAIN_NUMBER.match(compact):
        return refusal
    number = float(compact)
    if integer:
        if not number.is_integer():
            return refusal
        return int(compact.split(".")[0])
    return number


def _year(text: str) -> int | Refusal:
    return int(text) if re.fullmatch(r"\d{4}", text) else Refusal("engine.error.year")


def _url(text: str) -> str | Refusal:
    refusal = Refusal("engine.error.url")
    if not text or any(ch.isspace() for ch in text):
        return refusal
    candidate = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
    except ValueError:
        return refusal
    if parts.scheme.lower() not in {"http", "https"} or "." not in host.strip("."):
        return refusal
    return candidate


def _list(text: str) -> list[str] | Refusal:
    items = [strip_text(item) for item in _LIST_SPLIT.split(text)]
    items = [item for item in items if item]
    return items if items else Refusal("engine.error.list_empty")


def _numeric(kind: str, text: str) -> int | float | Refusal:
    """A number, or the one number inside a short phrase ("about 45 volunteers", "since 2019").

    Only a lone number is taken from a phrase: two numbers ("40 or 50") or a scale word glued to
    it ("45k", "2 million") would make any single reading a guess, so those are refused with a
    reason instead.
    """
    parse = _year if kind == "year" else lambda s: _number(s, integer=kind == "integer")
    whole = parse(text)
    if not isinstance(whole, Refusal) or not re.search(r"\d", text):
        return whole
    found = _NUMBER_IN_TEXT.findall(text)
    words = {word.casefold() for word in re.findall(r"[^\W\d_]+", text)}
    if len(found) > 1:
        numbers = ", ".join(clip(number, 12) for number in found[:4])
        return Refusal("engine.error.number_many", {"numbers": numbers})
    if len(found) == 1 and not words & _SCALE_WORDS and "%" not in text:
        alone = parse(found[0].strip())
        if not isinstance(alone, Refusal):
            return alone
    return whole


def _likert(definition: FormDefinition, text: str, choices: list[Choice]) -> int | Refusal:
    """1-5 by digit; a likert with worded levels (a choice list named "1".."5") also by words."""
    if text in LIKERT:
        return int(text)
    if choices and text:
        found = match_token(text, choices)
        if isinstance(found, Matched) and found.name in LIKERT:
            return int(found.name)
        if not isinstance(found, Matched) and not text.isdecimal():
            return choice_refusal(definition, found, choices)
    return Refusal("engine.error.likert")


def _one_choice(definition: FormDefinition, text: str, choices: list[Choice]) -> str | Refusal:
    found = match_token(text, choices)
    if isinstance(found, Matched):
        return found.name
    picks = split_picks(text)
    if len(picks) > 1 and (
        all(pick.isdecimal() for pick in picks)
        or all(isinstance(match_token(pick, choices), Matched) for pick in picks)
    ):
        return Refusal("engine.error.choice_one", {"max": len(choices)})
    return choice_refusal(definition, found, choices)


def _many_choices(
    definition: FormDefinition, text: str, choices: list[Choice]
) -> list[str] | Refusal:
    """Several picks in one line: "1 3", "1, 3", "energía y salud"; a whole label comes first."""
    whole = match_token(text, choices)
    if isinstance(whole, Matched):
        return [whole.name]
    picks = split_picks(text)
    if len(picks) <= 1:
        words = [w for w in text.split() if fold(w) not in JOINERS]
        if len(words) < 2 or not all(isinstance(match_token(w, choices), Matched) for w in words):
            return choice_refusal(definition, whole, choices)
        picks = words  # "energy health": words too, when every one names an option
    picked: list[str] = []
    for pick in picks:
        found = match_token(pick, choices)
        if not isinstance(found, Matched):
            return choice_refusal(definition, found, choices)
        if found.name not in picked:
            picked.append(found.name)
    return picked


def check_answer(
    definition: FormDefinition,
    question: Question,
    value: Any,
    answers: Mapping[str, Any],
    item: Mapping[str, Any] | None = None,
) -> Refusal | None:
    """Type-independent checks on a parsed value: ranges, lengths, selections, the form's rule."""
    limits = question.constraint
    refusal = _built_in_limits(question, value)
    if refusal is not None:
        return refusal
    if limits is not None:
        refusal = _form_limits(question, value)
        if refusal is not None:
            return refusal
        scope = Scope(answers, item, {"value": value})
        if limits.expr and not holds(limits.expr, scope, default=True):
            return Refusal("engine.error.constraint", message=limits.message)
    return None


def _built_in_limits(question: Question, value: Any) -> Refusal | None:
    kind = question.type
    limits = question.constraint
    if kind == "year" and isinstance(value, int):
        low = int(limits.min) if limits and limits.min is not None else YEAR_MIN
        high = int(limits.max) if limits and limits.max is not None else YEAR_MAX
        if not low <= value <= high:
            return Refusal("engine.error.year_range", {"min": low, "max": high})
    if kind in {"text", "long_text"} and isinstance(value, str):
        default_max = LONG_TEXT_MAX if kind == "long_text" else TEXT_MAX
        top = limits.max_len if limits and limits.max_len is not None else default_max
        if len(value) > top:
            return Refusal("engine.error.too_long", {"max_len": top, "length": len(value)})
    if (
        kind == "list"
        and isinstance(value, list)
        and question.max_items is not None
        and len(value) > question.max_items
    ):
        return Refusal("engine.error.list_too_many", {"max": question.max_items})
    if kind == "select_multiple" and isinstance(value, list):
        return _selection_limits(question, value)
    return None


def _selection_limits(question: Question, value: list[str]) -> Refusal | None:
    exclusive = [name for name in value if name in question.exclusive]
    if exclusive and len(value) > 1:
        return Refusal("engine.error.exclusive_mixed")
    low = question.min_select if question.min_select is not None else 1
    if len(value) < low:
        return Refusal("engine.error.select_min", {"min": low})
    if question.max_select is not None and len(value) > question.max_select:
        return Refusal("engine.error.select_max", {"max": question.max_select})
    return None


def _form_limits(question: Question, value: Any) -> Refusal | None:
    limits = question.constraint
    assert limits is not None
    numbers = value if isinstance(value, list) else [value]
    for item in numbers:
        if isinstance(item, int | float) and question.type != "year":
            if limits.min is not None and item < limits.min:
                return Refusal("engine.error.too_small", {"min": _plain(limits.min)})
            if limits.max is not None and item > limits.max:
                return Refusal("engine.error.too_large", {"max": _plain(limits.max)})
        if isinstance(item, str) and question.type not in {"select_one", "select_multiple"}:
            if limits.min_len is not None and len(item) < limits.min_len:
                return Refusal("engine.error.too_short", {"min_len": limits.min_len})
            if limits.max_len is not None and len(item) > limits.max_len:
                return Refusal(
                    "engine.error.too_long", {"max_len": limits.max_len, "length": len(item)}
                )
    return None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def fits_type(question: Question, value: Any) -> bool:
    """Whether a stored value has the JSON shape its question type promises (see state.py)."""
    kind = question.type
    if kind in {"text", "long_text", "url", "select_one"}:
        return isinstance(value, str)
    if kind in {"integer", "year", "likert"}:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "decimal":
        return isinstance(value, float)
    if kind in {"list", "select_multiple"}:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False
