"""A real SQLite database with the demo initiatives imported, and a real vector cache.

The demo records (three issues, 30 initiatives, two of them unlisted) get Telegram ids and
websites, so the privacy tests have contact details to look for; the Chroma directory is shared
by the whole session so each text is embedded once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col

from analysis.matching import InitiativeVectors, initiative_collection
from intake.records.importer import import_file
from intake.storage import session_scope
from intake.storage.db import create_db_engine, upgrade_database
from intake.storage.tables import Initiative
from knowledge.chroma import close_client
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings
from tests.analysis.conftest import persistent_client

TELEGRAM_BASE = 7_000_000
LONG_AGO = datetime(2026, 1, 5, tzinfo=UTC)


def demo_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The demo rows with a reachable leader and a website each (contact details to hide)."""
    out = []
    for n, row in enumerate(rows):
        leader = dict(row.get("leader") or {})
        leader["telegram_id"] = TELEGRAM_BASE + n
        out.append(row | {"leader": leader, "website": f"https://site-{row['id']}.example.org"})
    return out


@pytest.fixture(scope="session")
def digest_vectors(
    tmp_path_factory: pytest.TempPathFactory, model: MiniLMEmbeddings
) -> Iterator[InitiativeVectors]:
    client = persistent_client(tmp_path_factory.mktemp("digest-chroma"))
    yield InitiativeVectors(initiative_collection(client, MINILM_MODEL_ID), model, MINILM_MODEL_ID)
    close_client(client)


def import_rows(tmp_path: Path, rows: list[dict[str, Any]]) -> Engine:
    """A migrated SQLite file with `rows` imported, every initiative created long ago."""
    url = f"sqlite:///{tmp_path / 'helix.db'}"
    upgrade_database(url)
    engine = create_db_engine(url)
    data = tmp_path / "initiatives.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert import_file(engine, data).exit_code == 0
    with session_scope(engine, write=True) as session:
        session.execute(update(Initiative).values(created_at=LONG_AGO))
    return engine


def set_joined(engine: Engine, external_id: str, when: datetime) -> None:
    with session_scope(engine, write=True) as session:
        session.execute(
            update(Initiative)
            .where(col(Initiative.external_id) == external_id)
            .values(created_at=when)
        )


def days_before(moment: datetime, days: float) -> datetime:
    return moment - timedelta(days=days)


@pytest.fixture
def demo_engine(tmp_path: Path, demo_rows: list[dict[str, Any]]) -> Iterator[Engine]:
    engine = import_rows(tmp_path, demo_records(demo_rows))
    yield engine
    engine.dispose()
