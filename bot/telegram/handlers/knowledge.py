"""Questions about societal change systems: /ask, free text outside an interview, Explain.

Answers come from `knowledge.answer.answer` in a worker thread (retrieval and any LLM call are
blocking) and are shown with their sources. An answer the knowledge base cannot ground says so
plainly before the related topics it offers. If the knowledge base cannot open at all, the user
hears that explanations are unavailable right now; the interview is never affected. Explain
asks the term's question in the user's language (so a Spanish leader is answered from the Spanish
page) and "What the options mean" lists the meaning of each option on the screen; both then show
the same question again, so the user carries on where they were.
"""

from __future__ import annotations

import logging

from telegram import Message
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.answers import answer_text, is_degraded
from bot.explain import meanings
from bot.telegram import callbacks, screens
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.render import esc
from bot.telegram.turns import Turn, off_loop, user_turn
from intake.engine import Prompt, TermView
from intake.i18n import t
from knowledge.answer import Answer, answer
from knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)


async def knowledge_base(context: HelixContext) -> KnowledgeBase | None:
    """The shared knowledge base, opened once (off the loop); None if it cannot open."""
    async with context.runtime.knowledge_lock:
        try:
            return await off_loop(context.services.knowledge)
        except Exception:  # any failure to open means "unavailable", never a crash
            log.exception("knowledge base unavailable")
            return None


def answer_html(result: Answer, lang: str) -> str:
    """The answer text with its sources; an ungrounded answer says so first.

    A degraded answer (keyword search only) ends with a short italic note, so the user knows
    why it may be weaker; the technical reason stays in the log (it can name server paths).
    """
    lines: list[str] = []
    if not result.grounded:
        lines.append(f"<b>{esc(t('bot.kb.not_grounded', lang))}</b>")
    lines.append(esc(answer_text(result, lang)))
    if result.sources:
        lines.append(f"\n<b>{esc(t('bot.kb.sources', lang))}</b>")
        lines.extend(f"• {esc(s.title)} — <i>{esc(s.path)}</i>" for s in result.sources)
    if is_degraded(result):
        lines.append(f"\n<i>{esc(t('knowledge.degraded', lang))}</i>")
    return "\n".join(lines)


async def explain(turn: Turn, question: str) -> None:
    """Answer one question from the knowledge base, or say it is unavailable."""
    kb = await knowledge_base(turn.context)
    if kb is None:
        await turn.say(t("bot.kb.unavailable", turn.lang))
        return
    result = await off_loop(answer, question, kb)
    await turn.send_html(answer_html(result, turn.lang))


async def answer_question(turn: Turn, text: str, *, started: bool) -> None:
    """Free text outside an interview: answer it, then point to what the user can do next."""
    await explain(turn, text)
    follow_up = "bot.kb.after_submitted" if started else "bot.kb.after_none"
    await turn.say(t(follow_up, turn.lang))


@user_turn
async def on_ask(turn: Turn) -> None:
    """/ask QUESTION."""
    question = " ".join(turn.context.args or []).strip()
    if not question:
        await turn.say(t("bot.kb.ask_usage", turn.lang))
        return
    await explain(turn, question)


def drawn_for(press: callbacks.Press | None, prompt: Prompt | None) -> bool:
    """Whether a press was drawn for the screen on show now (not an old or forged one)."""
    return (
        press is not None
        and prompt is not None
        and press.fingerprint == callbacks.fingerprint(prompt)
    )


def term_for(press: callbacks.Press | None, prompt: Prompt | None) -> TermView | None:
    """The term an Explain press asks about, if it belongs to the screen on show now."""
    if not drawn_for(press, prompt) or press is None or prompt is None:
        return None  # drawn for another screen, or forged (the None checks narrow the types)
    index = press.index if press.index is not None else -1
    return prompt.terms[index] if 0 <= index < len(prompt.terms) else None


def meanings_html(prompt: Prompt, lang: str) -> str:
    """Each option on the screen that has a meaning, with it (a few short lines per option)."""
    lines = [f"<b>{esc(t('bot.explain.meanings_heading', lang))}</b>"]
    # An option's label may hold a colon itself ("Visioning: shared goals"): a dash sets the
    # meaning apart.
    lines += [f"• <b>{esc(label)}</b> — {esc(meaning)}" for label, meaning in meanings(prompt)]
    return "\n".join(lines)


@user_turn
async def on_explain(turn: Turn) -> None:
    """The Explain button: explain the term, then show the same question again."""
    query, prompt = turn.query, turn.prompt
    if query is None:
        return
    term = term_for(callbacks.decode(query.data), prompt)
    if term is None or prompt is None or not isinstance(query.message, Message):
        await turn.stale()
        return
    await screens.quietly(query.answer())
    await explain(turn, term.question)
    await turn.show(prompt, turn.lang)


@user_turn
async def on_meanings(turn: Turn) -> None:
    """The "What the options mean" button: a line per option, then the same question again."""
    query, prompt = turn.query, turn.prompt
    if query is None:
        return
    press = callbacks.decode(query.data)
    if prompt is None or not drawn_for(press, prompt) or not meanings(prompt):
        await turn.stale()
        return
    await screens.quietly(query.answer())
    await turn.send_html(meanings_html(prompt, turn.lang))
    await turn.show(prompt, turn.lang)


def register(app: HelixApp) -> None:
    """/ask, Explain and "What the options mean" (free text outside an interview comes via
    the interview)."""
    app.add_handler(CommandHandler("ask", on_ask, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_explain, pattern=callbacks.pattern(callbacks.EXPLAIN)))
    app.add_handler(
        CallbackQueryHandler(on_meanings, pattern=callbacks.pattern(callbacks.MEANINGS))
    )
