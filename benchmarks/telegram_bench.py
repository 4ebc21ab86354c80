"""Telegram bot throughput and cost: 100 simulated users through the emulator, Helix vs echo.

Run `python benchmarks/telegram_bench.py` (`--users N`, `--rounds N`, `--json-only`). Two
processes, so the figures are the bot's own: a driver process runs the Telegram emulator and the
simulated users (each walks the fixture interview, 20 updates, all users at once) and times
every reply; this process runs the bot, polling the emulator over loopback HTTP exactly as in
production, and measures its own CPU time while the driver is busy. The same driver then runs
against a bare PTB echo bot (one reply per text message) as the baseline. Rounds alternate the
two bots and the medians are reported, because a shared machine makes single runs noisy.

Reported per bot: updates per second (wall), CPU ms per update (this process: PTB, handlers,
rendering and the SQLite work in worker threads), and p50/p95 reply latency as a user sees it
(action → the next screen). Aim: Helix CPU per update ≤ 3x the echo bot's. Speed is a reported
number here, never a test assertion.
"""

from __future__ import annotations

import argparse
import asyncio
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

AIM_RATIO = 3.0
#: (action, argument) per step of the fixture form; `{uid}` makes each user's text unique.
SCRIPT: list[tuple[str, str]] = [
    ("command", "start"),
    ("press", "Continue ▶️"),
    ("text", "Acme {uid}"),
    ("toggle", "▫️ Food"),
    ("press", "Done ✔️"),
    ("text", "seeds"),
    ("press", "Running"),
    ("text", "2019"),
    ("text", "12"),
    ("text", "1.5"),
    ("text", "acme.org"),
    ("text", "soil; water"),
    ("press", "4"),
    ("press", "➕ Add one"),
    ("text", "Ana {uid}"),
    ("press", "Food"),
    ("text", "works with us on soil"),
    ("press", "Done ✔️"),
    ("text", "A story about {uid}"),
    ("press", "✅ Send my answers"),
]


# -- driver process: emulator + simulated users ----------------------------------------------


def screen_of(user: Any) -> tuple[int, tuple[str, ...], int]:
    """(message id, callback data, edits) of the live keyboard: what a reply must change."""
    live = next((m for m in reversed(user.chat.transcript) if m.buttons and not m.deleted), None)
    if live is None:
        return (0, (), 0)
    data = tuple(str(b.get("callback_data")) for b in live.buttons)
    return (live.message_id, data, len(live.edits))


def screen_changed(user: Any, before: tuple[int, tuple[str, ...], int], action: str) -> bool:
    """Whether the bot has answered `action`: a tick redraws the live keyboard in place; any
    other answer shows a new screen, as a new message or by redrawing the pressed one (its
    buttons then carry the new screen's fingerprint). A keyboard merely gone is no reply."""
    now = screen_of(user)
    if action == "toggle":
        return now[0] == before[0] and now[2] > before[2]
    return now[0] != 0 and now[:2] != before[:2]


async def _walk(emulator: Any, uid: int, echo: bool, timeout: float) -> list[float]:  # noqa: ASYNC109
    """One user's interview; returns the latency of each reply in seconds."""
    user = emulator.user(uid, first_name=f"User{uid}")
    latencies: list[float] = []
    for action, argument in SCRIPT:
        seen, before = len(user.chat.transcript), screen_of(user)
        started = time.perf_counter()
        if echo or action == "text":
            user.send_text(argument.format(uid=uid) if action != "command" else f"/{argument}")
        elif action == "command":
            user.send_command(argument)
        else:
            user.press(argument)

        def replied(seen: int = seen, before: Any = before, kind: str = action) -> bool:
            if echo:
                return len(user.chat.transcript) > seen
            return screen_changed(user, before, kind)

        await emulator.wait_for(replied, timeout=timeout, what=f"user {uid} step {action}")
        latencies.append(time.perf_counter() - started)
    return latencies


async def drive(users: int, echo: bool) -> None:
    """Start the emulator, announce its port, wait for the bot, run every user, report."""
    from tests.telegram_emulator import TelegramEmulator

    async with TelegramEmulator() as emulator:
        print(f"PORT {emulator.port}", flush=True)
        await emulator.wait_for(
            lambda: emulator.calls_to("getUpdates") or None, timeout=120, what="the bot to poll"
        )
        print("GO", flush=True)
        started = time.perf_counter()
        walks = await asyncio.gather(
            *(_walk(emulator, 10_000 + n, echo, 120.0) for n in range(users))
        )
        wall = time.perf_counter() - started
        latencies = sorted(x for walk in walks for x in walk)
        rejected = len(emulator.rejections)
        result = {"wall_s": wall, "latencies": latencies, "rejections": rejected}
        print("DONE " + json.dumps(result), flush=True)
        # Keep serving until the bot has stopped, so its last getUpdates gets an answer.
        await asyncio.to_thread(sys.stdin.readline)


# -- bot process -----------------------------------------------------------------------------


