"""Digest periods are counted in the leader's own time zone, with the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from analysis.digest import due_at, period_of, period_start, previous_period_start

NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "week", "month"),
    [
        ("UTC", "2026-W53", "2026-12"),
        ("Pacific/Auckland", "2026-W53", "2027-01"),  # already New Year's Day there
        ("America/Lima", "2026-W53", "2026-12"),
    ],
)
def test_the_period_is_the_leaders_local_week_or_month(zone: str, week: str, month: str) -> None:
    assert period_of("weekly", NEW_YEARS_EVE, ZoneInfo(zone)) == week
    assert period_of("monthly", NEW_YEARS_EVE, ZoneInfo(zone)) == month


def test_iso_weeks_cross_the_year_boundary() -> None:
    sunday = datetime(2027, 1, 3, 12, tzinfo=UTC)
    monday = datetime(2027, 1, 4, 12, tzinfo=UTC)
    assert period_of("weekly", sunday, ZoneInfo("UTC")) == "2026-W53"
    assert period_of("weekly", monday, ZoneInfo("UTC")) == "2027-W01"


def test_periods_start_at_local_midnight() -> None:
    lisbon = ZoneInfo("Europe/Lisbon")
    now = datetime(2026, 7, 15, 12, tzinfo=UTC)  # summer time: Lisbon is UTC+1
    assert period_start("weekly", now, lisbon) == datetime(2026, 7, 12, 23, tzinfo=UTC)
    assert period_start("monthly", now, lisbon) == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert previous_period_start("monthly", now, lisbon) == datetime(2026, 5, 31, 23, tzinfo=UTC)
    assert previous_period_start("weekly", now, lisbon) == datetime(2026, 7, 5, 23, tzinfo=UTC)


def test_the_digest_is_due_on_the_chosen_local_day_and_hour() -> None:
    lima = ZoneInfo("America/Lima")  # UTC-5 all year
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)  # Wednesday
    friday_nine = due_at("weekly", now, lima, weekday=4, hour=9)
    assert friday_nine == datetime(2026, 12, 4, 14, tzinfo=UTC)
    assert due_at("monthly", now, lima, month_day=28, hour=18) == datetime(
        2026, 12, 28, 23, tzinfo=UTC
    )


def test_a_naive_clock_or_an_unknown_frequency_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        period_of("weekly", datetime(2026, 12, 2), ZoneInfo("UTC"))  # noqa: DTZ001
    with pytest.raises(ValueError, match="frequency"):
        period_of("daily", NEW_YEARS_EVE, ZoneInfo("UTC"))
    with pytest.raises(ValueError, match="frequency"):
        period_start("off", NEW_YEARS_EVE, ZoneInfo("UTC"))
