"""Reply latency at a fixed answer rate under Telegram's 30/s limit, Helix beside an echo bot.

Run `python benchmarks/answer_rate.py` (`--rates 10 25`, `--seconds S`, `--users N`,
`--json-only`). Open loop, as people are: a driver process runs the Telegram emulator and N
simulated users (100 by default), and offers answers at a fixed rate, each from a user who is
not waiting for a reply (a user walks the fixture interview of `telegram_bench.SCRIPT`; whoever
sends it is replaced by a newcomer). This process runs the real Helix Application with the real
`PriorityRateLimiter` at Telegram's 30 calls/s, polling the emulator over loopback HTTP. The
baseline is a bare PTB echo bot (one reply per text) behind the same limiter.

Reported per bot and rate: p50/p95 reply latency (the answer leaves the user -> the next screen
is on show: a new message with a keyboard, or the pressed message redrawn with new buttons), Bot
API calls per answer, of those the calls that name a chat (the ones Telegram's ~30/s and the
limiter count; answerCallbackQuery names none), and how many of those went in each lane of the
limiter (interactive: what the user waits for; bulk: retiring old screens). Offers that found
every user still waiting are counted, not queued. Speed is a reported number here, never a
test assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.telegram_bench import (  # noqa: E402
    SCRIPT,
    echo_application,
    helix_application,
    screen_changed,
    screen_of,
)

LIMIT = 30.0
#: Calls that are not part of answering (start-up, polling).
OVERHEAD = frozenset({"getupdates", "getme", "deletewebhook", "setmycommands"})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


# -- driver process: emulator + simulated users ----------------------------------------------


class Seat:
    """One person's place in the crowd: a user walking the script, then a newcomer."""

    def __init__(self, emulator: Any, uids: itertools.count[int], echo: bool) -> None:
        self.emulator, self.uids, self.echo = emulator, uids, echo
        self.step = len(SCRIPT)
        self.user: Any = None

    async def answer(self) -> float:
        """Take the next step; return the seconds until its reply is on show."""
        if self.step == len(SCRIPT):
            uid = next(self.uids)
            self.user, self.step = self.emulator.user(uid, first_name=f"User{uid}"), 0
        user, (action, argument) = self.user, SCRIPT[self.step]
        self.step += 1
        seen, before = len(user.chat.transcript), screen_of(user)
        started = time.perf_counter()
        if self.echo or action == "text":
            text = argument.format(uid=user.id)
            user.send_text(text if action != "command" else f"/{argument}")
        elif action == "command":
            user.send_command(argument)
        else:
            user.press(argument)

        def replied() -> bool:
            if self.echo:
                return len(user.chat.transcript) > seen
            return screen_changed(user, before, action)

        await self.emulator.wait_for(replied, timeout=120, what=f"user {user.id} {action}")
        return time.perf_counter() - started


