"""When each leader's digest goes out: one JobQueue job per leader, rebuilt from the database.

PTB's JobQueue (APScheduler 3) keeps jobs in memory only, so the database is the schedule and
the jobs are a cache of it: `sync` makes the jobs match the stored settings (at start, hourly,
and for one leader whenever /digest, "Pause" or /deleteme changes them). A restart therefore
loses nothing, and a frequency that changed through a new interview answer is picked up within
the hour. A job only asks `deliver` to send *this* leader's digest; claims in the delivery
table make a second process, a catch-up or `helix digest run` at the same moment harmless.

At start, a digest whose due time in the current period passed while the bot was down is sent
once (`overdue`); the hourly re-sync does the same for digests whose send failed. Jobs that
fire together are sent in one batch (`_batched`). The pure parts (`job_for`, `overdue`) decide
everything; the rest applies it.

PTB numbers weekdays 0 = Sunday .. 6 = Saturday (changed in v20), the store 0 = Monday; the
time handed to `run_daily` / `run_monthly` carries the leader's `ZoneInfo`, so APScheduler
follows their daylight-saving changes.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from telegram.ext import Application, Job, JobQueue

from analysis.digest import due_at, period_of
from bot.digests.delivery import deliver
from bot.telegram.context import BotData, HelixContext
from bot.telegram.turns import off_loop
from intake.storage import session_scope
from intake.storage.deliveries import done_for
from intake.storage.digests import DigestSettings, recipients, settings_of
from intake.storage.leaders import find_leader

log = logging.getLogger(__name__)

PREFIX = "digest:"
RESYNC_EVERY = timedelta(hours=1)
CATCH_UP = "digest-catch-up"
RESYNC = "digest-resync"
#: APScheduler skips a run more than a second late by default; a digest an hour late (a busy
#: loop, a slow start) is still worth sending, and claims keep it from being sent twice.
LATE_OK = {"misfire_grace_time": 3600, "coalesce": True}
#: Any application whose bot_data is Helix's (handlers see theirs through a looser type).
AnyApp = Application[Any, Any, Any, Any, BotData, Any]


@dataclass(frozen=True)
class DigestJob:
    """One leader's recurring job: weekly on `days` (PTB numbering) or monthly on `month_day`."""

    leader_id: int
    frequency: str
    hour: int
    zone: str  # the zone's name: times in different zones but at the same hour compare equal
    days: tuple[int, ...] = ()
    month_day: int | None = None

    @property
    def name(self) -> str:
        return job_name(self.leader_id)

    @property
    def at(self) -> time:
        """The local hour with the leader's zone as tzinfo (APScheduler follows its DST)."""
        return time(self.hour, tzinfo=ZoneInfo(self.zone))


def job_name(leader_id: int) -> str:
    return f"{PREFIX}{leader_id}"


def ptb_weekday(weekday: int) -> int:
    """Store weekday (0 = Monday) -> PTB `days` number (0 = Sunday)."""
    return (weekday + 1) % 7


def job_for(settings: DigestSettings) -> DigestJob | None:
    """The job a leader's settings call for; None when no digest can reach them."""
    if not settings.reachable or settings.frequency not in ("weekly", "monthly"):
        return None
    leader_id, hour, zone = settings.leader_id, settings.hour, settings.timezone
    if settings.frequency == "weekly":
        return DigestJob(leader_id, "weekly", hour, zone, days=(ptb_weekday(settings.weekday),))
    return DigestJob(leader_id, "monthly", hour, zone, month_day=settings.month_day)


def overdue(settings: Sequence[DigestSettings], done: Collection[int], now: datetime) -> list[int]:
    """Reachable leaders whose digest was due earlier in their current period and not sent."""
    late = []
    for s in settings:
        if job_for(s) is None or s.leader_id in done:
            continue
        due = due_at(
            s.frequency, now, s.zone, weekday=s.weekday, month_day=s.month_day, hour=s.hour
        )
        if due <= now:
            late.append(s.leader_id)
    return late


def _overdue_now(engine: Engine, now: datetime) -> list[int]:
    with session_scope(engine) as session:
        reachable = recipients(session)
    periods = {s.leader_id: period_of(s.frequency, now, s.zone) for s in reachable}
    return overdue(reachable, done_for(engine, periods), now)


def leader_id_of(engine: Engine, user_key: str) -> int | None:
    """The leader row behind a user key (to unschedule it before /deleteme erases it)."""
    with session_scope(engine) as session:
        leader = find_leader(session, user_key)
        return leader.id if leader is not None else None


def _wanted(engine: Engine, leader_ids: Collection[int] | None) -> dict[int, DigestJob | None]:
    with session_scope(engine) as session:
        found = {s.leader_id: job_for(s) for s in settings_of(session, leader_ids)}
    for leader_id in leader_ids or ():
        found.setdefault(leader_id, None)  # no leader row (any more): no job
    return found


