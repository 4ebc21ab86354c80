"""Typed text at a list menu: the menu's own words, or names that become entries at once."""

from __future__ import annotations

import pytest

from intake.engine import step
from intake.engine.events import Back, Done, Event, RepeatRemove, Review, Skip, Text
from intake.form.definition import FormDefinition
from tests.intake.engine.dive_walks import DIVES, TO_ORGS
from tests.intake.engine.walks import TO_MENU, run


@pytest.mark.parametrize("word", ["done", "That's all", "  NONE ", "listo", "ya esta", "Ya está"])
def test_a_done_word_finishes_the_list(word: str) -> None:
    state, prompt = run(DIVES, [*TO_ORGS, Text(text=word)])
    assert state.answers["orgs"] == []
    assert prompt.path == "consent_listed"


@pytest.mark.parametrize("word", ["skip", "Saltar"])
def test_a_skip_word_skips_the_list(word: str) -> None:
    state, prompt = run(DIVES, [*TO_ORGS, Text(text=word)])
    assert "orgs" in state.skipped
    assert prompt.path == "consent_listed"


@pytest.mark.parametrize("event", [Text(text="skip"), Skip()])
def test_skip_with_entries_keeps_them_and_moves_on(event: Event) -> None:
    """With entries on the list, "skip" means "no more", never "throw these away"."""
    state, prompt = run(DIVES, [*TO_ORGS, Text(text="Council"), Text(text="1")])
    assert prompt.kind == "repeat_menu"
    assert not prompt.can_skip  # no Skip button beside entries
    state, prompt = step(DIVES, state, event)
    assert [entry["org_name"] for entry in state.answers["orgs"]] == ["Council"]
    assert "orgs" not in state.skipped
    assert prompt.path == "consent_listed"


def test_names_become_entries_and_each_incomplete_one_opens_in_turn() -> None:
    state, prompt = run(DIVES, [*TO_ORGS, Text(text="Council; Food bank\nRiver trust")])
    assert state.answers["orgs"] == [
        {"org_name": "Council"},
        {"org_name": "Food bank"},
        {"org_name": "River trust"},
    ]
    assert prompt.notice is not None
    assert prompt.notice.startswith("3 entries added.")
    assert prompt.path == "orgs[0].org_tie"
    assert prompt.progress is not None
    assert prompt.progress.left == 4  # the list, this tie and the two other missing ties
    state, prompt = step(DIVES, state, Text(text="2"))
    assert prompt.path == "orgs[1].org_tie"
    assert prompt.notice == "Entry saved."
    state, prompt = run(DIVES, [Text(text="1"), Text(text="1")], state)
    assert prompt.kind == "repeat_menu"
    assert [item.label for item in prompt.items] == [
        "Council (Works with us)",
        "Food bank (Takes part)",
        "River trust (Takes part)",
    ]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Council; council ", "“council” is already on the list"),
        ("Council; A", "at least 2 characters"),
        ("A; B; C; D; E", "full (4 entries)"),
        (" ;\n; ", "I need a few words"),
    ],
)
def test_one_bad_name_refuses_the_whole_batch(typed: str, error: str) -> None:
    state, _ = run(DIVES, TO_ORGS)
    same, prompt = step(DIVES, state, Text(text=typed))
    assert same is state
    assert prompt.kind == "repeat_menu"
    assert prompt.error is not None
    assert error in prompt.error


def test_a_name_already_on_the_list_is_refused() -> None:
    state, _ = run(DIVES, [*TO_ORGS, Text(text="Council"), Text(text="1")])
    same, prompt = step(DIVES, state, Text(text="Food bank;COUNCIL"))
    assert same is state
    assert prompt.error is not None
    assert "COUNCIL" in prompt.error


def test_one_name_opens_its_entry_as_before(mini: FormDefinition) -> None:
    # Complete with its name alone, the entry still asks its other questions, as RepeatAdd does.
    state, prompt = run(mini, [*TO_MENU, Text(text="Council")])
    assert prompt.path == "stakeholders[0].st_system"
    assert state.answers["stakeholders"] == [{"st_name": "Council"}]
    state, prompt = run(mini, [Text(text="1"), Text(text="Town hall")], state)
    assert prompt.kind == "repeat_menu"
    assert state.answers["stakeholders"] == [
        {"st_name": "Council", "st_system": "food", "st_note": "Town hall"}
    ]


def test_back_out_of_an_entry_shows_the_menu_as_it_is() -> None:
    state, prompt = run(DIVES, [*TO_ORGS, Text(text="Council"), Back()])
    assert prompt.path == "orgs[0].org_name"  # as before: Back re-asks the name first
    assert prompt.current_value == "Council"
    state, prompt = step(DIVES, state, Back())
    assert prompt.kind == "repeat_menu"
    assert state.answers["orgs"] == [{"org_name": "Council"}]  # nothing typed is lost
    assert not prompt.can_finish
    same, prompt = step(DIVES, state, Done())
    assert same is state
    assert prompt.error
    state, prompt = step(DIVES, state, RepeatRemove(index=0))
    assert prompt.kind == "repeat_menu"
    assert prompt.can_finish


def test_after_review_continue_opens_the_incomplete_entry() -> None:
    events: list[Event] = [*TO_ORGS, Text(text="Council; Food bank"), Text(text="1"), Back()]
    state, prompt = run(DIVES, events)
    assert prompt.kind == "repeat_menu"  # out of Food bank, opened after Council was saved
    state, prompt = step(DIVES, state, Review())
    assert prompt.kind == "review"
    assert prompt.can_continue
    state, prompt = step(DIVES, state, Done())
    assert prompt.path == "orgs[1].org_tie"
