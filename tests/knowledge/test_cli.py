"""`helix index` and `helix ask` through typer's CliRunner, with the real model and Chroma."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.commands.knowledge import register
from knowledge.config import KnowledgeConfig

runner = CliRunner()


@dataclass
class FakeSettings:
    """What `register` needs from the bot's settings."""

    config: KnowledgeConfig
    language: str = "en"

    def knowledge_config(self) -> KnowledgeConfig:
        return self.config


def _app(config: KnowledgeConfig, language: str = "en") -> typer.Typer:
    app = typer.Typer()
    register(app, lambda: FakeSettings(config, language))
    return app


def test_ask_json_has_exactly_the_contract_keys(kb_config: KnowledgeConfig) -> None:
    result = runner.invoke(_app(kb_config), ["ask", "--json", "What is a leverage point?"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"answer", "sources", "grounded", "lang", "notes"}
    assert payload["grounded"] is True
    assert payload["answer"].startswith("A leverage point is a place in a system")
    assert payload["sources"] == [
        {"title": "Leverage point", "path": "fixtures/docs/leverage-point.md"}
    ]


def test_ask_prints_the_answer_and_its_sources(kb_config: KnowledgeConfig) -> None:
    result = runner.invoke(_app(kb_config), ["ask", "What is a theory of change?"])
    assert result.exit_code == 0, result.output
    assert "A theory of change explains how and why" in result.stdout
    assert "Sources:" in result.stdout
    assert "Theory of change — fixtures/docs/theory-of-change.md" in result.stdout


def test_sources_label_is_localized(kb_config: KnowledgeConfig) -> None:
    result = runner.invoke(_app(kb_config, "es"), ["ask", "What is a theory of change?"])
    assert "Fuentes:" in result.stdout


def test_batch_reads_stdin_and_prints_one_json_object_per_line(
    kb_config: KnowledgeConfig,
) -> None:
    questions = "What is a production system?\n\n   \nHow do I bake bread?\nSCS\n"
    result = runner.invoke(_app(kb_config), ["ask"], input=questions)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    answers = [json.loads(line) for line in lines]
    assert [a["grounded"] for a in answers] == [True, False, True]
    assert all(set(a) == {"answer", "sources", "grounded", "lang", "notes"} for a in answers)
    assert answers[1]["sources"] == []


def test_degraded_mode_warns_on_stderr_and_keeps_stdout_clean(
    kb_config: KnowledgeConfig, tmp_path: Path
) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"x")
    config = replace(kb_config, model_path=bad)
    result = runner.invoke(_app(config), ["ask", "--json", "What is a production system?"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["grounded"] is True
    assert "keyword search only" in result.stderr


def test_index_reports_counts_then_nothing_to_do(own_config: KnowledgeConfig) -> None:
    app = _app(own_config)
    first = runner.invoke(app, ["index"])
    assert first.exit_code == 0, first.output
    assert "14 added, 0 updated, 0 removed, 0 unchanged" in first.stdout
    second = runner.invoke(app, ["index"])
    assert "0 added, 0 updated, 0 removed, 14 unchanged" in second.stdout
    rebuilt = runner.invoke(app, ["index", "--rebuild"])
    assert "14 added" in rebuilt.stdout


def test_index_names_a_malformed_document_and_fails(own_config: KnowledgeConfig) -> None:
    (own_config.docs_dir / "oops.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = runner.invoke(_app(own_config), ["index"])
    assert result.exit_code == 1
    assert "oops.md" in result.stderr
    assert "not valid YAML" in result.stderr


def test_index_refuses_a_model_mismatch_and_says_how_to_fix_it(
    own_config: KnowledgeConfig,
) -> None:
    assert runner.invoke(_app(own_config), ["index"]).exit_code == 0
    other = replace(own_config, embeddings="ollama:nomic-embed-text")
    result = runner.invoke(_app(other), ["index"])
    assert result.exit_code == 1
    assert "helix index --rebuild" in result.stderr


def test_invalid_utf8_on_stdin_is_replaced_not_misanswered(kb_config: KnowledgeConfig) -> None:
    result = runner.invoke(_app(kb_config), ["ask"], input=b"\xff\xfe bad utf8\n")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.splitlines()[0])
    assert payload["grounded"] is False
    assert "Dense retrieval failed" not in result.output


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_is_a_usage_error(kb_config: KnowledgeConfig, question: str) -> None:
    result = runner.invoke(_app(kb_config), ["ask", "--json", question])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "question is empty" in result.stderr
