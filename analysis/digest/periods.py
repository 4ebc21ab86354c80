"""Digest periods in a leader's own time zone: which period "now" is, and when it is due.

A weekly digest belongs to an ISO week (`2026-W49`), a monthly one to a calendar month
(`2026-12`), both counted in the leader's time zone, so a leader in Auckland and one in Lima
each get one digest per *their* week. Pure: the clock is always passed in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKLY, MONTHLY = "weekly", "monthly"


def _local(now: datetime, zone: ZoneInfo) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone)


def period_of(frequency: str, now: datetime, zone: ZoneInfo) -> str:
    """`2026-W49` for weekly, `2026-12` for monthly: the period `now` falls in, locally."""
    day = _local(now, zone).date()
    if frequency == WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == MONTHLY:
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"no digest period for frequency {frequency!r}")


def period_start(frequency: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Local midnight starting the period `now` is in, as UTC."""
    if frequency not in (WEEKLY, MONTHLY):
        raise ValueError(f"no digest period for frequency {frequency!r}")
    day = _local(now, zone).date()
    first = day - timedelta(days=day.weekday()) if frequency == WEEKLY else day.replace(day=1)
    return datetime.combine(first, time(0), zone).astimezone(UTC)


def previous_period_start(frequency: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Start of the period before the current one (what a first digest looks back to)."""
    start = period_start(frequency, now, zone)
    return period_start(frequency, start - timedelta(seconds=1), zone)


def due_at(
    frequency: str,
    now: datetime,
    zone: ZoneInfo,
    *,
    weekday: int = 0,
    month_day: int = 1,
    hour: int = 9,
) -> datetime:
    """The moment (UTC) this period's digest is due: the chosen local day and hour in it."""
    first = period_start(frequency, now, zone).astimezone(zone).date()
    day: date = (
        first + timedelta(days=weekday) if frequency == WEEKLY else first.replace(day=month_day)
    )
    return datetime.combine(day, time(hour), zone).astimezone(UTC)
