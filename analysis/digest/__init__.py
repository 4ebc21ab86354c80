"""Digests: per leader and period, who is new on their issue, who to meet, what is missing.

Pure cores (periods, composition) and one adapter that reads what they need from the database.
"""

from analysis.digest.content import Digest, DigestButton
from analysis.digest.periods import due_at, period_of, period_start, previous_period_start

__all__ = [
    "Digest",
    "DigestButton",
    "due_at",
    "period_of",
    "period_start",
    "previous_period_start",
]
