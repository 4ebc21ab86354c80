"""Export writes the import format: export -> import into an empty database -> same export."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analysis.export import export, iter_records
from intake.records.importer import import_file
from intake.records.model import FIELD_NAMES
from intake.storage.db import create_db_engine, upgrade_database
from intake.storage.interviews import InterviewStore
from tests.intake.storage.scripted import FULL_SCRIPT, run_script

TRICKY = [
    {
        "id": "t-1",
        "name": 'Quotes "and", commas',
        "issue": "line one\nline two; with semicolon",
        "region": "Ñuñoa",
        "goals": ["a; b", "c, d", "=SUM(A1:A3)"],
        "stakeholders": [{"name": "Ayuntamiento", "sector": "government", "role": "host"}],
        "partners": [{"name": "P", "sector": "business", "relation": "funding", "depth": 2}],
        "known_initiatives": ["K1"],
        "ps_links": [{"actor": "Utility", "relation": "pressure", "segment": "grid", "depth": 1}],
        "tasks": {"advocating": "core", "visioning": "none"},
        "needs": ["funding", {"category": "data", "detail": "grid maps"}],
        "offers": ["skills"],
        "consent": {"listed": True, "introductions": True, "digest": "weekly"},
        "leader": {"name": "Zoë", "telegram_id": 123456789012},
        "extra": {"nested": {"x": [1, 2]}, "emoji": "🌱"},
    },
    {"name": '=HYPERLINK("x")', "issue": "plain", "leader": "Only A Name"},
    {"name": "Minimal", "issue": "water"},
]


@pytest.fixture
def filled(engine: Engine, store: InterviewStore, tmp_path: Path) -> Engine:
    source = tmp_path / "seed.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in TRICKY), encoding="utf-8")
    assert import_file(engine, source).rejected == []
    _, prompt, _ = store.open("tg:42")
    run_script(lambda event: store.apply("tg:42", event), prompt, FULL_SCRIPT)
    return engine


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_database(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_import_export_is_byte_identical(
    filled: Engine, empty: Engine, tmp_path: Path, fmt: str
) -> None:
    first = tmp_path / f"first.{fmt}"
    second = tmp_path / f"second.{fmt}"
    assert export(filled, fmt, first) == 4  # type: ignore[arg-type]
    report = import_file(empty, first)
    assert (report.imported, report.rejected, report.warnings) == (4, [], [])
    export(empty, fmt, second)  # type: ignore[arg-type]
    assert second.read_bytes() == first.read_bytes()
    assert [r.to_json() for r in iter_records(empty)] == [
        r.to_json() for r in iter_records(filled)
    ]


def test_reimporting_an_export_into_its_own_database_changes_nothing(
    filled: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "all.jsonl"
    export(filled, "jsonl", out)
    report = import_file(filled, out)
    assert (report.imported, report.updated, report.unchanged) == (0, 0, 4)


def test_interviewed_initiative_exports_every_answer(filled: Engine) -> None:
    stream = io.StringIO()
    export(filled, "jsonl", stream)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    interviewed = next(r for r in records if r["name"] == "Cold Chain Commons")
    assert interviewed["id"].startswith("helix:")
    assert interviewed["leader"] == {"name": "Ana Ruiz", "telegram_id": 42}
    assert interviewed["production_system"] == "food"
    assert interviewed["partners"] == [
        {"name": "Seed Savers", "sector": "civil_society", "relation": "joint project", "depth": 4}
    ]
    assert interviewed["ps_links"] == [
        {"actor": "FreshMart", "relation": "partnership", "segment": "retail", "depth": 3}
    ]
    assert interviewed["known_initiatives"] == ["Food Bank North", "Market Watch"]
    assert interviewed["extra"]["theory_of_change"].startswith("Pool storage")


def test_xlsx_needs_a_path(filled: Engine) -> None:
    with pytest.raises(ValueError, match="file path"):
        export(filled, "xlsx", io.StringIO())


def test_failed_export_leaves_the_old_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n", encoding="utf-8")
    unmigrated = create_db_engine(f"sqlite:///{tmp_path / 'nothing.db'}")
    try:
        with pytest.raises(Exception, match="no such table"):
            export(unmigrated, "jsonl", target)
    finally:
        unmigrated.dispose()
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nothing.db", "out.jsonl"]


def test_empty_database_exports_a_header_only_csv(empty: Engine) -> None:
    stream = io.StringIO()
    assert export(empty, "csv", stream) == 0
    assert stream.getvalue() == ",".join(FIELD_NAMES) + "\r\n"
