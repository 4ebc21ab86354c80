"""The priority rate limiter under real asyncio: order of sends and retry counts, no timings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.digests.limiter import BULK, PriorityRateLimiter


def short_pause() -> RetryAfter:
    return RetryAfter(timedelta(milliseconds=50))


def request(
    limiter: PriorityRateLimiter,
    call: Callable[[], Coroutine[Any, Any, Any]],
    *,
    lane: dict[str, Any] | None = None,
    chat: bool = True,
) -> Coroutine[Any, Any, Any]:
    data = {"chat_id": 1} if chat else {}
    return limiter.process_request(call, (), {}, "sendMessage", data, lane)


def recorder(order: list[str], name: str) -> Callable[[], Coroutine[Any, Any, bool]]:
    async def call() -> bool:
        order.append(name)
        return True

    return call


async def test_replies_overtake_every_digest_still_waiting() -> None:
    limiter = PriorityRateLimiter(200, bulk_share=0.9)
    order: list[str] = []
    bulk_granted_before: list[int] = []
    replies: list[asyncio.Task[Any]] = []

    async def reply(i: int) -> None:
        bulk_granted_before.append(limiter.granted["bulk"])
        await request(limiter, recorder(order, f"r{i}"))

    def bulk(n: int) -> Callable[[], Coroutine[Any, Any, bool]]:
        async def call() -> bool:
            order.append(f"b{n}")
            if n == 5:  # a person writes while the run is going
                replies.extend(asyncio.create_task(reply(i)) for i in range(3))
            return True

        return call

    await asyncio.gather(*(request(limiter, bulk(n), lane=BULK) for n in range(400)))
    await asyncio.gather(*replies)
    assert max(bulk_granted_before) < 400  # digests were still waiting when the replies came
    first_waiting = order.index(f"b{max(bulk_granted_before)}")
    assert all(order.index(f"r{i}") < first_waiting for i in range(3)), order[:60]
    assert limiter.granted == {"interactive": 3, "bulk": 400}
    await limiter.shutdown()


async def test_replies_do_not_wait_for_a_run_to_end() -> None:
    limiter = PriorityRateLimiter(30, bulk_share=0.9)
    order: list[str] = []
    bulk = recorder(order, "b")
    run = [asyncio.create_task(request(limiter, bulk, lane=BULK)) for _ in range(90)]
    await asyncio.sleep(0)  # the run starts and spends its burst
    await asyncio.gather(*(request(limiter, recorder(order, "r")) for _ in range(3)))
    assert order.count("r") == 3
    assert order.count("b") < 90
    for task in run:
        task.cancel()
    await limiter.shutdown()


async def test_a_429_pauses_everyone_then_the_request_is_retried_first() -> None:
    limiter = PriorityRateLimiter(200, max_retries=3)
    order: list[str] = []
    later: list[asyncio.Task[Any]] = []

    async def flooded() -> bool:
        order.append("a")
        if order.count("a") == 1:
            later.append(asyncio.create_task(request(limiter, recorder(order, "b"))))
            raise short_pause()
        return True

    assert await request(limiter, flooded) is True
    await asyncio.gather(*later)
    assert order == ["a", "a", "b"]
    assert limiter.pauses == 1
    await limiter.shutdown()


async def test_after_max_retries_the_429_reaches_the_caller() -> None:
    limiter = PriorityRateLimiter(200, max_retries=2)
    calls = 0

    async def always_flooded() -> bool:
        nonlocal calls
        calls += 1
        raise short_pause()

    with pytest.raises(RetryAfter):
        await request(limiter, always_flooded, lane=BULK)
    assert calls == 3
    assert limiter.pauses == 2
    await limiter.shutdown()


async def test_calls_without_a_chat_are_not_counted_but_respect_a_pause() -> None:
    limiter = PriorityRateLimiter(200)
    order: list[str] = []
    await asyncio.gather(*(request(limiter, recorder(order, "q"), chat=False) for _ in range(5)))
    assert order == ["q"] * 5
    assert limiter.granted == {"interactive": 0, "bulk": 0}
    await limiter.shutdown()


async def test_other_errors_are_not_retried() -> None:
    limiter = PriorityRateLimiter(200)
    calls = 0

    async def broken() -> bool:
        nonlocal calls
        calls += 1
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        await request(limiter, broken)
    assert calls == 1
    await limiter.shutdown()


async def test_an_unknown_lane_is_a_programming_error() -> None:
    limiter = PriorityRateLimiter(200)
    with pytest.raises(ValueError, match="lane"):
        await request(limiter, recorder([], "x"), lane={"lane": "urgent"})
