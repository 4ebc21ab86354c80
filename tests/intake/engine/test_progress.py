"""Progress: section x of y (core sections plus dives taken) and the questions left in it."""

from __future__ import annotations

from intake.engine import render, step
from intake.engine.events import Choose, Done, RepeatAdd, Start, Submit, Text
from intake.engine.prompt import Prompt
from intake.form.definition import FormDefinition
from tests.intake.engine.dive_walks import DIVES, TO_ORGS, TO_SENT
from tests.intake.engine.walks import TO_MENU, TO_SYSTEMS, run


def _where(prompt: Prompt) -> tuple[str, int, int, int]:
    assert prompt.progress is not None
    progress = prompt.progress
    return progress.section, progress.section_index, progress.section_total, progress.left


def test_sections_and_questions_left_on_a_form_without_dives(mini: FormDefinition) -> None:
    state, prompt = run(mini, [Start()])
    # `story` (section "More") is not relevant yet: two sections; the note is a screen too.
    assert _where(prompt) == ("About", 1, 2, 10)
    assert (prompt.progress.index, prompt.progress.total) == (1, 11)  # type: ignore[union-attr]
    state, prompt = run(mini, TO_SYSTEMS, state)
    assert _where(prompt) == ("About", 1, 2, 8)
    state, prompt = run(mini, TO_MENU[len(TO_SYSTEMS) :], state)
    assert _where(prompt) == ("People", 2, 2, 1)  # the menu itself
    state, prompt = run(mini, [RepeatAdd()], state)
    assert _where(prompt) == ("People", 2, 2, 3)  # name, system, and the menu after
    state, prompt = run(mini, [Text(text="Council"), Choose(value="food")], state)
    assert _where(prompt) == ("People", 2, 2, 2)  # its note (now relevant), then the menu
    state, prompt = run(mini, [Text(text="Town hall"), Done()], state)
    assert _where(prompt) == ("More", 3, 3, 1)  # a stakeholder made `story` relevant


def test_core_sections_leave_out_gates_and_dives_not_taken() -> None:
    state, prompt = run(DIVES, [Start()])
    assert _where(prompt) == ("About", 1, 3, 3)
    assert (prompt.progress.index, prompt.progress.total) == (1, 5)  # type: ignore[union-attr]
    state, prompt = run(DIVES, TO_ORGS, state)
    assert _where(prompt) == ("Organisations", 2, 3, 1)
    state, prompt = run(DIVES, [Text(text="Council; Food bank; Bank")], state)
    assert _where(prompt) == ("Organisations", 2, 3, 4)  # list, this tie, two more ties
    state, prompt = step(DIVES, state, Text(text="1"))
    assert _where(prompt) == ("Organisations", 2, 3, 3)
    state, prompt = run(DIVES, [Text(text="1"), Text(text="2"), Done()], state)
    assert _where(prompt) == ("Consent", 3, 3, 1)


def test_dives_taken_count_as_sections() -> None:
    sent, _ = run(DIVES, TO_SENT)
    state, prompt = step(DIVES, sent, Choose(value="dd_energy"))
    assert _where(prompt) == ("Energy", 4, 4, 1)
    state, prompt = run(DIVES, [Text(text="Solar"), Submit()], state)
    state, prompt = step(DIVES, state, Choose(value="dd_strategy"))
    assert _where(prompt) == ("Strategy", 4, 5, 2)  # Energy (taken) stays among the sections
    state, prompt = step(DIVES, sent, Choose(value="dd_orgs"))
    assert _where(prompt) == ("Organisation details", 4, 4, 3)
    state, prompt = step(DIVES, state, Choose(value="private"))
    assert _where(prompt) == ("Organisation details", 4, 4, 2)  # Food bank: sector, closeness
    assert render(DIVES, state).progress == prompt.progress
