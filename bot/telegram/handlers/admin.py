"""Admin commands: /stats (counts) and /export (the data set as documents).

Only the Telegram user ids in HELIX_ADMIN_IDS may use them (`admin_only`); everyone else gets a
polite refusal that reveals nothing. The numbers come from `analysis.stats` and the files from
`analysis.export`; the work runs in a worker thread.
"""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path

from sqlalchemy import Engine
from telegram.ext import CommandHandler, filters

from analysis.export import FORMATS, export
from analysis.stats import collect_stats
from bot.telegram.context import HelixApp
from bot.telegram.render import esc
from bot.telegram.turns import Turn, admin_only, off_loop, user_turn
from intake.i18n import t

log = logging.getLogger(__name__)


def stats_html(counts: dict[str, int], lang: str) -> str:
    lines = [f"<b>{esc(t('bot.admin.stats', lang))}</b>"]
    lines.extend(f"• {esc(name)}: {n}" for name, n in sorted(counts.items()))
    return "\n".join(lines)


@user_turn
@admin_only
async def on_stats(turn: Turn) -> None:
    """/stats: counts for admins."""
    counts = await off_loop(collect_stats, turn.services.engine)
    await turn.send_html(stats_html(counts, turn.lang))


def export_files(engine: Engine) -> list[tuple[str, bytes]]:
    """(filename, content) for each export format, built by `analysis.export`."""
    files: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="helix-export-") as folder:
        for fmt in FORMATS:
            path = Path(folder) / f"helix-initiatives.{fmt}"
            export(engine, fmt, path)
            files.append((path.name, path.read_bytes()))
    return files


@user_turn
@admin_only
async def on_export(turn: Turn) -> None:
    """/export: send the data set as documents."""
    await turn.say(t("bot.admin.exporting", turn.lang))
    files = await off_loop(export_files, turn.services.engine)
    for name, data in files:
        await turn.context.bot.send_document(turn.chat_id, io.BytesIO(data), filename=name)


def register(app: HelixApp) -> None:
    """/stats and /export (private chats; refused politely for non-admins)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("stats", on_stats, filters=private))
    app.add_handler(CommandHandler("export", on_export, filters=private))
