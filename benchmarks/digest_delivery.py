"""Digest delivery: the send rate to 1,000 leaders, and reply latency for people chatting.

Run `python benchmarks/digest_delivery.py` (`--leaders N`, `--people N`, `--think S`,
`--json-only`). One process, one event loop, as in production: the Telegram emulator on
loopback, the real Helix Application (fixture interview, SQLite, `rate_limit=30` so the priority
limiter enforces Telegram's real budget), and the digest run in process through `app.bot`, so
digests and interview replies share one limiter, in their two lanes.

Phases, each on its own leaders:
1. `alone`: N digests with nobody chatting: delivery rate as a share of 30 msg/s (aim >= 90 %).
2. `chat`: 20 people walk the interview (a reply, then a think time, then the next answer;
   a person who finishes is replaced by a new one) while another N digests go out: reply
   latency p50/p95 (action -> the next screen; aim p95 < 500 ms) and the run's rate meanwhile.
3. `chat_only`: the same people with no run, the baseline for the latency.
Digests are composed beforehand with text of a real digest's size and four buttons: composing
1,000 is measured by the compose benchmark; this one measures claim, send, finish. Speed is a
reported number here, never a test assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.telegram_bench import SCRIPT  # noqa: E402

LIMIT = 30.0
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BODY = (
    "<b>Your Helix digest, week 49</b>\nHello {name}! This is what moved around your issue.\n\n"
    + "<b>Recently joined on your issue</b>\n"
    + "".join(f"• Initiative number {n} (Food waste)\n" for n in range(8))
    + "\n<b>Who you might talk to</b>\n"
    + "".join(
        f"{n}. Peer {n}: works on a similar issue: Food waste; has similar goals: keep 20 "
        "public fridges stocked and clean; same production system (food)\n"
        for n in range(1, 4)
    )
    + "\n<b>Your change system in three numbers</b>\n• 12 initiatives\n• 100 % …\n• 7 of 7\n"
)


def time_token_waits(waits: dict[str, list[float]]) -> None:
    """Record how long each send waited for its token, per lane (wraps the limiter's private
    `_acquire`: a measurement for this benchmark only, not an interface)."""
    from bot.digests.limiter import PriorityRateLimiter

    acquire = PriorityRateLimiter._acquire

    async def timed(self: PriorityRateLimiter, lane: Any, *, retry: bool) -> None:
        started = time.perf_counter()
        await acquire(self, lane, retry=retry)
        waits.setdefault(lane, []).append(time.perf_counter() - started)

    PriorityRateLimiter._acquire = timed  # type: ignore[method-assign]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def digests_for(settings: list[Any]) -> list[Any]:
    from analysis.digest import Digest, DigestButton, period_of
    from bot.digests.delivery import Due

    items = []
    for s in settings:
        period = period_of(s.frequency, NOW, s.zone)
        buttons = [
            [DigestButton("introduce", f"Introduce me: Peer {n}", 1000 + n)] for n in range(1, 4)
        ] + [[DigestButton("pause", "Pause digests")]]
        text = BODY.format(name=s.name)
        items.append(Due(s, period, Digest(s.leader_id, period, "en", text, buttons)))
    return items


async def person(emulator: Any, uid: int, think: float, stop: asyncio.Event) -> list[float]:
    """One person walking the interview; returns the latency of each reply in seconds."""
    rng = random.Random(uid)
    user = emulator.user(uid, first_name=f"Person{uid}")
    latencies: list[float] = []
    for action, argument in SCRIPT:
        if stop.is_set():
            break
        chat = user.chat.transcript
        seen, live = len(chat), next((m for m in reversed(chat) if m.buttons), None)
        edits = len(live.edits) if live else 0
        started = time.perf_counter()
        if action == "command":
            user.send_command(argument)
        elif action == "text":
            user.send_text(argument.format(uid=uid))
        else:
            user.press(argument)

        def replied(
            seen: int = seen, live: Any = live, edits: int = edits, kind: str = action
        ) -> bool:
            if kind == "toggle" and live is not None:
                return len(live.edits) > edits
            return any(m.buttons for m in user.chat.transcript[seen:])

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


async def bench(leaders: int, people: int, think: float, chat_only_s: float) -> dict[str, Any]:
    from bot.digests.delivery import Policy, send_due
    from intake.storage.db import session_scope
    from intake.storage.digests import recipients
    from tests.bot.digests.seed import import_records, simple_records
    from tests.bot.telegram.harness import BotHarness, make_settings
    from tests.telegram_emulator import TelegramEmulator

    os.environ.update({"NO_PROXY": "127.0.0.1,localhost", "PTB_TIMEDELTA": "1"})
    with tempfile.TemporaryDirectory(prefix="helix-digest-bench-") as folder:
        async with TelegramEmulator() as emulator:
            settings = make_settings(emulator, Path(folder))
            rows = simple_records(2 * leaders)
            import_records(settings.database_url, rows, Path(folder))
            for row in rows:
                emulator.user(row["leader"]["telegram_id"])
            harness = BotHarness(emulator, settings, rate_limit=LIMIT)
            await harness.start()
            try:
                assert harness.services is not None
                assert harness.app is not None
                with session_scope(harness.services.engine) as session:
                    due = digests_for(recipients(session))
                bot, services = harness.app.bot, harness.services

                async def run(items: list[Any]) -> tuple[float, Any]:
                    started = time.perf_counter()
                    summary = await send_due(
                        bot, services, items, clock=lambda: NOW, policy=Policy()
                    )
                    return time.perf_counter() - started, summary

                alone_s, alone = await run(due[:leaders])
                waits: dict[str, list[float]] = {}
                time_token_waits(waits)
                stop = asyncio.Event()
                chatting = asyncio.create_task(crowd(emulator, people, think, stop, 50_000))
                await asyncio.sleep(think)  # everyone is mid-interview when the run starts
                chat_s, during = await run(due[leaders:])
                stop.set()
                latencies = await chatting
                token_waits = {
                    lane: {
                        "sends": len(found),
                        "p50_ms": 1000 * statistics.median(found),
                        "p95_ms": 1000 * percentile(found, 0.95),
                    }
                    for lane, found in waits.items()
                }
                waits.clear()
                stop = asyncio.Event()
                baseline_task = asyncio.create_task(crowd(emulator, people, think, stop, 60_000))
                await asyncio.sleep(chat_only_s)
                stop.set()
                baseline = await baseline_task
                rejections = len(emulator.rejections)
            finally:
                await harness.stop()
    return {
        "leaders": leaders,
        "people": people,
        "think_s": think,
        "alone": {
            "seconds": alone_s,
            "per_s": leaders / alone_s,
            "share_of_limit": leaders / alone_s / LIMIT,
            "summary": alone.line(),
        },
        "chat": {
            "seconds": chat_s,
            "per_s": leaders / chat_s,
            "share_of_limit": leaders / chat_s / LIMIT,
            "summary": during.line(),
            "replies": len(latencies),
            "latency_p50_ms": 1000 * statistics.median(latencies),
            "latency_p95_ms": 1000 * percentile(latencies, 0.95),
            "token_wait": token_waits,
        },
        "chat_only": {
            "replies": len(baseline),
            "latency_p50_ms": 1000 * statistics.median(baseline),
            "latency_p95_ms": 1000 * percentile(baseline, 0.95),
        },
        "rejections": rejections,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--leaders", type=int, default=1000)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between answers")
    parser.add_argument("--chat-only", type=float, default=60.0, help="seconds of baseline chat")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON report")
    args = parser.parse_args(argv)
    report = asyncio.run(bench(args.leaders, args.people, args.think, args.chat_only))
    if not args.json_only:
        alone, chat, base = report["alone"], report["chat"], report["chat_only"]
        print(
            f"alone: {args.leaders} digests in {alone['seconds']:.1f} s = {alone['per_s']:.1f}/s"
            f" ({100 * alone['share_of_limit']:.1f} % of {LIMIT:.0f}/s; aim >= 90 %)"
        )
        print(
            f"with {args.people} people chatting: {chat['per_s']:.1f}/s "
            f"({100 * chat['share_of_limit']:.1f} %); replies p50 {chat['latency_p50_ms']:.0f} ms,"
            f" p95 {chat['latency_p95_ms']:.0f} ms over {chat['replies']} (aim p95 < 500 ms)"
        )
        for lane, wait in chat["token_wait"].items():
            print(
                f"  {lane} sends waited for a token: p50 {wait['p50_ms']:.1f} ms, "
                f"p95 {wait['p95_ms']:.1f} ms ({wait['sends']} sends)"
            )
        print(
            f"chat, no run: p50 {base['latency_p50_ms']:.0f} ms, p95 "
            f"{base['latency_p95_ms']:.0f} ms over {base['replies']} replies\n"
        )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
