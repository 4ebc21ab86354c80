"""Shared fixtures for the engine tests; helpers live in `intake_walks`."""

from __future__ import annotations

import pytest
from intake_walks import FORMS

from intake.form.definition import FormDefinition, load_definition


@pytest.fixture(scope="session")
def mini() -> FormDefinition:
    return load_definition(FORMS / "mini.yaml")
