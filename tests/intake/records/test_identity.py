"""Who a record belongs to and what it matches: identity, never a display name.

Issue 12 found an imported record attached to a terminal user because it named him, and two
different initiatives merged silently because they shared a name. These tests pin the rules
of `intake.storage.imports`, and the streaming that keeps an import's memory flat.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from analysis.export import iter_records
from intake.records.importer import import_file
from intake.records.model import InitiativeRecord
from intake.storage.db import session_scope
from intake.storage.leaders import erase, leader_row, personal_data
from intake.storage.rows import write_initiative
from intake.storage.tables import Initiative, Leader


def write(tmp_path: Path, name: str, *records: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def issues_by_name(engine: Engine) -> list[tuple[str, str]]:
    return sorted((r.name, r.issue) for r in iter_records(engine))


def helix_user(engine: Engine, user_key: str, name: str, initiative: str) -> None:
    """A person who used Helix: a leader row with a user key, and an initiative of theirs."""
    with session_scope(engine, write=True) as session:
        leader = leader_row(session, user_key, display_name=name)
        record = InitiativeRecord(id=f"{user_key}-1", name=initiative, issue="food waste")
        row = Initiative(name=initiative, source="interview")
        write_initiative(session=session, initiative=row, record=record, leader_id=leader.id)


def test_a_leader_named_in_a_file_is_never_someone_who_uses_helix(
    engine: Engine, tmp_path: Path
) -> None:
    helix_user(engine, "term:bob", "Bob Builder", "Bob's fridge")
    other = {"id": "other-1", "name": "Not Bob's", "issue": "x", "leader": {"name": "Bob Builder"}}
    report = import_file(engine, write(tmp_path, "a.jsonl", other))
    assert report.imported == 1
    with Session(engine) as session:
        mine = personal_data(session, "term:bob")
        assert [i["record"]["name"] for i in mine["initiatives"]] == ["Bob's fridge"]
        leaders = session.exec(select(Leader).where(Leader.name == "Bob Builder")).all()
        assert sorted(leader.user_key or "import" for leader in leaders) == [
            "import",
            "term:bob",
        ]
    with session_scope(engine, write=True) as session:
        erase(session, "term:bob")
    assert issues_by_name(engine) == [("Not Bob's", "x")]


def test_a_telegram_id_is_an_identity_and_ties_the_record_to_that_person(
    engine: Engine, tmp_path: Path
) -> None:
    helix_user(engine, "tg:42", "Ana", "Ana's fridge")
    line = {"id": "ana-2", "name": "Ana's second", "issue": "x", "leader": {"telegram_id": 42}}
    import_file(engine, write(tmp_path, "a.jsonl", line))
    with Session(engine) as session:
        mine = personal_data(session, "tg:42")
    assert sorted(i["record"]["name"] for i in mine["initiatives"]) == [
        "Ana's fridge",
        "Ana's second",
    ]


def test_a_line_with_an_id_never_merges_into_another_initiative_by_name(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "a.jsonl",
        {"name": "Same", "issue": "b"},
        {"id": "d2", "name": "Same", "issue": "c"},
    )
    report = import_file(engine, path)
    assert (report.imported, report.warnings) == (2, [])
    assert issues_by_name(engine) == [("Same", "b"), ("Same", "c")]


def test_a_name_match_that_changes_the_issue_is_reported(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write(tmp_path, "a.jsonl", {"name": "Same", "issue": "b"}))
    report = import_file(engine, write(tmp_path, "b.jsonl", {"name": "Same", "issue": "c"}))
    assert report.updated == 1
    assert report.warnings == [
        "line 1: matched the imported initiative 'Same' by name and leader; its issue changes "
        "from 'b' to 'c' (give each initiative an id to keep them apart)"
    ]


def test_name_matching_stays_within_the_same_leader_and_source(
    engine: Engine, tmp_path: Path
) -> None:
    helix_user(engine, "term:cy", "Cy", "Shared name")
    first = {"name": "Shared name", "issue": "a", "leader": "Ana"}
    import_file(engine, write(tmp_path, "a.jsonl", first))
    again = [{**first, "issue": "a2"}, {**first, "leader": "Bo", "issue": "b"}]
    report = import_file(engine, write(tmp_path, "b.jsonl", *again))
    assert (report.imported, report.updated) == (1, 1)
    assert issues_by_name(engine) == [
        ("Shared name", "a2"),
        ("Shared name", "b"),
        ("Shared name", "food waste"),  # Cy's own, from the interview, untouched
    ]


def test_repeats_across_batches_count_once_and_the_later_line_wins(
    engine: Engine, tmp_path: Path
) -> None:
    lines = [{"id": f"r{i}", "name": f"R{i}", "issue": "x"} for i in range(5)]
    lines.append({"id": "r0", "name": "R0", "issue": "y"})
    report = import_file(engine, write(tmp_path, "a.jsonl", *lines), batch_size=2)
    assert (report.imported, report.updated, report.unchanged) == (5, 0, 0)
    assert report.warnings == ["line 6 repeats line 1 (same id 'r0'); the later line wins"]
    assert ("R0", "y") in issues_by_name(engine)


def test_two_lines_reaching_one_initiative_in_a_batch_apply_in_order(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, write(tmp_path, "a.jsonl", {"name": "One", "issue": "a", "region": "N"}))
    with Session(engine) as session:
        row = session.exec(select(Initiative)).one()
        row.external_id = "one"
        session.add(row)
        session.commit()
    lines = [
        {"id": "one", "name": "One", "issue": "a", "goals": ["g"]},
        {"name": "One", "issue": "b"},
    ]
    report = import_file(engine, write(tmp_path, "b.jsonl", *lines))
    assert (report.imported, report.updated, report.rejected) == (0, 2, [])
    [record] = iter_records(engine)
    assert (record.issue, record.goals, record.region) == ("b", ["g"], "N")


def test_an_import_holds_one_batch_in_memory_not_the_file(engine: Engine, tmp_path: Path) -> None:
    lines = [
        {
            "id": f"m{i}",
            "name": f"M{i}",
            "issue": "x",
            "goals": [f"{g}{i}" + "p" * 300 for g in "abc"],
        }
        for i in range(4000)
    ]
    path = write(tmp_path, "a.jsonl", *lines)
    tracemalloc.start()
    held = [InitiativeRecord.model_validate(line) for line in lines]
    whole_file = tracemalloc.get_traced_memory()[0]
    del held
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    report = import_file(engine, path, batch_size=100)
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    assert report.imported == 4000
    assert peak < whole_file / 2, (peak, whole_file)
