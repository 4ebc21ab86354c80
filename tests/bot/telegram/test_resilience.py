"""What users and networks throw at the bot: restarts, old buttons, crowds, junk, and faults."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from intake.storage.tables import Leader
from tests.bot.telegram.harness import (
    BotHarness,
    autopilot_step,
    live_keyboard,
    loopback_env,
    stored_state,
)
from tests.telegram_emulator import Fault, SimulatedUser, parse_html


@pytest.fixture
def bot_errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """ERROR records from the bot's code (the error handler logs every unhandled exception)."""
    caplog.set_level(logging.WARNING)

    def errors() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name.startswith(("bot.", "telegram")) and r.levelno >= logging.ERROR
        ]

    return errors


def leader_active(harness: BotHarness, user: SimulatedUser) -> bool:
    assert harness.services is not None
    with Session(harness.services.engine) as db:
        leader = db.exec(select(Leader).where(Leader.user_key == f"tg:{user.id}")).one()
        return leader.active


async def to_systems(harness: BotHarness, user: SimulatedUser, name: str = "Acme") -> None:
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    await harness.say(user, name)


# -- restarts --------------------------------------------------------------------------------


async def test_restart_mid_interview_resumes_with_nothing_lost(harness: BotHarness) -> None:
    user = harness.user(201)
    await to_systems(harness, user)
    await harness.press(user, "▫️ Food")  # a tick not yet confirmed with Done
    await harness.restart()
    menu = await harness.command(user, "start")
    assert "Welcome back" in (menu.text or "")
    screen = await harness.press(user, "Continue ▶️")
    assert "Which production systems" in (screen.text or "")
    assert "✅ Food" in screen.button_texts
    assert stored_state(harness, user).answers["initiative_name"] == "Acme"


async def test_after_a_restart_a_typed_answer_simply_continues(harness: BotHarness) -> None:
    user = harness.user(202)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    await harness.restart()
    screen = await harness.say(user, "Acme")
    assert "Which production systems" in (screen.text or "")
    harness.emulator.assert_no_rejections()


# -- old buttons -----------------------------------------------------------------------------


async def test_a_double_tap_applies_once_and_answers_the_second_as_stale(
    harness: BotHarness,
) -> None:
    user = harness.user(203)
    await to_systems(harness, user)
    await harness.press(user, "▫️ Food")
    await harness.press(user, "Done ✔️")
    await harness.say(user, "seeds")
    user.press("Idea")
    user.press("Idea")  # the same keyboard, before the bot handled the first tap
    await harness.settle()
    answers = [q.answer for q in user.callback_answers if q.answer is not None]
    assert any("already answered" in str(a.get("text")) for a in answers)
    assert all(q.answered for q in user.callback_answers)
    assert stored_state(harness, user).answers["stage"] == "idea"
    assert "Founded in?" in (live_keyboard(user).text or "")


async def test_a_button_from_before_a_restart_is_stale_not_an_error(
    harness: BotHarness, bot_errors: Callable[[], list[str]]
) -> None:
    user = harness.user(204)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    old = live_keyboard(user)  # the name question, with its Back button
    await harness.restart()
    await harness.say(user, "Acme")  # the new process never saw `old`, so it keeps its buttons
    screen = await harness.press(user, "⬅️ Back", old.message_id)
    assert "Which production systems" in (screen.text or "")
    assert stored_state(harness, user).answers["initiative_name"] == "Acme"
    assert bot_errors() == []


async def test_an_expired_callback_query_still_applies_the_answer(harness: BotHarness) -> None:
    user = harness.user(205)
    await harness.command(user, "start")
    update = user.press("Continue ▶️")
    harness.emulator.expire_callback_query(update["callback_query"]["id"])
    screen = await harness.settle_and_last(user)
    assert "What is your initiative called?" in (screen.text or "")


# -- many users ------------------------------------------------------------------------------


@pytest.mark.slow
async def test_thirty_users_at_once_never_see_each_others_answers(harness: BotHarness) -> None:
    users = [harness.user(3000 + n, first_name=f"User{n}") for n in range(30)]
    for user in users:
        user.send_command("start")
    await harness.settle(timeout=30)
    for _ in range(40):
        done = [harness.prompt(u).kind == "submitted" for u in users]
        if all(done):
            break
        waiting = [u for u, finished in zip(users, done, strict=True) if not finished]
        await asyncio.gather(*(autopilot_step(harness, u, tag=str(u.id)) for u in waiting))
    for user in users:
        state = stored_state(harness, user)
        assert state.status == "submitted"
        assert state.answers["initiative_name"] == f"Acme Commons {user.id}"
        shown = " ".join(m.text or "" for m in user.transcript)
        others = [u.id for u in users if u is not user and f"Commons {u.id}" in shown]
        assert others == []
    harness.emulator.assert_no_rejections()


# -- junk input ------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    "A" * 5000,
    "😀🎉👍🏽" * 3,
    "مرحبا بالعالم ‏שלום",
    "\u200b\u200c\u200d",
    "<b>&*_[",
    "'; DROP TABLE interview; --",
    "Robert'); DELETE FROM answer_log WHERE ('1'='1",
    "   ",
    "&amp; &lt;script&gt; </i>",
    "/unknowncommand",
    "/start@other_bot",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
