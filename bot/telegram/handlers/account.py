"""A leader's own data: /mydata shows everything stored about them, /deleteme erases it.

Blocking the bot (a `my_chat_member` update) marks the user inactive right away, so digests
stop before a send ever fails with 403; /start later makes them active again.

/deleteme asks first (two buttons), then calls `store.erase` and reports what was removed per
table, so the user can see that the erasure happened rather than trust that it did. The bot's
in-memory notes about the user (live keyboard, recent typed answers) are dropped as well.
"""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, filters

from bot.telegram import keys, session
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.render import esc
from intake.i18n import t


def personal_data_html(data: dict[str, object], lang: str) -> str:
    """Everything stored, as indented JSON in a <pre> block (the splitter keeps it balanced)."""
    if not any(value for name, value in data.items() if name != "user_key"):
        return esc(t("bot.mydata.empty", lang))
    dumped = json.dumps(data, indent=2, ensure_ascii=False, default=str, sort_keys=True)
    return f"<b>{esc(t('bot.mydata.heading', lang))}</b>\n\n<pre>{esc(dumped)}</pre>"


async def on_mydata(update: Update, context: HelixContext) -> None:
    """/mydata: send everything Helix stores about this user (split over several messages)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        data = await session.off_loop(context.services.store.personal_data, key)
        lang = session.language_of(context, user, current)
        await session.send_html(context, message.chat_id, personal_data_html(data, lang))


async def on_deleteme(update: Update, context: HelixContext) -> None:
    """/deleteme: ask for confirmation with two buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    current = await session.screen(context, session.user_key(user))
    lang = session.language_of(context, user, current)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("bot.delete.yes", lang), callback_data=keys.encode(keys.DELETE, "yes")
                )
            ],
            [
                InlineKeyboardButton(
                    t("bot.delete.no", lang), callback_data=keys.encode(keys.DELETE, "no")
                )
            ],
        ]
    )
    await session.send_html(context, message.chat_id, esc(t("bot.delete.confirm", lang)), markup)


def erased_summary(counts: dict[str, int], lang: str) -> str:
    removed = {table: n for table, n in counts.items() if n}
    if not removed:
        return t("bot.delete.nothing", lang)
    lines = "\n".join(f"• {table}: {n}" for table, n in sorted(removed.items()))
    return f"{t('bot.delete.done', lang)}\n{lines}"


async def on_delete_choice(update: Update, context: HelixContext) -> None:
    """del:yes erases everything about the user; del:no leaves it all in place."""
    query, user = update.callback_query, update.effective_user
    press = keys.decode(query.data if query else None)
    if query is None or user is None or press is None or not isinstance(query.message, Message):
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        lang = session.language_of(context, user, current)
        await session.quietly(query.answer())
        await session.quietly(query.message.edit_reply_markup(reply_markup=None))
        if press.arg != "yes":
            await session.say(context, query.message.chat_id, t("bot.delete.cancelled", lang))
            return
        counts = await session.off_loop(context.services.store.erase, key)
        context.runtime.forget(key)
        if context.user_data is not None:
            context.user_data.clear()
        await session.say(context, query.message.chat_id, erased_summary(counts, lang))


async def on_membership(update: Update, context: HelixContext) -> None:
    """The user blocked the bot (or unblocked it): stop or resume digests accordingly."""
    change, user = update.my_chat_member, update.effective_user
    if change is None or user is None or change.chat.type != ChatType.PRIVATE:
        return
    if change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        key = session.user_key(user)
        await session.off_loop(context.services.store.mark_inactive, key)
        context.runtime.forget(key)


def register(app: HelixApp) -> None:
    """/mydata, /deleteme and its confirmation buttons (private chats), and blocking."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("mydata", on_mydata, filters=private))
    app.add_handler(CommandHandler("deleteme", on_deleteme, filters=private))
    app.add_handler(CallbackQueryHandler(on_delete_choice, pattern=r"^del:"))
    app.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