def _queue(app: AnyApp) -> JobQueue[Any] | None:
    queue: JobQueue[Any] | None = app.job_queue
    if queue is None:
        log.warning("no JobQueue (python-telegram-bot[job-queue]): digests are not scheduled")
    return queue


def _leader_of(job: Job[Any]) -> int | None:
    name = job.name or ""
    rest = name[len(PREFIX) :] if name.startswith(PREFIX) else ""
    return int(rest) if rest.isdigit() else None


def apply_jobs(
    queue: JobQueue[Any], wanted: dict[int, DigestJob | None], *, everyone: bool
) -> None:
    """Make the queue's digest jobs match `wanted` (for every leader when `everyone`)."""
    current: dict[int, list[Job[Any]]] = {}
    for job in queue.jobs():
        leader_id = _leader_of(job)
        if leader_id is not None and (everyone or leader_id in wanted):
            current.setdefault(leader_id, []).append(job)
    to_add = dict(wanted)
    for leader_id, jobs in current.items():
        spec = wanted.get(leader_id)
        if spec is not None and len(jobs) == 1 and jobs[0].data == spec:
            to_add.pop(leader_id)  # already scheduled as wanted
            continue
        for job in jobs:
            job.schedule_removal()
    for spec in to_add.values():
        if spec is not None:
            _add(queue, spec)


def _add(queue: JobQueue[Any], spec: DigestJob) -> None:
    if spec.frequency == "weekly":
        queue.run_daily(
            send_digest, spec.at, days=spec.days, data=spec, name=spec.name, job_kwargs=LATE_OK
        )
    elif spec.month_day is not None:
        queue.run_monthly(
            send_digest, spec.at, spec.month_day, data=spec, name=spec.name, job_kwargs=LATE_OK
        )


async def sync(app: AnyApp, leader_ids: Collection[int] | None = None) -> None:
    """Re-read these leaders' settings (everyone's when None) and reschedule accordingly."""
    queue = _queue(app)
    if queue is None:
        return
    wanted = await off_loop(_wanted, app.bot_data.services.engine, leader_ids)
    apply_jobs(queue, wanted, everyone=leader_ids is None)


async def send_digest(context: HelixContext) -> None:
    """A leader's job fired: send this period's digest (in a batch) unless it is already out."""
    job = context.job
    if job is not None and isinstance(job.data, DigestJob):
        await _batched(context, [job.data.leader_id])


async def _batched(context: HelixContext, leader_ids: Collection[int]) -> None:
    """Send these leaders' digests together with every other job that fires meanwhile.

    Most leaders keep the default day and hour, so hundreds of jobs fire in the same second;
    one `deliver` per job would read every profile and cluster hundreds of times. The first
    job to fire runs the batch; jobs firing while it runs only add their leader, and the
    loop takes them all in one more `deliver`.
    """
    data = context.bot_data
    data.digest_pending.update(leader_ids)
    if data.digest_flushing:
        return
    data.digest_flushing = True
    try:
        while data.digest_pending:
            batch = sorted(data.digest_pending)
            data.digest_pending.clear()
            try:
                summary = await deliver(context.bot, context.services, leader_ids=batch)
            except Exception:  # the hourly catch-up tries these leaders again
                log.exception("digest batch of %d leaders failed", len(batch))
            else:
                log.info("digests for %d leaders: %s", len(batch), summary)
    finally:
        data.digest_flushing = False


async def catch_up(context: HelixContext) -> None:
    """Send what is overdue: missed while the bot was down, or failed and not yet sent."""
    job = context.job
    ids = list(job.data) if job is not None and isinstance(job.data, list) else []
    if ids:
        log.info("catching up %d overdue digests", len(ids))
        await _batched(context, ids)


async def resync(context: HelixContext) -> None:
    """Hourly: reschedule from the database, and retry overdue digests (a failed send)."""
    await sync(context.application)
    late = await off_loop(_overdue_now, context.services.engine, datetime.now(UTC))
    if late:
        await _batched(context, late)


async def start(app: AnyApp, now: datetime | None = None) -> list[int]:
    """`post_init`: schedule everyone, plan the catch-up; returns the leaders caught up."""
    queue = _queue(app)
    if queue is None:
        return []
    await sync(app)
    late = await off_loop(_overdue_now, app.bot_data.services.engine, now or datetime.now(UTC))
    if late:
        log.info("%d digests fell due while the bot was down; sending them now", len(late))
        queue.run_once(
            catch_up, 0, data=late, name=CATCH_UP, job_kwargs={"misfire_grace_time": None}
        )
    queue.run_repeating(resync, RESYNC_EVERY, first=RESYNC_EVERY, name=RESYNC)
    return late
