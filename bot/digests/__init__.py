"""Digests on Telegram: the keyboard under a digest, the delivery run, the rate-limit lanes."""
