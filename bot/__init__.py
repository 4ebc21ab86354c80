"""The outermost layer: settings, the `helix` CLI, the terminal chat and the Telegram adapter.

This is the only package that imports `telegram`; nothing imports `bot`.
"""
