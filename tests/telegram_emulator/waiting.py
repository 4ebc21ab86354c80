"""Waiting for the emulator's state to change, without sleeping and hoping.

Every mutation calls `Changes.notify()`, which wakes all waiters at once; a waiter re-checks its
condition and goes back to sleep. Timeouts only guard against hangs and report what was awaited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

T = TypeVar("T")


class EmulatorTimeout(AssertionError):
    """A wait ran out; an AssertionError so pytest reports it as a failed expectation."""


class Changes:
    """A broadcast signal: each `notify()` releases everyone currently waiting."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.version = 0

    def notify(self) -> None:
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()

    def next(self) -> Coroutine[Any, Any, Literal[True]]:
        """An awaitable for the next `notify()`, bound now (not when a task first runs it)."""
        return self._event.wait()

    async def wait_until(
        self,
        check: Callable[[], T | None],
        *,
        within: float,
        what: Callable[[], str] | str,
    ) -> T:
        """Return the first truthy result of `check()`, re-evaluated after every change."""
        try:
            async with asyncio.timeout(within):
                while True:
                    event = self._event  # taken before checking, so no change is missed
                    result = check()
                    if result:
                        return result
                    await event.wait()
        except TimeoutError:
            detail = what() if callable(what) else what
            raise EmulatorTimeout(f"timed out after {within}s waiting for {detail}") from None

    async def quiet_for(self, seconds: float) -> bool:
        """True if nothing changed during `seconds`; False as soon as something does."""
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            return True
        return False
