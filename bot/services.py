"""Open and close everything a surface needs: database, interview store, knowledge base.

Both the terminal chat and the Telegram application start through `open_services`, so start-up
(migrations, demo data, first index) behaves the same wherever a user meets Helix.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bot.settings import Settings
from intake.db import create_db_engine, upgrade_database
from intake.definition import FormDefinition, load_definition
from intake.importer import import_file
from intake.store import InterviewStore
from intake.tables import Initiative
from knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

DEMO_DATA = Path(__file__).resolve().parent.parent / "analysis" / "demo" / "initiatives.jsonl"


@dataclass
class Services:
    """Long-lived collaborators, created once per process and passed to every handler."""

    settings: Settings
    engine: Engine
    definition: FormDefinition
    store: InterviewStore
    _knowledge: KnowledgeBase | None = field(default=None, repr=False)

    def knowledge(self) -> KnowledgeBase:
        """The knowledge base, opened on first use: loading the model is not free."""
        if self._knowledge is None:
            self._knowledge = KnowledgeBase.open(self.settings.knowledge_config())
        return self._knowledge

    def close(self) -> None:
        if self._knowledge is not None:
            self._knowledge.close()
            self._knowledge = None
        self.engine.dispose()


def seed_demo_data(engine: Engine, path: Path = DEMO_DATA) -> int:
    """Import the fictional demo initiatives when the database holds none; returns how many."""
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Initiative)).one()[0]  # type: ignore[call-overload]
    if count or not path.exists():
        return 0
    report = import_file(engine, path)
    log.info("Loaded %d demo initiatives from %s", report.imported, path.name)
    return report.imported


def open_services(settings: Settings) -> Services:
    """Migrate the database, load the interview, seed demo data when empty."""
    settings.ensure_dirs()
    url = settings.database_url
    upgrade_database(url)
    engine = create_db_engine(url)
    definition = load_definition(settings.form_path)
    if settings.demo_data:
        seed_demo_data(engine)
    return Services(
        settings=settings,
        engine=engine,
        definition=definition,
        store=InterviewStore(engine, definition),
    )
