"""Repeat groups: add, edit, remove, done with zero items, unique keys, review paths."""

from __future__ import annotations

from intake.engine import step
from intake.engine.events import (
    Back,
    Choose,
    Done,
    Edit,
    Event,
    RepeatAdd,
    RepeatEdit,
    RepeatRemove,
    Review,
    Skip,
    Text,
)
from intake.form.definition import FormDefinition
from tests.intake.engine.walks import TO_MENU, run

COUNCIL: list[Event] = [
    RepeatAdd(),
    Text(text="Council"),
    Choose(value="food"),
    Text(text="Town hall"),
]
FARMERS: list[Event] = [RepeatAdd(), Text(text="Farmers"), Choose(value="energy"), Skip()]


def test_menu_with_zero_items(mini: FormDefinition) -> None:
    state, prompt = run(mini, TO_MENU)
    assert prompt.kind == "repeat_menu"
    assert prompt.path == "stakeholders"
    assert prompt.items == ()
    assert prompt.can_add
    assert prompt.can_finish
    assert prompt.can_skip
    assert prompt.hint
    assert "Add" in prompt.hint
    state, prompt = step(mini, state, Done())
    assert state.answers["stakeholders"] == []
    assert prompt.kind == "review"  # `story` needs at least one stakeholder


def test_add_items_in_order_and_label_them(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_MENU, RepeatAdd()])
    assert prompt.path == "stakeholders[0].st_name"
    assert prompt.can_back
    assert prompt.progress is not None
    assert prompt.progress.section == "People"
    state, prompt = run(mini, [Text(text="Council")], state)
    assert prompt.path == "stakeholders[0].st_system"
    assert [c.value for c in prompt.choices] == ["food", "energy"]  # filtered to picked systems
    state, prompt = run(mini, [Choose(value="food"), Text(text="Town hall")], state)
    assert prompt.kind == "repeat_menu"
    assert prompt.notice == "Entry saved."
    assert [item.label for item in prompt.items] == ["Council (Food)"]
    state, prompt = run(mini, FARMERS, state)
    assert [item.label for item in prompt.items] == ["Council (Food)", "Farmers (Energy)"]
    assert state.answers["stakeholders"] == [
        {"st_name": "Council", "st_system": "food", "st_note": "Town hall"},
        {"st_name": "Farmers", "st_system": "energy"},
    ]
    state, prompt = run(mini, [Done()], state)
    assert prompt.path == "story"


def test_duplicate_key_is_refused(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_MENU, *COUNCIL, RepeatAdd()])
    same, prompt = step(mini, state, Text(text=" council "))
    assert same is state
    assert prompt.error
    assert "council" in prompt.error
    assert prompt.path == "stakeholders[1].st_name"


def test_edit_item_shows_current_values(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_MENU, *COUNCIL, *FARMERS])
    state, prompt = step(mini, state, RepeatEdit(index=0))
    assert prompt.path == "stakeholders[0].st_name"
    assert prompt.current_value == "Council"
    # Keeping its own name is not a duplicate.
    state, prompt = run(mini, [Done(), Choose(value="energy"), Done()], state)
    assert prompt.kind == "repeat_menu"
    assert state.answers["stakeholders"][0] == {
        "st_name": "Council",
        "st_system": "energy",
        "st_note": "Town hall",
    }


def test_remove_item_and_limits(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_MENU, *COUNCIL, *FARMERS])
    state, prompt = step(mini, state, RepeatRemove(index=0))
    assert [item.label for item in prompt.items] == ["Farmers (Energy)"]
    assert prompt.notice == "Entry removed."
    for bad in (
        RepeatRemove(index=5),
        RepeatEdit(index=-1),
        Text(text=" ; "),  # typed text names entries (test_list_names.py); no name at all
        Choose(value="food"),
    ):
        same, prompt = step(mini, state, bad)
        assert same is state, bad
        assert prompt.error, bad
        assert prompt.kind == "repeat_menu", bad
    state, prompt = run(
        mini, [*COUNCIL, RepeatAdd(), Text(text="Third"), Choose(value="food"), Skip()], state
    )
    assert len(prompt.items) == 3
    assert not prompt.can_add
    same, prompt = step(mini, state, RepeatAdd())
    assert same is state
    assert prompt.error
    assert "3" in prompt.error


def test_back_inside_an_item(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_MENU, RepeatAdd(), Text(text="Council"), Back()])
    assert prompt.path == "stakeholders[0].st_name"
    assert prompt.current_value == "Council"
    state, prompt = step(mini, state, Back())
    assert prompt.kind == "repeat_menu"
    assert prompt.items == ()
    assert "stakeholders" not in state.answers
    assert "item" not in state.pending


def test_review_paths_and_inner_edit(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_MENU, *COUNCIL, Done(), Text(text="A story")])
    assert prompt.kind == "review"
    lines = {line.path: (line.label, line.value) for line in prompt.review}
    assert lines["stakeholders"] == ("Stakeholders", "Entries: 1")
    assert lines["stakeholders[0].st_name"] == ("Stakeholders 1", "Council")
    assert lines["stakeholders[0].st_system"] == ("Which of your systems?", "Food")
    state, prompt = step(mini, state, Edit(path="stakeholders[0].st_system"))
    assert prompt.path == "stakeholders[0].st_system"
    assert prompt.current_value == "Food"
    state, prompt = step(mini, state, Choose(value="energy"))
    assert prompt.kind == "review"
    assert state.answers["stakeholders"][0]["st_system"] == "energy"
    state, prompt = step(mini, state, Edit(path="stakeholders"))
    assert prompt.kind == "repeat_menu"
    assert len(prompt.items) == 1


def test_removing_the_last_item_hides_dependent_question(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_MENU, *COUNCIL, Done(), Text(text="A story")])
    state, prompt = run(mini, [Edit(path="stakeholders"), RepeatRemove(index=0), Done()], state)
    assert prompt.kind == "review"
    assert "story" not in state.answers
    assert state.stale["story"] == "A story"


def test_skip_a_whole_group(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_MENU, Skip()])
    assert "stakeholders" in state.skipped
    assert prompt.kind == "review"
    assert {line.path: line.value for line in prompt.review}["stakeholders"] == "Skipped"


def test_review_during_an_item_and_continue(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_MENU, RepeatAdd(), Text(text="Council"), Review()])
    assert prompt.kind == "review"
    state, prompt = step(mini, state, Done())
    assert prompt.path == "stakeholders[0].st_system"
