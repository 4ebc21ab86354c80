"""A whole interview over Telegram: buttons and typed answers, back, edit, review, submit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.telegram.harness import (
    BotHarness,
    autopilot_step,
    bot_harness,
    live_keyboard,
    loopback_env,
    stored_state,
)
from tests.telegram_emulator import SimulatedUser


async def to_systems(harness: BotHarness, user: SimulatedUser, name: str = "Acme") -> None:
    """/start, read the note, name the initiative: the multi-select question is on screen."""
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    await harness.say(user, name)


async def test_start_greets_and_asks_the_first_question(harness: BotHarness) -> None:
    user = harness.user(101)
    await harness.command(user, "start")
    first, question = user.transcript
    assert "Helix" in (first.text or "")
    assert "Welcome to the mini interview." in (question.text or "")
    assert question.button_texts == ["Continue ▶️"]
    harness.emulator.assert_no_rejections()


async def test_complete_interview_by_buttons_and_text(harness: BotHarness) -> None:
    user = harness.user(102)
    await harness.command(user, "start")
    for _ in range(40):
        if (await autopilot_step(harness, user)).kind == "submitted":
            break
    assert harness.prompt(user).kind == "submitted"
    thanks, peers = (m.text or "" for m in user.transcript[-2:])
    assert "Thank you" in thanks
    assert "No other initiative on your issue is listed yet (Acme Commons)" in peers
    state = stored_state(harness, user)
    assert state.answers["initiative_name"] == "Acme Commons"
    assert state.answers["stakeholders"][0]["st_system"] == "food"
    harness.emulator.assert_no_rejections()


async def test_complete_interview_on_the_packaged_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_env(monkeypatch)
    async with bot_harness(tmp_path, form_path=None) as harness:
        user = harness.user(103)
        await harness.command(user, "start")
        for _ in range(150):
            if (await autopilot_step(harness, user)).kind == "submitted":
                break
        assert harness.prompt(user).kind == "submitted"
        harness.emulator.assert_no_rejections()


async def test_an_answered_question_shows_the_answer_and_loses_its_buttons(
    harness: BotHarness,
) -> None:
    """A press turns the same message into "question ➡️ answer" over the next question, whose
    buttons replace the old ones; a typed answer leaves the old question without buttons."""
    user = harness.user(104)
    await to_systems(harness, user)
    question = live_keyboard(user)
    old_buttons = {b["callback_data"] for b in question.buttons}
    await harness.press(user, "▫️ Food")
    assert live_keyboard(user).message_id == question.message_id  # ticked in place
    assert "✅ Food" in live_keyboard(user).button_texts
    await harness.press(user, "Done ✔️")
    answered = live_keyboard(user)
    assert answered.message_id == question.message_id  # the same message, now the next screen
    assert (answered.text or "").startswith("Which production systems do you work on?\n➡️ Food\n\n")
    assert "What part of food?" in (answered.text or "")
    assert not old_buttons & {b["callback_data"] for b in answered.buttons}
    typed_at = live_keyboard(user)
    await harness.say(user, "2")  # a typed number answers a choice question too
    retired = next(m for m in user.transcript if m.message_id == typed_at.message_id)
    assert retired.buttons == []
    assert retired.text == "What part of food?\n➡️ 2"
    assert live_keyboard(user).message_id != typed_at.message_id


async def test_back_edit_and_review(harness: BotHarness) -> None:
    user = harness.user(105)
    await to_systems(harness, user)
    await harness.press(user, "▫️ Food")
    await harness.press(user, "Done ✔️")
    back = await harness.command(user, "back")
    assert "Which production systems" in (back.text or "")
    assert "✅ Food" in back.button_texts
    await harness.press(user, "Done ✔️")  # keeps the ticks
    await harness.say(user, "seeds")
    review = await harness.command(user, "review")
    assert "1. Name: Acme" in (review.text or "")
    assert "✅ Send my answers" in review.button_texts
    edit = await harness.press(user, "✏️ 1")
    assert "What is your initiative called?" in (edit.text or "")
    assert "Your earlier answer: Acme" in (edit.text or "")
    after = await harness.say(user, "Acme Two")
    assert "What stage are you at?" in (after.text or "")
    assert stored_state(harness, user).answers["initiative_name"] == "Acme Two"
    harness.emulator.assert_no_rejections()


async def test_typing_a_line_number_on_the_review_opens_it(harness: BotHarness) -> None:
    user = harness.user(106)
    await to_systems(harness, user)
    await harness.command(user, "review")
    opened = await harness.say(user, "1")
    assert "What is your initiative called?" in (opened.text or "")


async def test_welcome_back_offers_continue_review_and_start_over(harness: BotHarness) -> None:
    user = harness.user(107)
    await to_systems(harness, user)
    menu = await harness.command(user, "start")
    assert "Welcome back" in (menu.text or "")
    assert menu.button_texts == ["Continue ▶️", "Review my answers", "Start over"]
    cont = await harness.press(user, "Continue ▶️")
    assert "Which production systems" in (cont.text or "")
    await harness.command(user, "start")
    review = await harness.press(user, "Review my answers")
    assert "1. Name: Acme" in (review.text or "")
    await harness.command(user, "start")
    fresh = await harness.press(user, "Start over")
    assert "Welcome to the mini interview." in (fresh.text or "")
    state = stored_state(harness, user)
    assert state.answers == {}
    assert state.stale["initiative_name"] == "Acme"  # kept aside, never deleted


async def test_cancel_pauses_and_any_message_offers_to_resume(harness: BotHarness) -> None:
    user = harness.user(108)
    await to_systems(harness, user)
    paused = await harness.command(user, "cancel")
    assert "Paused" in (paused.text or "")
    menu = await harness.say(user, "hello?")
    assert "paused" in (menu.text or "")
    resumed = await harness.press(user, "Continue ▶️")
    assert "Which production systems" in (resumed.text or "")


async def test_an_edited_answer_replaces_the_stored_one(harness: BotHarness) -> None:
    user = harness.user(109)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    sent = user.send_text("Acme")
    await harness.settle()
    user.edit_text(sent["message"]["message_id"], "Acme Edited")
    await harness.settle()
    assert stored_state(harness, user).answers["initiative_name"] == "Acme Edited"
    assert "Which production systems" in (live_keyboard(user).text or "")
    assert any("Updated your answer" in (m.text or "") for m in user.transcript)


async def test_editing_an_unknown_message_changes_nothing_and_says_so(
    harness: BotHarness,
) -> None:
    user = harness.user(110)
    sent = user.send_text("just a question before starting")
    await harness.settle()
    user.edit_text(sent["message"]["message_id"], "edited")
    reply = await harness.settle_and_last(user)
    assert "Nothing changed" in (reply.text or "")


async def walk_to_story(harness: BotHarness, user: SimulatedUser) -> None:
    await harness.command(user, "start")
    for _ in range(40):
        if harness.prompt(user).path == "story":
            return
        await autopilot_step(harness, user)
    raise AssertionError("never reached the story question")


async def test_a_long_answer_split_by_telegram_is_joined(harness: BotHarness) -> None:
    user = harness.user(111)
    await walk_to_story(harness, user)
    user.send_text("A" * 3500)  # accepted: the review is next
    user.send_text("B" * 300)  # the rest of the paste, seconds later
    await harness.settle()
    assert stored_state(harness, user).answers["story"] == "A" * 3500 + "\n" + "B" * 300
    assert harness.prompt(user).kind == "review"
    assert any("added it there" in (m.text or "") for m in user.transcript)


async def test_the_tail_of_a_too_long_paste_is_not_taken_as_the_answer(
    harness: BotHarness,
) -> None:
    user = harness.user(112)
    await walk_to_story(harness, user)
    user.send_text("A" * 4096)  # over the 4000 limit: refused
    user.send_text("B" * 904)
    await harness.settle()
    assert "story" not in stored_state(harness, user).answers
    assert "That's 5001 characters" in (live_keyboard(user).text or "")


async def test_language_switch_translates_the_current_question(harness: BotHarness) -> None:
    user = harness.user(113)
    await to_systems(harness, user)
    menu = await harness.command(user, "language")
    assert menu.button_texts == ["English", "Español"]
    spanish = await harness.press(user, "Español")
    assert "¿En qué sistemas de producción trabajas?" in (spanish.text or "")
    assert "Listo ✔️" in spanish.button_texts
    assert stored_state(harness, user).language == "es"


async def test_status_and_help(harness: BotHarness) -> None:
    user = harness.user(114)
    none_yet = await harness.command(user, "status")
    assert "/start" in (none_yet.text or "")
    await to_systems(harness, user)
    status = await harness.command(user, "status")
    assert "Answers so far: 1" in (status.text or "")
    assert "Now at: Section 1 of 2 · 8 questions left · About." in (status.text or "")
    help_text = await harness.command(user, "help")
    assert "/deleteme" in (help_text.text or "")


async def test_deep_link_payloads_are_harmless(harness: BotHarness) -> None:
    for uid, payload in ((115, "conv_42"), (116, "<b>x</b>&;DROP"), (117, "x" * 300)):
        user = harness.user(uid)
        await harness.command(user, "start", payload)
        assert "Welcome to the mini interview." in (live_keyboard(user).text or "")
    harness.emulator.assert_no_rejections()


async def test_skip_by_button_and_command_and_required_questions_refuse(
    harness: BotHarness,
) -> None:
    user = harness.user(118)
    await to_systems(harness, user)
    refused = await harness.command(user, "skip")
    assert "can't be skipped" in (refused.text or "")
    await harness.press(user, "▫️ Energy")
    await harness.press(user, "Done ✔️")
    stage = live_keyboard(user)
    assert "What stage are you at?" in (stage.text or "")
    await harness.press(user, "Skip ⏭")
    skipped = next(m for m in user.transcript if m.message_id == stage.message_id)
    assert (skipped.text or "").startswith("What stage are you at?\n➡️ Skipped\n\n")
    assert stored_state(harness, user).skipped == ("stage",)
    founded = await harness.command(user, "skip")
    assert "How many people?" in (founded.text or "")


async def test_a_typed_answer_meets_the_import_rules_on_telegram(harness: BotHarness) -> None:
    """Issue 12 item 8: an invisible name is refused with the reason, escapes never stored."""
    user = harness.user(111)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    await harness.say(user, "\u200b\u200b")
    assert any("only invisible characters" in (m.text or "") for m in user.transcript[-2:])
    assert "initiative_name" not in stored_state(harness, user).answers
    await harness.say(user, "Acme\x1b[2J\x1b]0;pwned\x07\x00 Commons")
    assert stored_state(harness, user).answers["initiative_name"] == "Acme Commons"
    harness.emulator.assert_no_rejections()
