"""Interviews of the first form carry over to form version 2 without losing an answer.

The first form kept organisations in four lists and asked one question per task. Version 2 has
one tagged organisations list and two task pick lists. The strongest check is on the domain:
the record an old interview projects to is the same before and after its upgrade. Then the
migration (0004) on both databases, and an old interview that goes on in the store.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Engine
from sqlmodel import select

from intake.engine import Choose, Edit, Review, Submit, Text, render, step
from intake.engine.state import InterviewState
from intake.form import load_definition
from intake.form.upgrade import VERSION, is_old, upgrade_state
from intake.storage import InterviewStore
from intake.storage.db import alembic_config, create_db_engine, session_scope, upgrade_database
from intake.storage.projection import record_from_answers
from intake.storage.tables import Interview, PartnerTie, PsLink, Stakeholder
from tests.intake.storage.scripted import FIRST_FORM_ANSWERS


def _old_state(status: str = "submitted", **changes: Any) -> dict[str, Any]:
    answers = {**copy.deepcopy(FIRST_FORM_ANSWERS), **changes}
    return InterviewState(
        form_id="scs_intake",
        form_version="2026.12.1",
        status=status,  # type: ignore[arg-type]
        answers=answers,
        trail=("welcome", "leader_name", "stakeholders", "task_visioning", "partners"),
        skipped=(),
        revision=1 if status == "submitted" else 0,
    ).model_dump(mode="json")


def _comparable(answers: dict[str, Any]) -> dict[str, Any]:
    record = record_from_answers(answers).model_dump(exclude={"extra"})
    for key in ("stakeholders", "partners", "ps_links", "known_initiatives"):
        record[key] = sorted(record[key], key=str)
    return record


def test_the_upgrade_changes_nothing_the_domain_tables_hold() -> None:
    old = _old_state()
    new = upgrade_state(old)
    assert _comparable(new["answers"]) == _comparable(old["answers"])


def test_each_old_list_becomes_tagged_organisations() -> None:
    new = upgrade_state(_old_state())
    ties = {o["org_name"]: o["org_tie"] for o in new["answers"]["organisations"]}
    assert ties == {
        "MegaMart": "ps_actor",
        "Sun Co-op": "works_with",
        "Farmers Union": "takes_part",
        "Valley Food Bank": "knows_of",
    }
    megamart = next(o for o in new["answers"]["organisations"] if o["org_name"] == "MegaMart")
    assert megamart == {
        "org_name": "MegaMart",
        "org_tie": "ps_actor",
        "org_segment": "retail",
        "org_mode": "market",
        "org_depth": 2,
    }
    assert new["answers"]["dd_orgs"] == "yes"  # details were given, so they stay relevant


def test_a_name_in_two_lists_is_one_organisation_and_the_old_lists_stay_kept() -> None:
    old = _old_state(stakeholders=[{"st_name": "megamart", "st_sector": "business"}])
    new = upgrade_state(old)
    names = [o["org_name"].casefold() for o in new["answers"]["organisations"]]
    assert names.count("megamart") == 1
    assert new["stale"]["stakeholders"] == [{"st_name": "megamart", "st_sector": "business"}]
    assert new["stale"]["ps_actors"] == FIRST_FORM_ANSWERS["ps_actors"]


def test_task_levels_become_the_two_pick_lists() -> None:
    new = upgrade_state(_old_state())["answers"]
    assert new["tasks_core"] == ["visioning", "organizing", "learning", "delivering"]
    assert new["tasks_minor"] == ["innovating", "financing"]
    assert new["change_type"] == ["reform"]
    assert not any(name.startswith("task_") for name in new)
    assert {new["dd_strategy"], new["dd_system"], new["dd_profile"]} == {"yes"}


def test_paths_are_renamed_and_the_upgrade_is_done_once() -> None:
    new = upgrade_state(_old_state())
    assert new["form_version"] == VERSION
    assert new["trail"] == ["leader_name", "organisations", "tasks_core"]
    assert is_old(_old_state())
    assert not is_old(new)
    assert upgrade_state(new)["answers"] == new["answers"]


def test_an_old_draft_entry_is_kept_aside(tmp_path: Path) -> None:
    old = _old_state(status="in_progress")
    old["pending"] = {"item": {"group": "partners", "values": {"partner_name": "Half"}}}
    new = upgrade_state(old)
    assert new["pending"] == {}
    assert new["stale"]["partners[item]"] == {"partner_name": "Half"}


def test_migration_0004_carries_stored_interviews_over(db_url: str) -> None:
    """On both databases: an interview stored at 0003 reads as version 2 after the upgrade, and
    the store goes on with it: the review lists its organisations, a dive can be taken."""
    migration_engine = create_db_engine(db_url, foreign_keys=False)
    try:
        with migration_engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
    finally:
        migration_engine.dispose()
    engine: Engine = create_db_engine(db_url)
    try:
        with session_scope(engine, write=True) as session:
            session.add(
                Interview(
                    user_key="term:old",
                    form_id="scs_intake",
                    form_version="2026.12.1",
                    status="submitted",
                    state=_old_state(dd_profile="no", staff_band=None),
                )
            )
        upgrade_database(db_url)
        with session_scope(engine) as session:
            row = session.exec(select(Interview).where(Interview.user_key == "term:old")).one()
            assert row.form_version == "2026.12.1"  # the row keeps the version it started on
            assert row.state["form_version"] == VERSION
            assert not is_old(row.state)
        store = InterviewStore(engine, load_definition())
        state, prompt, resumed = store.open("term:old")
        assert resumed
        assert state.status == "submitted"
        names = {line.value for line in prompt.review if line.level == 1}
        assert {"MegaMart", "Sun Co-op", "Farmers Union", "Valley Food Bank"} <= {
            value.split(" (")[0] for value in names
        }
        # the dives the old answers fill count as taken; organisation details stay on offer
        # while an entry has a detail left (the Farmers Union's role was never asked)
        assert [(offer.value, offer.questions) for offer in prompt.offers] == [("dd_orgs", 1)]
        state, prompt = store.apply("term:old", Review())
        assert state.status == "submitted"
    finally:
        engine.dispose()


def test_an_old_interview_sent_again_projects_the_same_rows(engine: Engine) -> None:
    """The store upgrades an old state as it loads it; edited and sent again, it writes the
    same stakeholder, partner and production-system rows the first form's answers stood for."""
    definition = load_definition()
    with session_scope(engine, write=True) as session:
        session.add(
            Interview(
                user_key="term:again",
                form_id="scs_intake",
                form_version="2026.12.1",
                status="submitted",
                state=_old_state(),
            )
        )
    store = InterviewStore(engine, definition)
    store.open("term:again")
    _, prompt = store.apply("term:again", Choose(value="dd_strategy"))
    assert prompt.error  # taken on the first form already: not offered again
    store.apply("term:again", Edit(path="goals"))
    store.apply("term:again", Text(text="Cut post-harvest loss by half; Shared cold rooms"))
    state, prompt = store.apply("term:again", Submit())
    assert (state.status, state.revision, prompt.error) == ("submitted", 2, None)
    with session_scope(engine) as session:
        stakeholders = {(s.name, s.sector) for s in session.exec(select(Stakeholder))}
        ties = {(t.partner_name, t.kind, t.depth) for t in session.exec(select(PartnerTie))}
        links = {(p.actor, p.segment, p.relation, p.depth) for p in session.exec(select(PsLink))}
    assert stakeholders == {("Farmers Union", "civil_society")}
    assert ties == {("Sun Co-op", "works_with", 4), ("Valley Food Bank", "knows_of", None)}
    assert links == {("MegaMart", "retail", "market", 2)}


