"""Hostile typed text never fails a turn in the store (found by the answer property test).

The engine refuses a lone surrogate and strips NUL, but the answer log kept the raw event, and
PostgreSQL refuses NUL and lone surrogates inside JSON: the turn ended with a database error
instead of the friendly refusal. The same held for a Telegram display name, stored as sent.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from intake.engine import Done, Text
from intake.form.definition import load_definition
from intake.i18n import t
from intake.storage.interviews import InterviewStore
from intake.storage.tables import AnswerLog, Leader

PACKAGED = load_definition()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Ana\x00 Ruiz", None),
        ("Ana \udc00Ruiz", "engine.error.unreadable"),
        ("\x00\x1b[2J", "engine.error.invisible"),
    ],
)
def test_a_raw_answer_is_logged_by_the_edge_rules_and_the_turn_goes_on(
    engine: Engine, typed: str, error: str | None
) -> None:
    store = InterviewStore(engine, PACKAGED)
    store.open("tg:7")
    store.apply("tg:7", Done())
    state, prompt = store.apply("tg:7", Text(text=typed))
    assert prompt.error == (t(error, "en") if error else None)
    assert state.answers.get("leader_name") == (None if error else "Ana Ruiz")
    with Session(engine) as session:
        logged = session.exec(select(AnswerLog).order_by(AnswerLog.seq.desc())).first()  # type: ignore[union-attr]
    assert logged is not None
    assert "\x00" not in logged.event["text"]
    assert "Ana" in logged.event["text"] or error == "engine.error.invisible"


def test_a_display_name_is_cleaned_before_it_is_stored(engine: Engine) -> None:
    store = InterviewStore(engine, PACKAGED)
    store.open("tg:8", display_name="\u200bAna\x00\x1b]0;pwned\x07 \udc00Ruiz ")
    with Session(engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_key == "tg:8")).one()
    assert leader.name == "Ana \ufffdRuiz"


def test_an_invisible_display_name_is_no_name(engine: Engine) -> None:
    store = InterviewStore(engine, PACKAGED)
    store.open("tg:9", display_name="\u200b \u200d")
    with Session(engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_key == "tg:9")).one()
    assert leader.name is None
