"""The people of the delivery benchmark: simulated leaders walking the interview, timed.

`InlineCrowd` runs them in the bot's own process and event loop; `DriverCrowd` talks to a
driver process (`digest_delivery.py --driver`, which runs `drive`) holding the emulator and the
people, as Telegram is a separate server in production. Split from `digest_delivery.py` so the
benchmark itself reads as its phases.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from typing import Any

from benchmarks.telegram_bench import SCRIPT, screen_changed, screen_of


async def person(emulator: Any, uid: int, think: float, stop: asyncio.Event) -> list[float]:
    """One person walking the interview; returns the latency of each reply in seconds."""
    rng = random.Random(uid)
    user = emulator.user(uid, first_name=f"Person{uid}")
    latencies: list[float] = []
    for action, argument in SCRIPT:
        if stop.is_set():
            break
        before = screen_of(user)
        started = time.perf_counter()
        if action == "command":
            user.send_command(argument)
        elif action == "text":
            user.send_text(argument.format(uid=uid))
        else:
            user.press(argument)

        def replied(before: Any = before, kind: str = action) -> bool:
            return screen_changed(user, before, kind)

        await emulator.wait_for(replied, timeout=120, what=f"person {uid} {action}")
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    return latencies


async def crowd(
    emulator: Any, people: int, think: float, stop: asyncio.Event, first_uid: int
) -> list[float]:
    """`people` at once until `stop`; whoever finishes the interview is replaced by a newcomer."""
    counter = iter(range(first_uid, 10**9))

    async def seat() -> list[float]:
        found: list[float] = []
        while not stop.is_set():
            found += await person(emulator, next(counter), think, stop)
        return found

    seats = await asyncio.gather(*(seat() for _ in range(people)))
    return [x for seat_latencies in seats for x in seat_latencies]


class InlineCrowd:
    """The people in this process, beside the bot (the old layout, kept for comparison)."""

    def __init__(self, emulator: Any, people: int, think: float) -> None:
        self.emulator, self.people, self.think = emulator, people, think
        self._stop = asyncio.Event()
        self._task: asyncio.Task[list[float]] | None = None

    async def register(self, user_ids: list[int]) -> None:
        for uid in user_ids:
            self.emulator.user(uid)

    async def start(self, first_uid: int) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            crowd(self.emulator, self.people, self.think, self._stop, first_uid)
        )

    async def stop(self) -> list[float]:
        assert self._task is not None
        self._stop.set()
        return await self._task

    async def rejections(self) -> int:
        return len(self.emulator.rejections)


class DriverCrowd:
    """The emulator and the people in a driver process, as Telegram is in production: the bot
    process pays only for its own work (HTTP to the API, handlers, storage)."""

    def __init__(self, driver: asyncio.subprocess.Process) -> None:
        assert driver.stdin is not None
        assert driver.stdout is not None
        self.driver, self._in, self._out = driver, driver.stdin, driver.stdout

    async def ask(self, line: str) -> str:
        self._in.write(line.encode() + b"\n")
        await self._in.drain()
        return (await self._out.readline()).decode().strip()

    async def register(self, user_ids: list[int]) -> None:
        assert await self.ask("USERS " + json.dumps(user_ids)) == "OK"

    async def start(self, first_uid: int) -> None:
        assert await self.ask(f"CHAT {first_uid}") == "OK"

    async def stop(self) -> list[float]:
        answer = await self.ask("STOP")
        return list(json.loads(answer.removeprefix("LATENCIES ")))

    async def rejections(self) -> int:
        return int((await self.ask("REJECTIONS")).split()[1])


async def drive(people: int, think: float) -> None:
    """Driver process: the emulator and the people, obeying one command per stdin line."""
    from tests.telegram_emulator import TelegramEmulator

    os.environ.update({"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
    async with TelegramEmulator() as emulator:
        local = InlineCrowd(emulator, people, think)
        print(f"PORT {emulator.port}", flush=True)
        while True:
            line = (await asyncio.to_thread(sys.stdin.readline)).strip()
            command, _, argument = line.partition(" ")
            if command == "USERS":
                await local.register(json.loads(argument))
                print("OK", flush=True)
            elif command == "CHAT":
                await local.start(int(argument))
                print("OK", flush=True)
            elif command == "STOP":
                print("LATENCIES " + json.dumps(await local.stop()), flush=True)
            elif command == "REJECTIONS":
                print(f"REJECTIONS {await local.rejections()}", flush=True)
            else:  # EXIT or end of input: the bot has stopped polling
                return
