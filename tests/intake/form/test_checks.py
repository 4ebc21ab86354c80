"""The linter: the fixture form is clean, and each check catches its own bad fixture."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

import intake.form.checks as lint_module
from intake.form.checks import LintIssue, lint
from intake.form.definition import FormDefinition
from tests.intake.forms import MINI_FORM

BASE: dict[str, Any] = yaml.safe_load(MINI_FORM.read_text(encoding="utf-8"))


def _form(
    change: dict[str, Any] | None = None, **question_changes: dict[str, Any]
) -> FormDefinition:
    """The fixture form with top-level keys replaced and named questions patched."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(change or {}))
    for question in data["questions"]:
        targets = [question, *question.get("questions", [])]
        for target in targets:
            if target["name"] in question_changes:
                target.update(question_changes[target["name"]])
    return FormDefinition.model_validate(data)


def _messages(issues: list[LintIssue], severity: str = "error") -> list[str]:
    return [f"{i.question}: {i.message}" for i in issues if i.severity == severity]


def test_fixture_form_is_clean(mini: FormDefinition) -> None:
    assert lint(mini) == []


def test_duplicate_names_including_inner() -> None:
    form = _form(st_note={"name": "goals"})
    assert any("'goals' is used 2 times" in m for m in _messages(lint(form)))


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"relevant": "answered(budget)"}, "asked later"),
        ({"relevant": "answered(nobody)"}, "unknown question 'nobody'"),
        ({"relevant": "answered(st_name)"}, "asked later or inside another repeat"),
        ({"relevant": "answered(food_detail)"}, "refers to itself"),
        ({"relevant": "selected(systems, 'oil')"}, "'oil' is not a choice of 'systems'"),
        ({"relevant": "selected(systems, 'oil')"}, "unreachable"),
        ({"relevant": "answered(systems) and not (1 == 1 or"}, "cannot read"),
        ({"relevant": "value > 1"}, "only available in another kind"),
        ({"constraint": {"expr": "len(value) > 2"}}, "only the functions"),
    ],
)
def test_reference_checks(patch: dict[str, Any], expected: str) -> None:
    messages = _messages(lint(_form(food_detail=patch)))
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("food_detail") for m in messages if expected in m)


def test_inner_questions_see_earlier_siblings_not_later_ones() -> None:
    assert lint(_form(st_system={"relevant": "answered(st_name)"})) == []
    messages = _messages(lint(_form(st_name={"relevant": "answered(st_note)"})))
    assert any("st_note" in m and "asked later" in m for m in messages)


def test_unreachability_propagates() -> None:
    form = _form(
        food_detail={"relevant": "selected(systems, 'oil')"},
        stage={"relevant": "answered(food_detail)"},
    )
    unreachable = [i.question for i in lint(form) if "unreachable" in i.message]
    assert unreachable == ["food_detail", "stage"]
    # An `or` with a live branch keeps the question reachable.
    form = _form(food_detail={"relevant": "selected(systems, 'oil') or answered(systems)"})
    assert not [i for i in lint(form) if "unreachable" in i.message]


def test_choice_lists() -> None:
    messages = _messages(lint(_form(stage={"choices": "phases"})))
    assert any("unknown choice list 'phases'" in m for m in messages)
    messages = _messages(lint(_form({"choices": {**BASE["choices"], "stages": []}})))
    assert any("'stages' is empty" in m for m in messages)
    messages = _messages(lint(_form(systems={"exclusive": ["nothing"]})))
    assert any("exclusive choice 'nothing'" in m for m in messages)
    messages = _messages(lint(_form(goals={"choice_filter": "answered(systems)"})))
    assert any("only apply to select questions" in m for m in messages)


def test_a_likert_may_word_exactly_its_five_points() -> None:
    """Worded levels keep the stored 1-5 meaningful: a list with other names is an error."""
    level = {"en": "Level", "es": "Nivel"}
    worded = {"levels": [{"name": str(n), "label": level} for n in range(1, 6)]}
    clean = _form({"choices": {**BASE["choices"], **worded}}, coherence={"choices": "levels"})
    assert _messages(lint(clean)) == []
    messages = _messages(lint(_form(coherence={"choices": "stages"})))
    assert any("must name exactly 1, 2, 3, 4, 5" in m for m in messages)


def test_missing_translations() -> None:
    form = _form(goals={"label": {"en": "Goals?"}, "hint": {"en": "e.g.", "es": " "}})
    messages = _messages(lint(form))
    assert "goals: label has no 'es' text" in messages
    assert "goals: hint has no 'es' text" in messages
    choices = copy.deepcopy(BASE["choices"])
    choices["stages"][0]["label"] = {"en": "Idea"}
    assert "None: choice stages.idea has no 'es' text" in _messages(
        lint(_form({"choices": choices}))
    )
    constrained = _form(team_size={"constraint": {"expr": "value > 0", "message": {"en": "More"}}})
    assert "team_size: constraint message has no 'es' text" in _messages(lint(constrained))


def test_a_long_choice_name_is_fine_because_buttons_carry_an_index() -> None:
    """Button data is `a:<screen>:<index>`; the old name-based byte check refused valid forms."""
    choices = copy.deepcopy(BASE["choices"])
    choices["stages"].append({"name": "x" * 60, "label": {"en": "Long name", "es": "Nombre"}})
    assert lint(_form({"choices": choices})) == []


def test_a_label_longer_than_a_button_shows_is_a_warning() -> None:
    choices = copy.deepcopy(BASE["choices"])
    choices["stages"].append({"name": "fits", "label": {"en": "a" * 60, "es": "b"}})
    choices["stages"].append({"name": "long", "label": {"en": "Long " * 13, "es": "Largo"}})
    issues = lint(_form({"choices": choices}))
    assert _messages(issues) == []
    assert [m for m in _messages(issues, "warning") if "label (en)" in m] == [
        "stage: choice 'long' label (en) is 65 characters; buttons fit about 60"
    ]


def test_repeat_checks() -> None:
    form = _form(stakeholders={"repeat": {"min": 5, "max": 2, "key": "st_x", "label": "{st_y}"}})
    messages = _messages(lint(form))
    assert any("repeat min 5 is greater than max 2" in m for m in messages)
    assert any("repeat key 'st_x'" in m for m in messages)
    assert any("{st_y}" in m for m in messages)


def test_limits_and_sections() -> None:
    form = _form(
        systems={"min_select": 3, "max_select": 1},
        team_size={"constraint": {"min": 10, "max": 1}},
        initiative_name={"constraint": {"min_len": 9, "max_len": 2}, "section": "elsewhere"},
    )
    messages = _messages(lint(form))
    assert any("min_select 3 is greater than max_select 1" in m for m in messages)
    assert any("constraint min 10.0 is greater than max 1.0" in m for m in messages)
    assert any("min_len 9 is greater than max_len 2" in m for m in messages)
    assert any("unknown section 'elsewhere'" in m for m in messages)
    assert any("default_language" in m for m in _messages(lint(_form({"languages": ["es"]}))))


def test_errors_come_before_warnings() -> None:
    choices = copy.deepcopy(BASE["choices"])
    choices["stages"][0]["label"] = {"en": "L" * 65, "es": "I"}
    issues = lint(_form({"choices": choices}, food_detail={"relevant": "answered(budget)"}))
    severities = [issue.severity for issue in issues]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert set(severities) == {"error", "warning"}


def test_catalog_gaps_are_reported(mini: FormDefinition, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lint_module, "missing_translations", lambda: [("engine.skipped", "es")])
    assert "None: message 'engine.skipped' has no 'es' text" in _messages(lint(mini))
