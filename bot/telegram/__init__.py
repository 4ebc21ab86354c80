"""The Telegram surface: a thin PTB adapter over the interview engine, store and knowledge base.

`build_application(settings, services)` in `bot.telegram.app` is the entry point; the handler
modules in `bot.telegram.handlers` each own one feature and register themselves.
"""
