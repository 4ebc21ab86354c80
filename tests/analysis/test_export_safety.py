"""Export safety (issue 12): one stored value never breaks an export, CSV cells are never run as
formulas, and every JSON Helix writes is standard JSON.

The bad values are put into the database with plain SQL, as an older importer or a hand edit
could have left them: export is the last line of defence and must not depend on the importer.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from analysis.export import export, iter_records
from analysis.network.export import write_graphml, write_kumu
from intake.records.formulas import neutralise, restore
from intake.records.importer import import_file
from intake.storage.db import create_db_engine, upgrade_database
from tests.bot.test_cli import helix

GOOD = [{"id": f"r-{n}", "name": f"Initiative {n}", "issue": "water"} for n in range(1, 4)]
FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tx",
    "\rx",
]


def _strict(body: str) -> Any:
    """`json.loads` that fails on NaN / Infinity, as standard JSON parsers do."""

    def refuse(name: str) -> None:
        pytest.fail(f"non-standard JSON constant {name}")

    return json.loads(body, parse_constant=refuse)


def _database(tmp_path: Path, records: list[dict[str, Any]]) -> Engine:
    url = f"sqlite:///{tmp_path / 'helix.db'}"
    upgrade_database(url)
    engine = create_db_engine(url)
    source = tmp_path / "seed.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert import_file(engine, source).rejected == []
    return engine


def _poison(engine: Engine, column: str, raw_json: str) -> None:
    """Store `raw_json` (JSON text) in the first initiative's column, bypassing every check."""
    with engine.begin() as connection:
        connection.execute(
            text(
                f"UPDATE initiative SET {column} = :v WHERE id = (SELECT min(id) FROM initiative)"
            ),
            {"v": raw_json},
        )


@pytest.fixture
def surrogate_db(tmp_path: Path) -> Path:
    engine = _database(tmp_path, GOOD)
    _poison(engine, "goals", '["\\ud800 lone", "ok"]')
    _poison(engine, "extra", '{"note": "x\\udfff", "\\ud801key": 1}')
    engine.dispose()
    return tmp_path


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_lone_surrogate_does_not_stop_the_export_on_stdout(surrogate_db: Path, fmt: str) -> None:
    result = helix("export", "--format", fmt, env={"HELIX_DATA_DIR": str(surrogate_db)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Exported 3 initiatives" in result.stderr
    assert "\ufffd lone" in result.stdout
    assert "Initiative 3" in result.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_a_lone_surrogate_still_writes_a_complete_file(surrogate_db: Path, fmt: str) -> None:
    out = surrogate_db / f"out.{fmt}"
    env = {"HELIX_DATA_DIR": str(surrogate_db)}
    result = helix("export", "-f", fmt, "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    if fmt == "xlsx":  # the workbook shows goals, not `extra`
        book = load_workbook(out, read_only=True)
        rows = list(book["Initiatives"].iter_rows(values_only=True))
        book.close()
        body = json.dumps(rows, default=str, ensure_ascii=False)
        assert len(rows) == 4
    else:
        body = out.read_text(encoding="utf-8")
        assert "x\ufffd" in body
    assert "\ufffd lone" in body
    assert "Initiative 3" in body
    assert [p.name for p in surrogate_db.iterdir() if p.name.startswith(".out")] == []


def test_an_export_with_a_replaced_surrogate_imports_again(
    surrogate_db: Path, tmp_path: Path
) -> None:
    engine = create_db_engine(f"sqlite:///{surrogate_db / 'helix.db'}")
    out = tmp_path / "out.jsonl"
    assert export(engine, "jsonl", out) == 3
    engine.dispose()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = helix("import", str(out), env={"HELIX_DATA_DIR": str(fresh)})
    assert result.returncode == 0, result.stdout + result.stderr


def test_non_finite_numbers_are_written_as_null(tmp_path: Path) -> None:
    engine = _database(tmp_path, GOOD)
    _poison(engine, "extra", '{"score": NaN, "big": Infinity, "low": -Infinity, "ok": 1.5}')
    jsonl, csv_out = tmp_path / "o.jsonl", tmp_path / "o.csv"
    export(engine, "jsonl", jsonl)
    export(engine, "csv", csv_out)
    engine.dispose()
    first = _strict(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert first["extra"] == {"score": None, "big": None, "low": None, "ok": 1.5}
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8"), newline="")))
    assert _strict(rows[0]["extra"]) == first["extra"]


def test_kumu_json_has_no_nan_or_infinity(tmp_path: Path) -> None:
    graph = nx.Graph()
    graph.add_node("a", kind="initiative", label="A \ud800", score=math.nan)
    graph.add_node("b", kind="initiative", label="B")
    graph.add_edge("a", "b", kind="partner", weight=math.inf)
    body = write_kumu(graph, tmp_path / "map.json").read_text(encoding="utf-8")
    data = _strict(body)
    assert data["elements"][0]["label"] == "A \ufffd"
    assert data["elements"][0]["score"] is None
    assert data["connections"][0]["weight"] is None


def test_graphml_survives_a_lone_surrogate(tmp_path: Path) -> None:
    graph = nx.Graph()
    graph.add_node("a", kind="initiative", label="A \ud800", goals=["x\udfff"])
    out = write_graphml(graph, tmp_path / "map.graphml")
    back = nx.read_graphml(out)
    assert back.nodes["a"]["label"] == "A \ufffd"
    assert back.nodes["a"]["goals"] == "x\ufffd"


@pytest.mark.parametrize("value", [*FORMULAS, "'=already quoted", "''", "'", "plain", "", "a=b"])
def test_formula_neutralising_is_reversible(value: str) -> None:
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_neutralised_with_a_quote(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_a_hand_written_leading_quote_is_kept_on_import() -> None:
    assert restore("'hello") == "'hello"


def test_csv_export_neutralises_formulas_and_round_trips_exactly(tmp_path: Path) -> None:
    records = [
        {"id": f"f-{n}", "name": f"{value} {n}", "issue": "x", "region": "'=q", "goals": [value]}
        for n, value in enumerate(FORMULAS)
    ]
    engine = _database(tmp_path, records)
    out = tmp_path / "out.csv"
    export(engine, "csv", out)
    before = [r.to_json() for r in iter_records(engine)]
    engine.dispose()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    # Names are stripped on import, so the tab and CR cases only reach the pure tests above.
    assert [row["name"][:2] for row in rows[:5]] == ["'" + value[0] for value in FORMULAS[:5]]
    assert {row["region"] for row in rows} == {"''=q"}
    for row in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row.values())
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    url = f"sqlite:///{fresh / 'helix.db'}"
    upgrade_database(url)
    again = create_db_engine(url)
    report = import_file(again, out)
    assert (report.rejected, report.warnings) == ([], [])
    assert [r.to_json() for r in iter_records(again)] == before
    second = tmp_path / "second.csv"
    export(again, "csv", second)
    again.dispose()
    assert second.read_bytes() == out.read_bytes()


def test_jsonl_export_keeps_formulas_verbatim(tmp_path: Path) -> None:
    engine = _database(tmp_path, [{"id": "j", "name": "=1+1", "issue": "-x"}])
    out = tmp_path / "out.jsonl"
    export(engine, "jsonl", out)
    engine.dispose()
    assert json.loads(out.read_text(encoding="utf-8"))["name"] == "=1+1"
