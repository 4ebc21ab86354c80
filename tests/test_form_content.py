"""Content checks for the packaged interview (the demo data has its own file).

The engine tests prove the machinery on a small fixture form; these prove the *real* form: it
loads, lints clean, speaks both languages everywhere, keeps the question names and types that
storage projects into the domain tables, keeps its short path short, and agrees with the demo
records that seed an empty database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import analysis
from intake.engine import Choose, Done, Event, Prompt, Text, Toggle, render, start, step
from intake.form import SELECT_TYPES, FormDefinition, Localized, Question, lint, load_definition
from intake.form.expressions import holds

LANGUAGES = ("en", "es")
DEMO = Path(analysis.__file__).parent / "demo" / "initiatives.jsonl"
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
TASKS = (
    "task_visioning",
    "task_organizing",
    "task_learning",
    "task_innovating",
    "task_financing",
    "task_measuring",
    "task_advocating",
    "task_delivering",
)

# name -> (section or parent repeat, type, choice list, required). Storage relies on these.
FIXED: dict[str, tuple[str, str, str | None, bool]] = {
    "leader_name": ("about", "text", None, True),
    "initiative_name": ("about", "text", None, True),
    "host_org": ("about", "text", None, False),
    "website": ("about", "url", None, False),
    "initiative_form": ("about", "select_one", "initiative_forms", False),
    "role": ("about", "text", None, True),
    "issue": ("issue", "long_text", None, True),
    "production_systems": ("issue", "select_multiple", "ps_systems", True),
    "production_system_other": ("issue", "text", None, False),
    "ps_segments": ("issue", "select_multiple", "ps_segments", False),
    "goals": ("goals", "list", None, True),
    "change_type": ("goals", "select_one", "change_types", False),
    "theory_of_change": ("goals", "long_text", None, False),
    "strategies": ("goals", "select_multiple", "strategies", False),
    "tensions": ("goals", "long_text", None, False),
    **{task: ("tasks", "select_one", "task_levels", True) for task in TASKS},
    "stakeholders": ("people", "repeat", None, False),
    "st_name": ("stakeholders", "text", None, True),
    "st_sector": ("stakeholders", "select_one", "sectors", False),
    "st_role": ("stakeholders", "text", None, False),
    "partners": ("connections", "repeat", None, False),
    "partner_name": ("partners", "text", None, True),
    "partner_sector": ("partners", "select_one", "sectors", False),
    "partner_relation": ("partners", "select_one", "relations", False),
    "partner_depth": ("partners", "likert", "collaboration_levels", False),
    "known_initiatives": ("connections", "list", None, False),
    "ps_actors": ("production", "repeat", None, False),
    "actor_name": ("ps_actors", "text", None, True),
    "actor_segment": ("ps_actors", "select_one", "ps_segments", False),
    "actor_mode": ("ps_actors", "select_one", "engagement_modes", False),
    "actor_depth": ("ps_actors", "likert", "collaboration_levels", False),
    "consciousness": ("system", "likert", None, False),
    "shared_agenda": ("system", "select_one", "yes_no_unsure", False),
    "shared_agenda_name": ("system", "text", None, False),
    "steward": ("system", "text", None, False),
    "shared_indicators": ("system", "select_one", "yes_no_unsure", False),
    "gaps": ("system", "long_text", None, False),
    "region": ("place", "text", None, True),
    "geo_levels": ("place", "select_multiple", "geo_levels", True),
    "stage": ("stage", "select_one", "stages", True),
    "start_year": ("stage", "year", None, False),
    "staff_band": ("stage", "select_one", "staff_bands", False),
    "budget_band": ("stage", "select_one", "budget_bands", False),
    "needs": ("exchange", "select_multiple", "exchange", False),
    "needs_detail": ("exchange", "text", None, False),
    "offers": ("exchange", "select_multiple", "exchange", False),
    "offers_detail": ("exchange", "text", None, False),
    "consent_listed": ("consent", "select_one", "yes_no", True),
    "consent_introductions": ("consent", "select_one", "yes_no", True),
    "digest_frequency": ("consent", "select_one", "frequencies", False),
}

# Choice names other code matches on (analysis, digests, importer); extra choices are allowed.
FIXED_CHOICES: dict[str, set[str]] = {
    "initiative_forms": {
        "project",
        "program",
        "organisation",
        "network",
        "collaboration",
        "internal_ps_project",
    },
    "ps_systems": {"food", "energy", "health", "water", "housing", "mobility", "finance", "other"},
    "change_types": {"incremental", "reform", "transformation"},
    "strategies": {"forcing", "doing", "rule_shaping", "co_creating"},
    "task_levels": {"none", "minor", "core"},
    "sectors": {
        "government",
        "business",
        "civil_society",
        "academia",
        "funders",
        "communities",
        "intergovernmental",
        "media",
    },
    "relations": {"information", "joint_project", "funding", "membership", "shared_governance"},
    "engagement_modes": {
        "pressure",
        "standards",
        "partnership",
        "market",
        "policy",
        "finance",
        "co_leadership",
        "inside",
    },
    "yes_no": {"yes", "no"},
    "yes_no_unsure": {"yes", "no", "unsure"},
    "geo_levels": {"local", "subnational", "national", "regional", "global"},
    "stages": {"idea", "pilot", "operating", "scaling", "institutionalised"},
    "exchange": {
        "funding",
        "data",
        "partners",
        "policy_access",
        "skills",
        "visibility",
        "volunteers",
        "space",
        "other",
        "none",
    },
    "frequencies": {"weekly", "monthly", "never"},
}

# Deep-dive gates and the questions that must stay hidden unless the leader says yes.
DEEP: dict[str, set[str]] = {
    "dd_strategy": {"theory_of_change", "strategies", "tensions"},
    "dd_system": {
        "consciousness",
        "shared_agenda",
        "shared_agenda_name",
        "steward",
        "shared_indicators",
        "gaps",
    },
    "dd_profile": {"staff_band", "budget_band"},
}

# Questions whose wording leans on SCS vocabulary, and a term each must offer to explain.
EXPLAINED: dict[str, str] = {
    "production_systems": "production system",
    "ps_segments": "production system",
    "ps_actors": "production system",
    "stakeholders": "stakeholder",
    "theory_of_change": "theory of change",
    "consciousness": "system consciousness",
    "shared_agenda": "shared agenda",
    "steward": "steward",
}


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_definition()


@pytest.fixture(scope="module")
def demo() -> list[dict[str, Any]]:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _choice_names(form: FormDefinition, list_name: str) -> set[str]:
    return {choice.name for choice in form.choices[list_name]}


# ------------------------------------------------------------------------------- the form


def test_packaged_form_loads(form: FormDefinition) -> None:
    assert form.form_id == "scs_intake"
    assert form.version == "2026.12.1"
    assert form.default_language == "en"
    assert set(form.languages) == set(LANGUAGES)


def test_form_lints_without_errors(form: FormDefinition) -> None:
    errors = [f"{i.question}: {i.message}" for i in lint(form) if i.severity == "error"]
    assert errors == []


def _texts(form: FormDefinition) -> Iterator[tuple[str, Localized | str | None]]:
    yield "form title", form.title
    for section in form.sections:
        yield f"section {section.name}", section.title
    for q in form.all_questions():
        yield f"{q.name}.label", q.label
        yield f"{q.name}.short", q.short
        yield f"{q.name}.hint", q.hint
        yield f"{q.name}.constraint.message", q.constraint.message if q.constraint else None
        if q.repeat is not None:
            yield f"{q.name}.repeat.label", q.repeat.label
    for list_name, choices in form.choices.items():
        for choice in choices:
            yield f"choice {list_name}.{choice.name}", choice.label


def test_every_text_has_english_and_spanish(form: FormDefinition) -> None:
    missing = [
        f"{where} ({lang})"
        for where, texts in _texts(form)
        if isinstance(texts, dict)
        for lang in LANGUAGES
        if not texts.get(lang, "").strip()
    ]
    assert missing == []


def test_every_question_has_a_label_and_a_short_label(form: FormDefinition) -> None:
    for q in form.all_questions():
        assert q.label, q.name
        if q.type != "note":
            assert q.short is not None, f"{q.name} needs a short label for the review screen"


def test_fixed_questions_keep_their_names_and_types(form: FormDefinition) -> None:
    for name, (place, qtype, choices, required) in FIXED.items():
        q = form.question(name)
        assert q is not None, f"missing question {name!r}"
        assert q.type == qtype, name
        assert q.choices == choices, name
        parent = form.parent_of(name)
        if parent is not None:
            assert parent.name == place, name
        else:
            assert q.section == place, name
        assert q.required is required, name


def test_fixed_question_details(form: FormDefinition) -> None:
    def get(name: str) -> Question:
        q = form.question(name)
        assert q is not None, name
        return q

    assert get("goals").max_items == 3
    assert get("production_systems").min_select == 1
    assert get("geo_levels").min_select == 1
    assert get("needs").exclusive == ["none"]
    assert get("offers").exclusive == ["none"]
    for name in ("ps_segments", "actor_segment"):
        assert get(name).choice_filter == "overlaps(tags, production_systems)"
    for name, key, bound in (
        ("stakeholders", "st_name", 10),
        ("partners", "partner_name", 10),
        ("ps_actors", "actor_name", 10),
    ):
        spec = get(name).repeat
        assert spec is not None
        assert (spec.min, spec.max, spec.key) == (0, bound, key)
    stakeholders = get("stakeholders").repeat
    assert stakeholders is not None
    assert stakeholders.label == "{st_name} ({st_sector})"
    assert form.sections[-1].name == "consent"


def test_fixed_choice_names_exist(form: FormDefinition) -> None:
    for list_name, names in FIXED_CHOICES.items():
        assert list_name in form.choices, list_name
        assert names <= _choice_names(form, list_name), list_name


def test_buttons_fit_telegram(form: FormDefinition) -> None:
    for q in form.all_questions():
        if q.type not in SELECT_TYPES:
            continue
        for choice in form.choices_for(q):
            assert SNAKE.match(choice.name), f"{q.choices}.{choice.name}"
            assert len(f"a:{q.name}:{choice.name}".encode()) <= 64, choice.name
            for lang in LANGUAGES:
                assert len(choice.label[lang]) <= 40, f"{q.choices}.{choice.name} ({lang})"


def test_every_system_offers_segments(form: FormDefinition) -> None:
    systems = _choice_names(form, "ps_systems")
    segments = form.choices["ps_segments"]
    for choice in segments:
        assert choice.tags, f"segment {choice.name} has no system tags"
        assert set(choice.tags) <= systems, choice.name
    for system in systems:
        shown = [c.name for c in segments if system in c.tags]
        assert len(shown) >= 3, f"{system} shows only {shown}"


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
        always = {name for name in deep if name != "shared_agenda_name"}
        for name in always:
            question = form.question(name)
            assert question is not None
            assert holds(question.relevant, {gate: "yes"}), name
    system = form.section("system")
    assert system is not None
    assert system.optional


def test_conditional_follow_ups(form: FormDefinition) -> None:
    def relevant(name: str, answers: dict[str, Any]) -> bool:
        q = form.question(name)
        assert q is not None
        return holds(q.relevant, answers)

    assert relevant("production_system_other", {"production_systems": ["food", "other"]})
    assert not relevant("production_system_other", {"production_systems": ["food"]})
    assert relevant("shared_agenda_name", {"dd_system": "yes", "shared_agenda": "yes"})
    assert not relevant("shared_agenda_name", {"dd_system": "yes", "shared_agenda": "unsure"})
    assert relevant("digest_frequency", {"consent_listed": "no", "consent_introductions": "yes"})
    assert not relevant(
        "digest_frequency", {"consent_listed": "no", "consent_introductions": "no"}
    )


def test_scs_vocabulary_can_be_explained(form: FormDefinition) -> None:
    for name, term in EXPLAINED.items():
        q = form.question(name)
        assert q is not None, name
        assert term in q.terms, f"{name} should explain {term!r}"
    for q in form.all_questions():
        words = f"{q.label['en']} {q.hint['en'] if q.hint else ''}".lower()
        if "production system" in words or "change system" in words:
            assert q.terms, f"{q.name} uses SCS vocabulary but has no terms"


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
    deep = set().union(*DEEP.values()) | {"digest_frequency"}
    assert not deep & set(asked)
    assert len(asked) <= 40, f"the short path asks {len(asked)} questions"
