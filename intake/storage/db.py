"""Database engines, migrations and transactions for SQLite and PostgreSQL.

One place decides how Helix talks to a database, so every caller gets the same guarantees:

- SQLite runs in WAL mode with foreign keys on, a busy timeout and `synchronous=FULL`, so a commit
  is on disk when it returns and concurrent writers wait for each other instead of failing.
  The driver's own transaction handling is switched off and we emit `BEGIN` ourselves: a
  transaction opened by `session_scope(engine, write=True)` starts with `BEGIN IMMEDIATE`, which
  takes the write lock *before* the first read. Without it, two users reading then writing could
  deadlock and one of them would get "database is locked" despite the busy timeout.
- PostgreSQL goes through psycopg 3 (`postgresql+psycopg://`); writers lock rows with
  `SELECT ... FOR UPDATE` (see `intake.storage.interviews`).
- The schema is only ever created by Alembic (`upgrade_database`), never by `create_all`, so a
  deployed database and a test database are always built the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "helix_write"
"""Execution option that makes SQLite open the transaction with `BEGIN IMMEDIATE`."""
_MIGRATION_LOCK = 0x48454C4958  # "HELIX": PostgreSQL advisory lock held while migrating


def normalize_url(url: str) -> str:
    """Accept the URL spellings deployers paste (`postgres://...`); use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_db_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """An engine with Helix's connection settings (see the module docstring).

    `foreign_keys=False` exists only for migrations: SQLite's batch mode rebuilds tables by copy
    and rename, which foreign key enforcement would refuse half-way.
    """
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
    memory = parsed.database in (None, "", ":memory:")
    if not memory and parsed.database:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        # An in-memory database exists once per connection: share the one connection.
        **({"poolclass": StaticPool} if memory else {"pool_size": 10, "max_overflow": 30}),
    )
    _install_sqlite_hooks(engine, foreign_keys=foreign_keys)
    return engine


def _install_sqlite_hooks(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any exception.

    `write=True` declares that the transaction will write: on SQLite it takes the write lock up
    front (waiting up to the busy timeout for other writers), so read-then-write is safe.
    """
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migrations (no repo-root alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest). Safe to run at every start.

    Concurrent starts are serialized: PostgreSQL by an advisory lock, SQLite by its write lock.
    Alembic's per-step chatter is kept out of the CLI output; one line says what changed.
    """
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = create_db_engine(url, foreign_keys=False)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
            before = MigrationContext.configure(connection).get_current_revision()
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            after = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    if after != before:
        log.info("database schema upgraded from %s to %s", before or "empty", after)
