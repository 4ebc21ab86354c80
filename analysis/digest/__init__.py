"""Digests: per leader and period, who is new on their issue, who to meet, what is missing.

Pure cores (periods, `DigestData`, `compose`) and one adapter, `build_digests`, that reads what
they need from the database once per run.
"""

from analysis.digest.compose import compose
from analysis.digest.content import Digest, DigestButton
from analysis.digest.data import DigestData, Entry, Gap, NeedMatch, PeerItem, Snapshot
from analysis.digest.gather import build_digests
from analysis.digest.periods import due_at, period_of, period_start, previous_period_start

__all__ = [
    "Digest",
    "DigestButton",
    "DigestData",
    "Entry",
    "Gap",
    "NeedMatch",
    "PeerItem",
    "Snapshot",
    "build_digests",
    "compose",
    "due_at",
    "period_of",
    "period_start",
    "previous_period_start",
]
