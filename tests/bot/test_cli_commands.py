"""The `helix` command table: every sub-command loads from its own module, and only that one.

`bot.cli` loads a sub-command's module when it is used, so `helix import` and `helix export`
start without Chroma, the embedding model, matplotlib or the Telegram library (a few seconds
and about 100 MB less for every scripted run). These tests keep the table honest.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from bot.cli import COMMANDS, get_settings

HEAVY = ("chromadb", "onnxruntime", "telegram", "matplotlib", "langchain_core")


@pytest.mark.parametrize("module", sorted(set(COMMANDS.values())))
def test_the_table_names_every_command_a_module_registers(module: str) -> None:
    app = typer.Typer()
    importlib.import_module(f"bot.commands.{module}").register(app, get_settings)
    registered = set(typer.main.get_group(app).commands)
    assert registered == {name for name, owner in COMMANDS.items() if owner == module}


def loaded_after(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    """Run `helix ARGS` in a fresh interpreter; its exit code and the heavy modules it loaded."""
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"print(code, *[m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELIX_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env["HELIX_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    code, *loaded = result.stdout.strip().splitlines()[-1].split()
    return int(code), loaded


def test_import_and_export_load_no_model_store_plot_or_telegram(tmp_path: Path) -> None:
    records = tmp_path / "one.jsonl"
    records.write_text('{"name": "Fridge", "issue": "food waste"}\n', encoding="utf-8")
    assert loaded_after(tmp_path, "import", str(records)) == (0, [])
    assert loaded_after(tmp_path, "export", "--format", "csv") == (0, [])
