"""Typed answers are cleaned at the edge by the same rules as imported text (issue 12, item 8).

A typed answer reaches the engine from the terminal chat or Telegram. Before this, a lone
surrogate, a terminal escape (`ESC [2J`, an OSC window title), NUL or DEL, or a name made only of
zero-width spaces was stored as typed: the surrogate later broke every export, the escapes were
echoed by `/review`, and an invisible name was accepted. Now escapes and control characters are
stripped (as the importer does), and text that cannot be kept is refused with a friendly reason
while the interview stays where it was.
"""

from __future__ import annotations

import pytest

from intake.engine import Done, InterviewState, Prompt, Text, start, step
from intake.form.definition import FormDefinition, load_definition
from intake.i18n import t

FORM = load_definition()


def at(definition: FormDefinition, path: str, language: str = "en") -> InterviewState:
    """The packaged interview, answered plausibly until `path` is the question on screen."""
    state = start(definition, language=language)
    state, prompt = step(definition, state, Done())  # past the welcome note
    typed = {"text": "Ana Ruiz", "long_text": "Food waste", "url": "example.org"}
    for _ in range(20):
        if prompt.path == path:
            return state
        text = typed.get(str(prompt.question_type), "1")
        state, prompt = step(definition, state, Text(text=text))
    raise AssertionError(f"never reached {path}; stuck at {prompt.path}")


def answer(path: str, text: str, language: str = "en") -> tuple[InterviewState, Prompt, bool]:
    """Type `text` at `path`: the new state, the prompt, and whether the state stayed as it was."""
    before = at(FORM, path, language)
    after, prompt = step(FORM, before, Text(text=text))
    return after, prompt, after == before


@pytest.mark.parametrize("text", ["\ud800", "\ud800\udfff\ud800", "Ana \udc00Ruiz"])
def test_a_lone_surrogate_is_refused_with_a_reason(text: str) -> None:
    _, prompt, unchanged = answer("leader_name", text)
    assert unchanged
    assert prompt.error == t("engine.error.unreadable", "en")
    assert prompt.path == "leader_name"


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u200b \u200b \u200b", "\u2060\u00ad \ufeff"])
def test_a_name_of_only_invisible_characters_is_refused(text: str) -> None:
    _, prompt, unchanged = answer("leader_name", text)
    assert unchanged
    assert prompt.error == t("engine.error.invisible", "en")


def test_refusals_speak_the_interview_language() -> None:
    _, prompt, _ = answer("leader_name", "\u200b\u200b", language="es")
    assert prompt.error == t("engine.error.invisible", "es")
    assert prompt.error != t("engine.error.invisible", "en")
    _, prompt, _ = answer("leader_name", "\udfff", language="es")
    assert prompt.error == t("engine.error.unreadable", "es")


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Ana\x1b[2J Ruiz", "Ana Ruiz"),
        ("\x1b]0;pwned\x07Ana Ruiz", "Ana Ruiz"),
        ("\x1b]8;;http://x\x1b\\Ana Ruiz", "Ana Ruiz"),
        ("Ana\x00 Ruiz\x7f", "Ana Ruiz"),
        ("\u200bAna Ruiz\u200b", "Ana Ruiz"),
        ("Ana\nRuiz", "Ana Ruiz"),  # a one-line answer, as in an import's name
    ],
)
def test_escapes_and_controls_are_stripped_from_a_name(text: str, stored: str) -> None:
    after, prompt, _ = answer("leader_name", text)
    assert prompt.error is None
    assert after.answers["leader_name"] == stored


def test_escape_sequences_alone_are_nothing_visible() -> None:
    _, prompt, unchanged = answer("leader_name", "\x1b[2J\x1b]0;title\x07\x00")
    assert unchanged
    assert prompt.error == t("engine.error.invisible", "en")


def test_long_text_keeps_its_line_breaks_and_loses_its_escapes() -> None:
    after, prompt, _ = answer("issue", "Food waste\x1b[31m in\x00 Eastbrook\n\nand hunger")
    assert prompt.error is None
    assert after.answers["issue"] == "Food waste in Eastbrook\n\nand hunger"


def test_list_items_of_only_invisible_characters_are_dropped() -> None:
    after, prompt, _ = answer("goals", "\u200b; Halve food waste\x1b[2J;\ufeff")
    assert prompt.error is None
    assert after.answers["goals"] == ["Halve food waste"]
