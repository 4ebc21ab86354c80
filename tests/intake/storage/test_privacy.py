"""/mydata and /deleteme: everything about a user is shown, and erased, and nothing else is."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from intake.records.importer import import_file
from intake.storage.interviews import InterviewStore
from intake.storage.tables import (
    AnswerLog,
    Consent,
    Initiative,
    Interview,
    Leader,
    NeedOffer,
    PartnerTie,
    PsLink,
    Stakeholder,
    Submission,
    TaskRating,
)
from tests.intake.storage.scripted import FULL_SCRIPT, run_script

ALL_TABLES = (
    Leader,
    Interview,
    AnswerLog,
    Submission,
    Initiative,
    Stakeholder,
    PartnerTie,
    PsLink,
    TaskRating,
    NeedOffer,
    Consent,
)


def submit(store: InterviewStore, user_key: str) -> None:
    _, prompt, _ = store.open(user_key, display_name="Someone")
    run_script(lambda event: store.apply(user_key, event), prompt, FULL_SCRIPT)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__tablename__: session.exec(select(func.count()).select_from(table)).one()
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
