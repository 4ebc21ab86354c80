"""What one answer costs in Bot API calls that count against Telegram's ~30 messages/second.

Counted twice, independently: the calls the emulator received during the turn (every method
that names a chat), and the tokens the real `PriorityRateLimiter` granted per lane. A button
answer must cost one budgeted call (the pressed message edited into the next screen) plus the
unbudgeted answerCallbackQuery; a typed answer one budgeted send in the interactive lane, the
old question's retirement going to the bulk lane behind everyone's replies.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.digests.limiter import PriorityRateLimiter
from bot.telegram import screens
from tests.bot.telegram.harness import BotHarness, live_keyboard
from tests.telegram_emulator import Fault, SimulatedUser
from tests.telegram_emulator.models import ApiCall


def limiter(harness: BotHarness) -> PriorityRateLimiter:
    assert harness.app is not None
    found: Any = harness.app.bot.rate_limiter
    assert isinstance(found, PriorityRateLimiter)
    return found


def turn_calls(harness: BotHarness, since: int) -> list[ApiCall]:
    return [c for c in harness.emulator.calls[since:] if c.method.lower() != "getupdates"]


def budgeted(calls: list[ApiCall]) -> list[str]:
    """The methods that name a chat: the ones the limiter (and Telegram's limit) count."""
    return [c.method for c in calls if "chat_id" in c.params]


async def press_and_count(
    harness: BotHarness, user: SimulatedUser, button: str
) -> tuple[list[ApiCall], dict[str, int]]:
    granted_before = dict(limiter(harness).granted)
    since = len(harness.emulator.calls)
    await harness.press(user, button)
    granted = {lane: n - granted_before[lane] for lane, n in limiter(harness).granted.items()}
    return turn_calls(harness, since), granted


async def assert_one_budgeted_edit(harness: BotHarness, user: SimulatedUser, button: str) -> None:
    """Press `button` on the live screen: one budgeted call, the edit of the pressed message."""
    screen = live_keyboard(user)
    calls, granted = await press_and_count(harness, user, button)
    assert budgeted(calls) == ["editMessageText"], [c.method for c in calls]
    assert sorted(c.method for c in calls) == ["answerCallbackQuery", "editMessageText"]
    assert granted == {"interactive": 1, "bulk": 0}
    edit = next(c for c in calls if c.method == "editMessageText")
    assert int(edit.params["message_id"]) == screen.message_id
    assert live_keyboard(user).message_id == screen.message_id


async def test_a_button_answer_costs_one_rate_limited_call(harness: BotHarness) -> None:
    user = harness.user(501)
    await harness.command(user, "start")
    await assert_one_budgeted_edit(harness, user, "Continue ▶️")  # a note
    await harness.say(user, "Acme")
    await harness.press(user, "▫️ Food")
    await assert_one_budgeted_edit(harness, user, "Done ✔️")  # a multiple choice
    await harness.say(user, "seeds")
    await assert_one_budgeted_edit(harness, user, "Running")  # a single choice
    assert "Founded in?" in (live_keyboard(user).text or "")
    harness.emulator.assert_no_rejections()


async def test_a_typed_answer_costs_one_send_and_retires_the_old_question_in_bulk(
    harness: BotHarness,
) -> None:
    user = harness.user(502)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    question = live_keyboard(user)
    granted_before = dict(limiter(harness).granted)
    since = len(harness.emulator.calls)
    await harness.say(user, "Acme")
    calls = turn_calls(harness, since)
    granted = {lane: n - granted_before[lane] for lane, n in limiter(harness).granted.items()}
    assert sorted(budgeted(calls)) == ["editMessageText", "sendMessage"]
    assert granted == {"interactive": 1, "bulk": 1}  # the edit is the old question's, in bulk
    retired = next(m for m in user.transcript if m.message_id == question.message_id)
    assert retired.buttons == []
    assert live_keyboard(user).message_id != question.message_id
    harness.emulator.assert_no_rejections()


async def test_a_press_on_a_question_waiting_to_be_retired_gets_a_new_message(
    harness: BotHarness,
) -> None:
    """A refused typed answer redraws the same screen, so the old message's buttons stay valid
    until its retirement (held here) goes out; a press on it then must not become the live
    screen, which that retirement would strip: the next screen comes as a new message."""
    user = harness.user(503)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    await harness.say(user, "Acme")
    await harness.press(user, "▫️ Energy")
    await harness.press(user, "Done ✔️")
    await harness.press(user, "Running")
    old = live_keyboard(user)
    assert "Founded in?" in (old.text or "")
    held = Fault.held()
    harness.emulator.fail("editMessageReplyMarkup", held)
    user.send_text("long ago")  # refused: not a year
    await harness.emulator.wait_for(lambda: held.arrived == 1, what="the retirement to wait")
    user.press("Skip ⏭", message_id=old.message_id)
    await harness.emulator.wait_for(
        lambda: "How many people?" in (user.transcript[-1].text or ""), what="the next question"
    )
    held.release()
    await harness.settle()
    assert "How many people?" in (live_keyboard(user).text or "")
    assert live_keyboard(user).message_id != old.message_id


@pytest.mark.parametrize("busy", ["many retirements wait", "little to spare"])
async def test_when_busy_an_old_keyboard_stays_and_its_press_is_stale(
    harness: BotHarness, busy: str
) -> None:
    user = harness.user(504)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    old = live_keyboard(user)
    assert harness.app is not None
    if busy == "many retirements wait":
        harness.app.bot_data.deferred = screens.MAX_DEFERRED
    else:  # as under 25 answers/s: replies keep the bucket below half full
        limiter(harness).spare = lambda: screens.SPARE_SHARE / 2  # type: ignore[method-assign]
    since = len(harness.emulator.calls)
    await harness.say(user, "Acme")
    assert budgeted(turn_calls(harness, since)) == ["sendMessage"]
    assert next(m for m in user.transcript if m.message_id == old.message_id).buttons
    harness.app.bot_data.deferred = 0
    vars(limiter(harness)).pop("spare", None)
    user.press("⬅️ Back", message_id=old.message_id)
    await harness.settle()
    answer = harness.emulator.callback_queries[-1].answer or {}
    assert "already answered" in str(answer.get("text"))
    assert "Which production systems" in (live_keyboard(user).text or "")
