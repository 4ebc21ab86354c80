"""Synthetic initiatives for the matching benchmark, made from the labelled set's vocabulary.

Each synthetic initiative copies a labelled one's issue (placed in a made-up town so texts stay
distinct), draws 1-3 goals from all goals written for that issue, keeps its production system
and partners, and varies region, needs and consent. A fixed seed makes every run identical.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from analysis.matching.evaluate import label_of
from analysis.profiles import Profile
from intake.records.model import NeedRecord

_PREFIXES = [
    "Ash", "Bram", "Cold", "Dun", "East", "Fen", "Glen", "High", "Kings", "Lang", "Mill", "North",
    "Oak", "Red", "Stone", "West",
]  # fmt: skip
_SUFFIXES = [
    "bury", "by", "field", "ford", "gate", "ham", "holm", "ley", "mere", "minster", "mouth",
    "stead", "thorpe", "ton", "well",
]  # fmt: skip
_NEEDS = ["funding", "data", "partners", "policy_access", "skills", "visibility", "volunteers"]


def synthetic_profiles(labelled: Sequence[Profile], n: int, seed: int = 7) -> list[Profile]:
    """`n` initiatives labelled like their source (`extra.label_issue`); model_copy skips
    validation, so every nested value is built as its model here."""
    rng = random.Random(seed)
    goals_by_label: dict[str, list[str]] = defaultdict(list)
    for profile in labelled:
        goals_by_label[label_of(profile)].extend(profile.record.goals)
    out = []
    for i in range(n):
        base = rng.choice(labelled)
        label = label_of(base)
        town = rng.choice(_PREFIXES) + rng.choice(_SUFFIXES)
        pool = sorted(set(goals_by_label[label]))
        goals = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        needs = rng.sample(_NEEDS, 2)
        record = base.record.model_copy(
            update={
                "id": f"syn-{i}",
                "name": f"{base.name} {town} {i}",
                "issue": f"{base.record.issue.rstrip('.')} in {town}",
                "goals": goals,
                "region": f"{town}, {rng.choice(['Northvale', 'Southmere', 'Westreach'])}",
                "needs": [NeedRecord(category=x) for x in needs],
                "offers": [NeedRecord(category=rng.choice([x for x in _NEEDS if x not in needs]))],
                "consent": base.record.consent.model_copy(update={"listed": rng.random() < 0.9})
                if base.record.consent
                else None,
                "extra": {"label_issue": label, "source": base.key},
            }
        )
        out.append(Profile(key=record.id or f"syn-{i}", db_id=i + 1, record=record))
    return out
