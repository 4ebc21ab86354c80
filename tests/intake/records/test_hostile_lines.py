"""Hostile single lines: each is refused as `field: reason` (or cleaned), never a crash.

Found by a black-box test (issue 12): these lines used to raise out of `import_file` with a
traceback, or to slip in values that broke every later export.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from intake.records.importer import ImportFileError, import_file
from intake.storage.tables import Initiative, Leader

GOOD = {"name": "Compost Circle", "issue": "food waste", "id": "cc-1"}
OTHER = {"name": "Grid Watch", "issue": "energy poverty"}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def between_good_lines(tmp_path: Path, bad: str) -> Path:
    return write(tmp_path, "a.jsonl", f"{json.dumps(GOOD)}\n{bad}\n{json.dumps(OTHER)}\n")


def names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(i.name for i in session.exec(select(Initiative)).all())


def stored(engine: Engine, name: str) -> Initiative:
    with Session(engine) as session:
        return session.exec(select(Initiative).where(Initiative.name == name)).one()


HOSTILE = {
    "tasks_of_objects": ('{"name":"T","issue":"x","tasks":[{}]}', "tasks"),
    "tasks_of_lists": ('{"name":"T","issue":"x","tasks":[[1]]}', "tasks"),
    "deep_nesting": ('{"name":"T","issue":"x","extra":' + "[" * 990 + "]" * 990 + "}", "nest"),
    "huge_integer": ('{"name":"T","issue":"x","extra":{"n":' + "9" * 5000 + "}}", "extra.n"),
    "telegram_id_too_big": (
        '{"name":"T","issue":"x","leader":{"telegram_id":9223372036854775808}}',
        "telegram_id",
    ),
    "telegram_id_too_small": (
        '{"name":"T","issue":"x","leader":{"telegram_id":-9223372036854775809}}',
        "telegram_id",
    ),
    "lone_surrogate_name": ('{"name":"\\ud800","issue":"x"}', "name: "),
    "lone_surrogate_goal": ('{"name":"T","issue":"x","goals":["\\ud800"]}', "goals[0]: "),
    "lone_surrogate_key": ('{"name":"T","issue":"x","\\udfff":1}', "surrogate"),
    "nan": ('{"name":"T","issue":"x","extra":{"n":NaN}}', "extra.n: "),
    "infinity": ('{"name":"T","issue":"x","extra":{"n":-Infinity}}', "extra.n: "),
    "overflowing_float": ('{"name":"T","issue":"x","extra":{"n":1e999}}', "extra.n: "),
    "zero_width_name": ('{"name":"\\u200b\\u200d","issue":"x"}', "'name' must not be empty"),
    "number_as_website": ('{"name":"T","issue":"x","website":"1.5"}', "website"),
}


@pytest.mark.parametrize(("line", "reason"), HOSTILE.values(), ids=list(HOSTILE))
def test_a_hostile_line_is_refused_and_the_good_lines_still_import(
    engine: Engine, tmp_path: Path, line: str, reason: str
) -> None:
    report = import_file(engine, between_good_lines(tmp_path, line))
    assert [number for number, _ in report.rejected] == [2]
    assert reason in report.rejected[0][1]
    assert report.imported == 2
    assert report.exit_code == 1
    assert names(engine) == ["Compost Circle", "Grid Watch"]


@pytest.mark.parametrize(
    "website",
    ["example.org", "www.example.co.uk/path", "https://x.example.org", "http://10.0.0.1"],
)
def test_real_websites_are_still_accepted(engine: Engine, tmp_path: Path, website: str) -> None:
    line = json.dumps({"name": "T", "issue": "x", "website": website})
    report = import_file(engine, between_good_lines(tmp_path, line))
    assert (report.imported, report.rejected) == (3, [])


def test_escape_and_control_characters_are_stripped_from_text(
    engine: Engine, tmp_path: Path
) -> None:
    line = json.dumps(
        {
            "name": "\x1b[2JCl\x00ean\x7f\x1b]0;owned\x07 Name",
            "issue": "first line\nsecond\x1b[31m line",
            "weird\x1b[1m": "v",
        }
    )
    report = import_file(engine, between_good_lines(tmp_path, line))
    assert (report.imported, report.rejected) == (3, [])
    initiative = stored(engine, "Clean Name")
    assert initiative.issue == "first line\nsecond line"
    assert report.warnings == ["unknown field 'weird' (first on line 2) is kept in extra"]


def test_a_telegram_id_out_of_range_does_not_lose_the_batches_around_it(
    engine: Engine, tmp_path: Path
) -> None:
    lines = [json.dumps({"name": f"I{n}", "issue": "x"}) for n in range(1, 501)]
    lines[299] = json.dumps({"name": "Bad", "issue": "x", "leader": {"telegram_id": 2**63}})
    report = import_file(engine, write(tmp_path, "a.jsonl", "\n".join(lines) + "\n"))
    assert [number for number, _ in report.rejected] == [300]
    assert report.imported == 499
    assert len(names(engine)) == 499
    with Session(engine) as session:
        assert session.exec(select(Leader)).all() == []


def test_a_raw_nul_in_a_csv_cell_is_refused_like_in_json_lines(
    engine: Engine, tmp_path: Path
) -> None:
    filler = "".join(f"Filler {n},x\n" for n in range(400))  # past the 4 KiB sniffed head
    content = f"name,issue\nCompost Circle,food waste\n{filler}Bad\x00Name,x\nGrid Watch,energy\n"
    report = import_file(engine, write(tmp_path, "a.csv", content))
    assert [number for number, _ in report.rejected] == [403]
    assert "NUL" in report.rejected[0][1]
    assert report.imported == 402
    filler = "".join(json.dumps({"name": f"Filler {n}", "issue": "x"}) + "\n" for n in range(200))
    jsonl = write(tmp_path, "b.jsonl", filler + '{"name":"Bad\x00Name","issue":"x"}\n')
    assert [number for number, _ in import_file(engine, jsonl).rejected] == [201]


def test_a_hostile_json_cell_in_a_csv_is_refused(engine: Engine, tmp_path: Path) -> None:
    content = (
        "name,issue,goals,extra\n"
        "Compost Circle,food waste,,\n"
        'T,x,"[""\\ud800""]",\n'
        'U,x,,"{""n"":' + "9" * 5000 + '}"\n'
        'V,x,,"' + "[" * 990 + "]" * 990 + '"\n'
        "Grid Watch,energy,,\n"
    )
    report = import_file(engine, write(tmp_path, "a.csv", content))
    assert [number for number, _ in report.rejected] == [3, 4, 5]
    assert names(engine) == ["Compost Circle", "Grid Watch"]


def test_a_csv_without_a_header_row_is_unusable(engine: Engine, tmp_path: Path) -> None:
    content = "Compost Circle,food waste\nGrid Watch,energy poverty\n"
    with pytest.raises(ImportFileError, match="header"):
        import_file(engine, write(tmp_path, "a.csv", content))
    assert names(engine) == []


ENTRY = "from bot.cli import main; main()"


def helix_import(tmp_path: Path, path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELIX_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env["HELIX_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-c", ENTRY, "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_helix_import_reports_hostile_lines_without_a_traceback(tmp_path: Path) -> None:
    bad: list[Any] = [line for line, _ in HOSTILE.values()]
    content = "\n".join([json.dumps(GOOD), *bad, json.dumps(OTHER)]) + "\n"
    result = helix_import(tmp_path, write(tmp_path, "a.jsonl", content))
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1
    assert result.stdout.count("line ") >= len(bad)
    assert "\x1b" not in result.stdout.replace("\x1b[", "")  # only rich's own colours


def test_helix_import_of_a_headerless_csv_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Compost Circle,food waste\n")
    result = helix_import(tmp_path, path)
    assert result.returncode == 2
    assert "header" in result.stderr
    assert "Traceback" not in result.stderr
