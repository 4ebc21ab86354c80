"""Who a user is in the database, and everything stored about them: /mydata and /deleteme.

A user key (`tg:<id>`, `term:<name>`) finds its leader row, or an imported leader with the same
Telegram id, which the interview then adopts. `personal_data` gathers every row about a person
(leader, interviews with their answer logs and submissions, initiatives as records); `erase`
deletes exactly those rows and reports how many per table, so the erasure can be seen. Both
include the leader's digest preference and deliveries, the introductions they asked for or were
asked for, and their "not relevant" feedback.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, or_
from sqlmodel import Session, col, select

from intake.storage.introductions import requests_of
from intake.storage.rows import read_records
from intake.storage.tables import (
    CHILD_TABLES,
    AnswerLog,
    DigestDelivery,
    DigestPreference,
    Initiative,
    Interview,
    IntroRequest,
    Leader,
    PeerFeedback,
    Submission,
)
from intake.text import recordable, strip_text


def telegram_id_of(user_key: str) -> int | None:
    """`tg:123` -> 123; other surfaces (`term:name`) have no Telegram id."""
    prefix, _, rest = user_key.partition(":")
    return int(rest) if prefix == "tg" and rest.lstrip("-").isdecimal() else None


def find_leader(session: Session, user_key: str) -> Leader | None:
    """By user key, else an imported leader with the same Telegram id."""
    leader = session.exec(select(Leader).where(Leader.user_key == user_key)).first()
    telegram_id = telegram_id_of(user_key)
    if leader is None and telegram_id is not None:
        leader = session.exec(select(Leader).where(Leader.telegram_id == telegram_id)).first()
    return leader


def leader_row(
    session: Session, user_key: str, *, language: str = "en", display_name: str | None = None
) -> Leader:
    """The user's leader row, created on first contact; an imported one is adopted.

    `display_name` comes from outside (a Telegram profile) and is cleaned like a typed name.
    """
    display_name = strip_text(recordable(display_name or "", one_line=True)) or None
    leader = find_leader(session, user_key)
    if leader is None:
        leader = Leader(
            user_key=user_key,
            telegram_id=telegram_id_of(user_key),
            name=display_name,
            language=language,
        )
    else:
        leader.user_key = user_key
        if display_name and not leader.name:
            leader.name = display_name
    session.add(leader)
    session.flush()
    return leader


def _initiatives(
    session: Session, leader: Leader | None, interview_ids: list[int]
) -> list[Initiative]:
    conditions: list[ColumnElement[bool]] = []
    if interview_ids:
        conditions.append(col(Initiative.interview_id).in_(interview_ids))
    if leader is not None:
        conditions.append(col(Initiative.leader_id) == leader.id)
    if not conditions:
        return []
    query = select(Initiative).where(or_(*conditions)).order_by(col(Initiative.id))
    return list(session.exec(query).all())


def personal_data(session: Session, user_key: str) -> dict[str, Any]:
    """Everything stored about this user, JSON-able (for /mydata)."""
    leader = find_leader(session, user_key)
    interviews = session.exec(
        select(Interview).where(Interview.user_key == user_key).order_by(col(Interview.id))
    ).all()
    initiatives = _initiatives(session, leader, [i.id for i in interviews if i.id is not None])
    records = read_records(session=session, initiatives=initiatives)
    return {
        "user_key": user_key,
        "leader": _plain(leader.model_dump(exclude={"id"})) if leader else None,
        **_outreach(session, leader),
        "interviews": [_interview_data(session, row) for row in interviews],
        "initiatives": [
            {
                "source": initiative.source,
                "revision": initiative.revision,
                "created_at": initiative.created_at.isoformat(),
                "updated_at": initiative.updated_at.isoformat(),
                "record": record.to_json(),
            }
            for initiative, record in zip(initiatives, records, strict=True)
        ],
    }


def erase(session: Session, user_key: str) -> dict[str, int]:
    """Delete everything personal about this user; returns deleted rows per table."""
    leader = find_leader(session, user_key)
    found = session.exec(select(Interview.id).where(Interview.user_key == user_key))
    interview_ids = [i for i in found.all() if i is not None]
    initiative_ids = [i.id for i in _initiatives(session, leader, interview_ids)]
    counts: dict[str, int] = {}

    def drop(table: Any, column: Any, ids: list[Any]) -> None:
        result = session.execute(delete(table).where(col(column).in_(ids))) if ids else None
        counts[table.__tablename__] = result.rowcount if result is not None else 0  # type: ignore[attr-defined]

    for table in CHILD_TABLES:
        drop(table, table.initiative_id, initiative_ids)  # type: ignore[attr-defined]
    drop(Initiative, Initiative.id, initiative_ids)
    drop(AnswerLog, AnswerLog.interview_id, interview_ids)
    drop(Submission, Submission.interview_id, interview_ids)
    drop(Interview, Interview.id, interview_ids)
    leader_ids = [leader.id] if leader else []
    for table in (DigestPreference, DigestDelivery, PeerFeedback):
        drop(table, table.leader_id, leader_ids)
    requests = [r.id for r in requests_of(session, leader.id)] if leader and leader.id else []
    drop(IntroRequest, IntroRequest.id, requests)
    drop(Leader, Leader.id, leader_ids)
    return counts


def _outreach(session: Session, leader: Leader | None) -> dict[str, Any]:
    """Digest settings and deliveries, introductions and feedback, as /mydata shows them."""
    if leader is None or leader.id is None:
        return {"digests": None, "deliveries": [], "introductions": [], "feedback": []}
    lid = leader.id
    pref = session.exec(select(DigestPreference).where(DigestPreference.leader_id == lid)).first()
    deliveries = session.exec(
        select(DigestDelivery)
        .where(DigestDelivery.leader_id == lid)
        .order_by(col(DigestDelivery.id))
    ).all()
    feedback = session.exec(select(PeerFeedback).where(PeerFeedback.leader_id == lid)).all()
    hidden = {"id", "leader_id", "owner"}
    return {
        "digests": _plain(pref.model_dump(exclude=hidden)) if pref else None,
        "deliveries": [_plain(d.model_dump(exclude=hidden)) for d in deliveries],
        "introductions": [
            _plain(r.model_dump(exclude={"id", "asker_id", "target_id"}))
            | {"role": "asked" if r.asker_id == lid else "was asked"}
            for r in requests_of(session, lid)
        ],
        "feedback": [_plain(f.model_dump(exclude=hidden)) for f in feedback],
    }


def _interview_data(session: Session, row: Interview) -> dict[str, Any]:
    logs = session.exec(
        select(AnswerLog).where(AnswerLog.interview_id == row.id).order_by(col(AnswerLog.seq))
    ).all()
    submissions = session.exec(
        select(Submission)
        .where(Submission.interview_id == row.id)
        .order_by(col(Submission.revision))
    ).all()
    data = _plain(row.model_dump(exclude={"id", "event_count"}))
    data["answer_log"] = [_plain(r.model_dump(exclude={"id", "interview_id"})) for r in logs]
    data["submissions"] = [
        _plain(s.model_dump(exclude={"id", "interview_id"})) for s in submissions
    ]
    return data


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
