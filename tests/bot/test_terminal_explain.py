"""/explain in the terminal, on the packaged form: the only topic at once; several as a numbered
list, picked by number or word; the options' meanings; all in the user's language, answered by
the packaged knowledge pages (keyword search, the same answers code path without the model)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from bot.services import Services
from intake.engine.prompt import Prompt
from knowledge.base import KnowledgeBase
from knowledge.chunking import chunk_documents
from knowledge.config import KnowledgeConfig
from knowledge.documents import load_documents
from tests.bot.test_terminal import Script, answer_everything, run_chat
from tests.bot.test_terminal import services as services


@cache
def packaged_knowledge() -> KnowledgeBase:
    config = KnowledgeConfig()
    return KnowledgeBase(config, chunk_documents(load_documents(config.docs_dir).documents))


def at(path: str, commands: list[str]) -> Callable[[Prompt], str]:
    """Answers everything until the screen `path`, types `commands` there, then quits."""
    plain = answer_everything(set())
    left = list(commands)

    def respond(prompt: Prompt) -> str:
        if prompt.path == path or left != commands:
            return left.pop(0) if left else "/quit"
        return plain(prompt)

    return respond


def explain_at(services: Services, path: str, commands: list[str], lang: str = "en") -> str:
    """The whole session's output (typed lines are not echoed)."""
    services.provide_knowledge(packaged_knowledge())
    return run_chat(services, Script([], at(path, commands)), lang=lang)


def test_one_term_is_explained_at_once(services: Services) -> None:
    shown = explain_at(services, "production_systems", ["/explain"])
    assert "On this question I can explain" not in shown
    assert "everything organised to deliver a particular good or service" in shown
    assert "Sources: Production system" in shown
    assert shown.count("Which production system(s) are you trying to change?") == 2  # again


def test_several_terms_are_listed_and_explain_n_picks_one(services: Services) -> None:
    shown = explain_at(services, "organisations", ["/explain", "/explain 2", "/explain stake"])
    listing = shown.index("On this question I can explain:")
    for line in ("1. stakeholder", "2. change system", "3. production system"):
        assert shown.index(line) > listing
    assert "Type /explain and a number, e.g. /explain 2." in shown
    second = shown.index("Sources: Societal change system")  # /explain 2
    third = shown.index("Sources: Stakeholder")  # /explain stake
    assert listing < second < third


def test_an_unknown_pick_lists_the_topics_again(services: Services) -> None:
    shown = explain_at(services, "organisations", ["/explain 9"])
    assert 'There is nothing called "9" to explain here.' in shown
    assert "2. change system" in shown
    assert "Sources" not in shown


def test_spanish_terms_options_and_answers(services: Services) -> None:
    shown = explain_at(services, "tasks_core", ["/explain", "/explain 1", "/explain 3"], "es")
    assert "En esta pregunta puedo explicar:" in shown
    assert "1. siete tareas" in shown
    assert "2. prestar un servicio" in shown
    assert "3. qué significa cada opción" in shown
    assert "Fuentes: Las siete tareas de un sistema de cambio" in shown  # the Spanish page
    meanings = " ".join(shown.split("Qué significa cada opción", 1)[1].split())
    assert "• Visión: metas, relatos y hojas de ruta — Dar al conjunto" in meanings
    assert "Helix la añade como octava tarea" in meanings
    assert "What the options mean" not in shown
