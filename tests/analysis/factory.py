"""Hand-made profiles for the analysis tests: only the fields a test is about."""

from __future__ import annotations

from typing import Any

from analysis.profiles import Profile
from intake.records import InitiativeRecord


def profile(key: str, name: str | None = None, **fields: Any) -> Profile:
    """A profile keyed `key`, named `name` (default: the key), issue "Food waste"."""
    data = {"name": name or key, "issue": "Food waste", **fields}
    record = InitiativeRecord.model_validate(data)
    return Profile(key=key, db_id=0, record=record)
