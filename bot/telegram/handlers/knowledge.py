"""Questions about societal change systems: /ask, free text outside an interview, Explain.

Answers come from `knowledge.answer.answer` in a worker thread (retrieval and any LLM call are
blocking) and are shown with their sources. An answer the knowledge base cannot ground says so
plainly before the related topics it offers. If the knowledge base cannot open at all, the user
hears that explanations are unavailable right now; the interview is never affected. Explain
answers the term and then shows the same question again, so the user carries on where they were.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.telegram import keys, session
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.render import esc
from intake.engine import Prompt
from intake.i18n import t
from knowledge.answer import FAILED, Answer, answer
from knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

#: The retrieval query behind Explain; the concept documents are written in English.
EXPLAIN_QUERY = "What is {term}?"


async def knowledge_base(context: HelixContext) -> KnowledgeBase | None:
    """The shared knowledge base, opened once (off the loop); None if it cannot open."""
    async with context.runtime.knowledge_lock:
        try:
            return await session.off_loop(context.services.knowledge)
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
    lines.append(esc(result.text))
    if result.sources:
        lines.append(f"\n<b>{esc(t('bot.kb.sources', lang))}</b>")
        lines.extend(f"• {esc(s.title)} — <i>{esc(s.path)}</i>" for s in result.sources)
    if degraded(result):
        lines.append(f"\n<i>{esc(t('knowledge.degraded', lang))}</i>")
    return "\n".join(lines)


def degraded(result: Answer) -> bool:
    """Whether an answer came from the keyword-only fallback (not from an internal failure)."""
    return result.warning is not None and result.text != FAILED


async def explain(context: HelixContext, chat_id: int, question: str, lang: str) -> None:
    """Answer one question from the knowledge base, or say it is unavailable."""
    kb = await knowledge_base(context)
    if kb is None:
        await session.say(context, chat_id, t("bot.kb.unavailable", lang))
        return
    result = await session.off_loop(answer, question, kb)
    await session.send_html(context, chat_id, answer_html(result, lang))


async def answer_question(
    context: HelixContext, chat_id: int, text: str, lang: str, started: bool
) -> None:
    """Free text outside an interview: answer it, then point to what the user can do next."""
    await explain(context, chat_id, text, lang)
    follow_up = "bot.kb.after_submitted" if started else "bot.kb.after_none"
    await session.say(context, chat_id, t(follow_up, lang))


async def on_ask(update: Update, context: HelixContext) -> None:
    """/ask QUESTION."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        lang = session.language_of(context, user, current)
        question = " ".join(context.args or []).strip()
        if not question:
            await session.say(context, message.chat_id, t("bot.kb.ask_usage", lang))
            return
        await explain(context, message.chat_id, question, lang)


def term_for(press: keys.Press | None, prompt: Prompt | None) -> str | None:
    """The term an Explain press asks about, if it belongs to the screen on show now."""
    if press is None or prompt is None or press.fingerprint != keys.fingerprint(prompt):
        return None
    index = press.index if press.index is not None else -1
    return prompt.terms[index] if 0 <= index < len(prompt.terms) else None


async def on_explain(update: Update, context: HelixContext) -> None:
    """The Explain button: explain the term, then show the same question again."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        lang = session.language_of(context, user, current)
        prompt = current.prompt if current else None
        term = term_for(keys.decode(query.data), prompt)
        if term is None or prompt is None or not isinstance(query.message, Message):
            await session.stale(update, context, key, prompt, lang)
            return
        await session.quietly(query.answer())
        chat_id = query.message.chat_id
        await explain(context, chat_id, EXPLAIN_QUERY.format(term=term), lang)
        await session.show(context, chat_id, key, prompt, lang)


def register(app: HelixApp) -> None:
    """/ask and the Explain button (free text outside an interview comes via the interview)."""
    app.add_handler(CommandHandler("ask", on_ask, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_explain, pattern=r"^x:"))
