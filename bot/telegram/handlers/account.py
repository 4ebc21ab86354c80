"""A leader's own data: /mydata shows everything stored about them, /deleteme erases it.

Blocking the bot (a `my_chat_member` update) marks the user inactive right away, so digests
stop before a send ever fails with 403; /start later makes them active again.

/deleteme asks first (two buttons), then calls `store.erase` and reports what was removed per
table, so the user can see that the erasure happened rather than trust that it did. The bot's
in-memory notes about the user (live keyboard, recent typed answers) are dropped as well, and
so is their scheduled digest job.
"""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, filters

from bot.digests import schedule
from bot.telegram import callbacks, screens
from bot.telegram.context import HelixApp
from bot.telegram.render import esc
from bot.telegram.turns import Turn, off_loop, user_turn
from intake.i18n import t


def personal_data_html(data: dict[str, object], lang: str) -> str:
    """Everything stored, as indented JSON in a <pre> block (the splitter keeps it balanced)."""
    if not any(value for name, value in data.items() if name != "user_key"):
        return esc(t("bot.mydata.empty", lang))
    dumped = json.dumps(data, indent=2, ensure_ascii=False, default=str, sort_keys=True)
    return f"<b>{esc(t('bot.mydata.heading', lang))}</b>\n\n<pre>{esc(dumped)}</pre>"


@user_turn
async def on_mydata(turn: Turn) -> None:
    """/mydata: send everything Helix stores about this user (split over several messages)."""
    data = await off_loop(turn.services.store.personal_data, turn.key)
    await turn.send_html(personal_data_html(data, turn.lang))


def _choice(label: str, answer: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.DELETE, answer))]


@user_turn
async def on_deleteme(turn: Turn) -> None:
    """/deleteme: ask for confirmation with two buttons."""
    markup = InlineKeyboardMarkup(
        [
            _choice(t("bot.delete.yes", turn.lang), callbacks.DELETE_YES),
            _choice(t("bot.delete.no", turn.lang), callbacks.DELETE_NO),
        ]
    )
    await turn.send_html(esc(t("bot.delete.confirm", turn.lang)), markup)


def erased_summary(counts: dict[str, int], lang: str) -> str:
    removed = {table: n for table, n in counts.items() if n}
    if not removed:
        return t("bot.delete.nothing", lang)
    lines = "\n".join(f"• {table}: {n}" for table, n in sorted(removed.items()))
    return f"{t('bot.delete.done', lang)}\n{lines}"


@user_turn
async def on_delete_choice(turn: Turn) -> None:
    """del:yes erases everything about the user; del:no leaves it all in place."""
    query = turn.query
    press = callbacks.decode(query.data if query else None)
    if query is None or press is None or not isinstance(query.message, Message):
        return
    await screens.quietly(query.answer())
    await screens.quietly(query.message.edit_reply_markup(reply_markup=None))
    if press.arg != callbacks.DELETE_YES:
        await turn.say(t("bot.delete.cancelled", turn.lang))
        return
    leader_id = await off_loop(schedule.leader_id_of, turn.services.engine, turn.key)
    counts = await off_loop(turn.services.store.erase, turn.key)
    if leader_id is not None:
        await schedule.sync(turn.context.application, [leader_id])  # no row left: no job
    turn.context.runtime.forget(turn.key)
    if turn.context.user_data is not None:
        turn.context.user_data.clear()
    await turn.say(erased_summary(counts, turn.lang))


@user_turn
async def on_membership(turn: Turn) -> None:
    """The user blocked the bot (or unblocked it): stop or resume digests accordingly."""
    change = turn.update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    if change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await off_loop(turn.services.store.mark_inactive, turn.key)
        turn.context.runtime.forget(turn.key)


def register(app: HelixApp) -> None:
    """/mydata, /deleteme and its confirmation buttons (private chats), and blocking."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("mydata", on_mydata, filters=private))
    app.add_handler(CommandHandler("deleteme", on_deleteme, filters=private))
    app.add_handler(
        CallbackQueryHandler(on_delete_choice, pattern=callbacks.pattern(callbacks.DELETE))
    )
    app.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
