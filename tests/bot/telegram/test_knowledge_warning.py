"""A degraded (keyword-only) knowledge base says so in the Telegram answer, not only in logs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answers import answer_text
from bot.telegram.handlers.knowledge import answer_html
from intake.i18n import t
from knowledge.answer import FAILED, NO_ANSWER, RELATED, Answer
from knowledge.base import KnowledgeBase
from tests.bot.telegram.harness import BotHarness, bot_harness, keyword_knowledge, loopback_env

#: Technical detail that belongs in the log, never in a chat message.
REASON = "model file /srv/helix/<model>.onnx is corrupt"


@pytest.fixture
async def degraded_harness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotHarness]:
    loopback_env(monkeypatch)
    shared = keyword_knowledge()
    degraded = KnowledgeBase(shared.config, shared.chunks, warning=REASON)
    async with bot_harness(tmp_path, knowledge=False) as running:
        assert running.services is not None
        running.services.provide_knowledge(degraded)
        yield running


async def test_a_keyword_only_answer_carries_the_localized_note(
    degraded_harness: BotHarness,
) -> None:
    reply = await degraded_harness.command(
        degraded_harness.user(401), "ask", "What is a production system?"
    )
    text = reply.text or ""
    assert "production-system.md" in text
    assert "keyword search only" in text
    assert "/srv/helix" not in text


async def test_a_healthy_answer_has_no_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_env(monkeypatch)
    async with bot_harness(tmp_path) as harness:
        reply = await harness.command(harness.user(402), "ask", "What is a production system?")
        assert "keyword search only" not in (reply.text or "")


def test_the_note_is_italic_escaped_and_spanish_in_spanish() -> None:
    html = answer_html(
        Answer(text="a < b", grounded=True, warning=REASON, status="degraded"), "es"
    )
    assert html.endswith(
        "<i>La búsqueda semántica no está disponible ahora; esta respuesta sale solo de la "
        "búsqueda por palabras clave y puede ser menos precisa.</i>"
    )
    assert "a &lt; b" in html


def test_an_internal_failure_is_not_called_a_degraded_search() -> None:
    html = answer_html(Answer(text=FAILED, warning="internal error", status="failed"), "es")
    assert "palabras clave" not in html
    assert "Algo falló al buscar eso" in html


def test_a_decline_is_worded_in_the_users_language_with_its_topics() -> None:
    declined = Answer(text=NO_ANSWER, status="declined", related=("Production system", "Stage"))
    html = answer_html(declined, "es")
    assert "No tengo una respuesta fundamentada" in html
    assert "Production system, Stage" in html
    assert NO_ANSWER not in html


def test_the_english_wording_of_each_status_is_the_cli_contract_text() -> None:
    """`helix ask --json` prints `Answer.text`; chat surfaces word it from the catalog."""
    assert answer_text(Answer(text=NO_ANSWER, status="declined"), "en") == NO_ANSWER
    assert answer_text(Answer(text=FAILED, status="failed"), "en") == FAILED
    assert t("knowledge.related", "en", topics="{topics}") == RELATED
