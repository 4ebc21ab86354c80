"""Content checks for the packaged interview (the demo data has its own file).

The engine tests prove the machinery on a small fixture form; these prove the *real* form: it
loads, lints clean, speaks both languages everywhere, keeps the question names and types that
storage projects into the domain tables and explains its vocabulary. The paths through it (deep
dives hidden until taken, follow-ups, the short core) are in test_form_paths.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from intake.form import SELECT_TYPES, FormDefinition, Localized, Question, lint, load_definition

LANGUAGES = ("en", "es")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
CORE_SECTIONS = ("about", "issue", "goals", "organisations", "work", "consent")
DIVES = {
    "strategy": "dd_strategy",
    "org_details": "dd_orgs",
    "system": "dd_system",
    "profile": "dd_profile",
}

# name -> (section or parent repeat, type, choice list, required). Storage relies on these.
FIXED: dict[str, tuple[str, str, str | None, bool]] = {
    "leader_name": ("about", "text", None, True),
    "initiative_name": ("about", "text", None, True),
    "issue": ("issue", "long_text", None, True),
    "production_systems": ("issue", "select_multiple", "ps_systems", True),
    "production_system_other": ("issue", "text", None, False),
    "region": ("issue", "text", None, True),
    "goals": ("goals", "list", None, True),
    "organisations": ("organisations", "repeat", None, False),
    "org_name": ("organisations", "text", None, True),
    "org_tie": ("organisations", "select_one", "org_ties", True),
    "org_sector": ("organisations", "select_one", "sectors", False),
    "org_role": ("organisations", "text", None, False),
    "org_relation": ("organisations", "select_one", "relations", False),
    "org_segment": ("organisations", "select_one", "ps_segments", False),
    "org_mode": ("organisations", "select_one", "engagement_modes", False),
    "org_depth": ("organisations", "likert", "collaboration_levels", False),
    "tasks_core": ("work", "select_multiple", "tasks", False),
    "needs": ("work", "select_multiple", "exchange", False),
    "offers": ("work", "select_multiple", "exchange", False),
    "consent_listed": ("consent", "select_one", "yes_no", True),
    "consent_introductions": ("consent", "select_one", "yes_no", True),
    "digest_frequency": ("consent", "select_one", "frequencies", False),
    "change_type": ("strategy", "select_multiple", "change_types", False),
    "theory_of_change": ("strategy", "long_text", None, False),
    "strategies": ("strategy", "select_multiple", "strategies", False),
    "tensions": ("strategy", "long_text", None, False),
    "tasks_minor": ("strategy", "select_multiple", "tasks", False),
    "ps_segments": ("system", "select_multiple", "ps_segments", False),
    "consciousness": ("system", "likert", None, False),
    "shared_agenda": ("system", "select_one", "yes_no_unsure", False),
    "shared_agenda_name": ("system", "text", None, False),
    "steward": ("system", "text", None, False),
    "shared_indicators": ("system", "select_one", "yes_no_unsure", False),
    "gaps": ("system", "long_text", None, False),
    "initiative_form": ("profile", "select_one", "initiative_forms", False),
    "role": ("profile", "text", None, False),
    "host_org": ("profile", "text", None, False),
    "website": ("profile", "url", None, False),
    "geo_levels": ("profile", "select_multiple", "geo_levels", False),
    "stage": ("profile", "select_one", "stages", False),
    "start_year": ("profile", "year", None, False),
    "staff_band": ("profile", "select_one", "staff_bands", False),
    "budget_band": ("profile", "select_one", "budget_bands", False),
    "needs_detail": ("profile", "text", None, False),
    "offers_detail": ("profile", "text", None, False),
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
    "tasks": {
        "visioning",
        "organizing",
        "learning",
        "innovating",
        "financing",
        "measuring",
        "advocating",
        "delivering",
    },
    "org_ties": {"takes_part", "works_with", "ps_actor", "knows_of"},
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

# Questions whose wording leans on SCS vocabulary, and a term each must offer to explain.
EXPLAINED: dict[str, str] = {
    "production_systems": "production system",
    "ps_segments": "production system",
    "organisations": "stakeholder",
    "org_tie": "production system",
    "theory_of_change": "theory of change",
    "consciousness": "system consciousness",
    "shared_agenda": "shared agenda",
    "steward": "steward",
}


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_definition()


def _choice_names(form: FormDefinition, list_name: str) -> set[str]:
    return {choice.name for choice in form.choices[list_name]}


# ------------------------------------------------------------------------------- the form


def test_packaged_form_loads(form: FormDefinition) -> None:
    assert form.form_id == "scs_intake"
    assert form.version == "2026.12.2"
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
    for name in ("ps_segments", "org_segment"):
        assert get(name).choice_filter == "overlaps(tags, production_systems)"
    assert get("tasks_minor").choice_filter == "not selected(tasks_core, choice)"
    spec = get("organisations").repeat
    assert spec is not None
    assert (spec.min, spec.max, spec.key) == (0, 40, "org_name")
    assert spec.label == "{org_name} ({org_tie})"
    assert [section.name for section in form.sections if section.deep_dive is None] == list(
        CORE_SECTIONS
    )
    assert {s.name: s.deep_dive.gate for s in form.sections if s.deep_dive} == DIVES


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


def test_scs_vocabulary_can_be_explained(form: FormDefinition) -> None:
    for name, term in EXPLAINED.items():
        q = form.question(name)
        assert q is not None, name
        assert term in q.terms, f"{name} should explain {term!r}"
    for q in form.all_questions():
        words = f"{q.label['en']} {q.hint['en'] if q.hint else ''}".lower()
        if "production system" in words or "change system" in words:
            assert q.terms, f"{q.name} uses SCS vocabulary but has no terms"