def echo_application(base_url: str, token: str, rate_limiter: Any = None) -> Any:
    """The baseline: PTB with one handler that sends the text back (optionally rate limited)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message and update.effective_message.text:
            await update.effective_message.reply_text(update.effective_message.text)

    builder = ApplicationBuilder().token(token).base_url(base_url).concurrent_updates(True)
    app = (builder if rate_limiter is None else builder.rate_limiter(rate_limiter)).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def helix_application(
    base_url: str, token: str, data_dir: Path, rate_limit: float = 100_000
) -> tuple[Any, Any]:
    """Helix on the fixture form; by default with a limiter too fast to matter."""
    from bot.services import open_services
    from bot.settings import load_settings
    from bot.telegram.app import build_application

    settings = load_settings(
        data_dir=data_dir,
        telegram_bot_token=token,
        telegram_api_url=base_url,
        demo_data=False,
        form_path=ROOT / "tests" / "intake" / "forms" / "mini.yaml",
    )
    services = open_services(settings)
    return build_application(settings, services, rate_limit=rate_limit), services


async def run_bot(users: int, echo: bool) -> dict[str, Any]:
    """Run one bot against a fresh driver process; return its figures."""
    from tests.bot.telegram.harness import serving
    from tests.telegram_emulator import DEFAULT_TOKEN

    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    os.environ.update({"NO_PROXY": env["NO_PROXY"], "no_proxy": env["no_proxy"]})
    args = [sys.executable, __file__, "--driver", "--users", str(users)] + (
        ["--echo"] if echo else []
    )
    driver = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env, limit=2**26
    )
    assert driver.stdout is not None
    assert driver.stdin is not None
    port = int((await driver.stdout.readline()).decode().split()[1])
    base_url = f"http://127.0.0.1:{port}/bot"
    with tempfile.TemporaryDirectory(prefix="helix-bench-") as folder:
        services = None
        if echo:
            app = echo_application(base_url, DEFAULT_TOKEN)
        else:
            app, services = helix_application(base_url, DEFAULT_TOKEN, Path(folder))
        async with serving(app, poll_timeout=10):
            assert (await driver.stdout.readline()).strip() == b"GO"
            cpu_start = time.process_time()
            done = (await driver.stdout.readline()).decode()
            cpu = time.process_time() - cpu_start
        driver.stdin.write(b"stop\n")
        await driver.stdin.drain()
        await driver.wait()
        if services is not None:
            services.close()
    result = json.loads(done.removeprefix("DONE "))
    latencies = result.pop("latencies")
    updates = users * len(SCRIPT)
    return {
        "bot": "echo" if echo else "helix",
        "users": users,
        "updates": updates,
        "updates_per_s": updates / result["wall_s"],
        "cpu_ms_per_update": 1000 * cpu / updates,
        "latency_p50_ms": 1000 * statistics.median(latencies),
        "latency_p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "wall_s": result["wall_s"],
        "rejections": result["rejections"],
    }


def median_run(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the rounds (the machine may be shared; medians resist that)."""
    merged = dict(rows[0])
    for name, value in rows[0].items():
        if isinstance(value, float):
            merged[name] = statistics.median(r[name] for r in rows)
    merged["rejections"] = sum(r["rejections"] for r in rows)
    return merged


def table(rows: list[dict[str, Any]]) -> str:
    head = f"{'bot':<6} {'updates':>7} {'upd/s':>7} {'CPU ms/upd':>10} {'p50 ms':>7} {'p95 ms':>7}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['bot']:<6} {r['updates']:>7} {r['updates_per_s']:>7.1f} "
            f"{r['cpu_ms_per_update']:>10.2f} {r['latency_p50_ms']:>7.1f} "
            f"{r['latency_p95_ms']:>7.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternate Helix and echo runs; report medians"
    )
    parser.add_argument("--json-only", action="store_true", help="print only the JSON report")
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:
        asyncio.run(drive(args.users, args.echo))
        return 0
    runs: dict[str, list[dict[str, Any]]] = {"helix": [], "echo": []}
    for _ in range(max(1, args.rounds)):
        runs["helix"].append(asyncio.run(run_bot(args.users, echo=False)))
        runs["echo"].append(asyncio.run(run_bot(args.users, echo=True)))
    helix, echo = median_run(runs["helix"]), median_run(runs["echo"])
    ratio = helix["cpu_ms_per_update"] / echo["cpu_ms_per_update"]
    report = {
        "helix": helix,
        "echo": echo,
        "cpu_ratio_helix_over_echo": ratio,
        "aim_cpu_ratio": AIM_RATIO,
        "rounds": args.rounds,
        "cpu_ms_per_update_each_round": {
            name: [round(r["cpu_ms_per_update"], 3) for r in rows] for name, rows in runs.items()
        },
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    if not args.json_only:
        print(table([helix, echo]))
        verdict = "within" if ratio <= AIM_RATIO else "above"
        print(
            f"\nCPU per update, Helix / echo: {ratio:.2f}x ({verdict} the {AIM_RATIO:.0f}x aim)\n"
        )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
