"""Leaders to send digests to, put in the database the way an operator would: `helix import`.

`simple_records` are small initiatives for the send-path tests (digests are built by hand
there); `demo_records` are the demo data set with a Telegram id and weekly-digest consent on
every leader, for the end-to-end runs that compose real digests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.services import DEMO_DATA
from intake.records.importer import import_file
from intake.storage.db import create_db_engine, session_scope, upgrade_database
from intake.storage.tables import DigestDelivery

TELEGRAM_BASE = 8_100_000
CONSENT = {"listed": True, "introductions": True, "digest": "weekly"}


def simple_records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"t-{n}",
            "name": f"Initiative {n}",
            "issue": "Food waste",
            "leader": {"name": f"Leader {n}", "telegram_id": TELEGRAM_BASE + n},
            "consent": CONSENT,
        }
        for n in range(count)
    ]


def demo_records() -> list[dict[str, Any]]:
    rows = [
        json.loads(line) for line in DEMO_DATA.read_text(encoding="utf-8").splitlines() if line
    ]
    for n, row in enumerate(rows):
        name = (row.get("leader") or {}).get("name") or f"Leader {n}"
        row["leader"] = {"name": name, "telegram_id": TELEGRAM_BASE + n}
        row["consent"] = CONSENT
    return rows


def import_records(database_url: str, rows: list[dict[str, Any]], folder: Path) -> None:
    """Migrate the database and import `rows` through the real importer."""
    upgrade_database(database_url)
    path = folder / "seed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    engine = create_db_engine(database_url)
    try:
        assert import_file(engine, path).exit_code == 0
    finally:
        engine.dispose()


def telegram_ids(rows: list[dict[str, Any]]) -> list[int]:
    return [int(row["leader"]["telegram_id"]) for row in rows]


def delivery_rows(database_url: str) -> list[DigestDelivery]:
    engine = create_db_engine(database_url)
    try:
        with session_scope(engine) as session:
            return list(session.exec(select(DigestDelivery)).all())
    finally:
        engine.dispose()
