"""Fixture forms: `mini.yaml` (engine, form checks and the Telegram tests), `storage.yaml`,
`dives.yaml` (deep dives offered after sending, a list walk, typed names at a list menu)."""

from pathlib import Path

FORMS = Path(__file__).resolve().parent
MINI_FORM = FORMS / "mini.yaml"
STORAGE_FORM = FORMS / "storage.yaml"
DIVES_FORM = FORMS / "dives.yaml"
