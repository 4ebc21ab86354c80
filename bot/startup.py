"""The start-up path every command shares: data directory, database URL, migrations.

Kept apart from `bot.services` (the knowledge base, vectors, analysis) so that `helix import`,
`export` and `db upgrade` start without loading Chroma or the embedding model: a few seconds
and about 100 MB less for every scripted run.
"""

from __future__ import annotations

import os

from alembic.util import CommandError
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from intake.storage import create_db_engine, upgrade_database


class StartupError(RuntimeError):
    """Helix cannot start with these settings; the message is one line a deployer can act on."""


def shown_url(url: str) -> str:
    """The database URL without its password, for error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "DATABASE_URL"


def first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__


SUPPORTED_DATABASES = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST/NAME"


def _check_database_url(url: str) -> None:
    """Refuse, before any driver is imported, the URLs Helix cannot keep data in."""
    shown = shown_url(url)
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        raise StartupError(
            f"Cannot open the database {shown}: not a database URL (use {SUPPORTED_DATABASES})"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StartupError(
            f"Cannot open the database {shown}: {backend} is not supported "
            f"(use {SUPPORTED_DATABASES})"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise StartupError(
            f"Cannot open the database {shown}: it is in memory, so nothing would be kept "
            f"(use sqlite:///PATH, or leave DATABASE_URL unset for HELIX_DATA_DIR/helix.db)"
        )


def _ensure_data_dir(settings: Settings) -> None:
    try:
        settings.ensure_dirs()
    except OSError as exc:
        raise StartupError(
            f"HELIX_DATA_DIR={settings.data_dir}: cannot create the data directory "
            f"({exc.strerror or exc})"
        ) from None
    if not os.access(settings.data_dir, os.W_OK | os.X_OK):
        raise StartupError(
            f"HELIX_DATA_DIR={settings.data_dir}: the data directory is not writable"
        )


def open_database(settings: Settings) -> Engine:
    """The start-up path every command shares: data directory, database URL, migrations.

    `helix chat`, `run`, `import`, `export`, `db upgrade` and the analysis commands all come
    through here, so one bad setting reads the same wherever it shows up: a `StartupError`
    with one line, which `bot.cli.main` prints before exiting with status 2.
    """
    _ensure_data_dir(settings)
    url = settings.database_url
    _check_database_url(url)
    try:
        upgrade_database(url)
        return create_db_engine(url)
    except (SQLAlchemyError, CommandError, OSError, ImportError) as exc:
        raise StartupError(
            f"Cannot open the database {shown_url(url)}: {first_line(exc)}"
        ) from None
