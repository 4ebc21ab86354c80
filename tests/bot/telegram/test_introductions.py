"""Introductions by mutual consent, end to end through the emulator: the digest's buttons, the
request, accept, decline, the 14-day timeout, and every payload a modified client could forge.

The asker's digest is sent through the real bot with the real digest keyboard
(`bot.digests.markup`), so a press carries exactly the payload a delivered digest would. The
timeout is driven by calling the expiry job's work with a clock two weeks ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.telegram.handlers.introductions import EXPIRY_JOB, tell_outcomes
from intake.storage.tables import IntroRequest
from tests.bot.telegram.harness import BotHarness
from tests.bot.telegram.outreach import (
    ASKER,
    HIDDEN,
    PRIVATE,
    SECOND,
    TARGET,
    initiative_id,
    leader_id,
    send_digest,
    send_forged,
    toasts,
)
from tests.telegram_emulator import BotMessage, SimulatedUser


def links(message: BotMessage) -> list[str]:
    return [e["url"] for e in message.entities if e["type"] == "text_link"]


def requests(harness: BotHarness) -> list[IntroRequest]:
    assert harness.services is not None
    with Session(harness.services.engine) as db:
        return list(db.exec(select(IntroRequest)).all())


async def ask(harness: BotHarness) -> tuple[SimulatedUser, SimulatedUser]:
    asker, target = harness.user(ASKER), harness.user(TARGET)
    await send_digest(harness, asker, TARGET)
    await harness.press(asker, f"Introduce me #{TARGET}")
    return asker, target


async def test_a_request_reaches_the_other_leader_with_who_asks_and_why(
    leaders: BotHarness,
) -> None:
    asker, target = await ask(leaders)
    request = target.last_message
    assert request is not None
    text = request.text or ""
    assert "Ana <Asker> of Harbour Soup Kitchen would like to be introduced to you" in text
    assert "works on: Food waste" in text
    assert "offers volunteers, which Second Plate Network needs" in text
    assert request.button_texts == ["✅ Yes, introduce us", "No, thanks"]
    assert "tg://user" not in (request.source or "")
    told = asker.last_message
    assert told is not None
    assert "I asked the leader of Second Plate Network" in (told.text or "")
    assert "within 14 days" in (told.text or "")
    assert "Request sent" in toasts(asker)
    assert [r.status for r in requests(leaders)] == ["pending"]
    leaders.emulator.assert_no_rejections()


async def test_accepting_puts_both_in_touch_with_a_mention_link(leaders: BotHarness) -> None:
    asker, target = await ask(leaders)
    await leaders.press(target, "✅ Yes, introduce us")
    to_target = target.last_message
    assert to_target is not None
    assert "You are now in touch with Ana <Asker> of Harbour Soup Kitchen" in (
        to_target.text or ""
    )
    assert links(to_target) == [f"tg://user?id={ASKER}"]
    to_asker = asker.last_message
    assert to_asker is not None
    assert "Tomás & Co of Second Plate Network would like to meet you" in (to_asker.text or "")
    assert links(to_asker) == [f"tg://user?id={TARGET}"]
    [request] = requests(leaders)
    assert request.status == "accepted"
    assert request.asker_told_at is not None
    assert not [m for m in target.transcript if "Yes, introduce us" in m.button_texts]
    assert leaders.services is not None
    later = datetime.now(UTC) + timedelta(days=20)
    assert await tell_outcomes(leaders.app.bot, leaders.services, later) == 0  # type: ignore[union-attr]
    leaders.emulator.assert_no_rejections()


async def test_decline_and_timeout_tell_the_asker_the_same_kind_words_after_14_days(
    leaders: BotHarness,
) -> None:
    asker, target = await ask(leaders)
    await leaders.press(target, "No, thanks")
    assert "They will only hear that it did not work out" in (target.last_message.text or "")  # type: ignore[union-attr]
    second = leaders.user(SECOND)
    await send_digest(leaders, asker, SECOND)
    await leaders.press(asker, f"Introduce me #{SECOND}")  # never answered
    assert leaders.app is not None
    assert leaders.services is not None
    bot, services = leaders.app.bot, leaders.services
    before = len(asker.transcript)
    now = datetime.now(UTC)
    assert await tell_outcomes(bot, services, now + timedelta(days=13)) == 0
    assert len(asker.transcript) == before  # a decline is not told early: timing would tell
    assert await tell_outcomes(bot, services, now + timedelta(days=15)) == 2
    await leaders.settle()
    declined, expired = (m.text or "" for m in asker.transcript[before:])
    assert "Second Plate Network: it did not work out this time" in declined
    assert "Gleaners of the Valley: it did not work out this time" in expired
    assert declined.replace("Second Plate Network", "X") == expired.replace(
        "Gleaners of the Valley", "X"
    )
    assert sorted(r.status for r in requests(leaders)) == ["declined", "expired"]
    assert await tell_outcomes(bot, services, now + timedelta(days=16)) == 0
    await leaders.press(second, "✅ Yes, introduce us")  # too late
    assert "This request is no longer open." in toasts(second)
    assert sorted(r.status for r in requests(leaders)) == ["declined", "expired"]


async def test_asking_twice_is_answered_already_asked(leaders: BotHarness) -> None:
    asker, _ = await ask(leaders)
    await leaders.press(asker, f"Introduce me #{TARGET}")
    assert "You already asked for this introduction." in toasts(asker)
    assert len(requests(leaders)) == 1


async def test_forged_and_stale_payloads_get_a_friendly_toast_and_change_nothing(
    leaders: BotHarness,
) -> None:
    asker, _ = await ask(leaders)
    [request] = requests(leaders)
    stranger = leaders.user(SECOND)
    await send_forged(leaders, stranger, f"in:y{request.id}")  # someone else's request
    await send_forged(leaders, asker, f"in:y{request.id}")  # the asker answering themselves
    assert "This request is no longer open." in toasts(stranger)
    assert "This request is no longer open." in toasts(asker)
    assert [r.status for r in requests(leaders)] == ["pending"]
    cases = {
        f"dg:i{initiative_id(leaders, HIDDEN)}": "not possible",  # not listed
        f"dg:i{initiative_id(leaders, PRIVATE)}": "not possible",  # no introductions
        f"dg:i{initiative_id(leaders, ASKER)}": "your own initiative",
        "dg:i999999": "not possible",
        "dg:x1": "no longer works",
        "in:n999999": "no longer open",
        "ds:h99": "no longer works",
    }
    for data, expected in cases.items():
        await send_forged(leaders, asker, data)
        assert expected in toasts(asker)[-1], data
    newcomer = leaders.user(7999)  # no leader row at all
    await send_forged(leaders, newcomer, f"dg:i{initiative_id(leaders, TARGET)}")
    assert "Send your interview first" in toasts(newcomer)[-1]
    assert len(requests(leaders)) == 1
    assert all(q.answered for q in asker.callback_answers)
    leaders.emulator.assert_no_rejections()


async def test_pause_turns_digests_off_and_says_how_to_resume(leaders: BotHarness) -> None:
    asker = leaders.user(ASKER)
    await leaders.command(asker, "digest")
    await leaders.press(asker, "Monthly")
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    name = f"digest:{leader_id(leaders, ASKER)}"
    assert leaders.app.job_queue.get_jobs_by_name(name)
    digest = await send_digest(leaders, asker, TARGET)
    said = await leaders.press(asker, "Pause digests", digest.message_id)
    assert "send /digest" in (said.text or "")
    assert "Digests paused" in toasts(asker)
    assert not leaders.app.job_queue.get_jobs_by_name(name)
    shown = await leaders.command(asker, "digest")
    assert "Off: you get no digests" in (shown.text or "")


async def test_the_expiry_job_runs_hourly(leaders: BotHarness) -> None:
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    [job] = leaders.app.job_queue.get_jobs_by_name(EXPIRY_JOB)
    assert job.job.trigger.interval == timedelta(hours=1)
