"""A leader's data (/mydata, /deleteme), admin commands, and knowledge answers over Telegram."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.commands.telegram import webhook_path
from bot.telegram.app import build_command_list
from tests.bot.telegram.harness import (
    ADMIN_ID,
    BotHarness,
    autopilot_step,
    bot_harness,
    live_keyboard,
    loopback_env,
)
from tests.telegram_emulator import SimulatedUser


async def submit(harness: BotHarness, user: SimulatedUser, tag: str) -> None:
    await harness.command(user, "start")
    for _ in range(40):
        if (await autopilot_step(harness, user, tag=tag)).kind == "submitted":
            return
    raise AssertionError("the interview was never submitted")


def texts(user: SimulatedUser, since: int = 0) -> str:
    return "\n".join(m.text or "" for m in user.transcript[since:])


# -- the leader's own data -------------------------------------------------------------------


async def test_mydata_shows_everything_stored_even_when_long(harness: BotHarness) -> None:
    user = harness.user(301, first_name="Ana", last_name="Lima")
    await submit(harness, user, "301")
    before = len(user.transcript)
    await harness.command(user, "mydata")
    shown = texts(user, before)
    assert "Everything Helix stores about you" in shown
    assert '"user_key": "tg:301"' in shown
    assert "Acme Commons 301" in shown
    assert "Ana Lima" in shown
    assert len(user.transcript) - before > 1  # the answer log is long: split over messages
    harness.emulator.assert_no_rejections()


async def test_deleteme_asks_first_and_no_keeps_everything(harness: BotHarness) -> None:
    user = harness.user(302)
    await submit(harness, user, "302")
    ask = await harness.command(user, "deleteme")
    assert ask.button_texts == ["Yes, erase everything", "No, keep my data"]
    kept = await harness.press(user, "No, keep my data")
    assert "Nothing was erased" in (kept.text or "")
    assert harness.prompt(user).kind == "submitted"


async def test_deleteme_erases_and_reports_what_was_removed(harness: BotHarness) -> None:
    user = harness.user(303)
    await submit(harness, user, "303")
    await harness.command(user, "deleteme")
    report = await harness.press(user, "Yes, erase everything")
    assert "Erased" in (report.text or "")
    assert "• interview: 1" in (report.text or "")
    assert "• answer_log:" in (report.text or "")
    assert harness.services is not None
    assert harness.services.store.current("tg:303") is None
    empty = await harness.command(user, "mydata")
    assert "stores nothing about you" in (empty.text or "")
    again = await harness.command(user, "start")
    assert "Welcome to the mini interview." in (again.text or "")  # a fresh start, no resume


# -- admins ----------------------------------------------------------------------------------


async def test_stats_for_admins_and_a_polite_refusal_for_others(harness: BotHarness) -> None:
    await submit(harness, harness.user(304), "304")
    other = harness.user(305)
    refused = await harness.command(other, "stats")
    assert "only for the people who run Helix" in (refused.text or "")
    admin = harness.user(ADMIN_ID)
    stats = await harness.command(admin, "stats")
    assert "• submissions: 1" in (stats.text or "")
    assert "• initiatives: 1" in (stats.text or "")
    assert "• interviews_submitted: 1" in (stats.text or "")


async def test_export_sends_jsonl_csv_and_xlsx_to_admins_only(harness: BotHarness) -> None:
    await submit(harness, harness.user(306), "306")
    other = harness.user(307)
    refused = await harness.command(other, "export")
    assert "only for the people who run Helix" in (refused.text or "")
    assert all(m.file is None for m in other.transcript)
    admin = harness.user(ADMIN_ID)
    await harness.command(admin, "export")
    files = {m.file.file_name: m.file.data for m in admin.transcript if m.file is not None}
    assert set(files) == {
        "helix-initiatives.jsonl",
        "helix-initiatives.csv",
        "helix-initiatives.xlsx",
    }
    record = json.loads(files["helix-initiatives.jsonl"].decode().splitlines()[0])
    assert record["name"] == "Acme Commons 306"
    rows = list(csv.DictReader(io.StringIO(files["helix-initiatives.csv"].decode())))
    assert rows[0]["name"] == "Acme Commons 306"
    sheet = openpyxl.load_workbook(io.BytesIO(files["helix-initiatives.xlsx"])).active
    assert sheet is not None
    assert "Acme Commons 306" in [cell.value for cell in sheet[2]]


# -- knowledge -------------------------------------------------------------------------------


async def test_ask_answers_with_sources(harness: BotHarness) -> None:
    user = harness.user(308)
    reply = await harness.command(user, "ask", "What is a production system?")
    assert "Sources" in (reply.text or "")
    assert "production-system.md" in (reply.text or "")


async def test_ask_without_a_question_explains_how(harness: BotHarness) -> None:
    reply = await harness.command(harness.user(309), "ask")
    assert "Write your question after /ask" in (reply.text or "")


async def test_free_text_before_starting_is_a_question_with_a_pointer_to_start(
    harness: BotHarness,
) -> None:
    user = harness.user(310)
    user.send_text("What is a transformation system?")
    answer, pointer = await user.replies(2)
    assert "transformation-system.md" in (answer.text or "")
    assert "/start" in (pointer.text or "")
    assert harness.services is not None
    assert harness.services.store.current("tg:310") is None  # asking starts no interview


async def test_an_ungrounded_question_says_so_and_offers_topics(harness: BotHarness) -> None:
    user = harness.user(311)
    await submit(harness, user, "311")
    before = len(user.transcript)
    user.send_text("How do I bake sourdough bread?")
    await harness.settle()
    shown = texts(user, before)
    assert "I can't answer that from my sources" in shown
    assert "related topics" in shown
    assert "/review" in shown  # after submitting, free text is a question, not an answer


async def test_explain_answers_the_term_and_shows_the_same_question_again(
    harness: BotHarness,
) -> None:
    user = harness.user(312)
    await harness.command(user, "start")
    await harness.press(user, "Continue ▶️")
    question = await harness.say(user, "Acme")
    assert "💡 Explain: production system" in question.button_texts
    before = len(user.transcript)
    await harness.press(user, "💡 Explain: production system")
    explanation, again = user.transcript[before:]
    assert "production-system.md" in (explanation.text or "")
    assert "Which production systems" in (again.text or "")
    assert live_keyboard(user).message_id == again.message_id


async def test_an_unavailable_knowledge_base_is_explained_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_env(monkeypatch)
    async with bot_harness(tmp_path, knowledge=False) as harness:
        assert harness.services is not None

        def broken() -> None:
            raise RuntimeError("the index directory is locked by another process")

        monkeypatch.setattr(harness.services, "knowledge", broken)
        user = harness.user(313)
        reply = await harness.command(user, "ask", "What is a production system?")
        assert "Explanations are unavailable right now" in (reply.text or "")
        await harness.command(user, "start")
        assert "Welcome to the mini interview." in (live_keyboard(user).text or "")


# -- the command menu and the CLI ------------------------------------------------------------


async def test_the_command_menu_is_published_per_language_and_for_admins(
    harness: BotHarness,
) -> None:
    emulator = harness.emulator
    english = [c["command"] for c in emulator.commands()]
    assert english == [c.command for c in build_command_list("en")]
    spanish = emulator.commands(language_code="es")
    assert spanish[0]["description"] == "Empezar o continuar tu entrevista"
    admin = emulator.commands({"type": "chat", "chat_id": ADMIN_ID})
    assert [c["command"] for c in admin][-3:] == ["stats", "export", "map"]


def test_cli_lists_the_commands() -> None:
    result = CliRunner().invoke(cli, ["telegram", "commands", "--language", "es"])
    assert result.exit_code == 0
    assert "start - Empezar o continuar tu entrevista" in result.output


@pytest.mark.parametrize(
    ("url", "path"),
    [("https://bot.example.org/telegram/hook", "telegram/hook"), ("https://x.org", "")],
)
def test_webhook_listens_on_the_public_urls_path(url: str, path: str) -> None:
    assert webhook_path(url) == path
