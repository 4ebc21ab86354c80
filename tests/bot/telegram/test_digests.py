"""/digest through the emulator, the digest schedule, and "not relevant" feedback in /peers.

Settings are read back from the database (the source of truth) as well as from the screen;
the schedule is checked both as pure decisions (`job_for`, `overdue`) and as the jobs that the
running application's JobQueue holds after `post_init` and after each change.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from analysis.digest import due_at
from bot.digests.schedule import CATCH_UP, DigestJob, job_for, overdue, ptb_weekday, sync
from bot.telegram.digest_screen import find_zone
from intake.storage import session_scope
from intake.storage.digests import DigestSettings, digest_settings, update_digest_settings
from intake.storage.tables import DigestDelivery, DigestPreference, PeerFeedback
from tests.bot.telegram.harness import BotHarness, stored_state
from tests.bot.telegram.outreach import (
    ASKER,
    NAMES,
    SECOND,
    TARGET,
    initiative_id,
    leader_id,
    seed,
    send_digest,
    toasts,
)
from tests.telegram_emulator import SimulatedUser


def stored(harness: BotHarness, telegram_id: int) -> DigestSettings:
    assert harness.services is not None
    with session_scope(harness.services.engine) as session:
        found = digest_settings(session, leader_id(harness, telegram_id))
    assert found is not None
    return found


def job_of(harness: BotHarness, telegram_id: int) -> DigestJob | None:
    assert harness.app is not None
    assert harness.app.job_queue is not None
    jobs = harness.app.job_queue.get_jobs_by_name(f"digest:{leader_id(harness, telegram_id)}")
    assert len(jobs) <= 1
    return jobs[0].data if jobs else None  # type: ignore[return-value]


# -- pure decisions --------------------------------------------------------------------------


def settings(**changes: object) -> DigestSettings:
    values: dict[str, object] = {"leader_id": 5, "frequency": "weekly", "telegram_id": 42}
    return DigestSettings(**(values | changes))  # type: ignore[arg-type]


def test_store_weekdays_become_ptb_weekdays_which_start_on_sunday() -> None:
    assert [ptb_weekday(d) for d in range(7)] == [1, 2, 3, 4, 5, 6, 0]


def test_a_job_only_for_reachable_leaders_at_their_local_hour() -> None:
    weekly = job_for(settings(weekday=6, hour=18, timezone="America/Lima"))
    assert weekly == DigestJob(5, "weekly", 18, "America/Lima", days=(0,))
    assert weekly.name == "digest:5"
    assert weekly.at == time(18, tzinfo=ZoneInfo("America/Lima"))
    assert weekly.at.tzinfo is ZoneInfo("America/Lima")
    assert weekly != job_for(settings(weekday=6, hour=18, timezone="Europe/Lisbon"))
    monthly = job_for(settings(frequency="monthly", month_day=28, hour=7))
    assert monthly == DigestJob(5, "monthly", 7, "UTC", month_day=28)
    assert job_for(settings(frequency="off")) is None
    assert job_for(settings(telegram_id=None)) is None
    assert job_for(settings(active=False)) is None


def test_overdue_digests_are_those_due_earlier_this_period_and_not_yet_final() -> None:
    wednesday_noon = datetime(2026, 3, 11, 12, tzinfo=UTC)
    monday = settings(leader_id=1, weekday=0)
    friday = settings(leader_id=2, weekday=4)
    sent = settings(leader_id=3, weekday=0)
    later_today = settings(leader_id=4, weekday=2, hour=14)
    auckland = settings(leader_id=6, weekday=3, hour=0, timezone="Pacific/Auckland")
    paused = settings(leader_id=7, frequency="off")
    everyone = [monday, friday, sent, later_today, auckland, paused]
    # Auckland is already at Thursday 01:00, past its Thursday midnight.
    assert overdue(everyone, done={3}, now=wednesday_noon) == [1, 6]


def test_time_zones_are_found_from_cities_and_loosely_typed_names() -> None:
    assert find_zone("Lisbon") == "Europe/Lisbon"
    assert find_zone("  europe/lisbon ") == "Europe/Lisbon"
    assert find_zone("america/lima") == "America/Lima"
    assert find_zone("São Paulo") == "America/Sao_Paulo"
    assert find_zone("new york") == "America/New_York"
    assert find_zone("UTC") == "UTC"
    assert find_zone("Atlantis") is None
    assert find_zone("") is None


# -- /digest ---------------------------------------------------------------------------------


async def test_digest_before_an_interview_asks_to_finish_it_first(harness: BotHarness) -> None:
    said = await harness.command(harness.user(6001), "digest")
    assert "Finish and send your interview first" in (said.text or "")


async def test_settings_round_trip_edits_one_message_and_reschedules(leaders: BotHarness) -> None:
    user = leaders.user(ASKER)
    screen = await leaders.command(user, "digest")
    assert "Every week, on Monday at 09:00" in (screen.text or "")
    assert "Time zone: UTC" in (screen.text or "")
    await leaders.press(user, "Monthly")
    await leaders.press(user, "📅 Day")
    await leaders.press(user, "15")
    await leaders.press(user, "🕘 Hour")
    await leaders.press(user, "18")
    screen = await leaders.press(user, "Quiet week: note")
    text = screen.text or ""
    assert "Every month, on day 15 at 18:00" in text
    assert "In a quiet week: nothing at all" in text
    assert "✅ Monthly" in screen.button_texts
    assert len([m for m in user.transcript if "Your digest" in (m.text or "")]) == 1
    now = stored(leaders, ASKER)
    assert (now.frequency, now.month_day, now.hour, now.quiet) == ("monthly", 15, 18, "skip")
    job = job_of(leaders, ASKER)
    assert job is not None
    assert (job.frequency, job.month_day, job.at.hour) == ("monthly", 15, 18)
    await leaders.press(user, "Weekly")
    await leaders.press(user, "📅 Day")
    screen = await leaders.press(user, "Sunday")
    assert "Every week, on Sunday at 18:00" in (screen.text or "")
    assert job_of(leaders, ASKER) == DigestJob(
        leader_id(leaders, ASKER), "weekly", 18, "UTC", days=(0,)
    )
    await leaders.press(user, "Off")
    assert job_of(leaders, ASKER) is None
    assert stored(leaders, ASKER).frequency == "off"
    assert "Saved" in toasts(user)


async def test_digest_is_shown_in_spanish_to_a_spanish_speaker(
    harness: BotHarness, tmp_path: Path
) -> None:
    seed(harness, tmp_path)
    user = harness.user(TARGET, language_code="es")
    screen = await harness.command(user, "digest")
    assert "Cada semana, el lunes a las 09:00" in (screen.text or "")
    assert "Semanal" in " ".join(screen.button_texts)


async def test_a_typed_city_sets_the_time_zone_and_never_reaches_the_interview(
    leaders: BotHarness,
) -> None:
    user = leaders.user(ASKER)
    await leaders.command(user, "start")
    await leaders.press(user, "Continue ▶️")  # now on "What is your initiative called?"
    await leaders.command(user, "digest")
    asked = await leaders.press(user, "🌍 Time zone")
    assert "Type your city" in (asked.text or "")
    await leaders.say(user, "Lisbon")
    said = [m.text or "" for m in user.transcript[-2:]]
    assert "Time zone set to Europe/Lisbon" in said[0]
    assert "Time zone: Europe/Lisbon" in said[1]
    assert stored(leaders, ASKER).timezone == "Europe/Lisbon"
    assert "initiative_name" not in stored_state(leaders, user).answers
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    [job] = leaders.app.job_queue.get_jobs_by_name(f"digest:{leader_id(leaders, ASKER)}")
    assert str(job.job.trigger.timezone) == "Europe/Lisbon"  # the job itself was replaced
    # The next text is an interview answer again.
    await leaders.say(user, "Acme")
    assert stored_state(leaders, user).answers["initiative_name"] == "Acme"


async def test_an_unknown_zone_gets_an_example_and_another_try(leaders: BotHarness) -> None:
    user = leaders.user(ASKER)
    await leaders.command(user, "digest")
    await leaders.press(user, "🌍 Time zone")
    said = await leaders.say(user, "Atlantis <deep>")
    assert "I do not know a time zone called “Atlantis <deep>”" in (said.text or "")
    assert "Europe/Lisbon" in (said.text or "")
    assert stored(leaders, ASKER).timezone == "UTC"
    await leaders.say(user, "america/lima")
    assert stored(leaders, ASKER).timezone == "America/Lima"
    said = await leaders.command(user, "digest", "tz Europe/Madrid")
    assert "Time zone: Europe/Madrid" in (said.text or "")
    assert stored(leaders, ASKER).timezone == "Europe/Madrid"
    leaders.emulator.assert_no_rejections()


async def test_deleteme_removes_the_job_and_every_outreach_row(leaders: BotHarness) -> None:
    user, target = leaders.user(ASKER), leaders.user(TARGET)
    for someone in (user, target):
        await leaders.command(someone, "digest")
        await leaders.press(someone, "Monthly")
    assert job_of(leaders, ASKER) is not None
    await send_digest(leaders, user, TARGET, SECOND)
    await leaders.press(user, f"Introduce me #{TARGET}")
    await leaders.press(user, f"Not relevant #{SECOND}")
    assert target.last_message is not None
    me = leader_id(leaders, ASKER)
    await leaders.command(user, "deleteme")
    said = await leaders.press(user, "Yes, erase everything")
    assert "intro_request: 1" in (said.text or "")
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    assert not leaders.app.job_queue.get_jobs_by_name(f"digest:{me}")
    assert leaders.services is not None
    with Session(leaders.services.engine) as db:
        for table in (DigestPreference, DigestDelivery, PeerFeedback):
            assert not db.exec(select(table).where(table.leader_id == me)).all()
    assert job_of(leaders, TARGET) is not None  # everyone else keeps theirs


# -- preview and "not relevant" (these embed initiatives: the real model) ----------------------


async def peers_text(harness: BotHarness, user: SimulatedUser) -> str:
    before = len(user.transcript)
    await harness.command(user, "peers")
    return "\n".join(m.text or "" for m in user.transcript[before:])


async def test_not_relevant_lowers_that_peer_in_peers(leaders: BotHarness) -> None:
    user = leaders.user(ASKER)
    shown = await peers_text(leaders, user)
    names = [line.split(". ", 1)[1] for line in shown.splitlines() if line[:2] in ("1.", "2.")]
    first = next(tid for tid in (TARGET, SECOND) if names[0].startswith(_name(tid)))
    await send_digest(leaders, user, first)
    await leaders.press(user, f"Not relevant #{first}")
    assert "I will show this one less" in toasts(user)[-1]
    again = await peers_text(leaders, user)
    lines = [line for line in again.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert _name(first) not in lines[0]
    assert any(_name(first) in line for line in lines)  # lowered, not hidden


def _name(telegram_id: int) -> str:
    return NAMES[telegram_id]


async def test_preview_composes_the_next_digest_without_delivering_it(
    leaders: BotHarness,
) -> None:
    user = leaders.user(ASKER)
    await leaders.command(user, "digest")
    await leaders.press(user, "👀 Preview")
    await leaders.settle()
    intro, digest = user.transcript[-2:]
    assert "what your next digest would look like" in (intro.text or "")
    assert "Second Plate Network" in (digest.text or "")
    assert any(b["callback_data"] == "dg:p" for b in digest.buttons)
    wanted = f"dg:i{initiative_id(leaders, TARGET)}"
    assert any(b["callback_data"] == wanted for b in digest.buttons)
    assert leaders.services is not None
    with Session(leaders.services.engine) as db:
        assert not db.exec(select(DigestDelivery)).all()


def test_settings_payloads_decode_only_into_known_choices() -> None:
    from bot.telegram.callbacks import decode, numbered, settings_choice

    assert settings_choice(decode("ds:h18")) == ("h", 18)
    assert settings_choice(decode("ds:d")) == ("d", None)
    assert settings_choice(decode("ds:qs")) == ("qs", None)
    assert settings_choice(decode("ds:w")) == ("w", None)
    for junk in ("ds:w3", "ds:h123", "ds:q", "ds:x", "ds:", "dg:p", "ds:h-1"):
        assert settings_choice(decode(junk)) is None, junk
    assert numbered("i12", "inp") == ("i", 12)
    assert numbered("p", "inp") == ("p", None)
    assert numbered("z1", "inp") is None
    assert numbered("i1x", "inp") is None


# -- scheduled delivery, end to end ------------------------------------------------------------


def digests_to(user: SimulatedUser) -> list[str]:
    """The digests a user received (a digest always carries its Pause button)."""
    return [
        m.text or ""
        for m in user.transcript
        if any(b.get("callback_data") == "dg:p" for b in m.buttons)
    ]


def later_this_week(now: datetime) -> tuple[str, int, int]:
    """A (zone, weekday, hour) whose digest is not due yet this week, whatever day it is."""
    for zone in ("UTC", "Etc/GMT+12"):  # late on a Sunday in UTC, it is earlier at UTC-12
        for weekday in range(7):
            for hour in (9, 23):
                due = due_at("weekly", now, ZoneInfo(zone), weekday=weekday, hour=hour)
                if due > now + timedelta(hours=1):
                    return zone, weekday, hour
    raise AssertionError("no later time this week")


async def test_a_digest_missed_while_down_is_sent_once_at_start_and_jobs_repeat_nobody(
    leaders: BotHarness,
) -> None:
    assert leaders.services is not None
    today = datetime.now(UTC).weekday()
    with session_scope(leaders.services.engine) as session:
        for telegram_id in NAMES:
            lid = leader_id(leaders, telegram_id)
            update_digest_settings(session, lid, frequency="off")
        # Due at midnight today (UTC): whenever this runs, that time has passed.
        update_digest_settings(
            session, leader_id(leaders, ASKER), frequency="weekly", weekday=today, hour=0
        )
        zone, weekday, hour = later_this_week(datetime.now(UTC))
        update_digest_settings(
            session,
            leader_id(leaders, TARGET),
            frequency="weekly",
            weekday=weekday,
            hour=hour,
            timezone=zone,
        )
    asker, target = leaders.user(ASKER), leaders.user(TARGET)
    await leaders.restart()
    await asker.next_reply(timeout=60)  # the catch-up job composes and sends it
    await leaders.settle()
    assert len(digests_to(asker)) == 1
    assert digests_to(target) == []  # due tomorrow: not a catch-up
    await leaders.restart()  # a second start finds nothing to catch up
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    assert not leaders.app.job_queue.get_jobs_by_name(CATCH_UP)
    assert job_of(leaders, TARGET) == DigestJob(  # the schedule, rebuilt from the database
        leader_id(leaders, TARGET), "weekly", hour, zone, days=(ptb_weekday(weekday),)
    )
    assert job_of(leaders, SECOND) is None
    for telegram_id in (ASKER, TARGET):
        name = f"digest:{leader_id(leaders, telegram_id)}"
        [job] = leaders.app.job_queue.get_jobs_by_name(name)
        await job.run(leaders.app)  # the job firing: send this period's digest if not out
    await leaders.settle()
    assert len(digests_to(asker)) == 1
    assert len(digests_to(target)) == 1
    leaders.emulator.assert_no_rejections()


async def test_jobs_that_fire_together_are_sent_in_one_batch_each_digest_once(
    leaders: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    assert leaders.services is not None
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    people = [ASKER, TARGET, SECOND]
    users = [leaders.user(telegram_id) for telegram_id in people]  # each has a chat with the bot
    with session_scope(leaders.services.engine) as session:
        for telegram_id in people:  # everyone keeps the default day and hour
            update_digest_settings(session, leader_id(leaders, telegram_id), frequency="weekly")
    await sync(leaders.app)
    jobs = [
        job
        for telegram_id in people
        for job in leaders.app.job_queue.get_jobs_by_name(
            f"digest:{leader_id(leaders, telegram_id)}"
        )
    ]
    assert len(jobs) == len(people)
    caplog.set_level(logging.INFO, logger="bot.digests.schedule")
    await asyncio.gather(*(job.run(leaders.app) for job in jobs))  # the same second
    await leaders.settle()
    for user in users:
        assert len(digests_to(user)) == 1
    batches = [r.getMessage() for r in caplog.records if r.getMessage().startswith("digests for")]
    assert 1 <= len(batches) <= 2  # the first job's batch, then at most one for the rest
    leaders.emulator.assert_no_rejections()
