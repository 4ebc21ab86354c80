"""The digest run: every due digest sent once, paced under Telegram's limits, outcomes recorded.

`deliver` is what `helix digest run` and the bot's scheduled jobs call. It reads who can get a
digest, leaves out leaders whose current period is already final, composes the rest in one
`build_digests` call (off the event loop: it reads the database and the vectors), and sends
them. Each send is claimed in the delivery table first and finished after (`deliveries`), so a
killed run sends the rest when run again, and two runs (two processes, or a run beside the
scheduler) never send the same digest twice. Sends go through the bulk lane of the priority
rate limiter with a few workers, so the limiter, not one-at-a-time sending, sets the pace, and
people chatting with the bot meanwhile go first.

Outcomes: sent; skipped (nothing to say and the leader asked for silence); inactive (Telegram
403: the leader blocked the bot; they are marked inactive and get no more digests until they
come back); failed (transient errors outlasted a few retries with back-off, or Telegram refused
the message itself; the next run claims it again). A read timeout on a send may hide a delivered
message; retrying it risks that one duplicate, which is the cheaper mistake than losing it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal, Protocol, TypeVar

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from analysis.digest import Digest, build_digests, period_of
from bot.digests.limiter import BULK
from bot.digests.markup import digest_markup
from bot.services import CLUSTERS, Services
from intake.storage import deliveries
from intake.storage.db import session_scope
from intake.storage.digests import DigestSettings, recipients

log = logging.getLogger(__name__)

Outcome = Literal["sent", "skipped", "failed", "inactive"]
T = TypeVar("T")


class OffLoop(Protocol):
    def __call__(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Awaitable[T]: ...


WORKERS = 16
"""Sends in flight at once: a Telegram call takes 100-300 ms, so 16 keep ~30/s flowing."""
ATTEMPTS = 4
"""Tries per digest before it is left `failed` for the next run (each try already went through
the HTTP client's 5xx retries and the limiter's 429 retries)."""
BACKOFF = 1.0
"""Seconds before the second try; doubles after each."""
PROGRESS_EVERY = 100
DB_THREADS = 1
"""A thread of the run's own for claims and finishes, not asyncio's shared pool (a few threads
on a small machine), which the conversation's database work needs: sixteen workers waiting
there for the write lock would queue interview steps behind them. One is enough (SQLite has one
writer anyway, and a claim is a few milliseconds), and it leaves the write lock free more often."""


@dataclass
class RunSummary:
    """How a run ended; leaders already done for their period, or claimed by another run,
    are not counted."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    inactive: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def line(self) -> str:
        """`sent N, skipped N, failed N, inactive N`: the last line of `helix digest run`."""
        return ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


@dataclass(frozen=True)
class Due:
    """One leader whose current period has no final delivery yet, with what to send them."""

    settings: DigestSettings
    period: str
    digest: Digest | None


@dataclass(frozen=True)
class Policy:
    """How hard to try; tests shorten the back-off."""

    workers: int = WORKERS
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF


async def deliver(
    bot: Bot,
    services: Services,
    *,
    now: datetime | None = None,
    leader_ids: Collection[int] | None = None,
    dry_run: bool = False,
    print_digest: Callable[[Digest], None] | None = None,
    policy: Policy | None = None,
) -> RunSummary:
    """Send every due digest (of `leader_ids`, or everyone), or with `dry_run` only show them."""
    moment = now or datetime.now(UTC)
    due = await asyncio.to_thread(due_digests, services, moment, leader_ids)
    if dry_run:
        return preview(due, print_digest)
    clock = (lambda: moment) if now is not None else (lambda: datetime.now(UTC))
    return await send_due(bot, services, due, clock=clock, policy=policy or Policy())


def preview(due: Sequence[Due], print_digest: Callable[[Digest], None] | None) -> RunSummary:
    """A dry run: show each digest; count what a run would do, claiming and sending nothing."""
    summary = RunSummary()
    for item in due:
        if item.digest is not None and print_digest is not None:
            print_digest(item.digest)
        summary.add("sent" if item.digest is not None else "skipped")
    return summary


def due_digests(
    services: Services, now: datetime, leader_ids: Collection[int] | None = None
) -> list[Due]:
    """Compose the digests of leaders without a final delivery for their current period."""
    with session_scope(services.engine) as session:
        reachable = recipients(session, leader_ids)
    periods = {s.leader_id: period_of(s.frequency, now, s.zone) for s in reachable}
    done = deliveries.done_for(services.engine, periods)
    pending = [s for s in reachable if s.leader_id not in done]
    if not pending:
        return []
    digests: Mapping[int, Digest | None] = build_digests(
        services.engine,
        services.initiative_vectors(),
        pending,
        now,
        clusters_store=services.settings.data_dir / CLUSTERS,
    )
    return [Due(s, periods[s.leader_id], digests.get(s.leader_id)) for s in pending]


