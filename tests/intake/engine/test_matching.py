"""Typed words match choices in both languages; refusals say what was wrong and what would work.

Runs on the packaged form, because what people type has to fit its real labels ("proyecto" for
"Un proyecto", "ong" for "Sociedad civil / ONG"), and on the mini form through `step`.
"""

from __future__ import annotations

from typing import Any

import pytest

from intake.engine import render, start, step
from intake.engine.events import Choose, Done, SetLanguage, Submit, Text
from intake.engine.matching import choice_refusal, fold, match_token, resolve_params
from intake.engine.parsing import parse_answer
from intake.engine.refusal import Refusal
from intake.engine.screens import render_value
from intake.form.definition import FormDefinition, load_definition
from intake.i18n import t
from tests.intake.engine.walks import TO_SYSTEMS, run

FORM = load_definition()


def _typed(question: str, text: str) -> Any:
    found = FORM.question(question)
    assert found is not None
    return parse_answer(FORM, found, text, FORM.choices_for(found))


def _say(refusal: Refusal, lang: str) -> str:
    return t(refusal.key, lang, **resolve_params(refusal.params, FORM, lang))


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert fold("  Alimentación ") == "alimentacion"
    assert fold("Sociedad civil / ONG") == "sociedad civil ong"
    assert fold("civil_society") == "civil society"
    assert fold("¿Sí?") == "si"


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("initiative_form", "proyecto", "project"),  # the issue's own example: "Un proyecto"
        ("initiative_form", "un proyecto", "project"),
        ("initiative_form", "A PROJECT!", "project"),
        ("initiative_form", "organizacion", "organisation"),  # accent folded
        ("initiative_form", "red", "network"),  # a prefix past the article "Una"
        ("initiative_form", "coalition", "network"),  # a whole word of the label
        ("initiative_form", "programme", "program"),
        ("initiative_form", "program", "program"),  # the code
        ("org_relation", "proyecto", "joint_project"),
        ("org_relation", "decidimos", "shared_governance"),
        ("org_relation", "informacion", "information"),
        ("org_sector", "ong", "civil_society"),
        ("org_sector", "NGOs", "civil_society"),
        ("org_sector", "civil_society", "civil_society"),
        ("org_sector", "gobierno", "government"),
        ("org_sector", "gov", "government"),
        ("org_sector", "comunidades", "communities"),
        ("org_sector", "intergubernamental", "intergovernmental"),
        ("dd_system", "si", "yes"),
        ("dd_system", "Sí", "yes"),
        ("dd_system", "no", "no"),
    ],
)
def test_typed_words_match_labels_in_both_languages(
    question: str, text: str, expected: str
) -> None:
    assert _typed(question, text) == expected


def test_a_prefix_of_several_options_lists_them_in_the_users_language() -> None:
    refusal = _typed("org_relation", "we")
    assert isinstance(refusal, Refusal)
    assert refusal.key == "engine.error.choice_ambiguous"
    english = _say(refusal, "en")
    assert "1. We share information" in english
    assert "5. We make decisions together" in english
    assert "A joint project" not in english
    spanish = _say(refusal, "es")
    assert "1. Compartimos información" in spanish
    assert "5. Decidimos en común" in spanish


@pytest.mark.parametrize(
    ("text", "en", "es"),
    [
        ("1 2", "Pick one number from 1 to 6", "Elige un único número del 1 al 6"),
        ("proyecto, red", "Pick one number from 1 to 6", "del 1 al 6"),
        ("9", "no option 9 here. Pick a number from 1 to 6", "no hay opción 9"),
        ("banana", "“banana” doesn't match any option", "“banana” no coincide"),
        ("", "send its number from 1 to 6", "envía su número del 1 al 6"),
    ],
)
def test_single_choice_refusals_say_what_is_expected(text: str, en: str, es: str) -> None:
    refusal = _typed("initiative_form", text)
    assert isinstance(refusal, Refusal)
    assert en in _say(refusal, "en")
    assert es in _say(refusal, "es")
    assert "tap" not in _say(refusal, "en").casefold()  # reads well in the terminal too


def test_a_long_unmatched_answer_is_echoed_clipped() -> None:
    refusal = choice_refusal(FORM, match_token("x" * 500, []), [])
    assert refusal.key == "engine.error.choice_unmatched"
    assert len(refusal.params["text"]) == 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 3", ["government", "civil_society"]),
        ("1, 3", ["government", "civil_society"]),
        ("gobierno y empresas", ["government", "business"]),
        ("ong; academia", ["civil_society", "academia"]),
        ("media business", ["media", "business"]),  # words separated by spaces only
        ("Civil society / NGOs", ["civil_society"]),  # a whole label is one pick
    ],
)
def test_multiple_choice_numbers_and_words(text: str, expected: list[str]) -> None:
    question = FORM.question("org_sector")
    assert question is not None
    multi = question.model_copy(update={"type": "select_multiple"})
    assert parse_answer(FORM, multi, text, FORM.choices_for(question)) == expected


