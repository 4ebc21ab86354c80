"""InterviewStore on real databases: write-through, answer log, submit and re-submit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from intake.engine.events import Done, Edit, Start, Submit, Text
from intake.form.definition import FormDefinition
from intake.storage.db import create_db_engine
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


def submit(store: InterviewStore, user_key: str, script: dict[str, Any]) -> None:
    _, prompt, _ = store.open(user_key)
    run_script(lambda event: store.apply(user_key, event), prompt, script)


def rows(engine: Engine, table: Any, **where: Any) -> list[Any]:
    with Session(engine) as session:
        query = select(table)
        for name, value in where.items():
            query = query.where(getattr(table, name) == value)
        return list(session.exec(query.order_by(table.id)).all())


def test_open_starts_then_resumes(store: InterviewStore) -> None:
    state, prompt, resumed = store.open("term:ana", language="es", display_name="Ana")
    assert (resumed, state.language, prompt.kind) == (False, "es", "question")
    store.apply("term:ana", Text(text="Ana Ruiz"))
    again, _, resumed_again = store.open("term:ana", language="en")
    assert resumed_again
    assert again.answers == {"leader_name": "Ana Ruiz"}
    assert again.language == "es"


def test_current_is_none_for_a_stranger(store: InterviewStore) -> None:
    assert store.current("term:nobody") is None


def test_every_apply_is_durable_in_a_new_engine(
    store: InterviewStore, db_url: str, form: FormDefinition
) -> None:
    store.open("tg:7")
    for answer in ("Ana", "Cold Chain", "Food loss"):
        store.apply("tg:7", Text(text=answer))
        reopened = create_db_engine(db_url)
        try:
            seen = InterviewStore(reopened, form).current("tg:7")
        finally:
            reopened.dispose()
        assert seen is not None
        assert answer in seen.answers.values()


def test_answer_log_is_ordered_and_names_what_changed(
    store: InterviewStore, engine: Engine
) -> None:
    store.open("term:bo")
    store.apply("term:bo", Text(text="Bo"))
    store.apply("term:bo", Text(text="x"))  # too short for nothing: a plain text, accepted
    store.apply("term:bo", Start())
    store.apply("term:bo", Edit(path="leader_name"))
    store.apply("term:bo", Text(text="Bo Lind"))
    log = rows(engine, AnswerLog)
    assert [entry.seq for entry in log] == [1, 2, 3, 4, 5]
    assert [entry.event["kind"] for entry in log] == ["text", "text", "start", "edit", "text"]
    assert [(entry.path, entry.value) for entry in log] == [
        ("leader_name", "Bo"),
        ("initiative_name", "x"),
        (None, None),
        (None, None),
        ("leader_name", "Bo Lind"),
    ]
    assert all(entry.at.tzinfo is not None for entry in log)


def test_repeat_answers_are_logged_with_their_item_path(
    store: InterviewStore, engine: Engine
) -> None:
    submit(store, "term:cy", FULL_SCRIPT)
    paths = [entry.path for entry in rows(engine, AnswerLog) if entry.path]
    assert "stakeholders[0]" in paths
    assert "stakeholders[1]" in paths
    assert "partners[0]" in paths


def test_submit_freezes_a_revision_and_projects_it(store: InterviewStore, engine: Engine) -> None:
    submit(store, "tg:42", FULL_SCRIPT)
    [submission] = rows(engine, Submission)
    assert submission.revision == 1
    assert submission.form_version == "storage.1"
    assert submission.answers["initiative_name"] == "Cold Chain Commons"
    [initiative] = rows(engine, Initiative)
    assert initiative.source == "interview"
    assert initiative.revision == 1
    assert (initiative.external_id or "").startswith("helix:")
    assert (initiative.name, initiative.issue) == (
        "Cold Chain Commons",
        "Food loss between farms and markets",
    )
    assert initiative.production_system == "food"
    assert initiative.goals == ["Halve post-harvest loss", "Shared cold rooms"]
    assert initiative.geo_levels == ["local", "national"]
    assert (initiative.region, initiative.stage) == ("Andes", "pilot")
    assert initiative.extra["theory_of_change"].startswith("Pool storage")
    assert initiative.extra["consciousness"] == 4
    assert initiative.extra["production_systems"] == ["food", "other"]
    [leader] = rows(engine, Leader)
    assert (leader.telegram_id, leader.name, initiative.leader_id) == (42, "Ana Ruiz", leader.id)


def test_projection_child_rows(store: InterviewStore, engine: Engine) -> None:
    submit(store, "tg:42", FULL_SCRIPT)
    assert [(s.name, s.sector, s.role) for s in rows(engine, Stakeholder)] == [
        ("Farmers Union", "civil_society", "members"),
        ("City Council", "government", None),
    ]
    assert [
        (t.kind, t.partner_name, t.sector, t.relation, t.depth) for t in rows(engine, PartnerTie)
    ] == [
        ("works_with", "Seed Savers", "civil_society", "joint project", 4),
        ("knows_of", "Food Bank North", None, None, None),
        ("knows_of", "Market Watch", None, None, None),
    ]
    assert [(p.actor, p.segment, p.relation, p.depth) for p in rows(engine, PsLink)] == [
        ("FreshMart", "retail", "partnership", 3)
    ]
    assert {(r.task, r.level) for r in rows(engine, TaskRating)} == {
        ("visioning", "core"),
        ("learning", "minor"),
    }
    assert [(n.kind, n.category, n.detail) for n in rows(engine, NeedOffer)] == [
        ("need", "funding", None),  # one detail about both is kept once, in `extra`
        ("need", "data", None),
    ]
    [consent] = rows(engine, Consent)
    assert (consent.listed, consent.introductions, consent.digest) == (True, False, "monthly")


def test_resubmission_replaces_child_rows_and_keeps_the_id(
    store: InterviewStore, engine: Engine
) -> None:
    submit(store, "tg:42", FULL_SCRIPT)
    [first] = rows(engine, Initiative)
    store.apply("tg:42", Edit(path="stakeholders"))
    store.apply("tg:42", Done())  # keep the list as it is
    store.apply("tg:42", Edit(path="region"))
    store.apply("tg:42", Text(text="Pacific coast"))
    _, prompt = store.apply("tg:42", Submit())
    assert prompt.kind == "submitted"
    [second] = rows(engine, Initiative)
    assert (second.id, second.external_id) == (first.id, first.external_id)
    assert (second.revision, second.region) == (2, "Pacific coast")
    assert [s.revision for s in rows(engine, Submission)] == [1, 2]
    assert len(rows(engine, Stakeholder)) == 2
    assert len(rows(engine, PartnerTie)) == 3
    assert len(rows(engine, TaskRating)) == 2
    assert len(rows(engine, Consent)) == 1


def test_refused_events_are_logged_and_change_nothing(
    store: InterviewStore, engine: Engine
) -> None:
    store.open("term:di")
    state, prompt = store.apply("term:di", Submit())
    assert prompt.error
    assert state.answers == {}
    [entry] = rows(engine, AnswerLog)
    assert (entry.event, entry.path) == ({"kind": "submit"}, None)
    assert rows(engine, Submission) == []


def test_apply_without_open_starts_an_interview(store: InterviewStore, engine: Engine) -> None:
    state, _ = store.apply("tg:9", Text(text="Eve"))
    assert state.answers == {"leader_name": "Eve"}
    assert len(rows(engine, Interview)) == 1
    assert [leader.telegram_id for leader in rows(engine, Leader)] == [9]


def test_a_new_form_version_keeps_the_answers(
    store: InterviewStore, engine: Engine, form: FormDefinition
) -> None:
    store.open("term:fa")
    store.apply("term:fa", Text(text="Fa"))
    newer = form.model_copy(update={"version": "storage.2"})
    later = InterviewStore(engine, newer)
    state, prompt, resumed = later.open("term:fa")
    assert resumed
    assert state.answers == {"leader_name": "Fa"}
    assert prompt.path == "initiative_name"
    [row] = rows(engine, Interview)
    assert row.form_version == "storage.1"  # pinned to where it started
    run_script(lambda event: later.apply("term:fa", event), prompt, FULL_SCRIPT)
    [submission] = rows(engine, Submission)
    assert submission.form_version == "storage.2"


def test_interview_timestamps_are_utc(store: InterviewStore, engine: Engine) -> None:
    store.open("term:gu")
    store.apply("term:gu", Text(text="Gu"))
    [row] = rows(engine, Interview)
    assert row.created_at.utcoffset() is not None
    assert row.created_at.utcoffset().total_seconds() == 0
    assert row.updated_at >= row.created_at


def test_leader_count_stays_one_across_many_opens(store: InterviewStore, engine: Engine) -> None:
    for _ in range(3):
        store.open("tg:5", display_name="Hu")
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Leader)).one()
        interviews = session.exec(select(func.count(col(Interview.id)))).one()
    assert (count, interviews) == (1, 1)
