"""Typed words to choices: what a person types for an option, and what to say when it fits none.

People answer a choice question the way they would answer a person: "proyecto" for "Un proyecto
conjunto", "gov" for "Government", "alimentacion" without the accent, "1 3" for two options.
So a typed token matches by number, by the option's code, by a label in any of the form's
languages, or by a unique prefix or whole word of a label, all after folding case, accents and
punctuation, with leading articles set aside. When that is not enough, the refusal names what
was wrong (two numbers for one pick, a number out of range, a word that fits several options)
and what would work, because a generic "couldn't match" makes people guess.

Everything here is pure: texts in, names or a `Refusal` out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intake.engine.refusal import Refusal
from intake.form.definition import Choice, FormDefinition

ARTICLES = frozenset({"un", "una", "unos", "unas", "el", "la", "los", "las", "the", "a", "an"})
"""Leading articles that must not block a match ("proyecto" for "Un proyecto conjunto")."""
JOINERS = frozenset({"and", "y", "e", "&", "or", "o", "u"})
"""Words that join several picks in a multi-choice answer ("food and energy")."""
_FILLER = ARTICLES | JOINERS | frozenset({"of", "de", "del", "to", "in", "en", "we", "our"})
"""Words too common to pick an option on their own (they appear in many labels)."""
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBERS_ONLY = re.compile(r"[\d\s,;]+")
_PICK_SPLIT = re.compile(
    r"[\n;,]+|\s+(?:" + "|".join(map(re.escape, sorted(JOINERS))) + r")\s+", re.IGNORECASE
)
_ECHO_MAX = 40
_NUMBER_DIGITS_MAX = 6


def fold(text: str) -> str:
    """Case, accents (NFKD, combining marks dropped) and punctuation folded to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare).strip()


def clip(text: str, limit: int = _ECHO_MAX) -> str:
    """A typed text short enough to quote back in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _without_article(folded: str) -> str:
    head, _, rest = folded.partition(" ")
    return rest if head in ARTICLES and rest else folded


@dataclass(frozen=True)
class _Texts:
    """One choice's folded label forms, computed once per answer."""

    code: str
    labels: tuple[str, ...]  # folded, with and without a leading article
    words: frozenset[str]


def _texts(choice: Choice) -> _Texts:
    labels = {fold(label) for label in choice.label.values()}
    labels |= {_without_article(label) for label in labels}
    words = frozenset(word for label in labels for word in label.split() if word not in _FILLER)
    return _Texts(fold(choice.name), tuple(sorted(labels)), words)


@dataclass(frozen=True)
class Matched:
    """A token matched one choice."""

    name: str


@dataclass(frozen=True)
class Several:
    """A token fits several choices (a shared prefix or word): 0-based positions in the list."""

    positions: tuple[int, ...]


@dataclass(frozen=True)
class OutOfRange:
    number: int


@dataclass(frozen=True)
class NoMatch:
    token: str


TokenMatch = Matched | Several | OutOfRange | NoMatch


def match_token(token: str, choices: Sequence[Choice]) -> TokenMatch:
    """The best reading of one typed token; the tiers go from exact to loose, first hit wins."""
    token = token.strip()
    if token.isdecimal():  # not isdigit: "¹" is a digit that int() refuses
        if len(token) > _NUMBER_DIGITS_MAX:  # also keeps int() under its digit limit
            return NoMatch(token)
        index = int(token) - 1
        return (
            Matched(choices[index].name) if 0 <= index < len(choices) else OutOfRange(int(token))
        )
    wanted = _without_article(fold(token))
    if not wanted:
        return NoMatch(token)
    texts = [_texts(choice) for choice in choices]
    tiers = (
        lambda c: wanted == c.code or wanted in c.labels,
        lambda c: any(label.startswith(wanted) for label in c.labels),
        lambda c: _whole_words(wanted, c),
        lambda c: len(wanted) >= 3 and any(w.startswith(wanted) for w in c.words),
    )
    for fits in tiers:
        hits = tuple(n for n, c in enumerate(texts) if fits(c))
        if len(hits) == 1:
            return Matched(choices[hits[0]].name)
        if hits:
            return Several(hits)
    return NoMatch(token)


def _whole_words(wanted: str, texts: _Texts) -> bool:
    """Every meaningful typed word is a word of the label ("proyecto conjunto", "ngos")."""
    words = [word for word in wanted.split() if word not in _FILLER]
    return bool(words) and all(word in texts.words for word in words)


def split_picks(text: str) -> list[str]:
    """Picks in one line: split at commas, semicolons, lines and joiners ("y", "and").

    Numbers alone also split at spaces ("1 3"); words do not, since a label has spaces of its own.
    """
    if _NUMBERS_ONLY.fullmatch(text):
        parts = re.split(r"[\s,;]+", text)
    else:
        parts = _PICK_SPLIT.split(text)
    return [part.strip() for part in parts if part.strip()]


def choice_refusal(
    definition: FormDefinition, result: TokenMatch, choices: Sequence[Choice]
) -> Refusal:
    """What to say for a token that did not match, naming the range or the candidates."""
    top = len(choices)
    if isinstance(result, OutOfRange):
        return Refusal("engine.error.choice_range", {"number": result.number, "max": top})
    if isinstance(result, Several):
        options = {
            lang: "; ".join(
                f"{n + 1}. {definition.text(choices[n].label, lang)}" for n in result.positions
            )
            for lang in definition.languages
        }
        return Refusal("engine.error.choice_ambiguous", {"options": options})
    token = result.token if isinstance(result, NoMatch) else ""
    clipped = clip(token)
    if not clipped:
        return Refusal("engine.error.choice_typed", {"max": top})
    return Refusal("engine.error.choice_unmatched", {"text": clipped, "max": top})


def resolve_params(
    params: Mapping[str, Any], definition: FormDefinition, lang: str
) -> dict[str, Any]:
    """Refusal params may carry a text per language (option labels); pick the user's one."""
    return {
        key: definition.text(value, lang) if isinstance(value, dict) else value
        for key, value in params.items()
    }