def test_multiple_choice_names_the_pick_that_failed() -> None:
    question = FORM.question("org_sector")
    assert question is not None
    multi = question.model_copy(update={"type": "select_multiple"})
    choices = FORM.choices_for(question)
    assert parse_answer(FORM, multi, "1, 12", choices) == Refusal(
        "engine.error.choice_range", {"number": 12, "max": 8}
    )
    assert parse_answer(FORM, multi, "gobierno, bananas", choices) == Refusal(
        "engine.error.choice_unmatched", {"text": "bananas", "max": 8}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("about 45 volunteers", 45),
        ("unos 1 200 voluntarios", 1200),
        ("we started in 2019.", 2019),
        ("45", 45),
    ],
)
def test_a_lone_number_in_a_phrase_is_taken(text: str, expected: int) -> None:
    kind = "year" if expected == 2019 else "integer"
    question = FORM.question("start_year")
    assert question is not None
    typed = question.model_copy(update={"type": kind, "constraint": None})
    assert parse_answer(FORM, typed, text, []) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("40 or 50 volunteers", "engine.error.number_many"),
        ("entre 40 y 50", "engine.error.number_many"),
        ("2 million", "engine.error.integer"),  # a scale word: no guessing
        ("45k", "engine.error.integer"),
        ("about 45%", "engine.error.integer"),
        ("lots", "engine.error.integer"),
    ],
)
def test_numbers_that_would_be_guesses_are_refused(text: str, key: str) -> None:
    question = FORM.question("start_year")
    assert question is not None
    typed = question.model_copy(update={"type": "integer", "constraint": None})
    refusal = parse_answer(FORM, typed, text, [])
    assert isinstance(refusal, Refusal)
    assert refusal.key == key
    assert "for example" in _say(refusal, "en")  # every refusal carries an example


def test_depth_levels_are_words_from_the_collaboration_scale() -> None:
    question = FORM.question("org_depth")
    assert question is not None
    labels = [FORM.text(c.label, "en") for c in FORM.choices_for(question)]
    assert [label.split(":")[0] for label in labels] == [
        "Networking",
        "Cooperation",
        "Coordination",
        "Coalition",
        "Collaboration",
    ]
    assert all(FORM.text(c.label, "es") for c in FORM.choices_for(question))
    assert _typed("org_depth", "4") == 4
    assert _typed("org_depth", "coordinación") == 3
    assert _typed("org_depth", "we work as one") == 5
    assert _typed("org_depth", "7") == Refusal("engine.error.likert")
    assert render_value(FORM, question, 3, "es").startswith("3 de 5: Coordinación")


def _walk_to(path_end: str, lang: str) -> tuple[Any, Any]:
    """Answer the packaged form plainly until the question `path_end`: one organisation, a
    change initiative we work with, then the organisation details dive after sending."""
    plain = {"select_one": "1", "select_multiple": "1", "likert": "4", "list": "a; b"}
    plain |= {"url": "example.org", "year": "2019", "integer": "12", "decimal": "3"}
    state = start(FORM, language=lang)
    prompt = render(FORM, state)
    for _ in range(200):
        if prompt.path and prompt.path.endswith(path_end):
            return state, prompt
        if prompt.kind == "repeat_menu":
            event: Any = Done() if prompt.items else Text(text="Fridge Network Porto")
        elif prompt.kind == "review":
            event = Submit()
        elif prompt.kind == "submitted":
            event = Choose(value="dd_orgs")
        elif (prompt.path or "").endswith("org_tie"):
            event = Choose(value="works_with")
        else:
            event = Text(text=plain.get(str(prompt.question_type), "Fridge Network Porto"))
        state, prompt = step(FORM, state, event)
    raise AssertionError(f"never reached {path_end}")


@pytest.mark.parametrize(
    ("lang", "first", "typed"),
    [
        ("en", "Networking: we know each other", "coalition"),
        ("es", "Trabajo en red: nos conocemos", "coalición"),
    ],
)
def test_the_depth_screen_shows_words_and_takes_them(lang: str, first: str, typed: str) -> None:
    state, prompt = _walk_to("org_depth", lang)
    assert [c.value for c in prompt.choices] == ["1", "2", "3", "4", "5"]
    assert prompt.choices[0].label.startswith(first)
    state, _ = step(FORM, state, Text(text=typed))
    assert state.answers["organisations"][0]["org_depth"] == 4


def test_refusals_through_step_in_spanish(mini: FormDefinition) -> None:
    state, _ = run(mini, [SetLanguage(language="es"), *TO_SYSTEMS])
    assert state.language == "es"
    same, prompt = step(mini, state, Text(text="1 9"))
    assert same is state
    assert prompt.error is not None
    assert "del 1 al 4" in prompt.error
    state, prompt = step(mini, state, Text(text="alimentacion, energia"))
    assert state.answers["systems"] == ["food", "energy"]
    assert prompt.path == "food_detail"


@pytest.mark.parametrize("text", ["1" * 5000, "1 " + "2" * 5000, f"about {'9' * 5000} and 3"])
def test_huge_numbers_are_refused_briefly(text: str) -> None:
    """int() refuses more than 4300 digits; a refusal must neither raise nor quote them all."""
    for question in ("initiative_form", "org_depth", "start_year"):
        refusal = _typed(question, text)
        assert isinstance(refusal, Refusal)
        assert len(_say(refusal, "en")) < 300
