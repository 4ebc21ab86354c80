"""Shared fixtures for the engine tests: the fixture form and a small event runner."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from intake.definition import FormDefinition, load_definition
from intake.engine import start, step
from intake.events import Event
from intake.prompt import Prompt
from intake.state import InterviewState

FORMS = Path(__file__).with_name("forms")


@pytest.fixture(scope="session")
def mini() -> FormDefinition:
    return load_definition(FORMS / "mini.yaml")


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
