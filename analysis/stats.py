"""The operator's counts behind `/stats`: interviews by status, submissions, leaders, initiatives.

They are read in one short session straight from the tables, so they are cheap enough to ask
for at any time; surfaces only format them.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from intake.storage.tables import Initiative, Interview, Leader, Submission


def collect_stats(engine: Engine) -> dict[str, int]:
    """Active interviews by status (`interviews_<status>`), and totals of the other tables."""
    counts: dict[str, int] = {}
    with Session(engine) as db:
        rows = db.execute(
            select(Interview.status, func.count())  # type: ignore[call-overload]
            .where(Interview.active)
            .group_by(Interview.status)
        ).all()
        for status, n in rows:
            counts[f"interviews_{status}"] = int(n)
        for name, table in (
            ("submissions", Submission),
            ("leaders", Leader),
            ("initiatives", Initiative),
        ):
            counts[name] = int(db.execute(select(func.count()).select_from(table)).scalar_one())
        inactive = select(func.count()).select_from(Leader).where(Leader.active.is_(False))  # type: ignore[attr-defined]
        counts["leaders_inactive"] = int(db.execute(inactive).scalar_one())
    return counts
