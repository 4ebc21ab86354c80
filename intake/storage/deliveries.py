"""Exactly one digest per leader and period: claim a row before sending, finish it after.

`claim` inserts (leader, period) with ON CONFLICT DO NOTHING, so of any number of processes
(two `helix digest run` on one PostgreSQL database, or a run beside the bot's scheduler) exactly
one wins each pair. A claim names its owner (host, pid and the process's start time), so a claim
left behind by a killed process on this host is taken over at once by the next run, and one
from another host after a lease. What cannot be closed is the moment between Telegram accepting
a message and the row being finished: a kill exactly there repeats that one digest, never more.

Statuses: `claimed` (being sent), `sent`, `skipped` (nothing to say and the leader asked for
silence), `inactive` (Telegram says the user blocked the bot) are final for the period;
`failed` (transient errors outlasted the retries) is claimed again by the next run.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from intake.storage.db import session_scope
from intake.storage.tables import DigestDelivery

FINAL = frozenset({"sent", "skipped", "inactive"})
RETRYABLE = "failed"
MAX_ATTEMPTS = 3
"""Sends of one digest before a failure is final: the hourly retry must not rebuild and resend a
digest Telegram keeps refusing for the rest of its period."""
LEASE = timedelta(minutes=10)
"""How long a claim from another host is honoured; a send takes seconds, retries included."""


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), which a reused pid lacks."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19] if len(fields) > 19 else None


@cache
def process_owner() -> str:
    """`host:pid:start`, naming this process uniquely among the ones sharing a database."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or 'x'}"


def owner_alive(owner: str | None) -> bool:
    """False only when the owner certainly died: same host, and its pid gone or reused."""
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid_text, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # cannot tell from here: the lease decides
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    ticks = _start_ticks(pid)
    return ticks is None or start in ("x", ticks)


def _insert_claim(
    engine: Engine, leader_id: int, period: str, owner: str, now: datetime
) -> int | None:
    """The new row's id, or None when (leader, period) already has one."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(DigestDelivery)
        .values(
            leader_id=leader_id,
            period=period,
            status="claimed",
            owner=owner,
            attempts=1,
            claimed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["leader_id", "period"])
        .returning(col(DigestDelivery.id))
    )
    with session_scope(engine, write=True) as session:
        return session.execute(statement).scalar_one_or_none()


def claim(
    engine: Engine,
    leader_id: int,
    period: str,
    now: datetime,
    *,
    owner: str | None = None,
    lease: timedelta = LEASE,
) -> int | None:
    """The delivery id if this process now owns (leader, period); None if it must not send."""
    owner = owner or process_owner()
    inserted = _insert_claim(engine, leader_id, period, owner, now)
    if inserted is not None:
        return inserted
    with session_scope(engine, write=True) as session:
        row = session.exec(
            select(DigestDelivery).where(
                DigestDelivery.leader_id == leader_id, DigestDelivery.period == period
            )
        ).one()
        if _given_up(row.status, row.attempts):
            return None
        if row.status == "claimed" and (
            row.owner == owner or (owner_alive(row.owner) and row.claimed_at > now - lease)
        ):
            return None
        # Take it over only if nobody else did since we read it (compare and swap).
        taken = session.execute(
            update(DigestDelivery)
            .where(
                col(DigestDelivery.id) == row.id,
                col(DigestDelivery.status) == row.status,
                col(DigestDelivery.attempts) == row.attempts,
            )
            .values(status="claimed", owner=owner, claimed_at=now, attempts=row.attempts + 1)
        )
        return row.id if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def finish(
    engine: Engine,
    delivery_id: int,
    status: str,
    now: datetime,
    *,
    owner: str | None = None,
    message_id: int | None = None,
    error: str | None = None,
) -> bool:
    """Record the outcome of a claimed delivery; False if the claim was no longer ours."""
    if status not in FINAL and status != RETRYABLE:
        raise ValueError(f"not a delivery outcome: {status!r}")
    with session_scope(engine, write=True) as session:
        result = session.execute(
            update(DigestDelivery)
            .where(
                col(DigestDelivery.id) == delivery_id,
                col(DigestDelivery.owner) == (owner or process_owner()),
                col(DigestDelivery.status) == "claimed",
            )
            .values(
                status=status,
                finished_at=now,
                message_id=message_id,
                error=(error or "")[:500] or None,
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def done_for(engine: Engine, period_of: dict[int, str]) -> set[int]:
    """Leaders (of `period_of`: leader id -> their current period) done with it: final, or
    failed `MAX_ATTEMPTS` times."""
    if not period_of:
        return set()
    with session_scope(engine) as session:
        rows = session.exec(
            select(
                DigestDelivery.leader_id,
                DigestDelivery.period,
                DigestDelivery.status,
                DigestDelivery.attempts,
            ).where(col(DigestDelivery.leader_id).in_(list(period_of)))
        ).all()
    return {
        leader
        for leader, period, status, attempts in rows
        if period_of.get(leader) == period and _given_up(status, attempts)
    }


def _given_up(status: str, attempts: int) -> bool:
    """Final, or failed as often as it may: no run sends this digest again."""
    return status in FINAL or (status == RETRYABLE and attempts >= MAX_ATTEMPTS)
