"""Leaders and initiatives for the digest and introduction tests, imported the real way.

Each initiative's leader has a Telegram id, so the simulated user with that id *is* that leader
(the bot finds an imported leader by Telegram id, as after a real import). Names are plain words
so a test can look an initiative up by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from analysis.digest import Digest, DigestButton
from bot.digests.markup import digest_markup
from intake.records.importer import import_file
from intake.storage.tables import Initiative
from tests.bot.telegram.harness import BotHarness
from tests.telegram_emulator import BotMessage, SimulatedUser

ASKER, TARGET, SECOND, HIDDEN, PRIVATE = 7001, 7002, 7003, 7004, 7005
NAMES = {
    ASKER: "Harbour Soup Kitchen",
    TARGET: "Second Plate Network",
    SECOND: "Gleaners of the Valley",
    HIDDEN: "Quiet Fridge Project",  # not listed
    PRIVATE: "Closed Door Pantry",  # listed, but no introductions
}
LEADERS = {
    ASKER: "Ana <Asker>",
    TARGET: "Tomás & Co",
    SECOND: "Sam",
    HIDDEN: "Hal",
    PRIVATE: "Pia",
}


def records(**consent: Any) -> list[dict[str, Any]]:
    base = {
        "issue": "Food waste: surplus food is thrown away while neighbours go hungry",
        "production_system": "food",
        "goals": ["Rescue surplus food", "Feed neighbours"],
        "region": "Lisbon, Portugal",
    }
    rows = []
    for telegram_id, name in NAMES.items():
        rows.append(
            base
            | {
                "id": f"fw-{telegram_id}",
                "name": name,
                "consent": {
                    "listed": telegram_id != HIDDEN,
                    "introductions": telegram_id not in (HIDDEN, PRIVATE),
                    "digest": "weekly",
                }
                | consent,
                "leader": {"name": LEADERS[telegram_id], "telegram_id": telegram_id},
                **({"offers": ["volunteers"]} if telegram_id == ASKER else {}),
                **({"needs": ["volunteers"]} if telegram_id == TARGET else {}),
            }
        )
    return rows


def seed(harness: BotHarness, folder: Path, **consent: Any) -> None:
    assert harness.services is not None
    data = folder / "outreach.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in records(**consent)) + "\n", encoding="utf-8")
    assert import_file(harness.services.engine, data).exit_code == 0


def initiative_id(harness: BotHarness, telegram_id: int) -> int:
    assert harness.services is not None
    with Session(harness.services.engine) as db:
        found = db.exec(select(Initiative.id).where(Initiative.name == NAMES[telegram_id])).one()
    assert found is not None
    return found


def leader_id(harness: BotHarness, telegram_id: int) -> int:
    assert harness.services is not None
    with Session(harness.services.engine) as db:
        found = db.exec(
            select(Initiative.leader_id).where(Initiative.name == NAMES[telegram_id])
        ).one()
    assert found is not None
    return found


async def send_digest(harness: BotHarness, user: SimulatedUser, *peers: int) -> BotMessage:
    """A digest for `user` with Introduce me / Not relevant for each peer, and Pause."""
    rows = [
        [
            DigestButton("introduce", f"Introduce me #{peer}", initiative_id(harness, peer)),
            DigestButton("not_relevant", f"Not relevant #{peer}", initiative_id(harness, peer)),
        ]
        for peer in peers
    ]
    rows.append([DigestButton("pause", "Pause digests")])
    digest = Digest(leader_id(harness, user.id), "2026-W10", "en", "Your digest", rows)
    assert harness.app is not None
    await harness.app.bot.send_message(user.id, digest.text, reply_markup=digest_markup(digest))
    await harness.settle()
    assert user.last_message is not None
    return user.last_message


async def send_forged(harness: BotHarness, user: SimulatedUser, data: str) -> None:
    """A button with any payload, as a modified client could send (then pressed)."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("forged", callback_data=data)]])
    assert harness.app is not None
    await harness.app.bot.send_message(user.id, "…", reply_markup=markup)
    await harness.settle()
    await harness.press(user, "forged")


def toasts(user: SimulatedUser) -> list[str]:
    return [str(q.answer.get("text")) for q in user.callback_answers if q.answer]
