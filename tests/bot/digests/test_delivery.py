"""Sending digests through the Bot API emulator: once each, with faults on the way.

Real parts: PTB's ExtBot with the project's retrying HTTP client and priority rate limiter,
the emulator over loopback HTTP, a SQLite database filled by the importer, the delivery table.
Digests are built by hand here (composition has its own tests), so each test names exactly what
it sends; `test_delivery_run.py` runs the whole command.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from telegram.ext import ExtBot

from analysis.digest import Digest, DigestButton, period_of
from bot.digests.delivery import Due, Policy, RunSummary, send_due
from bot.digests.limiter import PriorityRateLimiter
from bot.services import Services, open_services
from bot.settings import load_settings
from bot.telegram.request import RetryingRequest
from intake.storage.db import session_scope
from intake.storage.digests import recipients
from intake.storage.tables import Leader
from tests.bot.digests.seed import delivery_rows, import_records, simple_records, telegram_ids
from tests.telegram_emulator import TelegramEmulator
from tests.telegram_emulator.faults import Fault

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
FAST = Policy(workers=4, attempts=3, backoff=0.01)
LEADERS = 4


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = load_settings(data_dir=tmp_path, demo_data=False)
    import_records(settings.database_url, simple_records(LEADERS), tmp_path)
    opened = open_services(settings)
    yield opened
    opened.close()


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[ExtBot[Any]]:
    for chat_id in telegram_ids(simple_records(LEADERS)):
        emulator.user(chat_id)
    extbot: ExtBot[Any] = ExtBot(
        emulator.token,
        base_url=emulator.base_url,
        request=RetryingRequest(backoff=0.01),
        rate_limiter=PriorityRateLimiter(1000, max_retries=2),
    )
    async with extbot:
        yield extbot


def due(services: Services, *, quiet_for: set[int] = frozenset()) -> list[Due]:  # type: ignore[assignment]
    """Every leader's digest, by hand; leaders whose Telegram id is in `quiet_for` get None."""
    with session_scope(services.engine) as session:
        found = recipients(session)
    items = []
    for s in found:
        period = period_of(s.frequency, NOW, s.zone)
        pause = [[DigestButton("pause", "Pause digests")]]
        digest = Digest(s.leader_id, period, "en", f"<b>Digest</b> for {s.name}", pause)
        items.append(Due(s, period, None if s.telegram_id in quiet_for else digest))
    return items


async def run(bot: ExtBot[Any], services: Services, items: list[Due]) -> RunSummary:
    return await send_due(bot, services, items, clock=lambda: NOW, policy=FAST)


def statuses(services: Services) -> dict[int, str]:
    return {row.leader_id: row.status for row in delivery_rows(services.settings.database_url)}


async def test_every_due_digest_is_sent_once_with_its_buttons(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services
) -> None:
    items = due(services)
    summary = await run(bot, services, items)
    assert summary == RunSummary(sent=LEADERS)
    for chat_id in telegram_ids(simple_records(LEADERS)):
        [message] = emulator.transcript(chat_id)
        assert (message.text or "").startswith("Digest for Leader")
        assert message.button_texts == ["Pause digests"]
    rows = delivery_rows(services.settings.database_url)
    assert {r.status for r in rows} == {"sent"}
    sent_ids = {m.message_id for m in emulator.bot_messages}
    assert {r.message_id for r in rows} == sent_ids
    assert await run(bot, services, items) == RunSummary()  # the period is done for everyone
    assert len(emulator.bot_messages) == LEADERS
    emulator.assert_no_rejections()


async def test_nothing_to_say_is_recorded_as_skipped_without_a_message(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services
) -> None:
    quiet = telegram_ids(simple_records(LEADERS))[0]
    summary = await run(bot, services, due(services, quiet_for={quiet}))
    assert summary == RunSummary(sent=LEADERS - 1, skipped=1)
    assert emulator.transcript(quiet) == []
    assert sorted(statuses(services).values()) == ["sent"] * (LEADERS - 1) + ["skipped"]


