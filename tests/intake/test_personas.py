"""The Porto fridge leader (tests/personas.py) walks the packaged interview as on a phone.

Interview v2 promises a core of about twenty answers, under ten minutes: at most 25 inputs
for this leader, counting every tap (a multi-select is its taps plus Done) and every message.
On the first form the same leader needed 78 inputs with every deep dive declined.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from intake.engine import render, start, step
from intake.engine.events import Event
from intake.form import FormDefinition, load_definition
from intake.storage import InterviewStore
from intake.storage.db import session_scope
from intake.storage.tables import Initiative, PartnerTie, PsLink, Stakeholder, TaskRating
from tests.personas import PORTO, PORTO_DIVES, Walk, walk

CORE_BUDGET = 25


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_definition()


def _walk_engine(form: FormDefinition, language: str, *, dives: bool) -> Walk:
    state = start(form, language=language)

    def apply(event: Event):  # type: ignore[no-untyped-def]
        nonlocal state
        state, prompt = step(form, state, event)
        return state, prompt

    return walk(apply, render(form, state), {**PORTO, **PORTO_DIVES}, dives=dives)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_porto_leader_sends_the_core_in_at_most_25_inputs(
    form: FormDefinition, language: str
) -> None:
    counted = _walk_engine(form, language, dives=False)
    assert counted.core <= CORE_BUDGET, counted.screens
    assert counted.dives == 0


def test_every_deep_dive_is_offered_after_sending_and_counted(form: FormDefinition) -> None:
    core = _walk_engine(form, "en", dives=False)
    full = _walk_engine(form, "en", dives=True)
    assert full.core == core.core  # nothing of a dive is asked before the core is sent
    # four offers taken, each followed by its questions and one Send
    assert full.dives >= 4 + 4 + 10
    assert not any(screen.startswith("question:dd_") for screen in full.screens)


def test_the_porto_interview_lands_in_the_domain_tables(engine: Engine) -> None:
    """Through the store on a real database: one list of organisations, each in its table."""
    store = InterviewStore(engine, load_definition())
    _, prompt, _ = store.open("term:porto")
    walk(
        lambda event: store.apply("term:porto", event),
        prompt,
        {**PORTO, **PORTO_DIVES},
        dives=True,
    )
    with session_scope(engine) as session:
        initiative = session.exec(select(Initiative)).one()
        stakeholders = {(s.name, s.sector, s.role) for s in session.exec(select(Stakeholder))}
        ties = {(t.partner_name, t.kind, t.depth) for t in session.exec(select(PartnerTie))}
        links = {(p.actor, p.segment, p.relation) for p in session.exec(select(PsLink))}
        tasks = {(t.task, t.level) for t in session.exec(select(TaskRating))}
    assert initiative.revision == 5  # the core, then one Send per dive
    assert initiative.stage == "operating"
    assert stakeholders == {("Câmara Municipal do Porto", "government", "lends space")}
    assert ties == {("Banco Alimentar do Porto", "works_with", 2)}
    assert links == {
        ("Continente", "retail", "partnership"),
        ("Pingo Doce", "retail", "partnership"),
    }
    assert ("delivering", "core") in tasks
    assert ("advocating", "minor") in tasks
    assert ("visioning", "none") in tasks
