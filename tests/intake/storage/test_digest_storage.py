"""Digest settings and delivery claims, on SQLite and PostgreSQL.

The claim is the exactly-once guarantee: whoever inserts (leader, period) first owns it, a
final row is never sent again, a dead owner's claim is taken over, and a live one's is not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from intake.records.importer import import_file
from intake.storage import session_scope
from intake.storage.deliveries import (
    MAX_ATTEMPTS,
    claim,
    done_for,
    finish,
    owner_alive,
    process_owner,
)
from intake.storage.digests import (
    consent_decides,
    digest_settings,
    last_sent_at,
    mark_not_relevant,
    penalties,
    recipients,
    update_digest_settings,
)
from intake.storage.tables import DigestDelivery, Leader, utcnow


def _leaders(
    engine: Engine, tmp_path: Path, rows: list[tuple[int | None, str | None]]
) -> list[int]:
    """Import one initiative per (telegram id, consent.digest) and return the leader ids."""
    lines = []
    for number, (telegram_id, digest) in enumerate(rows):
        leader: dict[str, object] = {"name": f"Leader {number}"}
        if telegram_id is not None:
            leader["telegram_id"] = telegram_id
        consent = {"listed": True, "introductions": True, "digest": digest}
        record = {"id": f"i{number}", "name": f"Init {number}", "issue": "food waste"}
        lines.append({**record, "leader": leader, "consent": consent})
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    import_file(engine, path)
    with session_scope(engine) as session:
        return [leader.id for leader in session.exec(select(Leader).order_by(Leader.id)).all()]


def test_frequency_comes_from_consent_until_the_leader_chooses(
    engine: Engine, tmp_path: Path
) -> None:
    weekly, never, silent = _leaders(engine, tmp_path, [(1, "weekly"), (2, "never"), (3, None)])
    with session_scope(engine) as session:
        assert digest_settings(session, weekly).frequency == "weekly"
        assert digest_settings(session, never).frequency == "off"
        assert digest_settings(session, silent).frequency == "off"
        chosen = update_digest_settings(
            session, never, frequency="monthly", hour=18, timezone="America/Lima"
        )
        assert (chosen.frequency, chosen.hour, chosen.timezone, chosen.chosen) == (
            "monthly",
            18,
            "America/Lima",
            True,
        )
        assert [s.leader_id for s in recipients(session)] == [weekly, never]
        consent_decides(session, never)  # a new interview answer hands it back to consent
        assert digest_settings(session, never).frequency == "off"
        assert digest_settings(session, never).hour == 18  # the rest of the choice stays


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("frequency", "daily"),
        ("weekday", 7),
        ("month_day", 29),
        ("hour", 24),
        ("timezone", "Mars/Olympus"),
        ("quiet", "loud"),
        ("colour", "red"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    engine: Engine, tmp_path: Path, field: str, value: object
) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    with session_scope(engine) as session, pytest.raises(ValueError, match=f"^{field}:"):
        update_digest_settings(session, leader, **{field: value})


def test_leaders_without_telegram_or_blocked_get_no_digest(engine: Engine, tmp_path: Path) -> None:
    reachable, no_chat, blocked = _leaders(
        engine, tmp_path, [(1, "weekly"), (None, "weekly"), (3, "monthly")]
    )
    with session_scope(engine) as session:
        row = session.get(Leader, blocked)
        assert row is not None
        row.active = False
        session.add(row)
    with session_scope(engine) as session:
        assert [s.leader_id for s in recipients(session)] == [reachable]
        assert not digest_settings(session, no_chat).reachable


def test_a_claimed_period_is_sent_once_and_never_claimed_again(
    engine: Engine, tmp_path: Path
) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    now = utcnow()
    first = claim(engine, leader, "2026-W49", now)
    assert first is not None
    assert claim(engine, leader, "2026-W49", now) is None  # our own live claim
    assert claim(engine, leader, "2026-W49", now, owner="elsewhere:1:1") is None
    assert finish(engine, first, "sent", now, message_id=77)
    assert claim(engine, leader, "2026-W49", now + timedelta(days=1), owner="other:2:2") is None
    assert done_for(engine, {leader: "2026-W49"}) == {leader}
    assert done_for(engine, {leader: "2026-W50"}) == set()
    assert claim(engine, leader, "2026-W50", now) is not None  # next period: a new digest
    with session_scope(engine) as session:
        assert last_sent_at(session, [leader]) == {leader: now}


def test_a_failed_delivery_is_claimed_again_by_the_next_run(
    engine: Engine, tmp_path: Path
) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    now = utcnow()
    delivery = claim(engine, leader, "2026-12", now)
    assert delivery is not None
    assert finish(engine, delivery, "failed", now, error="502 Bad Gateway")
    again = claim(engine, leader, "2026-12", now)
    assert again == delivery
    with session_scope(engine) as session:
        row = session.get(DigestDelivery, delivery)
        assert row is not None
        assert (row.status, row.attempts) == ("claimed", 2)


def test_a_digest_that_keeps_failing_is_given_up_after_max_attempts(
    engine: Engine, tmp_path: Path
) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        delivery = claim(engine, leader, "2026-12", now)
        assert delivery is not None
        assert finish(engine, delivery, "failed", now, error="400 Bad Request")
    assert claim(engine, leader, "2026-12", now) is None
    assert done_for(engine, {leader: "2026-12"}) == {leader}


def test_a_dead_processes_claim_is_taken_over_and_its_late_finish_refused(
    engine: Engine, tmp_path: Path
) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    dead = subprocess.run(
        [
            sys.executable,
            "-c",
            "from intake.storage.deliveries import process_owner as p; print(p())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert not owner_alive(dead)
    assert owner_alive(process_owner())
    now = utcnow()
    delivery = claim(engine, leader, "2026-W49", now, owner=dead)
    assert delivery is not None
    assert claim(engine, leader, "2026-W49", now) == delivery  # taken over at once
    assert not finish(engine, delivery, "sent", now, owner=dead)  # no longer theirs
    assert finish(engine, delivery, "sent", now)


def test_a_claim_from_another_host_is_honoured_until_its_lease_ends(
    engine: Engine, tmp_path: Path
) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    now = utcnow()
    far = "another-host:4242:1"
    assert claim(engine, leader, "2026-W49", now, owner=far) is not None
    assert claim(engine, leader, "2026-W49", now + timedelta(minutes=5)) is None
    assert claim(engine, leader, "2026-W49", now + timedelta(minutes=11)) is not None


def test_many_claimers_at_once_get_each_period_exactly_once(
    engine: Engine, tmp_path: Path
) -> None:
    leaders = _leaders(engine, tmp_path, [(n, "weekly") for n in range(1, 21)])
    now = utcnow()

    def claimer(owner: str) -> list[int]:
        return [n for n in leaders if claim(engine, n, "2026-W49", now, owner=owner) is not None]

    # Four live claimers (other hosts: alive as far as this one can tell) racing for each row.
    with ThreadPoolExecutor(max_workers=4) as pool:
        won = list(pool.map(claimer, [f"host-{n}:1:1" for n in range(4)]))
    assert sorted(leader for batch in won for leader in batch) == leaders


def test_not_relevant_feedback_becomes_a_penalty_once(engine: Engine, tmp_path: Path) -> None:
    [leader] = _leaders(engine, tmp_path, [(1, "weekly")])
    with session_scope(engine) as session:
        assert mark_not_relevant(session, leader, "i9")
        assert not mark_not_relevant(session, leader, "i9")
        assert penalties(session, leader) == {"i9": 0.3}
