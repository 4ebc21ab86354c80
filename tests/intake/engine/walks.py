"""Helpers for the engine tests: an event runner and well-known walks through the mini form."""

from __future__ import annotations

from collections.abc import Iterable

from intake.engine import start, step
from intake.engine.events import Choose, Done, Event, Text, Toggle
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition

TO_SYSTEMS: list[Event] = [Done(), Text(text="Acme")]
TO_STAGE: list[Event] = [
    *TO_SYSTEMS,
    Toggle(value="food"),
    Toggle(value="energy"),
    Done(),
    Text(text="seeds"),
]
TO_MENU: list[Event] = [
    *TO_STAGE,
    Choose(value="running"),
    Text(text="2019"),
    Text(text="12"),
    Text(text="1.5"),
    Text(text="acme.org"),
    Text(text="soil; water"),
    Choose(value="4"),
]


def run(
    definition: FormDefinition, events: Iterable[Event], state: InterviewState | None = None
) -> tuple[InterviewState, Prompt]:
    """Apply events in order from `state` (or a fresh start); return the last state and prompt."""
    current = state or start(definition)
    prompt = None
    for event in events:
        current, prompt = step(definition, current, event)
    assert prompt is not None
    return current, prompt
