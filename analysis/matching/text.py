"""What matching reads from a profile: the texts it embeds and the attributes it compares.

Kept apart from the scoring so the vector cache (which hashes exactly these texts) and the
ranking agree on one definition of "the issue text" and "the goals text".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.profiles import Profile
from knowledge.lexical import fold

_PUNCT = re.compile(r"[\W_]+")
#: Things that could reach a person directly; reasons quote issue texts, so they are cut out.
_CONTACT = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|(?<!\w)@\w+|\+?\d[\d ()./-]{6,}\d",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """Case, accents and punctuation folded: "City-Council" -> "city council"."""
    return " ".join(_PUNCT.sub(" ", fold(name)).split())


def issue_text(profile: Profile) -> str:
    """The issue in the leader's words, plus the own-words detail when the record carries one."""
    detail = profile.record.merged_extra().get("issue_detail")
    parts = [profile.record.issue.strip()]
    if isinstance(detail, str) and detail.strip():
        parts.append(detail.strip())
    return " ".join(part.rstrip(".") + "." for part in parts)


def goals_text(profile: Profile) -> str:
    """The goals as one text; an initiative without goals is described by its issue alone."""
    goals = [goal.strip().rstrip(".") for goal in profile.record.goals if goal.strip()]
    return ". ".join(goals) + "." if goals else issue_text(profile)


def text_hash(model_id: str, text: str) -> str:
    """The cache key of one embedded text: the exact text and the model that embedded it."""
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()[:40]


def content_hash(model_id: str, profile: Profile) -> str:
    """One initiative's embedding content: changes exactly when a vector would change."""
    joined = f"{model_id}\x00{issue_text(profile)}\x00{goals_text(profile)}"
    return hashlib.sha256(joined.encode()).hexdigest()[:40]


@lru_cache(maxsize=1 << 15)
def snippet(text: str, limit: int = 70) -> str:
    """The first sentence of `text`, shortened at a word, with contact details removed."""
    cleaned = " ".join(_CONTACT.sub(" ", text).split())
    first = _SENTENCE_END.split(cleaned, maxsplit=1)[0].rstrip(".")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


@dataclass(frozen=True)
class Attributes:
    """The comparable facts of one initiative, folded once (not once per pair)."""

    production_system: str | None
    segments: frozenset[str]
    partners: dict[str, str]  # folded name -> display name (stakeholders and PS actors)
    needs: frozenset[str]
    offers: frozenset[str]
    town: str | None
    wider_region: str | None
    region_label: dict[str, str]


def attributes_of(profile: Profile) -> Attributes:
    record = profile.record
    partners: dict[str, str] = {}
    for name in [s.name for s in record.stakeholders] + [p.actor for p in record.ps_links]:
        folded = fold_name(name)
        if folded:
            partners.setdefault(folded, name.strip())
    segments = {fold_name(p.segment) for p in record.ps_links if p.segment}
    extra_segments = record.merged_extra().get("ps_segments")
    if isinstance(extra_segments, list):
        segments.update(fold_name(str(s)) for s in extra_segments)
    parts = [part.strip() for part in (record.region or "").split(",") if part.strip()]
    labels = {fold_name(part): part for part in parts}
    return Attributes(
        production_system=fold_name(record.production_system or "") or None,
        segments=frozenset(s for s in segments if s),
        partners=partners,
        needs=frozenset(fold_name(n.category) for n in record.needs),
        offers=frozenset(fold_name(o.category) for o in record.offers),
        town=fold_name(parts[0]) if parts else None,
        wider_region=fold_name(parts[-1]) if len(parts) > 1 else None,
        region_label=labels,
    )


_SPANISH = frozenset({
    "de", "la", "el", "los", "las", "del", "y", "en", "para", "por", "con", "sin", "que", "una",
    "un", "su", "sus", "al", "se", "es", "mas", "muy", "nuestro", "nuestra", "queremos", "cada",
})  # fmt: skip
_ENGLISH = frozenset({
    "the", "of", "and", "to", "in", "for", "with", "on", "a", "an", "our", "we", "is", "are",
    "by", "from", "their", "every", "that", "who",
})  # fmt: skip
_WORD = re.compile(r"[a-zñáéíóúü]+")
_SPANISH_LETTERS = re.compile("[ñ¿¡áéíóú]")


def language_of(profile: Profile) -> str:
    """Guess "es" or "en" from function words and Spanish letters (the form's two languages).

    Matching needs only to know which texts share a language (see `scoring.center_languages`),
    so a cheap guess over issue and goals is enough; ties go to English.
    """
    raw = f"{profile.record.issue} {' '.join(profile.record.goals)}".lower()
    words = _WORD.findall(raw)  # the function words counted carry no accents: no folding
    spanish = sum(word in _SPANISH for word in words) + 2 * len(_SPANISH_LETTERS.findall(raw))
    english = sum(word in _ENGLISH for word in words)
    return "es" if spanish > english else "en"
