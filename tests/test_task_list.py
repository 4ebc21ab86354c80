"""The task list: the interview asks the eight tasks in the record's order and only says what to
do; which names are Waddell's and which are Helix's lives in the knowledge base.

Issue 9: a community-fridge leader had no task for running the fridges, and the interview stopped
for an academic caveat about task names. Both are contracts this file keeps.
"""

from __future__ import annotations

import pytest

from intake.form import FormDefinition, load_definition
from intake.records import SYSTEM_TASKS, TASKS, InitiativeRecord
from knowledge.config import DEFAULT_DOCS_DIR
from knowledge.documents import Document, load_documents

PAGES = {task: f"task-{task}" for task in TASKS} | {"learning": "task-researching-learning"}
SOURCE_TALK = ("waddell", "working list", "lista de trabajo", "confirm", "our proposal", "nuestra")


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_definition()


@pytest.fixture(scope="module")
def pages() -> dict[str, Document]:
    loaded = load_documents(DEFAULT_DOCS_DIR)
    loaded.raise_for_problems()
    return {doc.slug: doc for doc in loaded.documents}


def test_the_interview_offers_the_records_tasks_in_order(form: FormDefinition) -> None:
    offered = [choice.name for choice in form.choices["tasks"]]
    assert offered == list(TASKS)
    for name in ("tasks_core", "tasks_minor"):
        question = form.question(name)
        assert question is not None
        assert question.choices == "tasks"
    assert TASKS[: len(SYSTEM_TASKS)] == SYSTEM_TASKS  # older files keep their meaning
    assert TASKS[-1] == "delivering"


def test_the_task_questions_say_what_to_do_not_whose_names_they_are(
    form: FormDefinition,
) -> None:
    texts: list[str] = []
    for name in ("tasks_core", "tasks_minor"):
        question = form.question(name)
        assert question is not None
        texts += [*question.label.values(), *(question.hint.values() if question.hint else ())]
    texts += [text for choice in form.choices["tasks"] for text in choice.label.values()]
    assert len(texts) > 2 * len(TASKS)
    for text in texts:
        assert not any(word in text.lower() for word in SOURCE_TALK), text
    core = form.question("tasks_core")
    assert core is not None
    assert "seven tasks" in core.terms  # the caveat is one tap away


def test_the_knowledge_base_says_which_names_are_waddells(pages: dict[str, Document]) -> None:
    overview = pages["seven-tasks"]
    assert "Helix's proposal" in overview.body
    assert "delivering" in overview.body
    for task in ("visioning", "organizing"):
        assert pages[PAGES[task]].confidence.startswith("Grounded")
    for task in SYSTEM_TASKS[2:]:
        page = pages[PAGES[task]]
        assert "not confirmed in Waddell" in page.confidence, task
        assert "Note on the name" in page.body, task


def test_delivering_is_labelled_as_helixs_own(pages: dict[str, Document]) -> None:
    page = pages["task-delivering"]
    assert page.confidence.startswith("Helix's own addition")
    assert "not one of Waddell's seven tasks" in page.confidence
    assert "delivering" in page.aliases
    assert "does **not** count toward task coverage" in page.body


def test_records_from_before_delivering_still_read_and_delivering_reads_too() -> None:
    old = InitiativeRecord.model_validate({"name": "A", "issue": "b", "tasks": ["visioning"]})
    assert old.tasks == {"visioning": "core"}
    new = InitiativeRecord.model_validate(
        {"name": "A", "issue": "b", "tasks": {"task_delivering": 2, "advocating": "minor"}}
    )
    assert new.tasks == {"advocating": "minor", "delivering": "core"}  # canonical order
