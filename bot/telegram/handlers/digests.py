"""/digest: how often a leader's digest comes, on which day, at what hour, in which time zone,
what a quiet week brings, and a preview of the next one.

The settings message is edited in place as buttons are pressed, so a leader sees one current
screen, not a trail of them. Every change is stored first (`update_digest_settings`, which
refuses out-of-range values, e.g. from a forged payload), then the leader's job is rescheduled.

A time zone is typed ("Lisbon", "america/lima"): after "Time zone" the user's memory notes
that their next text is a zone, and a message filter sends that text here instead of to the
interview or the knowledge base. The note lives in memory only; after a restart the leader taps
"Time zone" again, or types `/digest tz Lisbon`, which needs no note at all.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import select
from telegram import Message
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from analysis.digest import Digest, build_digests
from bot.digests import schedule
from bot.digests.markup import digest_markup
from bot.services import CLUSTERS, Services
from bot.telegram import callbacks, screens
from bot.telegram.context import BotData, HelixApp
from bot.telegram.digest_screen import (
    day_picker,
    find_zone,
    hour_picker,
    settings_markup,
    summary_html,
)
from bot.telegram.handlers.introductions import html_t
from bot.telegram.render import esc
from bot.telegram.turns import Turn, off_loop, user_key, user_turn
from intake.i18n import t
from intake.storage import session_scope
from intake.storage.digests import DigestSettings, digest_settings, update_digest_settings
from intake.storage.leaders import find_leader
from intake.storage.tables import Initiative

log = logging.getLogger(__name__)
WAITING_ZONE = "timezone"
_FREQUENCY = {
    callbacks.SET_WEEKLY: "weekly",
    callbacks.SET_MONTHLY: "monthly",
    callbacks.SET_OFF: "off",
}
_QUIET = {callbacks.SET_QUIET_NOTE: "note", callbacks.SET_QUIET_SKIP: "skip"}


def _settings(engine: Engine, key: str, **changes: Any) -> DigestSettings | None:
    """The leader's settings after `changes`; None until they have an initiative."""
    with session_scope(engine) as session:
        leader = find_leader(session, key)
        if leader is None or leader.id is None:
            return None
        mine = session.exec(select(Initiative.id).where(Initiative.leader_id == leader.id))
        if mine.first() is None:
            return None
        if changes:
            return update_digest_settings(session, leader.id, **changes)
        return digest_settings(session, leader.id)


async def _change(turn: Turn, **changes: Any) -> DigestSettings | None:
    found = await off_loop(_settings, turn.services.engine, turn.key, **changes)
    if found is not None and changes:
        await schedule.sync(turn.context.application, [found.leader_id])
    return found


def _preview(services: Services, settings: DigestSettings, now: datetime) -> Digest | None:
    """The leader's next digest as it would be composed now (not a delivery: nothing stored)."""
    chosen = settings if settings.frequency != "off" else replace(settings, frequency="weekly")
    found = build_digests(
        services.engine,
        services.initiative_vectors(),
        [replace(chosen, quiet="note")],
        now,
        clusters_store=services.settings.data_dir / CLUSTERS,
    )
    return found.get(settings.leader_id)


async def preview(turn: Turn, settings: DigestSettings) -> None:
    try:
        digest = await off_loop(_preview, turn.services, settings, datetime.now(UTC))
    except Exception:  # a preview is a convenience: its failure must not break the chat
        log.exception("composing a digest preview failed")
        await turn.say(t("outreach.preview.unavailable", turn.lang))
        return
    if digest is None:
        await turn.say(t("outreach.preview.nothing", turn.lang))
        return
    await turn.say(t("outreach.preview.intro", turn.lang))
    await turn.send_html(digest.text, digest_markup(digest))


async def _set_zone(turn: Turn, text: str, current: DigestSettings) -> None:
    """Store the zone the leader means, or explain with an example (and keep waiting)."""
    zone = find_zone(text)
    if zone is None:
        typed = esc(text.strip()[:60])
        zone_now = esc(current.timezone)
        await turn.send_html(html_t("outreach.zone.unknown", turn.lang, text=typed, zone=zone_now))
        return
    turn.context.runtime.memory(turn.key).waiting_for = None
    updated = await _change(turn, timezone=zone)
    local = datetime.now(ZoneInfo(zone)).strftime("%H:%M")
    await turn.say(t("outreach.zone.set", turn.lang, zone=zone, time=local))
    if updated is not None:
        await turn.send_html(summary_html(updated, turn.lang), settings_markup(updated, turn.lang))


