"""Open and close everything a surface needs: database, interview store, knowledge base.

Both the terminal chat and the Telegram application start through `open_services`, so start-up
(migrations, demo data, first index) behaves the same wherever a user meets Helix.
"""

from __future__ import annotations

import logging
import threading
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
    _knowledge_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def knowledge(self) -> KnowledgeBase:
        """The knowledge base, opened (and on first start indexed) once, by whoever asks first."""
        with self._knowledge_lock:
            if self._knowledge is None:
                self._knowledge = KnowledgeBase.open(self.settings.knowledge_config())
            return self._knowledge

    def knowledge_ready(self) -> bool:
        """True once the knowledge base is open, i.e. a question will not wait for indexing."""
        return self._knowledge is not None

    def warm_up_knowledge(self) -> threading.Thread:
        """Open the knowledge base in the background, so the first question does not wait
        for the model to load or the first index to build while a user is mid-interview."""
        thread = threading.Thread(target=self._warm_up, name="knowledge-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_up(self) -> None:
        try:
            self.knowledge()
        except Exception:  # a broken index must never take the chat down with it
            log.exception("Knowledge base could not be opened in the background")

    def close(self) -> None:
        """Release everything. A warm-up still indexing is left to die with the process: the
        index is incremental, so the next start finishes the job instead of waiting now."""
        if self._knowledge_lock.acquire(blocking=False):
            try:
                if self._knowledge is not None:
                    self._knowledge.close()
                    self._knowledge = None
            finally:
                self._knowledge_lock.release()
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
