"""Why two initiatives are peers, in plain words a leader can read without a glossary.

Reasons name issues, production systems, organisations both work with, needs and regions;
never a person, a handle, an e-mail or a phone number (issue quotes go through `snippet`).
They are written in the reader's language (catalog `intake/locales/analysis.yaml`); the quoted
issue and goals stay in their authors' words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.matching.text import Attributes, goals_text, issue_text, snippet
from analysis.profiles import Profile
from intake.i18n import t

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
#: Need/offer categories (folded) that have a catalog phrase (`peers.need.<key>`).
_NEED_KEYS = {
    "funding": "funding",
    "data": "data",
    "partners": "partners",
    "policy access": "policy_access",
    "skills": "skills",
    "visibility": "visibility",
    "volunteers": "volunteers",
    "space": "space",
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

    def __init__(
        self, profiles: Sequence[Profile], attributes: Sequence[Attributes], language: str = "en"
    ) -> None:
        self.profiles = profiles
        self.attributes = attributes
        self.language = language
        self._issue: dict[int, str] = {}
        self._goals: dict[int, str | None] = {}

    def _issue_reason(self, j: int) -> str:
        said = self._issue.get(j)
        if said is None:
            said = self._say("issue", text=snippet(issue_text(self.profiles[j])))
            self._issue[j] = said
        return said

    def _goals_reason(self, j: int) -> str | None:
        if j not in self._goals:
            peer = self.profiles[j]
            quote = snippet(goals_text(peer)) if peer.record.goals else None
            self._goals[j] = None if quote is None else self._say("goals", text=quote)
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
                reasons.append(self._say("system_segment", system=system, segments=joined))
            else:
                reasons.append(self._say("system", system=system))
        if flags & MAY_PARTNERS:
            shared = sorted(mine.partners.keys() & theirs.partners.keys())
            if shared:
                names = [theirs.partners[name] for name in shared[:3]]
                reasons.append(self._say("partners", names=self._and_list(names)))
        if flags & MAY_EXCHANGE:
            reasons.extend(self._exchange(self.profiles[i].name, mine, theirs))
        if flags & MAY_REGION:
            region = _shared_region(mine, theirs)
            if region:
                reasons.append(self._say("region", region=region))
        return reasons

    def _say(self, reason: str, **values: str) -> str:
        return t(f"peers.reason.{reason}", self.language, **values)

    def _exchange(self, target_name: str, mine: Attributes, theirs: Attributes) -> list[str]:
        exchange = [
            self._say("offers", need=self._need(n), name=target_name)
            for n in sorted(theirs.offers & mine.needs)
        ]
        if len(exchange) < MAX_NEED_REASONS:
            exchange += [
                self._say("needs", need=self._need(n), name=target_name)
                for n in sorted(theirs.needs & mine.offers)
            ]
        return exchange[:MAX_NEED_REASONS]

    def _need(self, folded: str) -> str:
        key = _NEED_KEYS.get(folded)
        return t(f"peers.need.{key}", self.language) if key else folded

    def _and_list(self, names: list[str]) -> str:
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + t("peers.reason.and", self.language) + names[-1]


def _shared_region(mine: Attributes, theirs: Attributes) -> str | None:
    if mine.town and mine.town == theirs.town:
        return theirs.region_label.get(mine.town, mine.town)
    wider = mine.wider_region
    if wider and wider in (theirs.town, theirs.wider_region):
        return theirs.region_label.get(wider, wider)
    return None