@user_turn
async def on_digest(turn: Turn) -> None:
    """/digest shows the settings; `/digest tz <city or zone>` sets the time zone directly."""
    turn.context.runtime.memory(turn.key).waiting_for = None
    found = await _change(turn)
    if found is None:
        await turn.say(t("outreach.no_leader", turn.lang))
        return
    args = turn.context.args or []
    if len(args) >= 2 and args[0].lower() in ("tz", "zone", "zona"):
        await _set_zone(turn, " ".join(args[1:]), found)
        return
    await turn.send_html(summary_html(found, turn.lang), settings_markup(found, turn.lang))


@user_turn
async def on_zone_text(turn: Turn) -> None:
    """The text after "Time zone": a city or zone name."""
    message = turn.message
    if message is None or message.text is None:
        return
    found = await _change(turn)
    if found is None:
        turn.context.runtime.memory(turn.key).waiting_for = None
        await turn.say(t("outreach.no_leader", turn.lang))
        return
    await _set_zone(turn, message.text, found)


async def _redraw(message: Message, text: str, markup: Any) -> None:
    await screens.quietly(message.edit_text(text, reply_markup=markup))


async def _answer(turn: Turn, key: str | None = None) -> None:
    if turn.query is not None:
        await screens.quietly(turn.query.answer(t(key, turn.lang) if key else None))


async def _choose(turn: Turn, message: Message, action: str, number: int | None) -> None:
    """Apply one settings button to the leader's settings and redraw the message."""
    current = await _change(turn)
    if current is None:
        await _answer(turn, "outreach.no_leader")
        return
    lang = turn.lang
    if action == callbacks.SET_ZONE:
        await _answer(turn)
        turn.context.runtime.memory(turn.key).waiting_for = WAITING_ZONE
        await turn.say(t("outreach.zone.ask", lang))
        return
    if action == callbacks.SET_PREVIEW:
        await _answer(turn)
        await preview(turn, current)
        return
    if action in (callbacks.SET_DAY, callbacks.SET_HOUR) and number is None:
        await _answer(turn)
        picker = day_picker if action == callbacks.SET_DAY else hour_picker
        text, markup = picker(current, lang)
        await _redraw(message, esc(text), markup)
        return
    changes: dict[str, Any] = {}
    if action in _FREQUENCY:
        changes["frequency"] = _FREQUENCY[action]
    elif action in _QUIET:
        changes["quiet"] = _QUIET[action]
    elif action == callbacks.SET_HOUR:
        changes["hour"] = number
    elif action == callbacks.SET_DAY:
        changes["month_day" if current.frequency == "monthly" else "weekday"] = number
    try:
        updated = await _change(turn, **changes)
    except ValueError:  # a day or hour out of range: only a forged payload gets here
        updated = None
    if updated is None:
        await _answer(turn, "outreach.stale")
        return
    await _answer(turn, "outreach.saved")
    await _redraw(message, summary_html(updated, lang), settings_markup(updated, lang))


@user_turn
async def on_settings_button(turn: Turn) -> None:
    """A /digest settings button (`ds:`)."""
    query = turn.query
    choice = callbacks.settings_choice(callbacks.decode(query.data if query else None))
    if query is None or not isinstance(query.message, Message) or choice is None:
        await _answer(turn, "outreach.stale")
        return
    await _choose(turn, query.message, *choice)


class _WaitingForZone(filters.MessageFilter):
    """Texts from users whose next message is a time zone (see the module docstring)."""

    def __init__(self, data: BotData) -> None:
        super().__init__(name="waiting_for_zone")
        self.data = data

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.data.waiting_for(user_key(user)) == WAITING_ZONE


def register(app: HelixApp) -> None:
    """/digest, its buttons, and the typed time zone (before the interview sees the text)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("digest", on_digest, filters=private))
    app.add_handler(
        CallbackQueryHandler(on_settings_button, pattern=callbacks.pattern(callbacks.SETTINGS))
    )
    waiting = _WaitingForZone(app.bot_data)
    text = private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(text & waiting, on_zone_text))
