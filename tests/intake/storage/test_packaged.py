"""The packaged form and demo data through the real storage: interview -> rows, demo -> import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from analysis.export import export
from intake.form.definition import FormDefinition, load_definition
from intake.records.importer import import_file
from intake.storage.db import create_db_engine, upgrade_database
from intake.storage.interviews import InterviewStore
from intake.storage.tables import Consent, Initiative, NeedOffer, PartnerTie, PsLink, TaskRating
from tests.intake.storage.scripted import PACKAGED_SCRIPT as SCRIPT
from tests.intake.storage.scripted import run_script

DEMO = Path(__file__).resolve().parents[3] / "analysis" / "demo" / "initiatives.jsonl"


@pytest.fixture(scope="module")
def packaged() -> FormDefinition:
    return load_definition()


def test_packaged_interview_projects_every_answer(
    engine: Engine, packaged: FormDefinition
) -> None:
    store = InterviewStore(engine, packaged)
    _, prompt, _ = store.open("tg:314", language="es")
    run_script(lambda event: store.apply("tg:314", event), prompt, SCRIPT)
    with Session(engine) as session:
        [initiative] = session.exec(select(Initiative)).all()
        assert (initiative.name, initiative.initiative_form, initiative.change_type) == (
            "Andes Cold Rooms",
            "network",
            "transformation",  # the most ambitious kind picked; all of them stay in extra
        )
        assert initiative.extra["change_types"] == ["reform", "transformation"]
        assert initiative.website == "https://coldrooms.example.org"
        assert (initiative.production_system, initiative.stage) == ("food", "pilot")
        assert initiative.geo_levels == ["local", "subnational"]
        for key in ("host_org", "role", "ps_segments", "strategies", "steward", "start_year"):
            assert initiative.extra[key] == SCRIPT[key]
        levels = {r.task: r.level for r in session.exec(select(TaskRating)).all()}
        assert levels == {
            "visioning": "core",
            "organizing": "core",
            "learning": "core",
            "innovating": "minor",
            "financing": "minor",
            "measuring": "none",
            "advocating": "none",
            "delivering": "core",
        }
        ties = {(t.kind, t.partner_name, t.depth) for t in session.exec(select(PartnerTie)).all()}
        assert ties == {("works_with", "Sun Co-op", 4), ("knows_of", "Valley Food Bank", None)}
        [link] = session.exec(select(PsLink)).all()
        assert (link.actor, link.segment, link.relation, link.depth) == (
            "MegaMart",
            "retail",
            "market",
            2,
        )
        needs = {(n.kind, n.category, n.detail) for n in session.exec(select(NeedOffer)).all()}
        assert needs == {
            ("need", "funding", None),
            ("need", "data", None),
            ("offer", "skills", "Cold-chain training"),
        }
        [initiative] = session.exec(select(Initiative)).all()
        assert initiative.extra["needs_detail"] == "Solar panels"  # once, about both needs
        [consent] = session.exec(select(Consent)).all()
        assert (consent.listed, consent.introductions, consent.digest) == (True, True, "monthly")


def test_demo_data_imports_cleanly_and_round_trips(engine: Engine, tmp_path: Path) -> None:
    first = import_file(engine, DEMO)
    assert (first.imported, first.rejected) == (30, [])
    assert all("kept in extra" in warning for warning in first.warnings)
    assert import_file(engine, DEMO).unchanged == 30
    exported = tmp_path / "demo.jsonl"
    export(engine, "jsonl", exported)
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    upgrade_database(url)
    copy = create_db_engine(url)
    try:
        assert import_file(copy, exported).imported == 30
        again = tmp_path / "again.jsonl"
        export(copy, "jsonl", again)
    finally:
        copy.dispose()
    assert again.read_bytes() == exported.read_bytes()
