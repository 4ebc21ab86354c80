"""`helix import`, `helix export` and `helix db upgrade` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.commands.data import register
from bot.settings import Settings


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> typer.Typer:
    """Real settings: the data commands share the start-up path (data directory, URL check)."""
    settings = Settings(_env_file=None, HELIX_DATA_DIR=tmp_path / "data", DATABASE_URL=db_url)  # type: ignore[call-arg]
    app = typer.Typer()
    register(app, lambda: settings)
    return app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


GOOD = json.dumps({"name": "Compost Circle", "issue": "food waste"})


def test_clean_import_exits_0(cli: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(write(tmp_path / "a.jsonl", GOOD))])
    assert result.exit_code == 0, result.output
    assert "imported (new)" in result.output
    assert "│ 1 │" in result.output


def test_rejected_lines_exit_1_and_are_listed(
    cli: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "a.jsonl", GOOD, "{oops", json.dumps({"name": "x", "issue": "y", "c": 1})
    )
    result = runner.invoke(cli, ["import", str(path)])
    assert result.exit_code == 1
    assert "line 2: not valid JSON" in result.output
    assert "warning: unknown field 'c' (first on line 3) is kept in extra" in result.output


def test_unreadable_file_exits_2(cli: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_export_to_stdout_is_pure_data(
    cli: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    runner.invoke(cli, ["import", str(write(tmp_path / "a.jsonl", GOOD))])
    result = runner.invoke(cli, ["export", "--format", "jsonl"])
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == [json.loads(GOOD)]
    assert "Exported 1 initiative" in result.stderr


def test_export_csv_to_a_file_and_xlsx_default_name(
    cli: typer.Typer, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(cli, ["import", str(write(tmp_path / "a.jsonl", GOOD))])
    out = tmp_path / "out.csv"
    assert runner.invoke(cli, ["export", "-f", "CSV", "--out", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith(",Compost Circle,food waste")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["export", "--format", "xlsx"]).exit_code == 0
    sheet = load_workbook(tmp_path / "helix-export.xlsx")["Initiatives"]
    assert sheet["A2"].value == "Compost Circle"
    spanish = tmp_path / "es.xlsx"
    args = ["export", "-f", "xlsx", "--language", "es", "-o", str(spanish)]
    assert runner.invoke(cli, args).exit_code == 0
    assert load_workbook(spanish)["Iniciativas"]["A1"].value == "Iniciativa"
    refused = runner.invoke(cli, ["export", "-f", "xlsx", "--language", "fr"])
    assert refused.exit_code == 2
    assert "use en or es" in refused.stderr


def test_unknown_export_format(cli: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "pdf"])
    assert result.exit_code == 2
    assert "use one of jsonl, csv, xlsx, graphml, kumu" in result.stderr


def test_db_upgrade(cli: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0
    assert "up to date" in result.output
