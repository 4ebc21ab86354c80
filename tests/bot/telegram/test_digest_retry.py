"""A digest whose send failed is not left for next week: the hourly re-sync sends it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.digests.schedule import RESYNC, sync
from intake.storage import session_scope
from intake.storage.digests import update_digest_settings
from intake.storage.tables import DigestDelivery
from tests.bot.telegram.harness import BotHarness
from tests.bot.telegram.outreach import ASKER, NAMES, leader_id
from tests.telegram_emulator.faults import Fault


def statuses(harness: BotHarness) -> list[str]:
    assert harness.services is not None
    with session_scope(harness.services.engine) as session:
        return [row.status for row in session.exec(select(DigestDelivery)).all()]


async def test_a_failed_digest_is_sent_by_the_hourly_resync_and_only_once(
    leaders: BotHarness,
) -> None:
    assert leaders.services is not None
    assert leaders.app is not None
    assert leaders.app.job_queue is not None
    asker = leaders.user(ASKER)
    with session_scope(leaders.services.engine) as session:
        for telegram_id in NAMES:
            update_digest_settings(session, leader_id(leaders, telegram_id), frequency="off")
        today = datetime.now(UTC).weekday()  # due at midnight today (UTC): already passed
        update_digest_settings(
            session, leader_id(leaders, ASKER), frequency="weekly", weekday=today, hour=0
        )
    await sync(leaders.app)
    # Telegram refuses the first send on its merits: no retry within the run.
    leaders.emulator.fail("sendMessage", Fault(400, "Bad Request: can't parse entities"))
    [job] = leaders.app.job_queue.get_jobs_by_name(f"digest:{leader_id(leaders, ASKER)}")
    await job.run(leaders.app)
    await leaders.settle()
    assert statuses(leaders) == ["failed"]
    assert asker.transcript == []
    [resync] = leaders.app.job_queue.get_jobs_by_name(RESYNC)
    await resync.run(leaders.app)
    await leaders.settle()
    assert statuses(leaders) == ["sent"]
    assert len(asker.transcript) == 1
    await resync.run(leaders.app)  # the next hour: nothing is overdue any more
    await leaders.settle()
    assert len(asker.transcript) == 1
