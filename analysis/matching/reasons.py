"""Why two initiatives are peers, in plain words a leader can read without a glossary.

Reasons name issues, production systems, organisations both work with, needs and regions;
never a person, a handle, an e-mail or a phone number (issue quotes go through `snippet`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.matching.text import Attributes, snippet
from analysis.profiles import Profile

#: Language-centred cosines above which "similar issue" / "similar goals" are worth saying.
#: Measured on the labelled set: at 0.35, 91 % of pairs said to share an issue do (goals: 98 %).
SIMILAR_ISSUE = 0.35
SIMILAR_GOALS = 0.35
#: At most this many need/offer reasons per peer: a long list of categories reads as noise.
MAX_NEED_REASONS = 2
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


def reasons_for(
    target: Profile,
    peer: Profile,
    mine: Attributes,
    theirs: Attributes,
    *,
    peer_texts: tuple[str, str],
    issue_similarity: float,
    goals_similarity: float,
) -> list[str]:
    """Reasons, strongest first; `peer_texts` are the peer's issue and goals texts."""
    reasons: list[str] = []
    if issue_similarity >= SIMILAR_ISSUE:
        reasons.append(f"works on a similar issue: {snippet(peer_texts[0])}")
    if goals_similarity >= SIMILAR_GOALS and peer.record.goals:
        reasons.append(f"has similar goals: {snippet(peer_texts[1])}")
    if mine.production_system and mine.production_system == theirs.production_system:
        system = peer.record.production_system or mine.production_system
        segments = sorted(mine.segments & theirs.segments)
        if segments:
            joined = ", ".join(segments)
            reasons.append(f"same production system ({system}) and chain segment ({joined})")
        else:
            reasons.append(f"same production system ({system})")
    shared = sorted(mine.partners.keys() & theirs.partners.keys())
    if shared:
        names = [theirs.partners[name] for name in shared[:3]]
        reasons.append(f"both work with {_and_list(names)}")
    exchange = [
        f"offers {_need(n)}, which {target.name} needs" for n in sorted(theirs.offers & mine.needs)
    ]
    exchange += [
        f"needs {_need(n)}, which {target.name} offers" for n in sorted(theirs.needs & mine.offers)
    ]
    reasons.extend(exchange[:MAX_NEED_REASONS])
    region = _shared_region(mine, theirs)
    if region:
        reasons.append(f"same region ({region})")
    return reasons


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
