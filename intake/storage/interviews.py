"""`InterviewStore`: the write-through bridge between the pure engine and the database.

Every user action is one transaction: load the interview (row locked), run `engine.step`, save
the new state and append one `answer_log` row, and on Submit also freeze a `submission` and
project it into the domain tables. The commit happens before `apply` returns, so an answer the
user has seen acknowledged survives a crash, a restart or a switch from terminal to Telegram.

Concurrency: PostgreSQL locks the interview row (`SELECT ... FOR UPDATE`), so two updates for
the same user queue up instead of overwriting each other; SQLite takes its write lock at `BEGIN
IMMEDIATE` and other writers wait for the busy timeout. Users never share a row, so 30 users at
once cannot see each other's state.

Form versions: an interview is pinned to the form version it started with (`interview.
form_version` never changes). If Helix later loads a different version, the stored answers are
kept and the interview continues with the loaded definition: the engine derives the next
question from the answers, so questions that are new get asked and answers to removed questions
stay in the state (and in `initiative.extra` on submit) instead of being thrown away.
Each `submission` records the version that accepted it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.engine import render, start, step
from intake.engine.events import Event
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition
from intake.storage.db import session_scope
from intake.storage.projection import project_submission
from intake.storage.rows import read_records
from intake.storage.tables import (
    CHILD_TABLES,
    AnswerLog,
    Initiative,
    Interview,
    Leader,
    Submission,
    utcnow,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_ATTEMPTS = 3
_MISSING = object()


class InterviewStore:
    """Sync API; async callers wrap each call in `asyncio.to_thread`."""

    def __init__(self, engine: Engine, definition: FormDefinition) -> None:
        self.engine = engine
        self.definition = definition

    def open(
        self, user_key: str, *, language: str = "en", display_name: str | None = None
    ) -> tuple[InterviewState, Prompt, bool]:
        """The user's interview, started if new; the bool says whether one was resumed."""

        def work(session: Session) -> tuple[InterviewState, bool]:
            leader = _leader(session, user_key, language=language, display_name=display_name)
            leader.active = True
            row = _active(session, user_key)
            if row is None:
                return self._state(self._create(session, user_key, language)), False
            state = self._state(row)
            if state.form_version != self.definition.version:
                log.info(
                    "interview %s was started on form %s; continuing on %s with its answers",
                    row.id,
                    state.form_version,
                    self.definition.version,
                )
            return state, True

        state, resumed = _retrying(self.engine, work)
        return state, render(self.definition, state), resumed

    def current(self, user_key: str) -> InterviewState | None:
        with session_scope(self.engine) as session:
            row = _active(session, user_key, lock=False)
            return None if row is None else self._state(row)

    def apply(self, user_key: str, event: Event) -> tuple[InterviewState, Prompt]:
        """One event, durably: state, answer log and (on Submit) submission + projection."""

        def work(session: Session) -> tuple[InterviewState, Prompt]:
            row = _active(session, user_key)
            if row is None:
                _leader(session, user_key, language="en", display_name=None)
                row = self._create(session, user_key, "en")
            assert row.id is not None
            before = self._state(row)
            after, prompt = step(self.definition, before, event)
            now = utcnow()
            path, value = changed_answer(before.answers, after.answers)
            row.event_count += 1
            session.add(
                AnswerLog(
                    interview_id=row.id,
                    seq=row.event_count,
                    event=event.model_dump(mode="json"),
                    path=path,
                    value=value,
                    at=now,
                )
            )
            row.state = after.model_dump(mode="json")
            row.status, row.language, row.updated_at = after.status, after.language, now
            session.add(row)
            if after.status == "submitted" and after.revision > before.revision:
                self._submit(session, row, after)
            return after, prompt

        return _retrying(self.engine, work)

    def _submit(self, session: Session, row: Interview, state: InterviewState) -> None:
        assert row.id is not None
        session.add(
            Submission(
                interview_id=row.id,
                revision=state.revision,
                form_version=self.definition.version,
                answers=state.answers,
            )
        )
        leader = _leader(session, row.user_key, language=state.language, display_name=None)
        project_submission(
            session=session,
            interview=row,
            leader=leader,
            answers=state.answers,
            revision=state.revision,
        )

    def personal_data(self, user_key: str) -> dict[str, Any]:
        """Everything stored about this user, JSON-able (for /mydata)."""
        with session_scope(self.engine) as session:
            leader = _find_leader(session, user_key)
            interviews = session.exec(
                select(Interview).where(Interview.user_key == user_key).order_by(col(Interview.id))
            ).all()
            initiatives = _initiatives(
                session, leader, [i.id for i in interviews if i.id is not None]
            )
            records = read_records(session=session, initiatives=initiatives)
            return {
                "user_key": user_key,
                "leader": _plain(leader.model_dump(exclude={"id"})) if leader else None,
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

    def erase(self, user_key: str) -> dict[str, int]:
        """Delete everything personal about this user; returns deleted rows per table."""

        def work(session: Session) -> dict[str, int]:
            leader = _find_leader(session, user_key)
            found = session.exec(select(Interview.id).where(Interview.user_key == user_key))
            interview_ids = [i for i in found.all() if i is not None]
            initiative_ids = [i.id for i in _initiatives(session, leader, interview_ids)]
            counts: dict[str, int] = {}

            def drop(table: Any, column: Any, ids: list[Any]) -> None:
                result = (
                    session.execute(delete(table).where(col(column).in_(ids))) if ids else None
                )
                counts[table.__tablename__] = result.rowcount if result is not None else 0  # type: ignore[attr-defined]

            for table in CHILD_TABLES:
                drop(table, table.initiative_id, initiative_ids)  # type: ignore[attr-defined]
            drop(Initiative, Initiative.id, initiative_ids)
            drop(AnswerLog, AnswerLog.interview_id, interview_ids)
            drop(Submission, Submission.interview_id, interview_ids)
            drop(Interview, Interview.id, interview_ids)
            drop(Leader, Leader.id, [leader.id] if leader else [])
            return counts

        return _retrying(self.engine, work)

    def mark_inactive(self, user_key: str) -> None:
        """The user blocked the bot: stop digests until they come back (`open` reactivates)."""

        def work(session: Session) -> None:
            leader = _find_leader(session, user_key)
            if leader is not None:
                leader.active = False
                session.add(leader)

        _retrying(self.engine, work)

    def _create(self, session: Session, user_key: str, language: str) -> Interview:
        state = start(self.definition, language=language)
        row = Interview(
            user_key=user_key,
            form_id=state.form_id,
            form_version=state.form_version,
            language=state.language,
            status=state.status,
            state=state.model_dump(mode="json"),
        )
        session.add(row)
        session.flush()
        return row

    @staticmethod
    def _state(row: Interview) -> InterviewState:
        return InterviewState.model_validate(row.state)


def _retrying(engine: Engine, work: Callable[[Session], _T]) -> _T:
    """Run `work` in one write transaction; retry when a concurrent first visit won a race.

    Two first events for the same new user can both try to create the interview (or leader);
    the unique index lets one win, and the other simply runs again and finds the row.
    """
    for attempt in range(_ATTEMPTS):
        try:
            with session_scope(engine, write=True) as session:
                return work(session)
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _active(session: Session, user_key: str, *, lock: bool = True) -> Interview | None:
    query = select(Interview).where(Interview.user_key == user_key, col(Interview.active))
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def telegram_id_of(user_key: str) -> int | None:
    """`tg:123` -> 123; other surfaces (`term:name`) have no Telegram id."""
    prefix, _, rest = user_key.partition(":")
    return int(rest) if prefix == "tg" and rest.lstrip("-").isdigit() else None


def _find_leader(session: Session, user_key: str) -> Leader | None:
    """By user key, else an imported leader with the same Telegram id."""
    leader = session.exec(select(Leader).where(Leader.user_key == user_key)).first()
    telegram_id = telegram_id_of(user_key)
    if leader is None and telegram_id is not None:
        leader = session.exec(select(Leader).where(Leader.telegram_id == telegram_id)).first()
    return leader


def _leader(
    session: Session, user_key: str, *, language: str = "en", display_name: str | None = None
) -> Leader:
    """The user's leader row, created on first contact; an imported one is adopted."""
    leader = _find_leader(session, user_key)
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


def changed_answer(before: dict[str, Any], after: dict[str, Any]) -> tuple[str | None, Any]:
    """The path an event answered and its new value (None: removed) for the answer log.

    One question changed: its path, narrowed to `group[i]` or `group[i].inner` inside a repeat.
    Several changed at once (Restart, an edit that hides follow-ups): path None and the value
    maps each changed question to its new value. Nothing changed: (None, None).
    """
    keys = sorted(
        key
        for key in before.keys() | after.keys()
        if before.get(key, _MISSING) != after.get(key, _MISSING)
    )
    if not keys:
        return None, None
    if len(keys) > 1:
        return None, {key: after.get(key) for key in keys}
    key = keys[0]
    old: Any = before.get(key)
    new: Any = after.get(key)
    if old is None and _is_items(new):
        old = []  # the first item of a repeat group
    if not (_is_items(old) and _is_items(new)):
        return key, new
    if len(new) == len(old) + 1 and new[: len(old)] == old:
        return f"{key}[{len(old)}]", new[-1]
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if len(old) != len(new) or len(changed) != 1:
        return key, new
    index = changed[0]
    inner = [
        k for k in old[index].keys() | new[index].keys() if old[index].get(k) != new[index].get(k)
    ]
    if len(inner) == 1:
        return f"{key}[{index}].{inner[0]}", new[index].get(inner[0])
    return f"{key}[{index}]", new[index]


def _is_items(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)
