"""PostgreSQL tests may be skipped on a laptop, never on CI (`CI=true` makes a skip an error)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TARGET = "tests/intake/storage/test_migrations.py::test_upgrade_reaches_head_with_every_table"


def run_without_postgres(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"HELIX_TEST_POSTGRES_URL", "CI"}}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", TARGET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_missing_postgres_is_a_skip_locally() -> None:
    result = run_without_postgres(ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout


@pytest.mark.slow
def test_missing_postgres_is_an_error_on_ci() -> None:
    result = run_without_postgres(ci="true")
    assert result.returncode == 1, result.stdout
    assert "on CI the PostgreSQL tests must run" in result.stdout
    assert "1 passed, 1 error" in result.stdout
