"""Fixture forms: `mini.yaml` (engine, form checks and the Telegram tests), `storage.yaml`."""

from pathlib import Path

FORMS = Path(__file__).resolve().parent
MINI_FORM = FORMS / "mini.yaml"
STORAGE_FORM = FORMS / "storage.yaml"
