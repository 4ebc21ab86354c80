"""`helix digest run [--dry-run] [--leader ID]`: send every due digest now, or show them.

Due means: the leader's current period (ISO week or calendar month, in their time zone) has no
final delivery yet, whatever their preferred day and hour. The run talks to Telegram through
the same retrying HTTP client and priority rate limiter as the bot (its sends take the bulk
lane), so it can run beside `helix run`, or as a second process on the same PostgreSQL
database, and still send each digest once. Progress goes to the log (stderr).

Output: with `--dry-run` each digest as plain text (leader id, period, text); always one last
line `sent N, skipped N, failed N, inactive N` (a dry run counts what it would do). Exit status:
0 when nothing failed, 1 when some digest failed (the next run tries it again), 2 for unusable
settings (no TELEGRAM_BOT_TOKEN without --dry-run, a database or Telegram that cannot be used).
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from analysis.digest import Digest
from analysis.matching import VectorStoreMismatch
from bot.commands.telegram import telegram_start_errors
from bot.digests.delivery import RunSummary, deliver, due_digests, preview
from bot.services import Services, open_services
from bot.settings import Settings
from bot.telegram.handlers.errors import install_log_redaction
from knowledge.chroma import StoreUnavailable
from knowledge.embeddings import EmbeddingsUnavailable

_TAG = re.compile(r"<[^>]+>")
_UNUSABLE = (StoreUnavailable, EmbeddingsUnavailable, VectorStoreMismatch)


def plain_text(digest_html: str) -> str:
    """Telegram HTML as a person reads it: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", digest_html))


def print_digest(digest: Digest) -> None:
    sys.stdout.write(f"--- leader {digest.leader_id} · {digest.period} ---\n")
    sys.stdout.write(plain_text(digest.text).rstrip() + "\n\n")
    sys.stdout.flush()


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    """Add the `helix digest` group."""
    group = typer.Typer(help="Digests: news of who else works on a leader's issue.")
    app.add_typer(group, name="digest", no_args_is_help=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)

    @group.command("run")
    def run_command(
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Print what would be sent; send nothing.")
        ] = False,
        leader: Annotated[
            list[int] | None, typer.Option("--leader", help="Only this leader id (repeatable).")
        ] = None,
    ) -> None:
        """Send now every digest whose period has none yet (or show them with --dry-run)."""
        settings = get_settings()
        if not dry_run and settings.telegram_bot_token is None:
            err.print(
                "[red]TELEGRAM_BOT_TOKEN is not set: digests are sent through Telegram "
                "(--dry-run shows them without a token).[/red]"
            )
            raise typer.Exit(2)
        # Opt into PTB's timedelta `retry_after` now: PTB warns on every 429 otherwise.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        services = open_services(settings)
        try:
            summary = asyncio.run(_run(settings, services, dry_run=dry_run, leader_ids=leader))
        except _UNUSABLE as exc:
            err.print(f"[red]Cannot read the initiative vectors: {escape(str(exc))}[/red]")
            raise typer.Exit(2) from None
        finally:
            services.close()
        if dry_run:
            err.print("Dry run: nothing was claimed or sent.")
        sys.stdout.write(summary.line() + "\n")
        raise typer.Exit(0 if summary.failed == 0 else 1)


def telegram_bot(settings: Settings) -> ExtBot[dict[str, Any]]:
    """A bot like the Application's: retrying HTTP, HTML by default, the priority limiter."""
    from bot.digests.limiter import PriorityRateLimiter
    from bot.telegram.app import CONNECTIONS, POOL_TIMEOUT, file_url_for
    from bot.telegram.request import RetryingRequest

    assert settings.telegram_bot_token is not None
    return ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=file_url_for(settings.telegram_api_url),
        request=RetryingRequest(connection_pool_size=CONNECTIONS, pool_timeout=POOL_TIMEOUT),
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        rate_limiter=PriorityRateLimiter(),
    )


async def _run(
    settings: Settings, services: Services, *, dry_run: bool, leader_ids: list[int] | None
) -> RunSummary:
    if dry_run:  # no Bot: a dry run needs no token and makes no call
        due = await asyncio.to_thread(due_digests, services, datetime.now(UTC), leader_ids)
        return preview(due, print_digest)
    assert settings.telegram_bot_token is not None
    install_log_redaction(settings.telegram_bot_token.get_secret_value())
    bot = telegram_bot(settings)
    with telegram_start_errors(settings):
        await bot.initialize()
    try:
        return await deliver(bot, services, leader_ids=leader_ids)
    finally:
        await bot.shutdown()
