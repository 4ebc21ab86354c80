"""Open and close everything a surface needs: database, interview store, knowledge base.

Both the terminal chat and the Telegram application start through `open_services`, so start-up
(migrations, demo data, first index) behaves the same wherever a user meets Helix; only the demo
data differs, loaded for the terminal by default and on Telegram only when asked.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from chromadb.api import ClientAPI
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from analysis import demo
from analysis.changesystems import ChangeSystems, LeaderPeers, leader_peers, survey
from analysis.matching import InitiativeVectors, open_initiative_vectors
from bot.settings import Settings
from bot.startup import StartupError, first_line, open_database, shown_url
from intake.form import DefinitionError, FormDefinition, load_definition
from intake.storage import InterviewStore, session_scope
from intake.storage.digests import penalties
from intake.storage.leaders import find_leader
from knowledge.base import KnowledgeBase
from knowledge.chroma import close_client

log = logging.getLogger(__name__)

CLUSTERS = "clusters.json"
"""Where issue-cluster ids persist between runs, in the data directory."""
DEMO_DATA = demo.DEMO_DATA


@dataclass
class Services:
    """Long-lived collaborators, created once per process and passed to every handler."""

    settings: Settings
    engine: Engine
    definition: FormDefinition
    store: InterviewStore
    _knowledge: KnowledgeBase | None = field(default=None, repr=False)
    _owns_knowledge: bool = field(default=True, repr=False)
    _knowledge_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _vectors: InitiativeVectors | None = field(default=None, repr=False)
    _vectors_client: ClientAPI | None = field(default=None, repr=False)
    _vectors_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)
    _warm_up_thread: threading.Thread | None = field(default=None, repr=False)

    def knowledge(self) -> KnowledgeBase:
        """The knowledge base, opened (and on first start indexed) once, by whoever asks first."""
        with self._knowledge_lock:
            if self._knowledge is None:
                self._knowledge = KnowledgeBase.open(
                    self.settings.knowledge_config(), progress=self._check_stopping
                )
            return self._knowledge

    def provide_knowledge(self, knowledge: KnowledgeBase | None, *, owned: bool = False) -> None:
        """Use this knowledge base instead of opening one from the settings.

        For embedders and tests that share one base between several services: with
        `owned=False` (the default) `close()` leaves it open for its owner.
        """
        with self._knowledge_lock:
            self._knowledge = knowledge
            self._owns_knowledge = owned

    def initiative_vectors(self) -> InitiativeVectors:
        """The initiative vector cache (matching, clusters), opened once, by whoever asks first.

        It lives in the same Chroma deployment as the knowledge index and shares the knowledge
        base's embedding model once that is loaded (one model in memory, not two).
        """
        with self._vectors_lock:
            if self._vectors is None:
                knowledge = self._knowledge
                shared = knowledge.embeddings if knowledge is not None else None
                self._vectors_client, self._vectors = open_initiative_vectors(
                    self.settings.knowledge_config(), shared
                )
            return self._vectors

    def leader_peers(self, user_key: str, language: str = "en") -> LeaderPeers:
        """The top peers of this leader's initiative (listed initiatives only), in `language`,
        with the peers they marked "not relevant" in a digest lowered."""
        with session_scope(self.engine) as session:
            leader = find_leader(session, user_key)
            lowered = penalties(session, leader.id) if leader and leader.id else {}
        return leader_peers(
            self.engine, self.initiative_vectors(), user_key, language=language, penalties=lowered
        )

    def change_systems(self) -> ChangeSystems:
        """Every initiative with its issue cluster; cluster ids persist in the data directory."""
        return survey(self.engine, self.initiative_vectors(), self.settings.data_dir / CLUSTERS)

    def knowledge_ready(self) -> bool:
        """True once the knowledge base is open, i.e. a question will not wait for indexing."""
        return self._knowledge is not None

    def warm_up_knowledge(self) -> threading.Thread:
        """Open the knowledge base in the background, so the first question does not wait
        for the model to load or the first index to build while a user is mid-interview."""
        thread = threading.Thread(target=self._warm_up, name="knowledge-warm-up", daemon=True)
        self._warm_up_thread = thread
        thread.start()
        return thread

    def _check_stopping(self, done: int, total: int) -> None:
        """Progress callback of the indexer: the only safe point to abandon a first build."""
        if self._stopping.is_set():
            raise _WarmUpCancelled

    def _warm_up(self) -> None:
        try:
            self.knowledge()
        except _WarmUpCancelled:
            log.info("Knowledge index build paused at shutdown; it resumes on the next start")
        except Exception:  # a broken index must never take the chat down with it
            log.exception("Knowledge base could not be opened in the background")

    def close(self) -> None:
        """Stop a warm-up between two indexing batches, then release everything.

        The warm-up thread must not be left inside onnxruntime or Chroma when the interpreter
        exits (that aborts the process); the index is incremental, so the next start resumes.
        """
        self._stopping.set()
        if self._warm_up_thread is not None:
            self._warm_up_thread.join()
        with self._knowledge_lock:
            if self._knowledge is not None and self._owns_knowledge:
                self._knowledge.close()
            self._knowledge = None
        with self._vectors_lock:
            close_client(self._vectors_client)
            self._vectors, self._vectors_client = None, None
        self.engine.dispose()


class _WarmUpCancelled(Exception):
    """Raised inside the indexer's progress callback when the process is shutting down."""


def open_services(settings: Settings, *, terminal: bool = False) -> Services:
    """Migrate the database, load the interview, seed demo data when empty and wanted
    (`Settings.wants_demo_data`: by default for the terminal chat only).

    Every way this can fail on bad settings becomes a `StartupError` with one clear line.
    """
    engine = open_database(settings)
    try:
        definition = load_definition(settings.form_path)
    except DefinitionError as exc:
        engine.dispose()
        raise StartupError(f"HELIX_FORM: {exc}") from None
    try:
        if settings.wants_demo_data(terminal=terminal):
            demo.seed_if_empty(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StartupError(
            f"Cannot open the database {shown_url(settings.database_url)}: {first_line(exc)}"
        ) from None
    return Services(
        settings=settings,
        engine=engine,
        definition=definition,
        store=InterviewStore(engine, definition),
    )
