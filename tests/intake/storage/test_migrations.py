"""The packaged Alembic migrations build the schema the models describe, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlmodel import Session, SQLModel

from intake.storage.db import alembic_config, create_db_engine, session_scope, upgrade_database
from intake.storage.tables import AnswerLog, Interview
from tests.intake.conftest import TABLES


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_reaches_head_with_every_table(engine: Engine) -> None:
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head()
    assert set(TABLES) <= set(inspect(engine).get_table_names())


def test_upgrade_again_changes_nothing(db_url: str, engine: Engine) -> None:
    upgrade_database(db_url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrade_to_empty_and_back(db_url: str) -> None:
    migration_engine = create_db_engine(db_url, foreign_keys=False)
    try:
        with migration_engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            assert not set(TABLES) & set(inspect(connection).get_table_names())
    finally:
        migration_engine.dispose()
    upgrade_database(db_url)
    checked = create_db_engine(db_url)
    try:
        assert set(TABLES) <= set(inspect(checked).get_table_names())
    finally:
        checked.dispose()


def _interview(session: Session) -> Interview:
    row = Interview(user_key="term:x", form_id="f", form_version="1")
    session.add(row)
    session.flush()
    return row


def test_answer_log_refuses_updates(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        row = _interview(session)
        assert row.id is not None
        session.add(AnswerLog(interview_id=row.id, seq=1, event={"kind": "start"}))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE answer_log SET path = 'x'"))


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as session:
        session.add(AnswerLog(interview_id=999, seq=1, event={}))


def test_one_active_interview_per_user(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        _interview(session)
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as session:
        _interview(session)


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 (the point of the test)
    with session_scope(engine) as session:
        session.add(Interview(user_key="k", form_id="f", form_version="1", created_at=naive))
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
        session.rollback()
    with session_scope(engine, write=True) as session:
        row = _interview(session)
        row.created_at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with Session(engine) as session:
        stored = session.get(Interview, row.id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_connection_settings(engine: Engine) -> None:
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "synchronous": 2,
    }
