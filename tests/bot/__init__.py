"""Tests of `bot/`: settings, the CLI, the terminal chat and (in `telegram/`) the Telegram bot."""
