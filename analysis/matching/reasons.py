"""Why two initiatives are peers, in plain words a leader can read without a glossary.

Reasons name issues, production systems, organisations both work with, needs and regions;
never a person, a handle, an e-mail or a phone number (issue quotes go through `snippet`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.matching.text import Attributes, goals_text, issue_text, snippet
from analysis.profiles import Profile

#: Language-centred cosines above which "similar issue" / "similar goals" are worth saying.
#: Measured on the labelled set: at 0.35, 91 % of pairs said to share an issue do (goals: 98 %).
SIMILAR_ISSUE = 0.35
SIMILAR_GOALS = 0.35
#: At most this many need/offer reasons per peer: a long list of categories reads as noise.
MAX_NEED_REASONS = 2
#: Bits of the per-pair `flags` passed to `ReasonWriter.reasons` (see there).
SIMILAR_ISSUE_BIT = 1
SIMILAR_GOALS_BIT = 2
MAY_SYSTEM = 4
MAY_PARTNERS = 8
MAY_EXCHANGE = 16
MAY_REGION = 32
_NEED_WORDS = {
    "funding": "funding",
    "data": "data and evidence",
    "partners": "partners",
    "policy access": "access to policymakers",
    "skills": "skills or training",
    "visibility": "visibility",
    "volunteers": "volunteers",
    "space": "space or equipment",
}


@dataclass(frozen=True)
class Peer:
    """One initiative working on a similar issue, with a 0..1 score and its reasons."""

    key: str
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)


def peer_json(peer: Peer) -> dict[str, Any]:
    """The shape `helix peers --json` prints: exactly name, score and reasons."""
    return {"name": peer.name, "score": peer.score, "reasons": list(peer.reasons)}


class ReasonWriter:
    """Reasons for many (initiative, peer) pairs, strongest first.

    `all_peers` writes reasons for the top k peers of every initiative: 50k pairs at 10k
    initiatives, where a per-pair function rebuilding the same quotes and names cost ~35 % of
    the run. Here what depends on one initiative only (its quoted issue and goals, its name) is
    built once, and the caller passes the pair tests numpy already answered for all pairs at
    once, so the Python work per pair is mostly the sentences actually said.
    """

    def __init__(self, profiles: Sequence[Profile], attributes: Sequence[Attributes]) -> None:
        self.profiles = profiles
        self.attributes = attributes
        self._issue: dict[int, str] = {}
        self._goals: dict[int, str | None] = {}

    def _issue_reason(self, j: int) -> str:
        said = self._issue.get(j)
        if said is None:
            said = f"works on a similar issue: {snippet(issue_text(self.profiles[j]))}"
            self._issue[j] = said
        return said

    def _goals_reason(self, j: int) -> str | None:
        if j not in self._goals:
            peer = self.profiles[j]
            quote = snippet(goals_text(peer)) if peer.record.goals else None
            self._goals[j] = None if quote is None else f"has similar goals: {quote}"
        return self._goals[j]

    def reasons(self, i: int, j: int, flags: int) -> list[str]:
        """Why `profiles[j]` is a peer of `profiles[i]`; `flags` is an OR of the `MAY_*` bits.

        `SIMILAR_ISSUE_BIT` and `SIMILAR_GOALS_BIT` are exact (the similarities are known); the
        `MAY_*` bits may be set for a reason that turns out empty, never unset for one that is
        not: a false positive only costs the exact check below, a false negative would lose it.
        """
        mine, theirs = self.attributes[i], self.attributes[j]
        reasons: list[str] = []
        if flags & SIMILAR_ISSUE_BIT:
            reasons.append(self._issue_reason(j))
        if flags & SIMILAR_GOALS_BIT:
            goals = self._goals_reason(j)
            if goals is not None:
                reasons.append(goals)
        if (
            flags & MAY_SYSTEM
            and mine.production_system
            and mine.production_system == theirs.production_system
        ):
            system = self.profiles[j].record.production_system or mine.production_system
            segments = sorted(mine.segments & theirs.segments)
            if segments:
                joined = ", ".join(segments)
                reasons.append(f"same production system ({system}) and chain segment ({joined})")
            else:
                reasons.append(f"same production system ({system})")
        if flags & MAY_PARTNERS:
            shared = sorted(mine.partners.keys() & theirs.partners.keys())
            if shared:
                names = [theirs.partners[name] for name in shared[:3]]
                reasons.append(f"both work with {_and_list(names)}")
        if flags & MAY_EXCHANGE:
            reasons.extend(_exchange(self.profiles[i].name, mine, theirs))
        if flags & MAY_REGION:
            region = _shared_region(mine, theirs)
            if region:
                reasons.append(f"same region ({region})")
        return reasons


def _exchange(target_name: str, mine: Attributes, theirs: Attributes) -> list[str]:
    exchange = [
        f"offers {_need(n)}, which {target_name} needs" for n in sorted(theirs.offers & mine.needs)
    ]
    if len(exchange) < MAX_NEED_REASONS:
        exchange += [
            f"needs {_need(n)}, which {target_name} offers"
            for n in sorted(theirs.needs & mine.offers)
        ]
    return exchange[:MAX_NEED_REASONS]


def _need(folded: str) -> str:
    return _NEED_WORDS.get(folded, folded)


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _shared_region(mine: Attributes, theirs: Attributes) -> str | None:
    if mine.town and mine.town == theirs.town:
        return theirs.region_label.get(mine.town, mine.town)
    wider = mine.wider_region
    if wider and wider in (theirs.town, theirs.wider_region):
        return theirs.region_label.get(wider, wider)
    return None
