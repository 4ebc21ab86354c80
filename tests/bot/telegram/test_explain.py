"""Explain on Telegram: a button per term in the user's language, answered in that language, a
"What the options mean" button where the options carry meanings, and old or forged presses
refused. The fixture form's `systems` question has two terms, `stage` a term and meanings."""

from __future__ import annotations

import pytest

from bot.telegram import callbacks
from bot.telegram.render import render_prompt
from intake.engine import ChoiceView, Prompt
from intake.engine.glossary import term_views
from intake.form import load_definition
from intake.i18n import t
from tests.bot.telegram.harness import BotHarness, live_keyboard, stored_state
from tests.bot.telegram.outreach import send_forged, toasts
from tests.telegram_emulator import BotMessage, SimulatedUser

CONTINUE = {"en": "Continue ▶️", "es": "Continuar ▶️"}
DONE = {"en": "Done ✔️", "es": "Listo ✔️"}
ENERGY = {"en": "▫️ Energy", "es": "▫️ Energía"}


async def to_systems(harness: BotHarness, user: SimulatedUser, lang: str) -> BotMessage:
    """From /start to the `systems` question (welcome note, then the initiative's name)."""
    await harness.command(user, "start")
    await harness.press(user, CONTINUE[lang])
    return await harness.say(user, "Acme")


async def to_stage(harness: BotHarness, user: SimulatedUser, lang: str) -> BotMessage:
    await to_systems(harness, user, lang)
    await harness.press(user, ENERGY[lang])
    return await harness.press(user, DONE[lang])


async def test_every_term_has_its_button_named_in_the_users_language(
    harness: BotHarness,
) -> None:
    english = await to_systems(harness, harness.user(401), "en")
    spanish = await to_systems(harness, harness.user(402, language_code="es"), "es")
    assert [b for b in english.button_texts if b.startswith("💡")] == [
        "💡 Explain: production system",
        "💡 Explain: change system",
    ]
    assert [b for b in spanish.button_texts if b.startswith("💡")] == [
        "💡 Explicar: sistema de producción",
        "💡 Explicar: sistema de cambio",
    ]
    assert not any(b.startswith("📖") for b in english.button_texts)  # no option meanings here


async def test_a_spanish_leader_gets_the_spanish_page_and_the_same_question_again(
    harness: BotHarness,
) -> None:
    user = harness.user(403, language_code="es")
    await to_systems(harness, user, "es")
    before = len(user.transcript)
    await harness.press(user, "💡 Explicar: sistema de cambio")
    explanation, again = user.transcript[before:]
    text = explanation.text or ""
    assert "es/societal-change-system.md" in text
    assert "Fuentes" in text
    assert "Sources" not in text
    assert "sistema de cambio social" in text.lower()  # the Spanish page's own words
    assert "¿En qué sistemas de producción trabajas?" in (again.text or "")
    assert live_keyboard(user).message_id == again.message_id
    state = stored_state(harness, user)
    assert "systems" not in state.answers  # explaining answers nothing


async def test_the_second_term_is_explained_too_in_english(harness: BotHarness) -> None:
    user = harness.user(404)
    await to_systems(harness, user, "en")
    before = len(user.transcript)
    await harness.press(user, "💡 Explain: change system")
    explanation, again = user.transcript[before:]
    assert "knowledge/docs/societal-change-system.md" in (explanation.text or "")
    assert "Which production systems" in (again.text or "")


async def test_what_the_options_mean_lists_each_option_in_the_users_language(
    harness: BotHarness,
) -> None:
    english = harness.user(405)
    stage = await to_stage(harness, english, "en")
    assert "📖 What the options mean" in stage.button_texts
    before = len(english.transcript)
    await harness.press(english, "📖 What the options mean")
    meanings, again = english.transcript[before:]
    assert (meanings.text or "").splitlines() == [
        "What the options mean",
        "• Idea — Nothing runs yet.",
        "• Running — It works day to day.",
    ]
    assert "What stage are you at?" in (again.text or "")
    assert "stage" not in stored_state(harness, english).answers

    spanish = harness.user(406, language_code="es")
    await to_stage(harness, spanish, "es")
    await harness.press(spanish, "📖 Qué significa cada opción")
    shown = "\n".join(m.text or "" for m in spanish.transcript[-2:])
    assert "• En marcha — Funciona a diario." in shown
    harness.emulator.assert_no_rejections()


async def test_forged_and_stale_explain_presses_are_refused(harness: BotHarness) -> None:
    user = harness.user(407)
    await to_systems(harness, user, "en")
    systems = harness.prompt(user)
    screen = callbacks.fingerprint(systems)
    old_explain = next(
        b["callback_data"] for b in live_keyboard(user).buttons if b["text"].startswith("💡")
    )
    forged = (
        callbacks.encode(callbacks.EXPLAIN, screen, 2),  # only two terms on this screen
        callbacks.encode(callbacks.EXPLAIN, "0badf00d", 0),  # drawn for another screen
        callbacks.encode(callbacks.MEANINGS, screen),  # this screen's options mean nothing
        f"x:{screen}",  # no index at all
    )
    for data in forged:
        await send_forged(harness, user, data)
    assert toasts(user).count(t("bot.stale", "en")) == len(forged)
    assert not any("Sources" in (m.text or "") for m in user.transcript)

    await harness.press(user, ENERGY["en"])
    await harness.press(user, DONE["en"])  # on to `stage`: the systems buttons are old now
    await send_forged(harness, user, old_explain)
    assert toasts(user).count(t("bot.stale", "en")) == len(forged) + 1
    assert not any("Sources" in (m.text or "") for m in user.transcript)
    assert harness.prompt(user).path == "stage"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_term_of_the_packaged_form_gets_a_button_in_the_users_language(lang: str) -> None:
    form = load_definition()
    explain = t("bot.button.explain", lang, term="")
    checked = 0
    for question in form.all_questions():
        choices = tuple(
            ChoiceView(
                value=c.name, label=form.text(c.label, lang), meaning=form.text(c.meaning, lang)
            )
            for c in form.choices_for(question)
        )
        prompt = Prompt(
            kind="question",
            text=form.label(question, lang),
            path=question.name,
            question_type="select_one" if choices else "text",
            choices=choices,
            terms=term_views(form, question.terms, lang),
        )
        markup = render_prompt(prompt, lang).markup
        texts = [b.text for row in markup.inline_keyboard for b in row] if markup else []
        named = [text.removeprefix(explain) for text in texts if text.startswith(explain)]
        assert named == [form.text(form.glossary[term].label, lang) for term in question.terms]
        has_meanings = any(c.meaning for c in choices)
        assert (t("bot.button.meanings", lang) in texts) == has_meanings, question.name
        checked += len(named) + has_meanings
    assert checked >= 35  # 28 term buttons and 7 questions about their options, today
