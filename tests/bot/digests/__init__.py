"""Tests of digest delivery (`bot/digests`, `helix digest run`) against the Bot API emulator."""
