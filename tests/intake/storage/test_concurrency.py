"""Thirty users at once: every interview ends with its own answers, none mixed or lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from intake.engine.events import Text
from intake.storage.interviews import InterviewStore
from intake.storage.tables import AnswerLog, Initiative, Interview
from tests.intake.storage.scripted import FULL_SCRIPT, run_script

USERS = 30


def interview(store: InterviewStore, number: int) -> None:
    user_key = f"tg:{1000 + number}"
    script = {
        **FULL_SCRIPT,
        "leader_name": f"Leader {number}",
        "initiative_name": f"Init {number}",
    }
    _, prompt, _ = store.open(user_key)
    run_script(lambda event: store.apply(user_key, event), prompt, script)


@pytest.mark.slow
def test_thirty_users_at_once_do_not_mix(store: InterviewStore, engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=USERS) as pool:
        list(pool.map(lambda n: interview(store, n), range(USERS)))
    with Session(engine) as session:
        initiatives = session.exec(select(Initiative)).all()
        interviews = session.exec(select(Interview)).all()
        by_user = {row.user_key: row for row in interviews}
        for number in range(USERS):
            row = by_user[f"tg:{1000 + number}"]
            assert row.state["answers"]["initiative_name"] == f"Init {number}"
            assert row.state["answers"]["leader_name"] == f"Leader {number}"
            seqs = session.exec(
                select(AnswerLog.seq)
                .where(AnswerLog.interview_id == row.id)
                .order_by(col(AnswerLog.seq))
            ).all()
            assert list(seqs) == list(range(1, row.event_count + 1))
    assert sorted(i.name for i in initiatives) == sorted(f"Init {n}" for n in range(USERS))
    assert len(interviews) == USERS


def test_one_user_from_many_threads_keeps_every_event(
    store: InterviewStore, engine: Engine
) -> None:
    """Concurrent events for the *same* user queue on the row lock; none is lost."""
    store.open("tg:77")
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda n: store.apply("tg:77", Text(text=f"answer {n}")), range(20)))
    with Session(engine) as session:
        [row] = session.exec(select(Interview)).all()
        seqs = session.exec(select(AnswerLog.seq).order_by(col(AnswerLog.seq))).all()
    assert row.event_count == 20
    assert list(seqs) == list(range(1, 21))


def test_first_contact_race_creates_one_interview(store: InterviewStore, engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: store.open("tg:88"), range(8)))
    assert sum(1 for _, _, resumed in results if not resumed) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Interview)).all()) == 1
