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


DATA_COMMANDS = [("export",), ("import", "{records}"), ("db", "upgrade")]
BAD_DATA_SETTINGS = [
    ({"HELIX_DATA_DIR": "/dev/null"}, "HELIX_DATA_DIR=/dev/null"),
    ({"HELIX_DATA_DIR": "/proc/helix/data"}, "HELIX_DATA_DIR=/proc/helix/data"),
    ({"HELIX_DATA_DIR": "{file}/sub"}, "cannot create the data directory"),
    ({"DATABASE_URL": "mysql://u:secret@127.0.0.1/helix"}, "supported"),
    (
        {"DATABASE_URL": "sqlite:////proc/x/y.db"},
        "Cannot open the database sqlite:////proc/x/y.db",
    ),
    ({"DATABASE_URL": "sqlite://"}, "in memory"),
]


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=" ".join)
@pytest.mark.parametrize(("setting", "expected"), BAD_DATA_SETTINGS, ids=lambda v: str(v))
def test_data_commands_turn_bad_settings_into_one_line_and_exit_2(
    tmp_path: Path, command: tuple[str, ...], setting: dict[str, str], expected: str
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    records = tmp_path / "records.jsonl"
    records.write_text('{"name": "Food Rescue"}\n', encoding="utf-8")
    env = {"HELIX_DATA_DIR": str(tmp_path / "data"), "HELIX_DEMO_DATA": "false"}
    env.update({k: v.replace("{file}", str(a_file)) for k, v in setting.items()})
    args = [part.replace("{records}", str(records)) for part in command]
    result = helix(*args, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected.replace("{file}", str(a_file)) in lines[0]


def test_mysql_names_the_supported_databases(tmp_path: Path) -> None:
    result = helix("db", "upgrade", env={"DATABASE_URL": "mysql://u@127.0.0.1/helix"})
    assert result.returncode == 2
    assert "sqlite" in result.stderr
    assert "postgresql" in result.stderr


def test_chat_refuses_an_in_memory_database(tmp_path: Path) -> None:
    result = helix(
        "chat", env={"HELIX_DATA_DIR": str(tmp_path), "DATABASE_URL": "sqlite://"}, stdin="/quit\n"
    )
    assert result.returncode == 2
    assert "in memory" in result.stderr
    assert "Traceback" not in result.stderr
