"""The packaged form (v2) end to end in the terminal: the Porto fridge leader types it all.

The leader answers as in tests/personas.py, in the terminal's own way: a choice is its number,
the ticks of a multi-select are one line of numbers ("2 8"), the organisations one line of
names. First the chat runs in-process, line by line, to count the lines and read each screen;
then the very same lines go to a real `helix chat` through its stdin, which must send the
core, take a deep dive from the closing screen by a word of its name, and leave on /quit with
exit status 0, the organisations in the domain tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine

from bot.services import Services
from intake.engine import Choose, Done, Event, RepeatAdd, Skip, Submit, Text, Toggle
from intake.engine.prompt import Prompt
from tests.bot import porto
from tests.bot.test_cli import helix
from tests.bot.test_terminal import Script, run_chat
from tests.bot.test_terminal import services as services
from tests.personas import _inputs

#: What the leader types at the closing screen: a word of the dive's name, then leaving.
TAKE_ORG_DETAILS = "organisation"


def typed_line(prompt: Prompt, events: list[Event]) -> str:
    """The one line a terminal user types for the persona's inputs on this screen."""
    first = events[0]
    if isinstance(first, Text):
        return first.text
    if isinstance(first, Choose):
        return str([c.value for c in prompt.choices].index(first.value) + 1)
    if isinstance(first, Toggle):  # every tick in one line of numbers; no Done needed
        values = [c.value for c in prompt.choices]
        return " ".join(str(values.index(e.value) + 1) for e in events if isinstance(e, Toggle))
    if isinstance(first, Skip):
        return "/skip"
    if isinstance(first, Submit):
        return "s"
    if isinstance(first, RepeatAdd):
        return "a"
    assert isinstance(first, Done), events
    return "d" if prompt.kind == "repeat_menu" else ""


def porto_at_the_keyboard(lines: list[str]) -> Callable[[Prompt], str]:
    """The leader: the core, one Send, the organisation details dive, one more Send, /quit."""
    sends = 0

    def respond(prompt: Prompt) -> str:
        nonlocal sends
        if prompt.kind == "submitted":
            sends += 1
            line = TAKE_ORG_DETAILS if sends == 1 else "/quit"
        else:
            line = typed_line(prompt, _inputs(prompt, porto.PORTO_ALL))
        lines.append(line)
        return line

    return respond


def test_the_porto_leader_in_the_terminal_then_through_helix_chat_stdin(
    services: Services, tmp_path: Path
) -> None:
    lines: list[str] = []
    output = run_chat(services, Script([], porto_at_the_keyboard(lines)))
    core = lines.index(TAKE_ORG_DETAILS)
    assert core <= porto.CORE_BUDGET, lines  # every line typed up to the first Send
    assert lines[-1] == "/quit"
    said = " ".join(output.split())
    assert "Section 1 of 6 · 2 questions left · You and your initiative" in said
    assert "Have a few more minutes?" in said
    assert "1. Strategy: 5 questions, about 3 minutes" in said
    assert "2. Organisation details: 11 questions, about 4 minutes" in said
    assert "Section 7 of 7" in said  # the dive taken is a section of its own
    assert "version 2" in said  # sent again after the dive
    assert porto.organisations_in_tables(services.engine) == porto.PORTO_TABLES
    state = services.store.current("term:ana")
    assert state is not None
    names = [entry["org_name"] for entry in state.answers["organisations"]]
    assert names == list(porto.PORTO_ORGS)

    replay = tmp_path / "replay"
    result = helix(
        "chat",
        "--user",
        "porto",
        env={"HELIX_DATA_DIR": str(replay), "HELIX_DEMO_DATA": "false"},
        stdin="\n".join(lines) + "\n",
    )
    assert result.returncode == 0, result.stderr
    engine = create_engine(f"sqlite:///{next(replay.glob('*.db'))}")
    try:
        assert porto.organisations_in_tables(engine) == porto.PORTO_TABLES
        assert porto.initiative_revision(engine) == 2  # the core, then the dive
    finally:
        engine.dispose()
