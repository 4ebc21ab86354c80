"""/mydata and /deleteme: everything about a user is shown, and erased, and nothing else is."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from intake.records.importer import import_file
from intake.storage import session_scope
from intake.storage.deliveries import claim, finish
from intake.storage.digests import mark_not_relevant, update_digest_settings
from intake.storage.interviews import InterviewStore
from intake.storage.introductions import request_introduction
from intake.storage.leaders import find_leader
from intake.storage.tables import Initiative, Leader, utcnow
from tests.intake.storage.scripted import FULL_SCRIPT, run_script

ALL_TABLES = tuple(SQLModel.metadata.sorted_tables)
"""Every table, so a table added later is covered by the erasure checks without a test edit."""


def submit(store: InterviewStore, user_key: str) -> None:
    _, prompt, _ = store.open(user_key, display_name="Someone")
    run_script(lambda event: store.apply(user_key, event), prompt, FULL_SCRIPT)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in ALL_TABLES
        }


def test_personal_data_holds_leader_interview_log_submissions_and_initiative(
    store: InterviewStore,
) -> None:
    submit(store, "tg:11")
    data = store.personal_data("tg:11")
    json.dumps(data)  # JSON-able for /mydata
    assert data["leader"]["name"] == "Ana Ruiz"
    assert data["leader"]["telegram_id"] == 11
    [interview] = data["interviews"]
    assert interview["state"]["answers"]["region"] == "Andes"
    assert len(interview["answer_log"]) > 30
    assert interview["answer_log"][0]["seq"] == 1
    assert [s["revision"] for s in interview["submissions"]] == [1]
    [initiative] = data["initiatives"]
    assert initiative["record"]["name"] == "Cold Chain Commons"
    assert initiative["record"]["stakeholders"][0]["name"] == "Farmers Union"


def test_personal_data_of_a_stranger_is_empty(store: InterviewStore) -> None:
    assert store.personal_data("tg:404") == {
        "user_key": "tg:404",
        "leader": None,
        "digests": None,
        "deliveries": [],
        "introductions": [],
        "feedback": [],
        "interviews": [],
        "initiatives": [],
    }


def test_erase_counts_per_table_and_leaves_nothing_personal(
    store: InterviewStore, engine: Engine
) -> None:
    submit(store, "tg:11")
    submit(store, "tg:12")
    before = counts(engine)
    erased = store.erase("tg:11")
    after = counts(engine)
    assert erased == {name: before[name] - after[name] for name in before}
    assert erased["leader"] == erased["interview"] == erased["initiative"] == 1
    assert erased["submission"] == 1
    assert erased["stakeholder"] == 2
    assert erased["partner_tie"] == 3
    assert erased["answer_log"] > 30
    assert store.personal_data("tg:11")["interviews"] == []
    assert store.personal_data("tg:11")["leader"] is None
    assert store.current("tg:11") is None
    assert store.personal_data("tg:12")["initiatives"]  # the other user is untouched
    assert after["initiative"] == 1


def test_erase_removes_imported_initiatives_of_the_same_telegram_user(
    store: InterviewStore, engine: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"name": "Old Project", "issue": "waste", "leader": {"telegram_id": 13}})
        + "\n"
        + json.dumps({"name": "Other", "issue": "waste", "leader": {"telegram_id": 14}})
        + "\n",
        encoding="utf-8",
    )
    import_file(engine, source)
    store.open("tg:13")
    erased = store.erase("tg:13")
    assert (erased["leader"], erased["initiative"], erased["interview"]) == (1, 1, 1)
    with Session(engine) as session:
        assert [i.name for i in session.exec(select(Initiative)).all()] == ["Other"]


def test_erase_of_a_stranger_deletes_nothing(store: InterviewStore) -> None:
    assert set(store.erase("tg:404").values()) == {0}


def test_open_adopts_the_leader_an_import_created(
    store: InterviewStore, engine: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {"name": "Seeds", "issue": "soil", "leader": {"name": "Io", "telegram_id": 21}}
        ),
        encoding="utf-8",
    )
    import_file(engine, source)
    store.open("tg:21", display_name="Someone else")
    with Session(engine) as session:
        [leader] = session.exec(select(Leader)).all()
    assert (leader.user_key, leader.name) == ("tg:21", "Io")
    assert [i["record"]["name"] for i in store.personal_data("tg:21")["initiatives"]] == ["Seeds"]


def test_mark_inactive_then_open_reactivates(store: InterviewStore, engine: Engine) -> None:
    store.open("tg:31")
    store.mark_inactive("tg:31")
    with Session(engine) as session:
        assert session.exec(select(Leader.active)).one() is False
    store.mark_inactive("tg:404")  # unknown users: nothing to mark, no error
    store.open("tg:31")
    with Session(engine) as session:
        assert session.exec(select(Leader.active)).one() is True


def _leader_id(engine: Engine, user_key: str) -> int:
    with session_scope(engine) as session:
        leader = find_leader(session, user_key)
        assert leader is not None
        assert leader.id is not None
        return leader.id


def test_erase_removes_digests_introductions_and_feedback_but_not_the_other_leaders(
    store: InterviewStore, engine: Engine
) -> None:
    submit(store, "tg:21")
    submit(store, "tg:22")
    me, other = _leader_id(engine, "tg:21"), _leader_id(engine, "tg:22")
    now = utcnow()
    with session_scope(engine) as session:
        update_digest_settings(session, me, frequency="weekly", timezone="Europe/Lisbon")
        update_digest_settings(session, other, frequency="monthly")
        mark_not_relevant(session, me, "someone")
        mark_not_relevant(session, other, "someone")
        pair = {"reason": "", "now": now}
        request_introduction(
            session,
            asker_id=me,
            target_id=other,
            asker_initiative="a",
            target_initiative="b",
            **pair,
        )
        request_introduction(
            session,
            asker_id=other,
            target_id=me,
            asker_initiative="b",
            target_initiative="a",
            **pair,
        )
    for leader in (me, other):
        delivery = claim(engine, leader, "2026-W49", now)
        assert delivery is not None
        assert finish(engine, delivery, "sent", now)
    assert store.personal_data("tg:21")["introductions"][0]["role"] == "asked"
    erased = store.erase("tg:21")
    assert (erased["digest_preference"], erased["digest_delivery"]) == (1, 1)
    assert (erased["intro_request"], erased["peer_feedback"]) == (2, 1)
    left = counts(engine)
    assert (left["digest_preference"], left["digest_delivery"], left["peer_feedback"]) == (1, 1, 1)
    assert left["intro_request"] == 0  # both requests involved the erased leader
