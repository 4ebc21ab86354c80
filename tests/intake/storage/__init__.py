"""Tests of `intake/storage` on SQLite and PostgreSQL; also, through the same database fixtures,
the export (`analysis/export.py`) and the data commands (`bot/commands/data.py`)."""
