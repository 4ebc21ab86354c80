"""Which questions ask for a list: the wordings leaders use, in English and Spanish."""

from __future__ import annotations

import pytest

from knowledge.question_kinds import DEFINITION_QUESTION, LIST_QUESTION


@pytest.mark.parametrize(
    "question",
    [
        "What are the seven tasks of a change system?",
        "what will be in the digest",
        "what can this bot do",
        "what does a backbone org do",
        "hekkert functions",
        "hekkert functions?",
        "what stage is our system in?",
        "¿en qué etapa de desarrollo está nuestro sistema de cambio?",
        "¿qué tipos de cambio hay?",
        "¿qué son los sistemas profundos?",
    ],
)
def test_list_questions(question: str) -> None:
    assert LIST_QUESTION.search(question)


@pytest.mark.parametrize(
    "question",
    [
        "what is a production system?",
        "why do producers seem so much more organised than us activists",
        "¿qué es una parte interesada?",
        "how do I stop the digest",
        "what do I do if I want to stop the digest?",
    ],
)
def test_questions_that_ask_for_no_list(question: str) -> None:
    assert not LIST_QUESTION.search(question)


def test_definition_questions() -> None:
    assert DEFINITION_QUESTION.search("what's a backbone organisation?")
    assert DEFINITION_QUESTION.search("¿Qué es un sistema de cambio social?")
    assert not DEFINITION_QUESTION.search("how do i see which other initiatives work on my issue")
