"""`helix digest run` as a deployer runs it: real processes, killed, run twice at once.

Each run is the real command in a subprocess (the demo initiatives imported, every leader with a
Telegram id and weekly-digest consent, real composition with the MiniLM model), talking over
loopback HTTP to the emulator, which lives in this test's event loop; hence asyncio
subprocesses. The kill is made deterministic with a held send: the first sends go through,
later ones wait undelivered at the emulator's gate, and the process is killed once every
delivered digest is recorded as sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from intake.storage.db import create_db_engine, session_scope
from intake.storage.tables import Leader
from tests.bot.digests.seed import delivery_rows, demo_records, import_records, telegram_ids
from tests.intake.conftest import postgres_admin_url
from tests.telegram_emulator import TelegramEmulator
from tests.telegram_emulator.faults import Fault

__all__ = ["postgres_admin_url"]

ENTRY = "from bot.cli import main; main()"
LEADERS = telegram_ids(demo_records())
SUMMARY_ALL = f"sent {len(LEADERS)}, skipped 0, failed 0, inactive 0"
pytestmark = pytest.mark.slow


@dataclass
class Finished:
    code: int
    out: str
    err: str

    @property
    def last_line(self) -> str:
        return self.out.strip().splitlines()[-1]


def helix_env(
    data_dir: Path, database_url: str, emulator: TelegramEmulator | None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELIX_", "TELEGRAM_"))}
    env.update(
        HELIX_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        HELIX_DEMO_DATA="false",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    if emulator is not None:
        env.update(TELEGRAM_BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.base_url)
    return env


async def start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        ENTRY,
        "digest",
        "run",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process) -> Finished:
    async with asyncio.timeout(300):  # a hang guard
        out, err = await process.communicate()
    return Finished(process.returncode or 0, out.decode(), err.decode())


async def until(check: Callable[[], bool], what: str, timeout: float = 120.0) -> None:  # noqa: ASYNC109
    """Wait for a condition outside the emulator (the database), re-checked every 50 ms."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def sent_count(database_url: str) -> int:
    return sum(row.status == "sent" for row in delivery_rows(database_url))


def assert_exactly_one_digest_each(emulator: TelegramEmulator, database_url: str) -> None:
    rows = delivery_rows(database_url)
    assert len(rows) == len(LEADERS)
    assert {row.status for row in rows} == {"sent"}
    for chat_id in LEADERS:
        assert len(emulator.transcript(chat_id)) == 1, chat_id
    emulator.assert_no_rejections()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'helix.db'}"
    import_records(url, demo_records(), tmp_path)
    return url


@pytest.fixture
def postgres_url(postgres_admin_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database with the demo leaders; dropped afterwards."""
    name = f"helix_digest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
        import_records(url, demo_records(), tmp_path)
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def users(emulator: TelegramEmulator) -> None:
    for chat_id in LEADERS:
        emulator.user(chat_id)


async def test_a_run_killed_mid_send_leaves_every_leader_exactly_one_digest(
    emulator: TelegramEmulator, sqlite_url: str, tmp_path: Path
) -> None:
    users(emulator)
    through = 5
    emulator.fail("sendMessage", Fault(), times=through)  # these go through
    held = Fault.held()
    emulator.fail("sendMessage", held, times=len(LEADERS))  # the rest wait, undelivered
    env = helix_env(tmp_path / "data", sqlite_url, emulator)
    first = await start(env)
    await emulator.wait_for(
        lambda: held.arrived > 0 and len(emulator.bot_messages) == through,
        timeout=180,
        what="the first digests sent and the next ones held",
    )
    await until(lambda: sent_count(sqlite_url) == through, "the delivered digests recorded")
    first.send_signal(signal.SIGKILL)
    await finished(first)
    assert first.returncode == -signal.SIGKILL
    left_claimed = [r for r in delivery_rows(sqlite_url) if r.status == "claimed"]
    assert left_claimed  # the kill left claims behind, their digests never delivered
    emulator.faults.clear()
    held.release()

    again = await finished(await start(env))
    assert again.code == 0, again.err[-3000:]
    assert again.last_line == f"sent {len(LEADERS) - through}, skipped 0, failed 0, inactive 0"
    assert_exactly_one_digest_each(emulator, sqlite_url)


@pytest.mark.postgres
async def test_two_runs_at_once_on_postgresql_send_each_digest_once(
    emulator: TelegramEmulator, postgres_url: str, tmp_path: Path
) -> None:
    users(emulator)
    held = Fault.held()  # every send waits until both runs are sending
    emulator.fail("sendMessage", held, times=len(LEADERS))
    runs = [await start(helix_env(tmp_path / name, postgres_url, emulator)) for name in "ab"]
    # Each run sends with at most 16 workers, so all 30 digests at the gate means both runs
    # claimed some: they really are sending at the same time.
    await emulator.wait_for(
        lambda: held.arrived == len(LEADERS), timeout=240, what="every digest claimed and held"
    )
    held.release()
    results = [await finished(run) for run in runs]
    for result in results:
        assert result.code == 0, result.err[-3000:]
    counts = [int(r.last_line.split(",")[0].removeprefix("sent ")) for r in results]
    assert sum(counts) == len(LEADERS)
    assert min(counts) > 0
    assert_exactly_one_digest_each(emulator, postgres_url)


async def test_a_dry_run_prints_every_digest_and_sends_and_claims_nothing(
    emulator: TelegramEmulator, sqlite_url: str, tmp_path: Path
) -> None:
    result = await finished(
        await start(helix_env(tmp_path / "data", sqlite_url, None), "--dry-run")
    )
    assert result.code == 0, result.err[-3000:]
    assert result.last_line == SUMMARY_ALL
    assert result.out.count("--- leader ") == len(LEADERS)
    assert "<b>" not in result.out  # plain text, as a person reads it
    assert "Your Helix digest" in result.out
    assert delivery_rows(sqlite_url) == []
    assert emulator.calls == []


async def test_a_digest_that_fails_makes_the_run_exit_1_and_leader_picks_who(
    emulator: TelegramEmulator, sqlite_url: str, tmp_path: Path
) -> None:
    reachable, refused = LEADERS[0], LEADERS[1]
    emulator.user(reachable)
    emulator.user(refused)
    # Refused on its merits (not a network error, not an unreachable user): failed, not retried.
    emulator.fail("sendMessage", Fault(400, "Bad Request: can't parse entities"), chat_id=refused)
    engine = create_db_engine(sqlite_url)
    with session_scope(engine) as session:
        ids = [
            str(session.exec(select(Leader.id).where(Leader.telegram_id == tid)).one())
            for tid in (reachable, refused)
        ]
    engine.dispose()
    env = helix_env(tmp_path / "data", sqlite_url, emulator)
    result = await finished(await start(env, "--leader", ids[0], "--leader", ids[1]))
    assert result.code == 1, result.err[-3000:]
    assert result.last_line == "sent 1, skipped 0, failed 1, inactive 0"
    assert sorted(r.status for r in delivery_rows(sqlite_url)) == ["failed", "sent"]
    assert len(emulator.transcript(reachable)) == 1
    assert len(emulator.bot_messages) == 1


async def test_without_a_token_the_run_stops_with_one_clear_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    result = await finished(await start(helix_env(tmp_path / "data", sqlite_url, None)))
    assert result.code == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.err
    assert "Traceback" not in result.err
    assert result.out == ""
