"""Admin commands: /stats (counts) and /export (the data set as documents).

Only the Telegram user ids in HELIX_ADMIN_IDS may use them; everyone else gets a polite refusal
that reveals nothing. The work (queries, building files) runs in a worker thread.
"""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler, filters

from analysis.export import FORMATS, export
from bot.telegram import session
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.render import esc
from intake.i18n import t
from intake.storage.tables import Initiative, Interview, Leader, Submission

log = logging.getLogger(__name__)


def collect_stats(engine: Engine) -> dict[str, int]:
    """Interviews by status (active ones), submissions, leaders and initiatives."""
    counts: dict[str, int] = {}
    with Session(engine) as db:
        rows = db.execute(
            select(Interview.status, func.count())  # type: ignore[call-overload]
            .where(Interview.active)
            .group_by(Interview.status)
        ).all()
        for status, n in rows:
            counts[f"interviews_{status}"] = int(n)
        for name, table in (
            ("submissions", Submission),
            ("leaders", Leader),
            ("initiatives", Initiative),
        ):
            counts[name] = int(db.execute(select(func.count()).select_from(table)).scalar_one())
        inactive = select(func.count()).select_from(Leader).where(Leader.active.is_(False))  # type: ignore[attr-defined]
        counts["leaders_inactive"] = int(db.execute(inactive).scalar_one())
    return counts


def stats_html(counts: dict[str, int], lang: str) -> str:
    lines = [f"<b>{esc(t('bot.admin.stats', lang))}</b>"]
    lines.extend(f"• {esc(name)}: {n}" for name, n in sorted(counts.items()))
    return "\n".join(lines)


def is_admin(update: Update, context: HelixContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.services.settings.admin_ids


async def on_stats(update: Update, context: HelixContext) -> None:
    """/stats: counts for admins; a polite refusal for everyone else."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = session.language_of(context, user, None)
    if not is_admin(update, context):
        await session.say(context, message.chat_id, t("bot.admin.refused", lang))
        return
    counts = await session.off_loop(collect_stats, context.services.engine)
    await session.send_html(context, message.chat_id, stats_html(counts, lang))


def export_files(engine: Engine) -> list[tuple[str, bytes]]:
    """(filename, content) for each export format, built by `analysis.export`."""
    files: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="helix-export-") as folder:
        for fmt in FORMATS:
            path = Path(folder) / f"helix-initiatives.{fmt}"
            export(engine, fmt, path)
            files.append((path.name, path.read_bytes()))
    return files


async def on_export(update: Update, context: HelixContext) -> None:
    """/export: send the data set as documents (admins only)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = session.language_of(context, user, None)
    if not is_admin(update, context):
        await session.say(context, message.chat_id, t("bot.admin.refused", lang))
        return
    await session.say(context, message.chat_id, t("bot.admin.exporting", lang))
    files = await session.off_loop(export_files, context.services.engine)
    for name, data in files:
        await context.bot.send_document(message.chat_id, io.BytesIO(data), filename=name)


def register(app: HelixApp) -> None:
    """/stats and /export (private chats; refused politely for non-admins)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("stats", on_stats, filters=private))
    app.add_handler(CommandHandler("export", on_export, filters=private))