async def send_due(
    bot: Bot,
    services: Services,
    due: Sequence[Due],
    *,
    clock: Callable[[], datetime],
    policy: Policy,
) -> RunSummary:
    """Claim, send and finish each due digest with a few workers; log progress."""
    summary = RunSummary()
    queue: asyncio.Queue[Due] = asyncio.Queue()
    for item in due:
        queue.put_nowait(item)
    log.info("digest run: %d leader(s) due", len(due))
    loop = asyncio.get_running_loop()
    threads = ThreadPoolExecutor(DB_THREADS, thread_name_prefix="digest-db")

    def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Awaitable[T]:
        return loop.run_in_executor(threads, partial(fn, *args, **kwargs))

    async def worker() -> None:
        while not queue.empty():
            item = queue.get_nowait()
            outcome = await _deliver_one(bot, services, item, clock, policy, off_loop)
            if outcome is not None:
                summary.add(outcome)
                if summary.total % PROGRESS_EVERY == 0:
                    log.info(
                        "digest run: %d of %d done (%s)", summary.total, len(due), summary.line()
                    )

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, min(policy.workers, len(due))))))
    finally:
        threads.shutdown(wait=False)
    log.info("digest run finished: %s", summary.line())
    return summary


async def _deliver_one(
    bot: Bot,
    services: Services,
    item: Due,
    clock: Callable[[], datetime],
    policy: Policy,
    off_loop: OffLoop,
) -> Outcome | None:
    """One leader: claim (None when another run has it or it is done), send, finish."""
    engine, leader_id = services.engine, item.settings.leader_id
    claimed = await off_loop(deliveries.claim, engine, leader_id, item.period, clock())
    if claimed is None:
        return None
    outcome: Outcome
    message_id: int | None = None
    error: str | None = None
    if item.digest is None:
        outcome = "skipped"
    else:
        outcome, message_id, error = await _send(bot, services, item, policy, off_loop)
    finished = await off_loop(
        deliveries.finish,
        engine,
        claimed,
        outcome,
        clock(),
        message_id=message_id,
        error=error,
    )
    if not finished:
        log.warning("digest for leader %d: the claim was taken over before it finished", leader_id)
    return outcome


async def _send(
    bot: Bot, services: Services, item: Due, policy: Policy, off_loop: OffLoop
) -> tuple[Outcome, int | None, str | None]:
    """Send with retries on transient errors: (outcome, message id, error text)."""
    chat_id, leader_id, digest = item.settings.telegram_id, item.settings.leader_id, item.digest
    assert chat_id is not None  # recipients() only returns reachable leaders
    assert digest is not None
    delay = policy.backoff
    for attempt in range(1, policy.attempts + 1):
        try:
            message = await _send_message(bot, chat_id, digest)
        except (Forbidden, BadRequest) as exc:
            if isinstance(exc, BadRequest) and not _unreachable(exc):
                log.error("digest for leader %d refused: %s", leader_id, exc)
                return "failed", None, f"{type(exc).__name__}: {exc}"
            log.info("leader %d cannot be reached (%s): no more digests", leader_id, exc)
            await off_loop(services.store.mark_inactive, f"tg:{chat_id}")
            return "inactive", None, str(exc)
        except (NetworkError, RetryAfter) as exc:  # TimedOut is a NetworkError
            if attempt == policy.attempts:
                log.warning("digest for leader %d failed: %s", leader_id, exc)
                return "failed", None, f"{type(exc).__name__}: {exc}"
            log.info(
                "digest for leader %d: %s; retry in %.1f s", item.settings.leader_id, exc, delay
            )
            await asyncio.sleep(delay)
            delay *= 2
        except TelegramError as exc:  # refused on its merits: retrying now would not help
            log.error("digest for leader %d refused: %s", leader_id, exc)
            return "failed", None, f"{type(exc).__name__}: {exc}"
        else:
            return "sent", message.message_id, None
    raise AssertionError("unreachable: the last attempt returns")


def _unreachable(error: BadRequest) -> bool:
    """ "Chat not found": an imported leader who never opened the bot (or a deleted account).

    Like a block, nothing will change until they write to the bot, and `/start` reactivates
    them; retrying every run would only fail every run (and exit 1 from every cron job).
    """
    return "chat not found" in str(error).lower()


async def _send_message(bot: Bot, chat_id: int, digest: Digest) -> Message:
    """Through the limiter's bulk lane when the bot has one (an ExtBot), else plainly."""
    markup = digest_markup(digest)
    if isinstance(bot, ExtBot):
        return await bot.send_message(
            chat_id,
            digest.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            rate_limit_args=BULK,
        )
    return await bot.send_message(
        chat_id, digest.text, parse_mode=ParseMode.HTML, reply_markup=markup
    )
