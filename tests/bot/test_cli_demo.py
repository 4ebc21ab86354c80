"""Demo data only where it helps: the terminal by default, Telegram only when asked, and
`helix demo remove` takes it out again without touching real initiatives or leaders.

The commands run as a deployer runs them (`helix` in a subprocess on a SQLite file); the
start-up choice is checked through `open_services`, the one path both surfaces start through.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from analysis.demo import DEMO_DATA
from bot.services import open_services
from bot.settings import Settings
from intake.storage.db import create_db_engine
from intake.storage.tables import Initiative, Leader, Stakeholder
from tests.bot.test_cli import helix

DEMO = [json.loads(line) for line in DEMO_DATA.read_text(encoding="utf-8").splitlines() if line]
REAL = [
    # A real record sharing a demo initiative's name (no id): it must not merge into the demo one.
    {"name": DEMO[0]["name"], "issue": "Food waste", "leader": "Real Person"},
    # A real record led by a demo leader's name: that leader now owns something real.
    {"id": "real-2", "name": "Real Fridge", "issue": "Food waste", "leader": DEMO[1]["leader"]},
]


def _counts(data: Path) -> dict[str, int]:
    engine = create_db_engine(f"sqlite:///{data / 'helix.db'}")
    try:
        with Session(engine) as session:

            def count(table: type, *where: object) -> int:
                query = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
                return int(session.execute(query).scalar_one())

            return {
                "demo": count(Initiative, col(Initiative.source) == "demo"),
                "import": count(Initiative, col(Initiative.source) == "import"),
                "leaders": count(Leader),
                "stakeholders": count(Stakeholder),
            }
    finally:
        engine.dispose()


def test_load_and_remove_touch_only_demo_rows(tmp_path: Path) -> None:
    env = {"HELIX_DATA_DIR": str(tmp_path)}
    loaded = helix("demo", "load", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "30 initiatives loaded" in loaded.stdout
    again = helix("demo", "load", env=env)
    assert "0 initiatives loaded, 30 already there" in again.stdout
    real = tmp_path / "real.jsonl"
    real.write_text("".join(json.dumps(r) + "\n" for r in REAL), encoding="utf-8")
    assert helix("import", str(real), env=env).returncode == 0
    before = _counts(tmp_path)
    assert (before["demo"], before["import"]) == (30, 2)  # the same name did not match demo
    assert before["stakeholders"] > 0

    removed = helix("demo", "remove", env=env)
    assert removed.returncode == 0, removed.stderr
    # 30 demo leaders, one of whom now also leads a real initiative and stays.
    assert "Removed 30 demo initiatives and 29 demo leaders." in removed.stdout
    after = _counts(tmp_path)
    assert after == {"demo": 0, "import": 2, "leaders": 2, "stakeholders": 0}

    twice = helix("demo", "remove", env=env)
    assert twice.returncode == 0
    assert "Removed 0 demo initiatives and 0 demo leaders." in twice.stdout
    assert _counts(tmp_path) == after


@pytest.mark.parametrize(
    ("setting", "terminal", "loaded"),
    [
        (None, True, 30),  # the terminal demo
        (None, False, 0),  # Telegram (and digests) by default: never
        (True, False, 30),  # Telegram when asked with HELIX_DEMO_DATA=true
        (False, True, 0),  # the terminal when told not to
    ],
)
def test_start_up_loads_demo_data_only_where_wanted(
    tmp_path: Path, setting: bool | None, terminal: bool, loaded: int
) -> None:
    settings = Settings(_env_file=None, HELIX_DATA_DIR=tmp_path, HELIX_DEMO_DATA=setting)  # type: ignore[call-arg]
    services = open_services(settings, terminal=terminal)
    try:
        with Session(services.engine) as session:
            demo = select(func.count()).select_from(Initiative).where(Initiative.source == "demo")  # type: ignore[arg-type]
            assert session.execute(demo).scalar_one() == loaded
    finally:
        services.close()


def test_a_used_database_is_never_seeded(tmp_path: Path) -> None:
    env = {"HELIX_DATA_DIR": str(tmp_path)}
    real = tmp_path / "real.jsonl"
    real.write_text(json.dumps(REAL[1]) + "\n", encoding="utf-8")
    assert helix("import", str(real), env=env).returncode == 0
    settings = Settings(_env_file=None, HELIX_DATA_DIR=tmp_path)  # type: ignore[call-arg]
    services = open_services(settings, terminal=True)
    services.close()
    assert _counts(tmp_path)["demo"] == 0
