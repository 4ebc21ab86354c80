"""The update queue behind getUpdates: ids, offset confirmation, long polling, subscriptions.

Semantics copied from the Bot API (anchors §3 and §7): an update stays pending until a later
getUpdates confirms it with `offset`; a long poll returns as soon as anything is pending;
`allowed_updates` is sticky and applies when an update is created; a newer poll terminates an
older one with 409. A "sink" replaces polling when a test pushes updates straight into an
Application (the way a webhook would), in which case nothing is queued.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from tests.telegram_emulator.errors import CONFLICT_POLL, ApiError
from tests.telegram_emulator.waiting import Changes

UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "message_reaction", "message_reaction_count", "inline_query",
    "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
    "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
    "chat_join_request", "chat_boost", "removed_chat_boost",
)  # fmt: skip
# What Telegram delivers when allowed_updates was never set or set to [].
DEFAULT_TYPES = frozenset(UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
MAX_LIMIT = 100

Sink = Callable[[dict[str, Any]], None]


class UpdateQueue:
    """Pending updates of one bot, in id order."""

    def __init__(self, changes: Changes, first_id: int = 1) -> None:
        self._changes = changes
        self._next_id = first_id
        self._pending: list[dict[str, Any]] = []
        self._allowed: frozenset[str] = DEFAULT_TYPES
        self._generation = 0
        self._closing = False
        self._holding = 0
        self.sink: Sink | None = None
        self.dropped: list[dict[str, Any]] = []  # created while their type was not subscribed
        self.delivered: set[int] = set()  # handed to the bot by getUpdates or the sink
        self.processed: set[int] = set()  # reported done by a tracking Application

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    @property
    def holding(self) -> int:
        """How many getUpdates calls are being held open right now."""
        return self._holding

    @property
    def allowed(self) -> frozenset[str]:
        return self._allowed

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Create an update (its id is used up even if the subscription drops it)."""
        update: dict[str, Any] = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        if kind not in self._allowed:
            self.dropped.append(update)
        elif self.sink is not None:
            self.delivered.add(update["update_id"])
            self.sink(update)
        else:
            self._pending.append(update)
        self._changes.notify()
        return update

    def subscribe(self, allowed: Iterable[str] | None) -> None:
        """Apply a poll's `allowed_updates`: None keeps the current set, [] means the default."""
        if allowed is None:
            return
        chosen = frozenset(allowed) & frozenset(UPDATE_TYPES)
        self._allowed = chosen or DEFAULT_TYPES

    def confirm(self, offset: int) -> None:
        """Forget updates below a positive offset; keep only the last -offset if negative."""
        before = len(self._pending)
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        if len(self._pending) != before:
            self._changes.notify()

    def mark_processed(self, update_id: int) -> None:
        """A tracking Application finished handling this update."""
        self.processed.add(update_id)
        self._changes.notify()

    @property
    def unprocessed(self) -> set[int]:
        """Delivered updates a tracking Application has not finished (empty if none tracks)."""
        return self.delivered - self.processed

    def drop_pending(self) -> None:
        """deleteWebhook(drop_pending_updates=True)."""
        self._pending.clear()
        self._changes.notify()

    def close(self) -> None:
        """Release every held poll (the server is shutting down)."""
        self._closing = True
        self._changes.notify()

    async def poll(self, offset: int, limit: int, hold: float) -> list[dict[str, Any]]:
        """One getUpdates call: confirm, then answer at once or hold until something arrives."""
        self._generation += 1
        generation = self._generation
        if self._holding:
            self._changes.notify()  # wakes the older held poll so it sees it was superseded
        self.confirm(offset)
        if not 1 <= limit <= MAX_LIMIT:
            limit = MAX_LIMIT
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(hold, 0.0)
        while True:
            if generation != self._generation:
                raise ApiError(409, CONFLICT_POLL)
            batch = self._pending[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                self.delivered.update(u["update_id"] for u in batch)
                return batch
            self._holding += 1
            self._changes.notify()  # lets a test wait for "the bot is polling now"
            try:
                await asyncio.wait_for(self._changes.next(), remaining)
            except TimeoutError:
                continue  # the loop answers with whatever is pending now
            finally:
                self._holding -= 1
