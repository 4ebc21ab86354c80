"""The linter on deep dives: the dives fixture is clean, and each dive rule catches its mistake."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from intake.form.checks import lint
from intake.form.definition import FormDefinition, load_definition
from tests.intake.forms import DIVES_FORM

BASE: dict[str, Any] = yaml.safe_load(DIVES_FORM.read_text(encoding="utf-8"))


def _with_dive(section: str, **dive: Any) -> FormDefinition:
    data = copy.deepcopy(BASE)
    for entry in data["sections"]:
        if entry["name"] == section:
            entry["deep_dive"] = {**entry["deep_dive"], **dive}
    return FormDefinition.model_validate(data)


def test_dives_fixture_is_clean_and_details_may_name_a_later_gate() -> None:
    # `org_sector` (inside the list, early) names `dd_orgs` (a gate of a later section): gates
    # are answered after sending, so that is no "asked later" mistake.
    assert lint(load_definition(DIVES_FORM)) == []


@pytest.mark.parametrize(
    ("section", "dive", "expected"),
    [
        ("strategy", {"gate": "nowhere"}, "no top-level question 'nowhere'"),
        ("strategy", {"gate": "org_name"}, "no top-level question 'org_name'"),
        ("strategy", {"gate": "dd_energy"}, "its gate is in section 'energy'"),
        ("energy", {"gate": "energy_mix"}, "a gate is a select_one over yes/no"),
        ("org_details", {"walk": "goals"}, "walk 'goals' is not a top-level list"),
        ("org_details", {"walk": "org_name"}, "walk 'org_name' is not a top-level list"),
    ],
)
def test_dive_mistakes_are_errors(section: str, dive: dict[str, Any], expected: str) -> None:
    messages = [i.message for i in lint(_with_dive(section, **dive)) if i.severity == "error"]
    assert any(expected in message for message in messages), messages


def test_a_dive_without_a_time_is_a_warning() -> None:
    issues = lint(_with_dive("strategy", minutes=None))
    assert [(i.severity, i.message) for i in issues] == [
        ("warning", "deep dive 'strategy': give minutes for an honest offer")
    ]
    issues = lint(_with_dive("org_details", minutes_each=None))
    assert [i.message for i in issues] == [
        "deep dive 'org_details': give minutes_each for an honest offer"
    ]
