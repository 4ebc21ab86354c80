"""The fictional demo change system: load it where it helps, remove it without a trace.

Thirty made-up initiatives (`initiatives.jsonl`, see README.md here) let someone trying Helix
in the terminal see peers, clusters and maps before anyone real has answered. They must never
be mistaken for real leaders, so they are stored with `source = "demo"` (the workbook shows it,
and an import of real data never matches them by name), and `remove` deletes exactly them, with
their child rows, and the made-up leaders left owning nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, delete, exists, select

from intake.records.importer import ImportReport, import_file
from intake.storage import session_scope
from intake.storage.rows import chunks
from intake.storage.tables import Initiative, Interview, Leader

log = logging.getLogger(__name__)

DEMO_DATA = Path(__file__).resolve().parent / "initiatives.jsonl"
SOURCE = "demo"


def load(engine: Engine, path: Path = DEMO_DATA) -> ImportReport:
    """Import the demo initiatives as `source = "demo"`; loading them again changes nothing."""
    return import_file(engine, path, source=SOURCE)


def seed_if_empty(engine: Engine, path: Path = DEMO_DATA) -> int:
    """Load the demo when the database holds no initiative and no interview; returns how many.

    A database someone has used (an import, or an interview even half done) is never seeded,
    so removed demo data does not come back on the next start once Helix has been used.
    """
    initiative, interview = Initiative.__table__, Interview.__table__  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        used = (
            session.execute(select(exists().where(initiative.c.id.isnot(None)))).scalar()
            or session.execute(select(exists().where(interview.c.id.isnot(None)))).scalar()
        )
    if used or not path.exists():
        return 0
    report = load(engine, path)
    log.info("Loaded %d demo initiatives from %s", report.imported, path.name)
    return report.imported


def remove(engine: Engine) -> tuple[int, int]:
    """Delete every demo initiative (child rows go with it) and the demo leaders left owning
    nothing; returns (initiatives, leaders) deleted. Running it again deletes nothing.

    A leader goes only if it owned a demo initiative, owns nothing now and is no Helix user
    (no Telegram id, no interview key): a real person is never deleted here.
    """
    initiative, leader = Initiative.__table__, Leader.__table__  # type: ignore[attr-defined]
    demo = initiative.c.source == SOURCE
    with session_scope(engine, write=True) as session:
        connection = session.connection()
        owners = [
            i
            for i in connection.execute(select(initiative.c.leader_id).where(demo).distinct())
            .scalars()
            .all()
            if i is not None
        ]
        initiatives = connection.execute(delete(initiative).where(demo)).rowcount
        owns = exists().where(initiative.c.leader_id == leader.c.id)
        leaders = 0
        for chunk in chunks(owners):
            orphans = delete(leader).where(
                leader.c.id.in_(chunk),
                leader.c.telegram_id.is_(None),
                leader.c.user_key.is_(None),
                ~owns,
            )
            leaders += connection.execute(orphans).rowcount
    return initiatives, leaders
