"""The convener's workbook (`helix export --format xlsx`), read back with openpyxl.

One interview, one import and one demo initiative go in through the real writers on both
databases; the workbook must show them on five sheets with the form's labels, real dates, a
source column and a header a convener can sort under, and must keep formula-like text inert.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from analysis.export import export
from intake.i18n import t
from intake.records.importer import import_file
from intake.storage.interviews import InterviewStore
from tests.intake.storage.scripted import FULL_SCRIPT, run_script

IMPORTED = {
    "id": "imp-1",
    "name": '=HYPERLINK("http://evil")',
    "issue": "Plastic waste",
    "production_system": "energy",
    "stage": "scaling",
    "stakeholders": [{"name": "@SUM(A1)", "sector": "civil_society", "role": "host"}],
    "partners": [
        {"name": "Grid Friends", "sector": "business", "relation": "funding", "depth": 2}
    ],
    "ps_links": [{"actor": "Northvale Power", "relation": "pressure", "segment": "generation"}],
    "tasks": {"advocating": "core", "visioning": "minor", "delivering": "none"},
    "needs": [{"category": "data", "detail": "grid maps"}, "made_up_category"],
    "offers": ["skills"],
    "consent": {"listed": True, "introductions": False, "digest": "weekly"},
    "leader": "Zoë",
    "staff_band": "from_21_to_100",
    "budget_band": "from_10k_to_100k",
}
DEMO = {"id": "demo-1", "name": "Demo Fridge", "issue": "Food waste", "offers": ["space"]}


def _write(path: Path, record: dict[str, Any]) -> Path:
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def book(engine: Engine, store: InterviewStore, tmp_path: Path) -> Iterator[Workbook]:
    assert import_file(engine, _write(tmp_path / "a.jsonl", IMPORTED)).rejected == []
    report = import_file(engine, _write(tmp_path / "d.jsonl", DEMO), source="demo")
    assert report.imported == 1
    _, prompt, _ = store.open("tg:42")
    run_script(lambda event: store.apply("tg:42", event), prompt, FULL_SCRIPT)
    out = tmp_path / "book.xlsx"
    assert export(engine, "xlsx", out) == 3
    workbook = load_workbook(out)
    yield workbook
    workbook.close()


def _rows(sheet: Worksheet) -> list[dict[str, Any]]:
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in body]


def _by_name(sheet: Worksheet) -> dict[str, dict[str, Any]]:
    return {str(row["Initiative"]): row for row in _rows(sheet)}


def test_one_sheet_per_table_with_a_styled_frozen_header(book: Workbook) -> None:
    assert book.sheetnames == [
        "Initiatives",
        "Organisations",
        "Ties",
        "Production-system links",
        "Needs and offers",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        first = sheet["A1"]
        assert first.font.b
        assert first.fill.fgColor.rgb.endswith("305496")
        assert sheet.column_dimensions["A"].width >= 20
        assert sheet["A2"].font.b is not True


def test_initiatives_show_labels_dates_and_source(book: Workbook) -> None:
    rows = _by_name(book["Initiatives"])
    imported = rows['=HYPERLINK("http://evil")']
    assert imported["Production system"] == "Energy and electricity"
    assert imported["Stage"] == "Scaling: growing or spreading"
    assert imported["Advocating"] == "Core: a main activity"
    assert imported["Visioning"] == "Minor: we do some"
    assert imported["Financing"] is None  # not rated
    assert imported["Delivering"] == "Not something we do"
    assert imported["People working on it"] == "21 to 100"
    assert imported["Yearly budget"] == "10,000 to 100,000"
    assert (imported["Shown to other leaders"], imported["Open to introductions"]) == ("Yes", "No")
    assert imported["Digest"] == "Weekly"
    assert imported["Leader"] == "Zoë"
    assert imported["Source"] == "Import"
    assert isinstance(imported["Created (UTC)"], datetime)
    assert isinstance(imported["Updated (UTC)"], datetime)
    assert rows["Demo Fridge"]["Source"] == "Demo"
    interviewed = rows["Cold Chain Commons"]
    assert interviewed["Source"] == "Interview"
    assert interviewed["Goals"] == "Halve post-harvest loss; Shared cold rooms"
    assert interviewed["Scale"] == "Local (town or city); National"
    assert interviewed["Stage"] == "Pilot: testing it"
    assert interviewed["Digest"] == "Monthly"
    body = json.dumps([list(r.values()) for r in rows.values()], default=str)
    for code in ("civil_society", "from_21_to_100", "scaling", '"core"', '"weekly"'):
        assert code not in body


def test_child_sheets_name_the_initiative_with_labels(book: Workbook) -> None:
    organisations = _rows(book["Organisations"])
    council = next(r for r in organisations if r["Organisation"] == "City Council")
    assert council["Initiative"] == "Cold Chain Commons"
    assert council["Sector"] == "Government"
    assert council["How it relates"] == "Takes part in the initiative"
    assert {r["How it relates"] for r in organisations} == {
        "Takes part in the initiative",
        "Another initiative it works with",
        "An initiative it knows of",
        "Production-system actor it engages",
    }
    ties = _rows(book["Ties"])
    grid = next(r for r in ties if r["Partner"] == "Grid Friends")
    assert (grid["Sector"], grid["What links them"], grid["Closeness (1-5)"]) == (
        "Business",
        "Funding, in either direction",
        2,
    )
    links = _rows(book["Production-system links"])
    power = next(r for r in links if r["Actor"] == "Northvale Power")
    assert (power["Part of the system"], power["How they engage"]) == (
        "Power generation",
        "Pressure or campaigns",
    )
    needs = _rows(book["Needs and offers"])
    data = next(r for r in needs if r["Detail"] == "grid maps")
    assert (data["Need or offer"], data["What"]) == ("Need", "Data and evidence")
    # An unknown code is shown as it is rather than dropped.
    assert any(r["What"] == "made_up_category" for r in needs)
    assert next(r for r in needs if r["Initiative"] == "Demo Fridge")["Source"] == "Demo"
    # One detail about two needs is shown once, not copied onto each of them (issue 9).
    cold = [(r["What"], r["Detail"]) for r in needs if r["Initiative"] == "Cold Chain Commons"]
    assert cold == [
        ("Funding", None),
        ("Data and evidence", None),
        ("All of them (in general)", "Cold room financing"),
    ]


def test_hostile_values_stay_inert_text(book: Workbook) -> None:
    sheet = book["Initiatives"]
    cell = next(c for c in sheet["A"] if c.value == '=HYPERLINK("http://evil")')
    assert cell.data_type == "s"
    assert cell.quotePrefix
    org = next(c for c in book["Organisations"]["B"] if c.value == "@SUM(A1)")
    assert (org.data_type, org.quotePrefix) == ("s", True)
    # A lone surrogate becomes U+FFFD: tests/analysis/test_export_safety.py (SQLite only, since
    # PostgreSQL refuses to store one at all).


def test_spanish_workbook(engine: Engine, tmp_path: Path) -> None:
    assert import_file(engine, _write(tmp_path / "a.jsonl", DEMO), source="demo").imported == 1
    out = tmp_path / "es.xlsx"
    export(engine, "xlsx", out, language="es")
    workbook = load_workbook(out, read_only=True)
    try:
        assert workbook.sheetnames[0] == t("export.sheet.initiatives", "es") == "Iniciativas"
        row = _by_name_es(workbook["Necesidades y ofertas"])
        assert (row["Necesidad u oferta"], row["Qué"], row["Origen"]) == (
            "Oferta",
            "Espacio o equipamiento",
            "Demostración",
        )
    finally:
        workbook.close()


def _by_name_es(sheet: Any) -> dict[str, Any]:
    header, row = sheet.iter_rows(values_only=True)
    return dict(zip(header, row, strict=True))


def test_an_unknown_language_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="language"):
        export(engine, "xlsx", tmp_path / "x.xlsx", language="fr")
    assert not (tmp_path / "x.xlsx").exists()
