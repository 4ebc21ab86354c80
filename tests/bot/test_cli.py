"""The `helix` entry point as a deployer meets it: clear one-line failures, clean exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from intake.form import DEFAULT_FORM

ENTRY = "from bot.cli import main; main()"


def helix(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("HELIX_", "TELEGRAM_"))}
    full_env.pop("DATABASE_URL", None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ({"DATABASE_URL": "foo://bar"}, "Cannot open the database foo://bar"),
        (
            {"DATABASE_URL": "postgresql+psycopg://u:secret@127.0.0.1:1/x"},
            "Cannot open the database postgresql+psycopg://u:***@127.0.0.1:1/x",
        ),
        ({"HELIX_FORM": "/nonexistent/form.yaml"}, "HELIX_FORM: /nonexistent/form.yaml"),
        ({"HELIX_LANGUAGE": "fr"}, "HELIX_LANGUAGE"),
    ],
)
def test_bad_settings_end_with_one_clear_line(
    tmp_path: Path, setting: dict[str, str], expected: str
) -> None:
    result = helix("chat", env={"HELIX_DATA_DIR": str(tmp_path), **setting})
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_a_data_dir_that_is_a_file_is_named(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = helix("chat", env={"HELIX_DATA_DIR": str(not_a_dir)})
    assert result.returncode == 2
    assert "cannot create the data directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_quitting_while_the_first_index_builds_exits_cleanly(tmp_path: Path) -> None:
    """Regression: a warm-up thread left inside onnxruntime aborted the process at exit."""
    result = helix("chat", "--user", "ana", env={"HELIX_DATA_DIR": str(tmp_path)}, stdin="/quit\n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Your answers are saved" in result.stdout


def test_form_check_passes_on_the_packaged_form(tmp_path: Path) -> None:
    result = helix("form", "check", env={"HELIX_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout
    assert "0 errors" in result.stdout


def test_form_diagram_is_mermaid(tmp_path: Path) -> None:
    result = helix("form", "diagram", "--language", "es", env={"HELIX_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert result.stdout.lstrip().startswith("flowchart")
    assert "¿" in result.stdout


def test_form_check_reports_a_broken_form(tmp_path: Path) -> None:
    broken = tmp_path / "form.yaml"
    broken.write_text("questions: [1\n", encoding="utf-8")
    result = helix("form", "check", str(broken), env={"HELIX_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "not valid YAML" in result.stdout


def test_form_check_accepts_a_sixty_character_choice_name(tmp_path: Path) -> None:
    """Buttons carry a choice's index, not its name, so a long name must not fail the check."""
    form = yaml.safe_load(DEFAULT_FORM.read_text(encoding="utf-8"))
    first_list = next(iter(form["choices"].values()))
    first_list.append({"name": "c" * 60, "label": {"en": "A long one", "es": "Una larga"}})
    renamed = tmp_path / "form.yaml"
    renamed.write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    result = helix("form", "check", str(renamed), env={"HELIX_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout
    assert "0 errors" in result.stdout