async def offer(emulator: Any, users: int, rate: float, seconds: float, echo: bool) -> Any:
    """Offer `rate` answers per second for `seconds` from idle seats; wait for every reply."""
    uids = itertools.count(10_000)
    idle = [Seat(emulator, uids, echo) for _ in range(users)]
    for seat in idle:  # everyone has started before the clock runs
        await seat.answer()
    await emulator.wait_idle(timeout=60)
    print("WINDOW", flush=True)  # the bot process notes its limiter's counts from here
    calls_before = len(emulator.calls)
    latencies: list[float] = []
    busy_offers = 0
    tasks: set[asyncio.Task[None]] = set()

    async def run(seat: Seat) -> None:
        latencies.append(await seat.answer())
        idle.append(seat)

    started = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        if not idle:
            busy_offers += 1
            continue
        task = asyncio.create_task(run(idle.pop(0)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    await emulator.wait_idle(timeout=120)
    calls = [c for c in emulator.calls[calls_before:] if c.method.lower() not in OVERHEAD]
    return {
        "latencies": latencies,
        "busy_offers": busy_offers,
        "calls": len(calls),
        "budgeted_calls": sum("chat_id" in c.params for c in calls),
        "by_method": dict(sorted(_count(c.method for c in calls).items())),
        "rejections": len(emulator.rejections),
    }


def _count(names: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for name in names:
        found[name] = found.get(name, 0) + 1
    return found


async def drive(users: int, rate: float, seconds: float, echo: bool) -> None:
    from tests.telegram_emulator import TelegramEmulator

    async with TelegramEmulator() as emulator:
        print(f"PORT {emulator.port}", flush=True)
        await emulator.wait_for(
            lambda: emulator.calls_to("getUpdates") or None, timeout=120, what="the bot to poll"
        )
        result = await offer(emulator, users, rate, seconds, echo)
        print("DONE " + json.dumps(result), flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # serve until the bot has stopped


# -- bot process -----------------------------------------------------------------------------


async def run_bot(users: int, rate: float, seconds: float, echo: bool) -> dict[str, Any]:
    """One bot at one offered rate against a fresh driver process; its figures."""
    from bot.digests.limiter import PriorityRateLimiter
    from tests.bot.telegram.harness import serving
    from tests.telegram_emulator import DEFAULT_TOKEN

    loopback = "127.0.0.1,localhost"
    os.environ.update({"NO_PROXY": loopback, "no_proxy": loopback, "PTB_TIMEDELTA": "1"})
    args = [sys.executable, __file__, "--driver", "--users", str(users)]
    args += ["--rates", str(rate), "--seconds", str(seconds)] + (["--echo"] if echo else [])
    driver = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26
    )
    assert driver.stdout is not None
    assert driver.stdin is not None
    port = int((await driver.stdout.readline()).decode().split()[1])
    base_url = f"http://127.0.0.1:{port}/bot"
    with tempfile.TemporaryDirectory(prefix="helix-rate-bench-") as folder:
        services = None
        if echo:
            app = echo_application(base_url, DEFAULT_TOKEN, PriorityRateLimiter(LIMIT))
        else:
            app, services = helix_application(base_url, DEFAULT_TOKEN, Path(folder), LIMIT)
        async with serving(app, poll_timeout=10):
            assert (await driver.stdout.readline()).strip() == b"WINDOW"
            limiter = app.bot.rate_limiter
            granted = dict(limiter.granted) if isinstance(limiter, PriorityRateLimiter) else {}
            done = (await driver.stdout.readline()).decode()
            if isinstance(limiter, PriorityRateLimiter):
                granted = {lane: n - granted[lane] for lane, n in limiter.granted.items()}
        driver.stdin.write(b"stop\n")
        await driver.stdin.drain()
        await driver.wait()
        if services is not None:
            services.close()
    result = json.loads(done.removeprefix("DONE "))
    latencies = result.pop("latencies")
    answers = len(latencies)
    return {
        "bot": "echo" if echo else "helix",
        "offered_per_s": rate,
        "answers": answers,
        "latency_p50_ms": 1000 * statistics.median(latencies),
        "latency_p95_ms": 1000 * percentile(latencies, 0.95),
        "calls_per_answer": result["calls"] / answers,
        "budgeted_calls_per_answer": result["budgeted_calls"] / answers,
        "interactive_lane_per_answer": granted.get("interactive", 0) / answers,
        "bulk_lane_per_answer": granted.get("bulk", 0) / answers,
        **{k: v for k, v in result.items() if k not in ("calls", "budgeted_calls")},
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'bot':<6} {'offered/s':>9} {'answers':>7} {'p50 ms':>7} {'p95 ms':>8} "
        f"{'calls/ans':>9} {'counted/ans':>11} {'interactive':>11} {'bulk':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['bot']:<6} {r['offered_per_s']:>9.0f} {r['answers']:>7} "
            f"{r['latency_p50_ms']:>7.1f} {r['latency_p95_ms']:>8.1f} "
            f"{r['calls_per_answer']:>9.2f} {r['budgeted_calls_per_answer']:>11.2f} "
            f"{r['interactive_lane_per_answer']:>11.2f} {r['bulk_lane_per_answer']:>5.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rates", type=float, nargs="+", default=[10.0, 25.0])
    parser.add_argument("--seconds", type=float, default=30.0, help="offered load per run")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON report")
    parser.add_argument(
        "--no-retire",
        action="store_true",
        help="never retire old screens (an experiment: what the bulk-lane edits cost)",
    )
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:
        asyncio.run(drive(args.users, args.rates[0], args.seconds, args.echo))
        return 0
    if args.no_retire:
        from bot.telegram import screens

        screens.MAX_DEFERRED = 0
    rows = [
        asyncio.run(run_bot(args.users, rate, args.seconds, echo))
        for rate in args.rates
        for echo in (False, True)
    ]
    report = {
        "runs": rows,
        "limit_per_s": LIMIT,
        "seconds": args.seconds,
        "users": args.users,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "retire_old_screens": not args.no_retire,
    }
    if not args.json_only:
        print(table(rows) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
