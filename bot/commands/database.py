"""Opening the database for a command: the same start-up path as `helix chat` and `run`.

Bad settings raise `bot.services.StartupError`; `bot.cli.main` prints its one line and exits 2,
so `import`, `export`, `db upgrade` and the analysis commands fail exactly as the chat does.
"""

from __future__ import annotations

from sqlalchemy import Engine

from bot.services import open_database as _open
from bot.settings import Settings


def open_database(settings: Settings) -> Engine:
    """Data directory, URL check, migrations (idempotent, so a fresh data directory just works)."""
    return _open(settings)
