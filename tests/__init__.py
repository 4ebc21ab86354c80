"""Makes `tests` a package so shared helpers (e.g. `tests.telegram_emulator`) import by name."""
