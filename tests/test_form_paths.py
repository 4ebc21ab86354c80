"""Paths through the packaged interview: deep dives stay hidden until taken, follow-ups appear
only when they apply, and the core path stays short (the content checks are in
test_form_content.py; the Porto persona's input count is in tests/intake/test_personas.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from intake.engine import Choose, Done, Event, Prompt, Text, Toggle, render, start, step
from intake.form import FormDefinition, load_definition
from intake.form.expressions import holds

LANGUAGES = ("en", "es")


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_definition()


# Deep-dive gates and the questions that must stay hidden unless the leader takes the dive.
DEEP: dict[str, set[str]] = {
    "dd_strategy": {"change_type", "theory_of_change", "strategies", "tensions", "tasks_minor"},
    "dd_orgs": {"org_sector", "org_role", "org_relation", "org_segment", "org_mode", "org_depth"},
    "dd_system": {
        "ps_segments",
        "consciousness",
        "shared_agenda",
        "shared_agenda_name",
        "steward",
        "shared_indicators",
        "gaps",
    },
    "dd_profile": {
        "initiative_form",
        "role",
        "host_org",
        "website",
        "geo_levels",
        "stage",
        "start_year",
        "staff_band",
        "budget_band",
        "needs_detail",
        "offers_detail",
    },
}
CONDITIONAL = {
    "shared_agenda_name",
    "needs_detail",
    "offers_detail",
    "org_role",
    "org_relation",
    "org_segment",
    "org_mode",
    "org_depth",
    "org_sector",
}
"""Dive questions that also depend on another answer (tested in test_conditional_follow_ups)."""


def test_deep_dives_stay_hidden_unless_accepted(form: FormDefinition) -> None:
    for gate, deep in DEEP.items():
        q = form.question(gate)
        assert q is not None, gate
        assert (q.type, q.choices) == ("select_one", "yes_no"), gate
        for name in deep:
            question = form.question(name)
            assert question is not None, name
            assert question.relevant, name
            assert not holds(question.relevant, {gate: "no", "shared_agenda": "yes"}), name
            assert not holds(question.relevant, {}), name
        for name in deep - CONDITIONAL:
            question = form.question(name)
            assert question is not None
            assert holds(question.relevant, {gate: "yes"}), name
        gate_question = form.question(gate)
        assert gate_question is not None
        section = form.section(gate_question.section)
        assert section is not None
        assert section.deep_dive is not None
        assert section.deep_dive.gate == gate


def test_conditional_follow_ups(form: FormDefinition) -> None:
    def relevant(name: str, answers: dict[str, Any]) -> bool:
        q = form.question(name)
        assert q is not None
        return holds(q.relevant, answers)

    assert relevant("production_system_other", {"production_systems": ["food", "other"]})
    assert not relevant("production_system_other", {"production_systems": ["food"]})
    assert relevant("shared_agenda_name", {"dd_system": "yes", "shared_agenda": "yes"})
    assert not relevant("shared_agenda_name", {"dd_system": "yes", "shared_agenda": "unsure"})
    assert relevant("needs_detail", {"dd_profile": "yes", "needs": ["data"]})
    assert not relevant("needs_detail", {"dd_profile": "yes", "needs": ["none"]})
    orgs = {"dd_orgs": "yes", "org_tie": "ps_actor"}
    assert relevant("org_segment", orgs)
    assert relevant("org_depth", orgs)
    assert not relevant("org_sector", orgs)
    assert not relevant("org_role", orgs)
    assert relevant("org_role", {**orgs, "org_tie": "takes_part"})
    assert not relevant("org_depth", {**orgs, "org_tie": "knows_of"})
    assert relevant("digest_frequency", {"consent_listed": "no", "consent_introductions": "yes"})
    assert not relevant(
        "digest_frequency", {"consent_listed": "no", "consent_introductions": "no"}
    )


def _answer(prompt: Prompt) -> list[Event]:
    """A quick leader: first option, short texts, "no" to every deep dive and to sharing."""
    name = (prompt.path or "").rsplit(".", 1)[-1]
    if prompt.kind == "repeat_menu" or prompt.question_type == "note":
        return [Done()]
    values = [choice.value for choice in prompt.choices]
    if prompt.question_type == "select_one":
        return [Choose(value="no" if "no" in values else values[0])]
    if prompt.question_type == "select_multiple":
        return [Toggle(value=values[0]), Done()]
    if prompt.question_type == "likert":
        return [Choose(value="3")]
    samples = {"list": "less waste; more meals", "year": "2020", "url": "example.org"}
    return [Text(text=samples.get(prompt.question_type or "", f"Answer for {name}"))]


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_path_stays_short(form: FormDefinition, language: str) -> None:
    state = start(form, language=language)
    prompt = render(form, state)
    asked: list[str] = []
    for _ in range(200):
        if prompt.kind not in {"question", "repeat_menu"}:
            break
        if prompt.kind == "question":
            assert prompt.path is not None
            asked.append(prompt.path)
        for event in _answer(prompt):
            state, prompt = step(form, state, event)
            assert prompt.error is None, (prompt.path, prompt.error)
    assert prompt.kind == "review"
    deep = set().union(*DEEP.values()) | set(DEEP) | {"digest_frequency"}
    assert not deep & set(asked)
    assert len(asked) <= 12, f"the core path asks {len(asked)} questions"
