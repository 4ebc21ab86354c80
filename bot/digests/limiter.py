"""A rate limiter with two lanes, so a digest run never makes a chatting person wait.

PTB's AIORateLimiter puts every send in one first-come queue: a 1,000-leader digest run (about
35 s of sends at Telegram's ~30 per second) would queue every interview reply behind it. Here
every send still shares one overall budget, but in two lanes (`budget.py`):

- interactive (the default: every handler's send and edit) is served first, whenever a token
  is there;
- bulk (`rate_limit_args={"lane": "bulk"}`: the digest run, and retiring old interview screens,
  `bot.telegram.screens.retire_later`) is paced at most at `bulk_share` of the overall rate and
  only takes tokens interactive traffic leaves, keeping a reserve.

One dispatcher task hands out the tokens, so the order is decided in one place. A 429 pauses
everyone for Telegram's `retry_after` (the flood limit is per bot, not per chat) and the request
is retried at the head of its lane, up to `max_retries` times; other errors go to the caller.
Calls that carry no `chat_id` (button-tap answers, menus, getMe) are not messages, so they skip
the budget but still respect a pause. getUpdates never comes here (PTB does not limit it).
What is documented and what is assumed: Telegram's FAQ names about 30 messages per second
overall and says nothing precise about other methods (PTB's wiki: the limits are not
documented). Counting every call that names a chat, edits included, is our cautious reading;
leaving answerCallbackQuery out follows PTB's `AIORateLimiter`, which limits only calls with a
`chat_id`, not a statement from Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.digests.budget import LANES, Budget, Lane

log = logging.getLogger(__name__)

BULK: dict[str, Any] = {"lane": "bulk"}
"""`rate_limit_args` of a digest send."""
MARGIN = 0.1
"""Seconds added to Telegram's `retry_after`, so the retry does not land a hair too early."""

Result = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type PTB hands out (int now, timedelta later)."""
    with warnings.catch_warnings():  # the int form warns unless PTB_TIMEDELTA is set
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PriorityRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Interactive sends first, bulk sends paced under a share of the overall rate."""

    def __init__(
        self,
        overall_max_rate: float = 30.0,
        *,
        bulk_share: float = 0.9,
        reserve: float | None = None,
        max_retries: int = 3,
    ) -> None:
        self.budget = Budget(rate=overall_max_rate, bulk_share=bulk_share, reserve=reserve)
        self.max_retries = max_retries
        self.granted: dict[Lane, int] = dict.fromkeys(LANES, 0)
        self.pauses = 0
        self._queues: dict[Lane, deque[asyncio.Future[None]]] = {lane: deque() for lane in LANES}
        self._wake: asyncio.Event | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._resume_at = 0.0

    async def initialize(self) -> None:
        """Nothing to open: the dispatcher starts with the first waiting send."""

    async def shutdown(self) -> None:
        """Stop the dispatcher; sends still waiting are cancelled (the bot is going away)."""
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            await asyncio.gather(self._dispatcher, return_exceptions=True)
            self._dispatcher = None
        for queue in self._queues.values():
            while queue:
                queue.popleft().cancel()
        self._wake = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Result:
        """Wait for a token in this request's lane, call, and retry after a 429."""
        lane, retries = self._options(rate_limit_args)
        limited = data.get("chat_id") is not None
        for attempt in range(retries + 1):
            if limited:
                await self._acquire(lane, retry=attempt > 0)
            else:
                await self._unpaused()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("%s: still rate limited after %d retries", endpoint, retries)
                    raise
                self._pause(retry_seconds(exc) + MARGIN)
                log.info("%s: rate limited; every send waits %s s", endpoint, retry_seconds(exc))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def spare(self) -> float:
        """Tokens at hand now, as a share of a full bucket (0 while anything waits or paused):
        optional sends (retiring old screens) go only when replies have room to burst."""
        if any(self._queues.values()) or self._resume_at > time.monotonic():
            return 0.0
        return self.budget.available(time.monotonic()) / self.budget.burst

    def _options(self, args: dict[str, Any] | None) -> tuple[Lane, int]:
        args = args or {}
        lane = args.get("lane", "interactive")
        if lane not in LANES:
            raise ValueError(f"unknown rate-limit lane {lane!r} (expected one of {LANES})")
        return lane, int(args.get("max_retries", self.max_retries))

    # -- the dispatcher ----------------------------------------------------------------------

    def _pause(self, seconds: float) -> None:
        now = time.monotonic()
        self._resume_at = max(self._resume_at, now + seconds)
        self.budget.pause(now, self._resume_at)
        self.pauses += 1
        if self._wake is not None:
            self._wake.set()

    async def _unpaused(self) -> None:
        left = self._resume_at - time.monotonic()
        if left > 0:
            await asyncio.sleep(left)

    async def _acquire(self, lane: Lane, *, retry: bool) -> None:
        """Return when this send may go: at once when nobody waits ahead of it and a token is
        there, else when the dispatcher grants it one; a retry keeps its place."""
        ahead = self._queues["interactive"] or (lane == "bulk" and self._queues["bulk"])
        if not ahead and self.budget.take(lane, time.monotonic()):
            self.granted[lane] += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._queues[lane]
        if retry:
            queue.appendleft(waiter)
        else:
            queue.append(waiter)
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="rate-limiter")
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter in queue:
                queue.remove(waiter)
            raise

    async def _dispatch(self) -> None:
        """Grant tokens while sends wait: interactive first, bulk when the budget allows."""
        assert self._wake is not None
        wake = self._wake
        while True:
            wake.clear()
            for queue in self._queues.values():
                while queue and queue[0].done():
                    queue.popleft()
            if not any(self._queues.values()):
                return
            now = time.monotonic()
            waits = []
            for lane in LANES:  # interactive needs fewer tokens, so if it waits, bulk waits
                queue = self._queues[lane]
                if not queue:
                    continue
                if self.budget.take(lane, now):
                    queue.popleft().set_result(None)
                    self.granted[lane] += 1
                    break
                waits.append(self.budget.delay(lane, now))
            else:
                try:
                    async with asyncio.timeout(min(waits)):
                        await wake.wait()  # a new send or a pause may change the answer
                except TimeoutError:
                    pass
