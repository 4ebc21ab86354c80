"""`import_file` edge cases: every bad line is named with a reason, good lines still land."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from analysis.export import iter_records
from intake.records.importer import MAX_LINE_BYTES, ImportFileError, import_file
from intake.storage.tables import Initiative, Leader, TaskRating


def jsonl(*records: Any) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(i.name for i in session.exec(select(Initiative)).all())


GOOD = {"name": "Compost Circle", "issue": "food waste", "id": "cc-1"}
OTHER = {"name": "Grid Watch", "issue": "energy poverty"}


def test_bom_crlf_and_blank_lines_are_fine(engine: Engine, tmp_path: Path) -> None:
    content = "\ufeff" + json.dumps(GOOD) + "\r\n\r\n   \r\n" + json.dumps(OTHER) + "\r\n"
    report = import_file(engine, write(tmp_path, "a.jsonl", content))
    assert (report.imported, report.rejected, report.warnings) == (2, [], [])
    assert report.exit_code == 0
    assert names(engine) == ["Compost Circle", "Grid Watch"]


def test_bad_lines_are_rejected_with_line_and_reason(engine: Engine, tmp_path: Path) -> None:
    content = jsonl(
        GOOD,
        '{"name": "Broken", "issue": ',
        "[1, 2]",
        {"name": "No Issue"},
        {"name": "Typed", "issue": "x", "goals": "not a list"},
        {"name": "Bad Task", "issue": "x", "tasks": {"flying": "core"}},
        {"name": "Deep", "issue": "x", "partners": [{"name": "P", "depth": 9}]},
        {"name": "   ", "issue": "x"},
        OTHER,
    )
    report = import_file(engine, write(tmp_path, "a.jsonl", content))
    reasons = dict(report.rejected)
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8]
    assert reasons[2].startswith("not valid JSON")
    assert "JSON object" in reasons[3]
    assert reasons[4] == "missing required field 'issue'"
    assert "'goals'" in reasons[5]
    assert "unknown task 'flying'" in reasons[6]
    assert "'partners[0].depth'" in reasons[7]
    assert reasons[8] == "'name' must not be empty"
    assert report.imported == 2
    assert report.exit_code == 1
    assert names(engine) == ["Compost Circle", "Grid Watch"]


def test_oversize_line_is_skipped_without_reading_it_into_memory(
    engine: Engine, tmp_path: Path
) -> None:
    huge = json.dumps({"name": "Huge", "issue": "x", "goals": ["y" * (20 * 1024 * 1024)]})
    path = write(tmp_path, "a.jsonl", jsonl(GOOD, huge, OTHER))
    tracemalloc.start()
    try:
        report = import_file(engine, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [line for line, _ in report.rejected] == [2]
    assert "over the 64 KiB limit" in report.rejected[0][1]
    assert report.imported == 2
    assert peak < 4 * 1024 * 1024  # far below the 20 MiB line


def test_a_line_just_under_the_limit_is_accepted(engine: Engine, tmp_path: Path) -> None:
    record = {"name": "Long", "issue": "x", "extra": {"note": ""}}
    padding = MAX_LINE_BYTES - len(json.dumps(record)) - 10
    record["extra"] = {"note": "z" * padding}
    report = import_file(engine, write(tmp_path, "a.jsonl", jsonl(record)))
    assert (report.imported, report.rejected) == (1, [])


def test_duplicates_in_the_file_later_wins_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    content = jsonl(GOOD, OTHER, {**GOOD, "issue": "compost at scale"})
    report = import_file(engine, write(tmp_path, "a.jsonl", content))
    assert report.imported == 2
    assert report.warnings == ["line 3 repeats line 1 (same id 'cc-1'); the later line wins"]
    assert report.exit_code == 0
    with Session(engine) as session:
        issue = session.exec(select(Initiative.issue).where(Initiative.external_id == "cc-1"))
        assert issue.one() == "compost at scale"


def test_unknown_fields_go_to_extra_and_warn_once(engine: Engine, tmp_path: Path) -> None:
    content = jsonl(
        {**GOOD, "colour": "green", "budget": 10},
        {**OTHER, "colour": "blue", "extra": {"kept": True}},
    )
    report = import_file(engine, write(tmp_path, "a.jsonl", content))
    assert report.warnings == [
        "unknown field 'colour' (first on line 1) is kept in extra",
        "unknown field 'budget' (first on line 1) is kept in extra",
    ]
    assert report.exit_code == 0
    with Session(engine) as session:
        extras = {i.name: i.extra for i in session.exec(select(Initiative)).all()}
    assert extras == {
        "Compost Circle": {"colour": "green", "budget": 10},
        "Grid Watch": {"kept": True, "colour": "blue"},
    }


def test_reimport_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    content = jsonl(
        {**GOOD, "leader": {"name": "Ana", "telegram_id": 5}, "tasks": ["visioning"]},
        {
            **OTHER,
            "leader": "Bo",
            "stakeholders": ["City", {"name": "Utility", "sector": "business"}],
        },
        {"name": "Solo", "issue": "water"},
    )
    path = write(tmp_path, "a.jsonl", content)
    first = import_file(engine, path)
    before = [r.to_json() for r in iter_records(engine)]
    second = import_file(engine, path)
    assert (first.imported, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.imported, second.updated, second.unchanged) == (0, 0, 3)
    assert [r.to_json() for r in iter_records(engine)] == before
    with Session(engine) as session:
        assert len(session.exec(select(Leader)).all()) == 2
        assert len(session.exec(select(TaskRating)).all()) == 1
        assert {i.revision for i in session.exec(select(Initiative)).all()} == {1}


def test_changed_record_updates_and_missing_fields_keep_their_value(
    engine: Engine, tmp_path: Path
) -> None:
    full = {**GOOD, "region": "North", "goals": ["less waste"], "leader": {"name": "Ana"}}
    import_file(engine, write(tmp_path, "a.jsonl", jsonl(full)))
    partial = {"name": "Compost Circle", "issue": "food waste and soil", "leader": "Ana"}
    report = import_file(engine, write(tmp_path, "b.jsonl", jsonl(partial)))
    assert (report.imported, report.updated) == (0, 1)
    [record] = iter_records(engine)
    assert record.id == "cc-1"  # a line without an id never erases one
    assert (record.issue, record.region, record.goals) == (
        "food waste and soil",
        "North",
        ["less waste"],
    )
    with Session(engine) as session:
        assert session.exec(select(Initiative.revision)).one() == 2


def test_matching_by_name_and_leader(engine: Engine, tmp_path: Path) -> None:
    content = jsonl(
        {"name": "Same", "issue": "a", "leader": {"telegram_id": 1}},
        {"name": "Same", "issue": "b", "leader": {"telegram_id": 2}},
    )
    import_file(engine, write(tmp_path, "a.jsonl", content))
    again = jsonl({"name": "Same", "issue": "c", "leader": {"telegram_id": 2}})
    report = import_file(engine, write(tmp_path, "b.jsonl", again))
    assert (report.imported, report.updated) == (0, 1)
    assert sorted(r.issue for r in iter_records(engine)) == ["a", "c"]


def test_csv_variant(engine: Engine, tmp_path: Path) -> None:
    content = (
        "\ufeffName,Issue,id,goals,stakeholders,leader.name,leader.telegram_id,tasks,consent,"
        "extra,colour\r\n"
        "Compost Circle,food waste,cc-1,less waste; better soil,City; Farmers,Ana,5,"
        '"visioning=core; learning=minor; delivering=core",'
        'listed=yes;digest=monthly,"{""note"": 1}",green\r\n'
        "\r\n"
        '"Grid Watch","energy\r\npoverty",,"[""fair tariffs""]",'
        '"[{""name"": ""Utility"", ""sector"": ""business""}]",,,,,,\r\n'
        "Broken,,,,,,,,,,\r\n"
    )
    report = import_file(engine, write(tmp_path, "a.csv", content))
    assert report.format == "csv"
    assert report.rejected == [(6, "missing required field 'issue'")]  # line 4 spans two
    assert report.warnings == ["unknown field 'colour' (first on line 2) is kept in extra"]
    first, second = iter_records(engine)
    assert first.to_json() == {
        "id": "cc-1",
        "name": "Compost Circle",
        "issue": "food waste",
        "leader": {"name": "Ana", "telegram_id": 5},
        "goals": ["less waste", "better soil"],
        "stakeholders": [{"name": "City"}, {"name": "Farmers"}],
        "tasks": {"visioning": "core", "learning": "minor", "delivering": "core"},
        "consent": {"listed": True, "introductions": False, "digest": "monthly"},
        "extra": {"note": 1, "colour": "green"},
    }
    assert second.issue == "energy\r\npoverty"
    assert second.goals == ["fair tariffs"]
    assert second.stakeholders[0].sector == "business"


def test_csv_with_semicolons_and_too_many_cells(engine: Engine, tmp_path: Path) -> None:
    content = "name;issue;region\nA;waste;North\nB;waste;South;extra cell\n"
    report = import_file(engine, write(tmp_path, "a.csv", content))
    assert report.imported == 1
    assert report.rejected == [(3, "row has 4 cells but the header names 3 columns")]


def test_csv_cell_with_broken_json_object(engine: Engine, tmp_path: Path) -> None:
    content = 'name,issue,consent\nA,waste,"{""listed"": yes}"\n'
    report = import_file(engine, write(tmp_path, "a.csv", content))
    assert report.rejected == [(2, "column 'consent': not valid JSON (Expecting value)")]


def test_csv_oversize_record_is_rejected(engine: Engine, tmp_path: Path) -> None:
    big = "x" * (MAX_LINE_BYTES + 10)
    content = f'name,issue\nA,waste\nB,"{big}\nstill inside"\nC,waste\n'
    report = import_file(engine, write(tmp_path, "a.csv", content))
    assert [line for line, _ in report.rejected] == [3]
    assert names(engine) == ["A", "C"]


def test_format_is_sniffed_without_an_extension(engine: Engine, tmp_path: Path) -> None:
    as_json = import_file(engine, write(tmp_path, "records", jsonl(GOOD)))
    as_csv = import_file(engine, write(tmp_path, "sheet", "name,issue\nGrid Watch,energy\n"))
    assert (as_json.format, as_csv.format) == ("jsonl", "csv")
    assert names(engine) == ["Compost Circle", "Grid Watch"]


def test_line_that_is_not_utf8(engine: Engine, tmp_path: Path) -> None:
    content = jsonl(GOOD).encode() + b'{"name": "\xff\xfe", "issue": "x"}\n'
    report = import_file(engine, write(tmp_path, "a.jsonl", content))
    assert report.rejected == [(2, "not UTF-8 text (byte 11)")]
    assert report.imported == 1


def test_empty_file_imports_nothing_and_says_so(engine: Engine, tmp_path: Path) -> None:
    report = import_file(engine, write(tmp_path, "a.jsonl", "\n\n"))
    assert (report.imported, report.exit_code, report.warnings) == (
        0,
        0,
        ["the file holds no records"],
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.jsonl", None, "No such file"),
        ("binary.jsonl", b"\x00\x01\x02", "not a text file"),
        ("book.xlsx", b"PK\x03\x04rest", "save it as CSV"),
        ("array.json", b'[{"name": "A", "issue": "b"}]', "JSON array"),
    ],
)
def test_unreadable_files(
    engine: Engine, tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name if content is None else write(tmp_path, name, content)
    with pytest.raises(ImportFileError, match=reason):
        import_file(engine, path)


def test_a_directory_is_not_a_file(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="cannot read"):
        import_file(engine, tmp_path)


def test_a_nul_in_text_is_cleaned_at_the_edge_so_every_database_stores_it(
    engine: Engine, tmp_path: Path
) -> None:
    """PostgreSQL refuses NUL in text; the reader strips it first, so no backend sees one."""
    content = jsonl(GOOD, {"name": "Nul\u0000Name", "issue": "x"}, OTHER)
    report = import_file(engine, write(tmp_path, "a.jsonl", content), batch_size=10)
    assert (report.rejected, report.imported) == ([], 3)
    assert "NulName" in names(engine)
    assert {"Compost Circle", "Grid Watch"} <= set(names(engine))
