"""/review in the middle of a list entry over Telegram: the half-entered entry is kept, and the
review offers the Continue it talks about (a button on screen, not just a word in a message)."""

from __future__ import annotations

from tests.bot.telegram.harness import BotHarness, autopilot_step, live_keyboard, stored_state


async def test_review_mid_entry_keeps_the_entry_and_continue_returns_to_it(
    harness: BotHarness,
) -> None:
    user = harness.user(131)
    await harness.command(user, "start")
    while harness.prompt(user).kind != "repeat_menu":
        await autopilot_step(harness, user)
    await harness.press(user, "➕ Add one")
    await harness.say(user, "Council")

    review = await harness.command(user, "review")
    assert "Your unfinished entry “Council” is kept" in (review.text or "")
    assert "Continue ▶️" in live_keyboard(user).button_texts
    assert stored_state(harness, user).pending["item"]["values"] == {"st_name": "Council"}

    refused = await harness.press(user, "✅ Send my answers")
    assert "“Council” is half entered" in (refused.text or "")
    assert stored_state(harness, user).status != "submitted"

    await harness.command(user, "review")
    back = await harness.press(user, "Continue ▶️")
    assert "Which of your systems?" in (back.text or "")
    assert harness.prompt(user).path == "stakeholders[0].st_system"
    harness.emulator.assert_no_rejections()


async def test_a_name_typed_at_a_list_menu_starts_an_entry_with_it(harness: BotHarness) -> None:
    """As in the terminal chat: no "I didn't understand" for the obvious thing to do."""
    user = harness.user(132)
    await harness.command(user, "start")
    while harness.prompt(user).kind != "repeat_menu":
        await autopilot_step(harness, user)
    await harness.say(user, "Council")
    assert stored_state(harness, user).pending["item"]["values"] == {"st_name": "Council"}
    assert harness.prompt(user).path == "stakeholders[0].st_system"
    harness.emulator.assert_no_rejections()
