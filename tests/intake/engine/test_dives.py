"""Deep dives: gates never asked or listed, offers after sending, taking one, a list walk."""

from __future__ import annotations

from intake.engine import step
from intake.engine.events import Back, Choose, Edit, Review, Skip, Start, Submit, Text
from intake.engine.nav import first_open
from tests.intake.engine.dive_walks import DIVES, TO_SENT
from tests.intake.engine.walks import run


def test_the_core_never_asks_or_lists_a_gate() -> None:
    state, prompt = run(DIVES, TO_SENT[:-1])
    assert prompt.kind == "review"
    assert state.status == "review"
    assert first_open(DIVES, state) is None
    assert not {"dd_strategy", "dd_orgs", "dd_energy"} & {line.path for line in prompt.review}
    assert "dd_strategy" not in state.answers
    same, prompt = step(DIVES, state, Edit(path="dd_strategy"))
    assert same is state
    assert prompt.error


def test_sent_screen_offers_each_dive_with_its_cost() -> None:
    state, prompt = run(DIVES, TO_SENT)
    assert prompt.kind == "submitted"
    assert [(o.value, o.questions, o.minutes) for o in prompt.offers] == [
        ("dd_strategy", 2, 3),
        ("dd_orgs", 3, 2),  # Council: sector; Food bank (a partner): sector and closeness
        ("dd_energy", 1, 2),  # energy_mix applies: energy is one of the systems
    ]
    assert [o.text for o in prompt.offers] == [
        "Strategy: 2 questions, about 3 minutes",
        "Organisation details: 3 questions, about 2 minutes",
        "Energy: 1 question, about 2 minutes",
    ]
    spanish, _ = run(DIVES, [Edit(path="goals")], state.model_copy(update={"language": "es"}))
    _, prompt = run(DIVES, [Text(text="suelo"), Submit()], spanish)
    assert prompt.offers[0].text == "Estrategia: 2 preguntas, unos 3 minutos"


def test_a_dive_with_nothing_to_ask_or_an_empty_walk_is_not_offered() -> None:
    events = [*TO_SENT[:1], Choose(value="food"), *TO_SENT[3:5], Text(text="done")]
    state, prompt = run(DIVES, [*events, Choose(value="no"), Submit()])
    assert state.answers["orgs"] == []
    assert [o.value for o in prompt.offers] == ["dd_strategy"]  # no energy, no organisations


def test_taking_a_dive_asks_its_questions_then_sends_a_new_revision() -> None:
    state, _ = run(DIVES, TO_SENT)
    state, prompt = step(DIVES, state, Choose(value="dd_strategy"))
    assert state.status == "in_progress"
    assert state.answers["dd_strategy"] == "yes"
    assert prompt.path == "theory"
    assert prompt.progress is not None
    assert (prompt.progress.section, prompt.progress.section_index) == ("Strategy", 4)
    assert (prompt.progress.section_total, prompt.progress.left) == (4, 2)
    state, prompt = run(DIVES, [Text(text="Shorter chains"), Skip()], state)
    assert prompt.kind == "review"
    assert state.status == "review"
    assert "dd_strategy" not in {line.path for line in prompt.review}
    state, prompt = step(DIVES, state, Submit())
    assert state.revision == 2
    assert [o.value for o in prompt.offers] == ["dd_orgs", "dd_energy"]
    same, prompt = step(DIVES, state, Choose(value="dd_strategy"))  # taken: no longer offered
    assert same is state
    assert prompt.kind == "submitted"
    assert prompt.error
    for stale in (Choose(value="theory"), Choose(value="yes"), Text(text="dd_orgs")):
        same, prompt = step(DIVES, state, stale)
        assert same is state, stale
        assert prompt.error, stale


def test_a_walk_visits_each_entry_with_details_left() -> None:
    state, _ = run(DIVES, TO_SENT)
    state, prompt = step(DIVES, state, Choose(value="dd_orgs"))
    assert prompt.path == "orgs[0].org_sector"
    assert state.pending["walk"] == {"gate": "dd_orgs", "group": "orgs", "queue": [1]}
    assert prompt.progress is not None
    assert prompt.progress.section == "Organisation details"
    assert prompt.progress.left == 3
    state, prompt = step(DIVES, state, Choose(value="public"))
    assert prompt.path == "orgs[1].org_sector"
    assert prompt.notice == "Entry saved."
    state, prompt = step(DIVES, state, Skip())  # skipping a detail moves on
    assert prompt.path == "orgs[1].org_depth"
    state, prompt = step(DIVES, state, Choose(value="4"))
    assert prompt.kind == "review"
    assert "walk" not in state.pending
    assert state.answers["orgs"] == [
        {"org_name": "Council", "org_tie": "member", "org_sector": "public"},
        {"org_name": "Food bank", "org_tie": "partner", "org_depth": 4},
    ]
    state, prompt = step(DIVES, state, Submit())
    orgs = next(o for o in prompt.offers if o.value == "dd_orgs")
    assert (orgs.questions, orgs.minutes) == (1, 1)  # the skipped sector is still open
    state, prompt = step(DIVES, state, Choose(value="dd_orgs"))
    assert prompt.path == "orgs[1].org_sector"


def test_leaving_a_walk_ends_it_and_keeps_every_answer() -> None:
    sent, _ = run(DIVES, TO_SENT)
    state, prompt = run(DIVES, [Choose(value="dd_orgs"), Back()], sent)
    assert prompt.kind == "review"  # out of the first entry's first question
    assert "walk" not in state.pending
    assert state.answers["orgs"] == sent.answers["orgs"]
    state, prompt = run(DIVES, [Choose(value="dd_orgs"), Choose(value="public")], sent)
    state, prompt = run(DIVES, [Choose(value="private"), Review()], state)
    assert prompt.kind == "review"
    assert "walk" not in state.pending
    assert "item" not in state.pending
    assert [entry.get("org_sector") for entry in state.answers["orgs"]] == ["public", "private"]
    state, prompt = run(DIVES, [Start(), Submit()], state)
    assert prompt.kind == "submitted"
    assert [o.questions for o in prompt.offers if o.value == "dd_orgs"] == [1]
