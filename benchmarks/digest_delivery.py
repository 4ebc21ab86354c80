"""Digest delivery: the send rate to 1,000 leaders, and reply latency for people chatting.

Run `python benchmarks/digest_delivery.py` (`--leaders N`, `--people N`, `--think S`,
`--json-only`). Two processes, as in production, where the Bot API is another server: a driver
process runs the Telegram emulator and the simulated people (it parses every digest's HTML and
times every reply); this process runs the real Helix Application (fixture interview, SQLite,
`rate_limit=30` so the priority limiter enforces Telegram's real budget), polling the emulator
over loopback HTTP, and the digest run through `app.bot`, so digests and interview replies share
one limiter, in their two lanes. `--inline` puts the emulator and the people back in the bot's
process and event loop (the first layout); `--probe` logs event-loop lag, GC pauses and slow
SQLite statements in the bot process (`stall_probe.py`); `--gc-freeze` calls `gc.freeze()` in
the bot process after the first run, an experiment (Helix itself does not).

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
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.digest_crowd import DriverCrowd, InlineCrowd, drive  # noqa: E402

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


async def bench(
    leaders: int,
    people: int,
    think: float,
    chat_only_s: float,
    *,
    inline: bool = False,
    probe: bool = False,
    gc_freeze: bool = False,
) -> dict[str, Any]:
    from types import SimpleNamespace

    from benchmarks.stall_probe import StallProbe
    from bot.digests.delivery import Policy, send_due
    from intake.storage.db import session_scope
    from intake.storage.digests import recipients
    from tests.bot.digests.seed import import_records, simple_records
    from tests.bot.telegram.harness import BotHarness, make_settings, serving
    from tests.telegram_emulator import DEFAULT_TOKEN, TelegramEmulator

    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    os.environ.update(
        {"NO_PROXY": env["NO_PROXY"], "no_proxy": env["no_proxy"], "PTB_TIMEDELTA": "1"}
    )
    with tempfile.TemporaryDirectory(prefix="helix-digest-bench-") as folder:
        stack = AsyncExitStack()
        crowd_: InlineCrowd | DriverCrowd
        if inline:
            emulator = await stack.enter_async_context(TelegramEmulator())
            crowd_ = InlineCrowd(emulator, people, think)
            api: Any = emulator
        else:
            driver = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--driver",
                "--people",
                str(people),
                "--think",
                str(think),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=env,
                limit=2**26,
            )
            crowd_ = DriverCrowd(driver)
            assert driver.stdout is not None
            port = int((await driver.stdout.readline()).decode().split()[1])
            api = SimpleNamespace(token=DEFAULT_TOKEN, base_url=f"http://127.0.0.1:{port}/bot")
        settings = make_settings(api, Path(folder))
        rows = simple_records(2 * leaders)
        import_records(settings.database_url, rows, Path(folder))
        await crowd_.register([row["leader"]["telegram_id"] for row in rows])
        if inline:
            harness = BotHarness(api, settings, rate_limit=LIMIT)
            await harness.start()
            assert harness.app is not None
            assert harness.services is not None
            app, services = harness.app, harness.services
        else:
            from bot.services import open_services
            from bot.telegram.app import build_application

            services = open_services(settings)
            app = build_application(settings, services, rate_limit=LIMIT, retry_backoff=0.01)
            await stack.enter_async_context(serving(app))
        stalls = StallProbe()
        try:
            with session_scope(services.engine) as session:
                due = digests_for(recipients(session))
            bot = app.bot

            async def run(items: list[Any]) -> tuple[float, Any]:
                started = time.perf_counter()
                summary = await send_due(bot, services, items, clock=lambda: NOW, policy=Policy())
                return time.perf_counter() - started, summary

            alone_s, alone = await run(due[:leaders])
            if gc_freeze:  # an experiment: startup's objects out of the collector's sight
                gc.collect()
                gc.freeze()
            waits: dict[str, list[float]] = {}
            time_token_waits(waits)
            if probe:
                stalls.start(services.engine)
            await crowd_.start(50_000)
            await asyncio.sleep(think)  # everyone is mid-interview when the run starts
            chat_s, during = await run(due[leaders:])
            latencies = await crowd_.stop()
            await stalls.stop()
            stalls_chat = stalls.report() if probe else None
            token_waits = {
                lane: {
                    "sends": len(found),
                    "p50_ms": 1000 * statistics.median(found),
                    "p95_ms": 1000 * percentile(found, 0.95),
                }
                for lane, found in waits.items()
            }
            waits.clear()
            stalls = StallProbe()
            if probe:
                stalls.start(services.engine)
            await crowd_.start(60_000)
            await asyncio.sleep(chat_only_s)
            baseline = await crowd_.stop()
            await stalls.stop()
            stalls_base = stalls.report() if probe else None
            rejections = await crowd_.rejections()
        finally:
            if inline:
                await harness.stop()
                await stack.aclose()
            else:
                await stack.aclose()  # stop polling before the driver goes
                services.close()
                assert isinstance(crowd_, DriverCrowd)
                crowd_._in.write(b"EXIT\n")
                await crowd_._in.drain()
                await crowd_.driver.wait()
    return {
        "leaders": leaders,
        "people": people,
        "think_s": think,
        "emulator": "in the bot's process" if inline else "its own process",
        "gc_freeze": gc_freeze,
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
            "stalls": stalls_chat,
        },
        "chat_only": {
            "replies": len(baseline),
            "latency_p50_ms": 1000 * statistics.median(baseline),
            "latency_p95_ms": 1000 * percentile(baseline, 0.95),
            "stalls": stalls_base,
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
    parser.add_argument(
        "--inline",
        action="store_true",
        help="run the emulator and the people in the bot's process (the old layout)",
    )
    parser.add_argument(
        "--probe", action="store_true", help="log loop lag, GC pauses and slow SQLite statements"
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() in the bot process after the first run (an experiment, not Helix's)",
    )
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:
        asyncio.run(drive(args.people, args.think))
        return 0
    report = asyncio.run(
        bench(
            args.leaders,
            args.people,
            args.think,
            args.chat_only,
            inline=args.inline,
            probe=args.probe,
            gc_freeze=args.gc_freeze,
        )
    )
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
        for label, phase in (("with the run", chat), ("no run", base)):
            if phase["stalls"]:
                found = phase["stalls"]
                print(
                    f"  probe, {label}: loop lag >= 100 ms "
                    f"{found['loop_lags_over_threshold']} times "
                    f"({found['loop_lag_total_s']:.2f} s, max {found['loop_lag_max_ms']:.0f} ms); "
                    f"GC pauses >= 10 ms {found['gc_pauses_over_10ms']} (max "
                    f"{found['gc_pause_max_ms']:.0f} ms); commits p50 {found['commit_p50_ms']:.1f}"
                    f" ms, p99 {found['commit_p99_ms']:.1f} ms"
                )
        print(
            f"chat, no run: p50 {base['latency_p50_ms']:.0f} ms, p95 "
            f"{base['latency_p95_ms']:.0f} ms over {base['replies']} replies\n"
        )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
