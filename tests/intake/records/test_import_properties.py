"""Property tests for `helix import` (issue 12): whatever the lines, no exception escapes, every
line is counted or rejected with its number, a good line among hostile ones is always stored,
and `helix export` afterwards is valid UTF-8, standard JSON and a CSV that parses.

One database per test (SQLite and PostgreSQL), not per example: each example gives its lines
ids that no other example uses, so the checks of one example never depend on another's rows.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, select

from intake.records.importer import ImportFileError, ImportReport, import_file
from intake.records.model import FIELD_NAMES
from intake.storage.tables import Initiative
from tests.intake.records.hostile import (
    RAW_LINES,
    check_exports,
    json_values,
    records,
    shown_safely,
    texts,
)

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count()


def unique_ids(lines: list[Any], tag: str) -> list[Any]:
    """Give each drawn record an id no other line or example has (any drawn id stays its tail),
    so no two lines are the same record and no example re-imports another's."""
    for index, line in enumerate(lines):
        if isinstance(line, dict):
            tail = line.get("id")
            line["id"] = f"{tag}-{index}-{tail}" if isinstance(tail, str) else f"{tag}-{index}"
    return lines


def good_record(tag: str) -> dict[str, Any]:
    return {"id": f"good-{tag}", "name": f"Good {tag}", "issue": "food waste", "goals": ["a"]}


def is_stored(engine: Engine, record: dict[str, Any]) -> bool:
    with Session(engine) as session:
        found = session.exec(
            select(Initiative).where(Initiative.external_id == record["id"])
        ).first()
    return found is not None and found.name == record["name"]


def check_report(report: ImportReport, lines: int, good_line: int) -> None:
    """Every line is counted once or rejected once with its number; messages print safely."""
    counted = report.imported + report.updated + report.unchanged
    numbers = [number for number, _ in report.rejected]
    assert len(set(numbers)) == len(numbers), report.rejected
    assert set(numbers) <= set(range(1, lines + 1))
    assert good_line not in numbers, report.rejected
    assert counted + len(numbers) <= lines
    assert all(isinstance(reason, str) and reason for _, reason in report.rejected)
    assert all(shown_safely(reason) for _, reason in report.rejected), report.rejected
    assert all(shown_safely(warning) for warning in report.warnings), report.warnings
    assert report.exit_code == (1 if numbers else 0)


jsonl_lines = st.lists(
    st.one_of(
        records,
        records,
        json_values,
        st.text(st.characters(exclude_characters="\n\r\x00"), max_size=30),
        st.sampled_from(RAW_LINES),
    ),
    min_size=1,
    max_size=6,
)


@EXAMPLES
@given(lines=jsonl_lines, position=st.integers(0, 6), ascii_only=st.booleans())
def test_any_jsonl_lines_import_without_a_crash_and_export_cleanly(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[Any],
    position: int,
    ascii_only: bool,
) -> None:
    tag = f"j{next(_serial)}"
    good = good_record(tag)
    drawn = unique_ids(lines, tag)
    position = min(position, len(drawn))
    drawn.insert(position, good)
    # Line 1 is always an object: a file that opens like a JSON array (`[{`) is refused as a
    # whole, which is not what this property is about.
    drawn.insert(0, good_record(f"{tag}-first"))
    written = [
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=ascii_only)
        for line in drawn
    ]
    path = tmp_path_factory.mktemp("jsonl") / "lines.jsonl"
    # A surrogate written raw is not UTF-8: the importer must reject that line, not crash.
    path.write_bytes("\n".join(written).encode("utf-8", "surrogatepass") + b"\n")

    report = import_file(engine, path)

    check_report(report, len(written), position + 2)
    blank = sum(1 for line in written if not line.strip())
    counted = report.imported + report.updated + report.unchanged
    assert counted + len(report.rejected) + blank == len(written), report
    assert is_stored(engine, good)
    check_exports(engine)


CSV_COLUMNS = [*FIELD_NAMES, "unknown column"]
cells = st.one_of(texts, json_values.map(lambda value: json.dumps(value))).map(
    # Many raw NULs make a file binary, refused whole; a stray one is its row's problem (below).
    lambda cell: cell.replace("\x00", "")
)


@EXAMPLES
@given(
    columns=st.lists(st.sampled_from(CSV_COLUMNS), unique=True, max_size=6),
    rows=st.lists(st.lists(cells, min_size=0, max_size=8), min_size=1, max_size=5),
    position=st.integers(0, 5),
)
def test_any_csv_cells_import_without_a_crash_and_export_cleanly(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    columns: list[str],
    rows: list[list[str]],
    position: int,
) -> None:
    tag = f"c{next(_serial)}"
    header = ["id", "name", "issue", *(c for c in columns if c not in ("id", "name", "issue"))]
    good = good_record(tag)
    body = [
        [f"{tag}-{i}-{row[0]}" if row else f"{tag}-{i}", *row[1:]] for i, row in enumerate(rows)
    ]
    position = min(position, len(body))
    body.insert(position, [good["id"], good["name"], good["issue"]])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(body)
    text = buffer.getvalue()
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))

    report = import_file(engine, path)

    physical = text.count("\n")
    assert all(number > 1 for number, _ in report.rejected)  # the header is never a bad line
    check_report(report, physical, good_line=-1)
    counted = report.imported + report.updated + report.unchanged
    assert counted + len(report.rejected) <= len(body)
    assert is_stored(engine, good), report.rejected
    check_exports(engine)


@pytest.mark.parametrize("name", ["\u200b \u200b \u200b", " \ufeff\t\u200d \u2060 "])
def test_a_name_of_invisible_characters_and_spaces_is_refused(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    """Zero-width characters mixed with spaces used to survive a strip that took one kind at a
    time, so such a name was stored as if it were visible (issue 12, item 8)."""
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"name": name, "issue": "x"}) + "\n", encoding="utf-8")
    report = import_file(engine, path)
    assert [number for number, _ in report.rejected] == [1]
    assert "name" in report.rejected[0][1]


def test_a_nul_in_an_early_csv_cell_rejects_only_its_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"name,issue\nBad\x00,x\nGood,y\n")
    report = import_file(engine, path)
    assert [number for number, _ in report.rejected] == [2]
    assert report.imported == 1


def test_a_file_of_many_nuls_is_still_not_a_text_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"name,issue\n" + b"\x00\x01\x00\x00" * 200)
    with pytest.raises(ImportFileError, match="not a text file"):
        import_file(engine, path)


def test_a_first_line_that_is_an_array_rejects_only_that_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('[[1]]\n{"name": "Good", "issue": "y"}\n', encoding="utf-8")
    report = import_file(engine, path)
    assert [number for number, _ in report.rejected] == [1]
    assert report.imported == 1
