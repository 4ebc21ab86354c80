"""Who else works on my issue, through Telegram: after Submit, with /peers, and /map for admins.

Real parts throughout: the emulator over HTTP, a SQLite database filled by a real import, the
MiniLM embedder and a Chroma directory under the test's data folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.records.importer import import_file
from tests.bot.telegram.harness import ADMIN_ID, BotHarness, autopilot_step
from tests.telegram_emulator import SimulatedUser

LISTED = ("Harbour Soup Kitchen", "Second Plate Network")
UNLISTED = ("Quiet Fridge Project", "Hidden Harvest Co-op", "Private Pantry Circle")


def _records() -> list[dict[str, object]]:
    base = {"issue": "Food waste", "production_system": "food", "goals": ["Rescue surplus food"]}
    rows: list[dict[str, object]] = []
    for n, name in enumerate(LISTED + UNLISTED):
        listed = name in LISTED
        rows.append(
            base
            | {
                "id": f"fw-{n}",
                "name": name,
                "consent": {"listed": listed, "introductions": listed},
                "leader": {"name": f"Leader {n}", "telegram_id": 9_000 + n},
            }
        )
    return rows


@pytest.fixture
def food(harness: BotHarness, tmp_path: Path) -> BotHarness:
    """The bot with five food-waste initiatives imported, two of them listed."""
    assert harness.services is not None
    data = tmp_path / "food.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in _records()) + "\n", encoding="utf-8")
    assert import_file(harness.services.engine, data).exit_code == 0
    return harness


async def _submit(harness: BotHarness, user: SimulatedUser) -> None:
    await harness.command(user, "start")
    for _ in range(40):
        if (await autopilot_step(harness, user, tag=str(user.id))).kind == "submitted":
            return
    raise AssertionError("the interview did not reach Submit")


def _texts(user: SimulatedUser) -> str:
    return "\n".join(m.text or "" for m in user.transcript)


async def test_peers_come_right_after_submit_and_only_listed_ones(food: BotHarness) -> None:
    user = food.user(501)
    await _submit(food, user)
    said = _texts(user)
    assert "Initiatives working on the same issue as" in said
    assert all(name in said for name in LISTED)
    assert not any(name in said for name in UNLISTED)
    assert "never contact details" in said
    assert "tg://user" not in said
    assert "Leader 0" not in said


async def test_peers_command_repeats_them_and_asks_to_submit_first(food: BotHarness) -> None:
    newcomer = food.user(502)
    early = await food.command(newcomer, "peers")
    assert "Send your interview first" in (early.text or "")
    await _submit(food, newcomer)
    before = len(newcomer.transcript)
    await food.command(newcomer, "peers")
    again = "\n".join(m.text or "" for m in newcomer.transcript[before:])
    assert LISTED[0] in again
    assert LISTED[1] in again
    assert not any(name in again for name in UNLISTED)


async def test_map_is_a_picture_for_admins_and_refused_to_others(food: BotHarness) -> None:
    other = food.user(503)
    refused = await food.command(other, "map")
    assert "only for the people who run Helix" in (refused.text or "")
    admin = food.user(ADMIN_ID)
    await food.command(admin, "map")
    photos = [m for m in admin.transcript if m.file is not None]
    assert len(photos) == 1
    assert photos[0].file is not None
    assert photos[0].file.data.startswith(b"\x89PNG")
    assert "initiatives" in (photos[0].text or "")
    unknown = await food.command(admin, "map", "c99")
    assert "Usage: /map" in (unknown.text or "")
    assert "c1" in (unknown.text or "")
