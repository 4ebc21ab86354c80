"""The packaged SCS form runs on this engine: it loads, lints clean, draws, survives random use."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.form.checks import lint
from intake.form.definition import DEFAULT_FORM, load_definition
from intake.form.diagram import mermaid
from tests.intake.engine.invariants import drive

FORM = load_definition()


def test_default_path_is_the_packaged_form() -> None:
    assert DEFAULT_FORM.name == "scs_intake.yaml"
    assert load_definition(DEFAULT_FORM) == FORM


def test_packaged_form_lints_clean() -> None:
    assert [issue for issue in lint(FORM) if issue.severity == "error"] == []


def test_packaged_form_draws() -> None:
    text = mermaid(FORM, language="es")
    assert text.startswith("flowchart TD\n")
    for question in FORM.questions:
        assert f"q_{question.name}" in text
    assert "review --" in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_packaged_form_survives_guided_walks(data: st.DataObject) -> None:
    drive(FORM, data, guided=True, steps=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_packaged_form_survives_blind_events(data: st.DataObject) -> None:
    drive(FORM, data, guided=False, steps=20)
