"""Injected and state-driven failures, as PTB raises them: 429, 403, 5xx, slow answers."""

from __future__ import annotations

import datetime as dtm
from typing import Any

import pytest
from telegram import Bot
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

from tests.telegram_emulator import Fault, TelegramEmulator
from tests.telegram_emulator.ptb import running

# PTB 22.8 warns from RetryAfter.__init__ itself on every 429 unless PTB_TIMEDELTA is set.
retry_after_warning = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)


@retry_after_warning
async def test_429_surfaces_as_retry_after_and_changes_nothing(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    emulator.user(42)
    emulator.rate_limit("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "burst")
    assert caught.value._retry_after == dtm.timedelta(seconds=3)
    assert emulator.transcript(42) == []
    assert emulator.rejections == []  # an injected fault is not a refusal on the merits
    (call,) = emulator.calls_to("sendMessage")
    assert (call.status, call.fault) == (429, True)
    await bot.send_message(42, "later")  # the fault was used up
    assert emulator.faults.pending == 0


@retry_after_warning
async def test_rate_limiter_waits_out_a_429_and_retries(
    emulator: TelegramEmulator, app_builder: Any
) -> None:
    ann = emulator.user(42)
    app = app_builder.rate_limiter(AIORateLimiter(max_retries=1)).build()
    emulator.rate_limit("sendMessage", retry_after=1)
    async with running(app, mode="push"):
        await app.bot.send_message(42, "eventually")
    assert [c.status for c in emulator.calls_to("sendMessage")] == [429, 200]
    assert [m.text for m in ann.transcript] == ["eventually"]


async def test_blocked_and_deleted_users_are_forbidden(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    ann, bob = emulator.user(42), emulator.user(43)
    update = ann.block_bot()
    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(42, "digest")
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    bob.delete_account()
    with pytest.raises(Forbidden, match="Forbidden: user is deactivated"):
        await bot.send_chat_action(43, "typing")
    ann.unblock_bot()
    await bot.send_message(42, "welcome back")
    assert [r.status for r in emulator.rejections] == [403, 403]


async def test_faults_can_target_one_chat(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.user(42)
    emulator.user(43)
    emulator.fail("sendMessage", Fault.blocked(), chat_id=43)
    await bot.send_message(42, "fine")
    with pytest.raises(Forbidden):
        await bot.send_message(43, "refused")
    assert [m.text for m in emulator.bot_messages] == ["fine"]


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_network_errors_not_bad_requests(
    emulator: TelegramEmulator, bot: Bot, status: int
) -> None:
    emulator.user(42)
    emulator.fail("*", Fault.server_error(status))
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(42, "x")
    assert not isinstance(caught.value, BadRequest)
    expected = "Internal Server Error" if status == 500 else "Bad Gateway (502)"
    assert expected in caught.value.message


async def test_a_slow_answer_times_out_but_the_message_was_delivered(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    ann = emulator.user(42)
    emulator.slow("sendMessage", seconds=30)
    with pytest.raises(TimedOut):
        await bot.send_message(42, "maybe twice", read_timeout=0.2)
    assert [m.text for m in ann.transcript] == ["maybe twice"]
    assert [(c.status, c.fault) for c in emulator.calls_to("sendMessage")] == [(200, True)]


async def test_unknown_methods_and_tokens(emulator: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTeleport", api_kwargs={"chat_id": 42})
    (rejection,) = emulator.rejections
    assert (rejection.method, rejection.status, rejection.description) == (
        "sendTeleport",
        404,
        "Not Found",
    )
    request = HTTPXRequest()  # owned here: an uninitialized Bot's shutdown() closes nothing
    stranger = Bot("1:wrong", base_url=emulator.base_url, request=request)
    try:
        with pytest.raises(InvalidToken):
            await stranger.get_me()
    finally:
        await request.shutdown()
