"""Database fixtures for `storage/` and `records/`: each such test runs on a real SQLite file and
on a real PostgreSQL.

PostgreSQL comes from `HELIX_TEST_POSTGRES_URL` (an admin URL; `make test` sets it from
`scripts/services.sh`). Each test module gets its own uniquely named database, migrated once and
dropped afterwards; every test starts from empty tables. Without the variable the PostgreSQL
half is skipped locally, but on CI (`CI=true`) that is an error: the suite must never pass
green there without having touched PostgreSQL.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from intake.form.definition import FormDefinition, load_definition
from intake.storage.db import create_db_engine, normalize_url, upgrade_database
from intake.storage.interviews import InterviewStore
from tests.intake.forms import STORAGE_FORM

POSTGRES_ENV = "HELIX_TEST_POSTGRES_URL"
TABLES = (
    "consent",
    "need_offer",
    "task_rating",
    "ps_link",
    "partner_tie",
    "stakeholder",
    "initiative",
    "leader",
    "submission",
    "answer_log",
    "interview",
)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        message = f"{POSTGRES_ENV} is not set (run `bash scripts/services.sh` for a server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; on CI the PostgreSQL tests must run")
        pytest.skip(message)
    return normalize_url(url)


@pytest.fixture(scope="module")
def postgres_module_url(request: pytest.FixtureRequest, postgres_admin_url: str) -> Iterator[str]:
    """A fresh, migrated database for this test module; dropped when the module is done."""
    module = re.sub(r"[^a-z0-9]+", "_", request.module.__name__.rsplit(".", 1)[-1].lower())
    name = f"helix_{module[:30]}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade_database(url)
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, or this module's PostgreSQL database."""
    if request.param == "sqlite":
        path = f"sqlite:///{tmp_path / 'helix.db'}"
        upgrade_database(path)
        return path
    url: str = request.getfixturevalue("postgres_module_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def form() -> FormDefinition:
    return load_definition(STORAGE_FORM)


@pytest.fixture
def store(engine: Engine, form: FormDefinition) -> InterviewStore:
    return InterviewStore(engine, form)
