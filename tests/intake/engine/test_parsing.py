"""Typed parsing: forgiving about form, strict about meaning, every refusal a catalog key."""

from __future__ import annotations

from typing import Any

import pytest

from intake.engine.parsing import Refusal, check_answer, fits_type, parse_answer
from intake.form.definition import Constraint, FormDefinition, Question
from intake.i18n import t


def _q(kind: str, **extra: Any) -> Question:
    return Question.model_validate({"name": "q", "type": kind, "label": {"en": "Q"}, **extra})


def _parse(mini: FormDefinition, kind: str, text: str, **extra: Any) -> Any:
    question = _q(kind, **extra)
    return parse_answer(mini, question, text, mini.choices_for(question))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 1 200 ", 1200),
        ("1,200", 1200),
        ("1.200.300", 1200300),
        ("-4", -4),
        ("3.0", 3),
    ],
)
def test_integers(mini: FormDefinition, text: str, expected: int) -> None:
    assert _parse(mini, "integer", text) == expected


@pytest.mark.parametrize("text", ["abc", "1.5", "", "12abc", "1" * 40, "nan", "1e5"])
def test_integer_refusals(mini: FormDefinition, text: str) -> None:
    refusal = _parse(mini, "integer", text)
    assert isinstance(refusal, Refusal)
    assert refusal.key == "engine.error.integer"
    assert "12" in t(refusal.key, "en")  # the reason carries an example


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("1 200,75", 1200.75),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("7", 7.0),
    ],
)
def test_decimals(mini: FormDefinition, text: str, expected: float) -> None:
    value = _parse(mini, "decimal", text)
    assert isinstance(value, float)
    assert value == expected


def test_decimal_refusal(mini: FormDefinition) -> None:
    assert _parse(mini, "decimal", "one and a half") == Refusal("engine.error.decimal")


def test_years(mini: FormDefinition) -> None:
    assert _parse(mini, "year", "2019") == 2019
    assert _parse(mini, "year", "19") == Refusal("engine.error.year")
    question = _q("year")
    assert check_answer(mini, question, 1700, {}) == Refusal(
        "engine.error.year_range", {"min": 1800, "max": 2100}
    )
    narrowed = _q("year", constraint={"min": 1950, "max": 2000})
    refusal = check_answer(mini, narrowed, 2019, {})
    assert refusal is not None
    assert refusal.params == {"min": 1950, "max": 2000}
    assert check_answer(mini, narrowed, 1960, {}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme.org", "https://acme.org"),
        ("http://a.b/c?d=1", "http://a.b/c?d=1"),
        ("HTTPS://x.io", "HTTPS://x.io"),
    ],
)
def test_urls(mini: FormDefinition, text: str, expected: str) -> None:
    assert _parse(mini, "url", text) == expected


@pytest.mark.parametrize(
    "text", ["localhost", "ftp://a.b", "not a url", "", "https://", "http://[::1"]
)
def test_url_refusals(mini: FormDefinition, text: str) -> None:
    assert _parse(mini, "url", text) == Refusal("engine.error.url")


def test_lists_split_on_newlines_semicolons_and_commas(mini: FormDefinition) -> None:
    assert _parse(mini, "list", "soil\nwater; air, light\n\n") == ["soil", "water", "air", "light"]
    assert _parse(mini, "list", " ;, ") == Refusal("engine.error.list_empty")
    question = _q("list", max_items=2)
    assert check_answer(mini, question, ["a", "b", "c"], {}) == Refusal(
        "engine.error.list_too_many", {"max": 2}
    )


def test_text_lengths(mini: FormDefinition) -> None:
    assert _parse(mini, "text", "  hi  ") == "hi"
    assert _parse(mini, "text", "   ") == Refusal("engine.error.empty")
    long_text = _q("long_text")
    assert check_answer(mini, long_text, "x" * 4000, {}) is None
    refusal = check_answer(mini, long_text, "x" * 4001, {})
    assert refusal is not None
    assert refusal.key == "engine.error.too_long"
    short = _q("text", constraint={"min_len": 3})
    assert check_answer(mini, short, "ab", {}) == Refusal("engine.error.too_short", {"min_len": 3})


def test_likert(mini: FormDefinition) -> None:
    assert _parse(mini, "likert", "4") == 4
    assert _parse(mini, "likert", "6") == Refusal("engine.error.likert")


def test_select_one_by_number_label_or_name(mini: FormDefinition) -> None:
    kwargs = {"choices": "systems"}
    assert _parse(mini, "select_one", "2", **kwargs) == "energy"
    assert _parse(mini, "select_one", "alimentación", **kwargs) == "food"
    assert _parse(mini, "select_one", "health", **kwargs) == "health"
    assert _parse(mini, "select_one", "9", **kwargs) == Refusal(
        "engine.error.choice_range", {"number": 9, "max": 4}
    )
    assert _parse(mini, "select_one", "", **kwargs) == Refusal(
        "engine.error.choice_typed", {"max": 4}
    )


def test_select_multiple_typed(mini: FormDefinition) -> None:
    kwargs = {"choices": "systems"}
    assert _parse(mini, "select_multiple", "1, 3", **kwargs) == ["food", "health"]
    assert _parse(mini, "select_multiple", "1 3 1", **kwargs) == ["food", "health"]
    assert _parse(mini, "select_multiple", "Energy; salud", **kwargs) == ["energy", "health"]
    assert _parse(mini, "select_multiple", "None of these", **kwargs) == ["none"]
    assert _parse(mini, "select_multiple", "1, banana", **kwargs) == Refusal(
        "engine.error.choice_unmatched", {"text": "banana", "max": 4}
    )


def test_selection_limits_and_exclusive(mini: FormDefinition) -> None:
    question = _q(
        "select_multiple", choices="systems", min_select=2, max_select=2, exclusive=["none"]
    )
    assert check_answer(mini, question, ["food"], {}) == Refusal(
        "engine.error.select_min", {"min": 2}
    )
    assert check_answer(mini, question, ["food", "energy", "health"], {}) == Refusal(
        "engine.error.select_max", {"max": 2}
    )
    assert check_answer(mini, question, ["food", "none"], {}) == Refusal(
        "engine.error.exclusive_mixed"
    )
    assert check_answer(mini, question, ["food", "energy"], {}) is None


def test_numeric_constraints_and_form_message(mini: FormDefinition) -> None:
    question = mini.question("team_size")
    assert question is not None
    assert check_answer(mini, question, 0, {}) == Refusal("engine.error.too_small", {"min": "1"})
    assert check_answer(mini, question, 10**6, {}) == Refusal(
        "engine.error.too_large", {"max": "100000"}
    )
    refusal = check_answer(mini, question, 13, {})
    assert refusal is not None
    assert refusal.message is not None
    assert "13" in refusal.message["en"]


def test_fits_type() -> None:
    assert fits_type(_q("integer"), 3)
    assert not fits_type(_q("integer"), True)
    assert fits_type(_q("decimal"), 1.5)
    assert not fits_type(_q("decimal"), 1)
    assert fits_type(_q("list"), ["a"])
    assert not fits_type(_q("list"), ["a", 1])
    assert fits_type(_q("url"), "https://a.b")
    assert not fits_type(_q("note"), "x")


def test_constraint_model_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_len"):
        Constraint.model_validate({"max_len": 0})
