"""Demo rows on both databases: loaded as `source = "demo"`, removed with their leaders.

`helix demo remove` itself is tested as a command in tests/bot/test_cli_demo.py (SQLite); this
checks the deletes and their counts on PostgreSQL too, where cascades and row counts are the
server's own.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from analysis import demo
from intake.records.importer import import_file
from intake.storage.tables import Initiative, Leader, NeedOffer


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_remove_takes_demo_rows_and_their_leaders_only(engine: Engine, tmp_path: Path) -> None:
    assert demo.load(engine).imported == 30
    real = tmp_path / "real.jsonl"
    real.write_text(
        json.dumps({"name": "Second Harvest Kitchen", "issue": "x", "needs": ["data"]}) + "\n",
        encoding="utf-8",
    )
    assert import_file(engine, real).imported == 1  # same name as a demo one: not matched
    assert demo.remove(engine) == (30, 30)
    assert (_count(engine, Initiative), _count(engine, NeedOffer), _count(engine, Leader)) == (
        1,
        1,
        0,
    )
    assert demo.remove(engine) == (0, 0)
    assert demo.seed_if_empty(engine) == 0  # used: never seeded again
