"""`build_digests` against a real SQLite database with the demo initiatives imported.

Real parts: the importer, the migrations, the MiniLM model and a Chroma directory; the clock is
passed in, and "joined" times are set in the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from analysis.digest import Digest, build_digests
from analysis.digest.gather import penalties_of
from analysis.matching import InitiativeVectors
from intake.storage import session_scope
from intake.storage.deliveries import claim, finish
from intake.storage.digests import (
    DigestSettings,
    mark_not_relevant,
    penalties,
    settings_of,
    update_digest_settings,
)
from intake.storage.tables import Initiative, Leader
from tests.analysis.digest.conftest import (
    TELEGRAM_BASE,
    days_before,
    demo_records,
    import_rows,
    set_joined,
)
from tests.analysis.digest.helpers import NOW

UNLISTED = ("fw-12", "ep-10")


def _initiatives(engine: Engine) -> dict[str, Initiative]:
    with session_scope(engine) as session:
        return {i.external_id or "": i for i in session.exec(select(Initiative)).all()}


def _leader(engine: Engine, external_id: str) -> int:
    leader_id = _initiatives(engine)[external_id].leader_id
    assert leader_id is not None
    return leader_id


def _everyone(engine: Engine) -> list[DigestSettings]:
    """Every demo leader, weekly (whatever their consent said), in the UTC zone."""
    with session_scope(engine) as session:
        return [replace(s, frequency="weekly") for s in settings_of(session)]


def _build(
    engine: Engine, vectors: InitiativeVectors, settings: list[DigestSettings], **kw: Any
) -> dict[int, Digest | None]:
    return build_digests(engine, vectors, settings, kw.pop("now", NOW), **kw)


def _one(engine: Engine, vectors: InitiativeVectors, external_id: str) -> Digest:
    leader_id = _leader(engine, external_id)
    with session_scope(engine) as session:
        settings = update_digest_settings(session, leader_id, frequency="weekly")
    digest = _build(engine, vectors, [settings])[leader_id]
    assert digest is not None
    return digest


def _send(engine: Engine, leader_id: int, period: str, at: Any) -> None:
    delivery = claim(engine, leader_id, period, at)
    assert delivery is not None
    assert finish(engine, delivery, "sent", at)


def test_a_first_digest_names_peers_on_the_leaders_issue(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    digest = _one(demo_engine, digest_vectors, "fw-01")
    names = {i.external_id: i.name for i in _initiatives(demo_engine).values()}
    assert (digest.period, digest.language, digest.quiet) == ("2026-W49", "en", False)
    assert "Hello Ines Calloway! This is what moved around Second Harvest Kitchen" in digest.text
    peer_ids = [b.initiative_id for row in digest.buttons[:-1] for b in row]
    by_db_id = {i.id: i.external_id or "" for i in _initiatives(demo_engine).values()}
    assert peer_ids
    assert all(by_db_id[i].startswith("fw-") for i in peer_ids if i is not None)
    assert any(names[by_db_id[i]] in digest.text for i in peer_ids if i is not None)
    assert "Your change system in three numbers" in digest.text
    assert digest.buttons[-1][0].action == "pause"


def test_unlisted_initiatives_and_contact_details_never_appear(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    found = _build(demo_engine, digest_vectors, _everyone(demo_engine))
    initiatives = _initiatives(demo_engine)
    hidden = {initiatives[key].name for key in UNLISTED}
    hidden_ids = {initiatives[key].id for key in UNLISTED}
    with session_scope(demo_engine) as session:
        leader_names = {lead.id: lead.name for lead in session.exec(select(Leader)).all()}
    own_of = {i.id: i.leader_id for i in initiatives.values()}
    assert len([d for d in found.values() if d is not None]) >= 25
    for leader_id, digest in found.items():
        if digest is None:
            continue
        said = digest.text + " ".join(b.label for row in digest.buttons for b in row)
        mine = {i.name for i in initiatives.values() if i.leader_id == leader_id}
        assert not {n for n in hidden - mine if n in said}
        for row in digest.buttons:
            for button in row:
                assert button.initiative_id not in hidden_ids
                assert own_of.get(button.initiative_id) != leader_id  # own never a peer
        assert "example.org" not in said
        assert "tg://" not in said
        assert str(TELEGRAM_BASE)[:4] not in said
        others = {n for i, n in leader_names.items() if n and i != leader_id}
        assert not {n for n in others if n in said}


def test_introduce_me_only_for_consenting_reachable_peers(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    initiatives = _initiatives(demo_engine)
    blocked = initiatives["fw-03"]  # consents to introductions, but blocked the bot
    with session_scope(demo_engine, write=True) as session:
        session.execute(
            update(Leader).where(col(Leader.id) == blocked.leader_id).values(active=False)
        )
    found = _build(demo_engine, digest_vectors, _everyone(demo_engine))
    consenting = {
        i.id for key, i in initiatives.items() if key not in UNLISTED and key != "fw-03"
    } - {initiatives[k].id for k in ("fw-04", "fw-08", "ep-06", "ym-05")}  # introductions off
    seen_blocked = seen_refusing = 0
    for digest in found.values():
        for row in digest.buttons[:-1] if digest else []:
            actions = {b.action: b.initiative_id for b in row}
            peer = actions["not_relevant"]
            assert ("introduce" in actions) == (peer in consenting)
            seen_blocked += peer == blocked.id
            seen_refusing += peer == initiatives["fw-04"].id
    assert seen_blocked
    assert seen_refusing


def test_a_leaders_other_initiatives_are_never_their_peers(
    tmp_path: Path, demo_rows: list[dict[str, Any]], digest_vectors: InitiativeVectors
) -> None:
    rows = demo_records(demo_rows)
    twin = next(r for r in rows if r["id"] == "fw-02")
    for row in rows:
        if row["id"] in ("fw-05", "fw-06"):  # the same person leads three food initiatives
            row["leader"] = twin["leader"]
    engine = import_rows(tmp_path, rows)
    set_joined(engine, "fw-02", days_before(NOW, 1))  # the newest is their own
    initiatives = _initiatives(engine)
    digest = _one(engine, digest_vectors, "fw-02")
    assert "Eastbrook Community Fridges" in digest.text
    theirs = {initiatives[k].id for k in ("fw-02", "fw-05", "fw-06")}
    assert not theirs & {b.initiative_id for row in digest.buttons for b in row}
    assert "Tri-City Food Waste Alliance" not in digest.text
    assert "Port Calder Food Rescue" not in digest.text
    engine.dispose()


def test_new_means_joined_since_the_last_digest_else_since_the_previous_period(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    leader_id = _leader(demo_engine, "fw-01")
    set_joined(demo_engine, "fw-05", days_before(NOW, 8))  # before the last digest
    set_joined(demo_engine, "fw-06", days_before(NOW, 1))  # after it
    set_joined(demo_engine, "fw-12", days_before(NOW, 1))  # after it, but unlisted
    first = _one(demo_engine, digest_vectors, "fw-01")
    new_part = first.text.split("Recently joined on your issue")[1].split("\n\n")[0]
    assert "Tri-City Food Waste Alliance" in new_part  # within the previous week
    assert "Port Calder Food Rescue" in new_part

    _send(demo_engine, leader_id, "2026-W48", days_before(NOW, 3))
    later = _one(demo_engine, digest_vectors, "fw-01")
    new_part = later.text.split("New on your issue since your last digest")[1].split("\n\n")[0]
    assert "Port Calder Food Rescue" in new_part
    assert "Tri-City Food Waste Alliance" not in new_part
    assert "Observatorio" not in later.text


def test_nothing_new_since_the_last_digest_is_a_quiet_note_or_nothing(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    leader_id = _leader(demo_engine, "fw-01")
    _send(demo_engine, leader_id, "2026-W48", days_before(NOW, 3))
    quiet = _one(demo_engine, digest_vectors, "fw-01")
    assert quiet.quiet
    assert "A quiet week on Food waste" in quiet.text
    with session_scope(demo_engine) as session:
        skip = update_digest_settings(session, leader_id, quiet="skip")
    assert _build(demo_engine, digest_vectors, [skip]) == {leader_id: None}


def test_no_initiative_or_no_frequency_means_no_digest(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    leader_id = _leader(demo_engine, "fw-01")
    nobody = DigestSettings(leader_id=10_000, frequency="weekly", telegram_id=1)
    off = DigestSettings(leader_id=leader_id, frequency="off", telegram_id=1)
    assert _build(demo_engine, digest_vectors, [nobody, off]) == {10_000: None, leader_id: None}
    assert _build(demo_engine, digest_vectors, []) == {}


def test_not_relevant_lowers_that_peer_in_the_next_digest(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    leader_id = _leader(demo_engine, "fw-01")
    before = _one(demo_engine, digest_vectors, "fw-01")
    top = before.buttons[0][-1].initiative_id
    keys = {i.id: i.external_id for i in _initiatives(demo_engine).values()}
    with session_scope(demo_engine, write=True) as session:
        assert mark_not_relevant(session, leader_id, keys[top] or "")
    after = _one(demo_engine, digest_vectors, "fw-01")
    assert after.buttons[0][-1].initiative_id != top
    with session_scope(demo_engine) as session:  # the run reads all leaders' marks at once
        batched = penalties_of(session, [leader_id, leader_id + 1])
        assert batched == {
            leader_id: penalties(session, leader_id),
            leader_id + 1: penalties(session, leader_id + 1),
        }
        assert batched[leader_id] == {keys[top]: 0.3}


def test_a_spanish_speaking_leader_reads_spanish_with_spanish_reasons(
    demo_engine: Engine, digest_vectors: InitiativeVectors
) -> None:
    leader_id = _leader(demo_engine, "fw-10")
    with session_scope(demo_engine, write=True) as session:
        session.execute(update(Leader).where(col(Leader.id) == leader_id).values(language="es"))
    digest = _one(demo_engine, digest_vectors, "fw-10")
    assert digest.language == "es"
    assert digest.text.startswith("<b>Tu resumen de Helix, semana 49</b>\n¡Hola, Lucía Ferrándiz!")
    assert "Con quién podrías conversar" in digest.text
    assert "Pausar resúmenes" in [b.label for b in digest.buttons[-1]]


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Lima"])
def test_the_period_is_counted_in_the_leaders_time_zone(
    demo_engine: Engine, digest_vectors: InitiativeVectors, zone: str
) -> None:
    leader_id = _leader(demo_engine, "fw-01")
    with session_scope(demo_engine) as session:
        settings = update_digest_settings(session, leader_id, frequency="weekly", timezone=zone)
    sunday_night = NOW + timedelta(days=3, hours=14, minutes=30)  # Sunday 23:30 UTC
    digest = _build(demo_engine, digest_vectors, [settings], now=sunday_night)[leader_id]
    assert digest is not None
    assert digest.period == ("2026-W50" if zone == "Pacific/Auckland" else "2026-W49")