async def test_a_429_pauses_the_run_and_the_digest_still_goes_once(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services
) -> None:
    flooded = telegram_ids(simple_records(LEADERS))[1]
    emulator.fail("sendMessage", Fault.too_many_requests(1), chat_id=flooded)
    summary = await run(bot, services, due(services))
    assert summary == RunSummary(sent=LEADERS)
    assert len(emulator.transcript(flooded)) == 1
    tries = [
        c for c in emulator.calls_to("sendMessage") if str(c.params["chat_id"]) == str(flooded)
    ]
    assert [c.status for c in tries] == [429, 200]
    assert isinstance(bot.rate_limiter, PriorityRateLimiter)
    assert bot.rate_limiter.pauses == 1


async def test_server_errors_are_retried_and_the_digest_goes_once(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services
) -> None:
    unlucky = telegram_ids(simple_records(LEADERS))[2]
    # Four 5xx outlast the HTTP client's retries once; the run's own retry then gets through.
    emulator.fail("sendMessage", Fault.server_error(502), times=5, chat_id=unlucky)
    summary = await run(bot, services, due(services))
    assert summary == RunSummary(sent=LEADERS)
    assert len(emulator.transcript(unlucky)) == 1
    assert emulator.faults.pending == 0


async def test_lasting_server_errors_leave_the_digest_failed_for_the_next_run(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services
) -> None:
    unlucky = telegram_ids(simple_records(LEADERS))[3]
    emulator.fail("sendMessage", Fault.server_error(500), times=12, chat_id=unlucky)
    first = await run(bot, services, due(services))
    assert first == RunSummary(sent=LEADERS - 1, failed=1)
    [failed] = [r for r in delivery_rows(services.settings.database_url) if r.status == "failed"]
    assert "Internal Server Error" in (failed.error or "")
    assert emulator.transcript(unlucky) == []
    second = await run(bot, services, due(services))  # the fault is spent: Telegram is back
    assert second == RunSummary(sent=1)
    assert len(emulator.transcript(unlucky)) == 1
    assert len(emulator.bot_messages) == LEADERS


async def test_a_leader_who_blocked_the_bot_is_marked_inactive_and_never_retried(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services
) -> None:
    gone = telegram_ids(simple_records(LEADERS))[0]
    emulator.user(gone).block_bot()
    summary = await run(bot, services, due(services))
    assert summary == RunSummary(sent=LEADERS - 1, inactive=1)
    with session_scope(services.engine) as session:
        leader = session.exec(select(Leader).where(Leader.telegram_id == gone)).one()
        assert leader.active is False
    assert statuses(services)[leader.id or 0] == "inactive"
    calls = len(emulator.calls_to("sendMessage"))
    assert [s.telegram_id for s in (i.settings for i in due(services))].count(gone) == 0
    assert await run(bot, services, due(services)) == RunSummary()
    assert len(emulator.calls_to("sendMessage")) == calls


async def test_a_leader_who_never_opened_the_bot_is_marked_inactive_not_failed(
    emulator: TelegramEmulator, bot: ExtBot[Any], services: Services, tmp_path: Path
) -> None:
    stranger = {**simple_records(1)[0], "id": "t-x", "name": "Never started"}
    stranger["leader"] = {"name": "Nobody Yet", "telegram_id": 9_999_001}  # no chat with the bot
    import_records(services.settings.database_url, [stranger], tmp_path)
    summary = await run(bot, services, due(services))
    assert summary == RunSummary(sent=LEADERS, inactive=1)
    with session_scope(services.engine) as session:
        leader = session.exec(select(Leader).where(Leader.telegram_id == 9_999_001)).one()
        assert leader.active is False
    assert await run(bot, services, due(services)) == RunSummary()  # not retried every run