async def test_hostile_text_gets_a_valid_reply_and_is_stored_verbatim(
    harness: BotHarness, bot_errors: Callable[[], list[str]], text: str
) -> None:
    user = harness.user(206)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    before = len(user.transcript)
    user.send_text(text)
    await harness.settle()
    assert len(user.transcript) > before or any(m.edits for m in user.transcript)
    stored = stored_state(harness, user).answers.get("initiative_name")
    if stored is not None:
        assert stored == text.strip()
        shown = "".join(parse_html(m.source or "").text for m in user.transcript)
        assert text.strip() in shown
    harness.emulator.assert_no_rejections()
    assert bot_errors() == []


@pytest.mark.parametrize("kind", ["empty", "sticker", "photo", "voice", "document"])
async def test_non_text_messages_get_an_explanation_and_the_question_again(
    harness: BotHarness, bot_errors: Callable[[], list[str]], kind: str
) -> None:
    user = harness.user(207)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    user.skip_replies()
    senders = {
        "empty": lambda: user.send_text(""),
        "sticker": user.send_sticker,
        "photo": lambda: user.send_photo(caption="my logo"),
        "voice": user.send_voice,
        "document": lambda: user.send_document(b"%PDF-1.4", "plan.pdf", "application/pdf"),
    }
    senders[kind]()
    await harness.settle()
    explanation, question = await user.replies(2)
    assert "text" in (explanation.text or "") or "empty" in (explanation.text or "")
    assert "What is your initiative called?" in (question.text or "")
    assert bot_errors() == []


async def test_unknown_commands_are_named_and_the_question_repeated(harness: BotHarness) -> None:
    user = harness.user(208)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    user.skip_replies()
    user.send_command("frobnicate")
    explanation, question = await user.replies(2)
    assert "/frobnicate" in (explanation.text or "")
    assert "What is your initiative called?" in (question.text or "")


# -- faults ----------------------------------------------------------------------------------


async def test_too_many_requests_is_retried_after_retry_after(harness: BotHarness) -> None:
    user = harness.user(209)
    harness.emulator.rate_limit("sendMessage", retry_after=1)
    await harness.command(user, "start")
    sends = harness.emulator.calls_to("sendMessage")
    assert sends[0].status == 429
    assert all(call.ok for call in sends[1:])
    assert "Welcome to the mini interview." in (live_keyboard(user).text or "")


async def test_server_errors_are_retried_with_backoff(harness: BotHarness) -> None:
    user = harness.user(210)
    harness.emulator.fail("sendMessage", Fault.server_error(502), times=2)
    await harness.command(user, "start")
    statuses = [call.status for call in harness.emulator.calls_to("sendMessage")]
    assert statuses[:3] == [502, 502, 200]
    assert "Welcome to the mini interview." in (live_keyboard(user).text or "")


async def test_forbidden_marks_the_user_inactive_and_start_reactivates(
    harness: BotHarness, bot_errors: Callable[[], list[str]]
) -> None:
    user = harness.user(211)
    await to_systems(harness, user)
    assert leader_active(harness, user)
    harness.emulator.fail("*", Fault.deactivated(), times=10, chat_id=user.id)
    user.send_text("hello")
    await harness.settle()
    assert not leader_active(harness, user)
    assert bot_errors() == []
    harness.emulator.faults.clear()
    await harness.command(user, "start")
    assert leader_active(harness, user)


async def test_blocking_the_bot_marks_the_user_inactive(harness: BotHarness) -> None:
    user = harness.user(212)
    await to_systems(harness, user)
    user.block_bot()
    await harness.settle()
    assert not leader_active(harness, user)


async def test_an_answer_is_durable_even_when_no_reply_gets_through(
    harness: BotHarness,
) -> None:
    user = harness.user(213)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    harness.emulator.fail("*", Fault.server_error(500), times=100, chat_id=user.id)
    user.send_text("Acme")
    await harness.settle()
    assert stored_state(harness, user).answers["initiative_name"] == "Acme"
    harness.emulator.faults.clear()
    await harness.command(user, "start")
    screen = await harness.press(user, "Continue ▶️")
    assert "Which production systems" in (screen.text or "")


async def test_a_failing_handler_apologises_keeps_answers_and_hides_the_token(
    harness: BotHarness,
    bot_errors: Callable[[], list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = harness.user(214)
    await to_systems(harness, user)
    assert harness.services is not None
    token = harness.settings.telegram_bot_token.get_secret_value()  # type: ignore[union-attr]

    def broken(*_: object) -> None:
        raise RuntimeError(f"database went away while calling {token}")

    monkeypatch.setattr(harness.services.store, "apply", broken)
    reply = await harness.press(user, "▫️ Food")
    assert "something went wrong on my side" in (reply.text or "")
    assert "answers are kept" in (reply.text or "")
    logged = "\n".join(bot_errors())
    assert "database went away" in logged
    assert token not in logged
    monkeypatch.undo()
    loopback_env(monkeypatch)
    screen = await harness.command(user, "back")
    assert "What is your initiative called?" in (screen.text or "")
    assert stored_state(harness, user).answers["initiative_name"] == "Acme"
