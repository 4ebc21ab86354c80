"""Intake: the interview as data, a pure engine that runs it, and the storage behind it.

Nothing in this package imports Telegram or knows about any chat surface; `bot/` adapts it.
"""
