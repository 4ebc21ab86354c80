"""Tests of the Telegram surface (`bot/telegram`), run against `tests/telegram_emulator`."""
