"""Finding the initiative a person means, by key or by name typed loosely."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.matching.text import fold_name
from analysis.profiles import Profile


def find_profile(profiles: Sequence[Profile], name_or_id: str) -> Profile | None:
    """The profile whose key or external id is `name_or_id`, else whose name matches it folded
    (case, accents, punctuation), else the only one whose name contains it; None otherwise."""
    wanted = name_or_id.strip()
    for profile in profiles:
        if wanted in (profile.key, profile.record.id, str(profile.db_id)):
            return profile
    folded = fold_name(wanted)
    if not folded:
        return None
    exact = [p for p in profiles if fold_name(p.name) == folded]
    if exact:
        return exact[0]
    partial = [p for p in profiles if folded in fold_name(p.name)]
    return partial[0] if len(partial) == 1 else None
