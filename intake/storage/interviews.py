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
Each `submission` records the version that accepted it. An interview of the first form (four
organisation lists, one question per task) is carried over to version 2 as it is loaded
(`intake.form.upgrade`), and saved so with its next event; migration 0004 does it for all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.engine import render, start, step
from intake.engine.events import Event
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition
from intake.form.upgrade import carries_over, is_old, upgrade_state
from intake.storage.answer_log import changed_answer
from intake.storage.db import session_scope
from intake.storage.leaders import erase, find_leader, leader_row, personal_data
from intake.storage.projection import project_submission
from intake.storage.tables import AnswerLog, Interview, Submission, utcnow
from intake.text import recordable

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_ATTEMPTS = 3


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
            leader = leader_row(session, user_key, language=language, display_name=display_name)
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
                leader_row(session, user_key, language="en", display_name=None)
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
                    event=_logged(event),
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
        leader = leader_row(session, row.user_key, language=state.language, display_name=None)
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
            return personal_data(session, user_key)

    def erase(self, user_key: str) -> dict[str, int]:
        """Delete everything personal about this user; returns deleted rows per table.

        On SQLite, deleting a row only marks it free: its bytes stay in the page, and the old
        page versions stay in the WAL file until a checkpoint, which only happens when the
        engine closes. So the erasure runs with `secure_delete` (freed content is zeroed) and
        is followed by a truncating checkpoint: afterwards neither the database file nor the
        WAL holds what was erased, while the bot keeps running.
        """

        def work(session: Session) -> dict[str, int]:
            if self.engine.dialect.name == "sqlite":
                session.execute(text("PRAGMA secure_delete=ON"))
            return erase(session, user_key)

        counts = _retrying(self.engine, work)
        if self.engine.dialect.name == "sqlite":
            _checkpoint(self.engine)
        return counts

    def mark_inactive(self, user_key: str) -> None:
        """The user blocked the bot: stop digests until they come back (`open` reactivates)."""

        def work(session: Session) -> None:
            leader = find_leader(session, user_key)
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

    def _state(self, row: Interview) -> InterviewState:
        stored = row.state
        if is_old(stored) and carries_over(self.definition):
            stored = upgrade_state(stored)
        return InterviewState.model_validate(stored)


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


def _checkpoint(engine: Engine) -> None:
    """Copy the WAL into the database file and truncate it to zero bytes.

    Runs on a raw driver connection (autocommit, no `BEGIN`): a checkpoint inside a transaction
    could not truncate the WAL that transaction is reading. A busy checkpoint (another reader
    mid-transaction) is logged, not raised: the erasure itself has already been committed.
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = cursor.fetchone()
        cursor.close()
        if busy and busy[0]:
            log.warning("WAL checkpoint after an erasure was busy; it completes at the next one")
    finally:
        raw.close()


def _active(session: Session, user_key: str, *, lock: bool = True) -> Interview | None:
    query = select(Interview).where(Interview.user_key == user_key, col(Interview.active))
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def _logged(event: Event) -> dict[str, Any]:
    """The event as the answer log keeps it: what was sent, by the edge's rules (`intake.text`).

    The engine refuses or cleans the answer itself, but the log records the raw event, and
    PostgreSQL refuses NUL and lone surrogates inside JSON: a raw one would fail the whole turn
    with a database error instead of the engine's friendly refusal.
    """
    dumped = event.model_dump(mode="json")
    return {key: recordable(v) if isinstance(v, str) else v for key, v in dumped.items()}