def test_a_declined_dive_is_never_forced_on_an_old_interview() -> None:
    """The first form asked change_type and ps_segments in its core: they keep their dives
    relevant, but what the leader declined is skipped, so an edit can be sent at once."""
    old = _old_state(dd_strategy="no", dd_system="no")
    for name in ("theory_of_change", "strategies", "tensions", "consciousness", "gaps"):
        old["answers"].pop(name, None)
    for name in ("shared_agenda", "shared_agenda_name", "steward", "shared_indicators"):
        old["answers"].pop(name, None)
    form = load_definition()
    state = InterviewState.model_validate(upgrade_state(old))
    assert {"theory_of_change", "consciousness"} <= set(state.skipped)
    state, _ = step(form, state, Edit(path="region"))
    state, _ = step(form, state, Text(text="Cusco and Puno"))
    state, prompt = step(form, state, Submit())
    assert (state.status, state.revision, prompt.error) == ("submitted", 2, None)


def test_half_way_through_the_old_lists_the_menu_comes_back() -> None:
    old = _old_state(status="in_progress")
    for name in ("partners", "ps_actors", "known_initiatives"):
        old["answers"].pop(name)
    state = InterviewState.model_validate(upgrade_state(old))
    prompt = render(load_definition(), state)
    assert (prompt.kind, prompt.path) == ("repeat_menu", "organisations")
    assert [item.label for item in prompt.items] == [
        "Farmers Union (Takes part in our initiative)"
    ]


def test_half_way_through_the_tasks_the_core_work_is_asked_anew() -> None:
    old = _old_state(status="in_progress")
    for task in ("learning", "innovating", "financing", "measuring", "advocating", "delivering"):
        old["answers"].pop(f"task_{task}")
    new = upgrade_state(old)
    assert "tasks_core" not in new["answers"]
    assert new["stale"]["tasks_core"] == ["visioning", "organizing"]
    assert "tasks_core" not in new["trail"]


def test_an_entry_and_a_parked_draft_are_both_kept() -> None:
    old = _old_state(status="in_progress")
    old["pending"] = {
        "item": {"group": "partners", "values": {}},
        "draft": {"group": "stakeholders", "values": {"st_name": "Parked"}},
    }
    new = upgrade_state(old)
    assert new["stale"]["stakeholders[draft]"] == {"st_name": "Parked"}
    assert "partners[item]" not in new["stale"]  # nothing was typed in it
