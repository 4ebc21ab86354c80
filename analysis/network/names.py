"""Folding and fuzzy matching of organisation names, so a partner tie reaches the real initiative.

Leaders type partner names from memory: "Tri-City Food Waste Alliance", "tri city food-waste
alliance", "Second Harvest Kitchen Ltd". Without folding, every spelling becomes its own node and
the change system looks more fragmented than it is. Matching too eagerly is worse, though: a
tie to "Port Calder Food Bank" must never land on "Port Calder Food Rescue". So the rule is
strict: names agree token by token, a token may carry one typo only when it is long enough for a
typo to be told apart from a different word, and a name that is equally close to two initiatives
is left unmatched (a "mentioned" node) rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping

MATCH_THRESHOLD = 0.85
"""Least token overlap (Dice, with fuzzy token equality) for two names to be the same body.

0.85 lets one extra word through on names of four or more words ("Tri-City Food Waste Alliance"
vs "Tri-City Food Waste", 0.89) but not a different last word ("... Food Bank" vs
"... Food Rescue", 0.75)."""

_LEGAL_SUFFIXES = frozenset(
    {"ltd", "limited", "llc", "inc", "plc", "gmbh", "ag", "sa", "sl", "slu", "srl", "bv", "nv"}
    | {"cic", "cio", "ev", "ac", "co", "corp", "oy", "ab", "as", "spa", "sas"}
)
_STOPWORDS = frozenset({"the", "of", "and", "for", "de", "del", "la", "el", "los", "las", "y"})
_DROPPED = re.compile(r"['’`´.]")  # "Bakers' Guild", "S.A.": glue, don't split
_SEPARATORS = re.compile(r"[^\w]+|_")
_MIN_FUZZY_TOKEN = 6
"""Shorter tokens must match exactly: one letter apart, "bank"/"band" are different words."""


def fold(name: str) -> str:
    """The comparable form of a name: no accents, case, punctuation, legal suffix or extra space.

    Also the text after `m:` / `ps:` in graph node ids, so it must be stable.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DROPPED.sub("", text.replace("&", " and "))
    tokens = _SEPARATORS.sub(" ", text).split()
    while len(tokens) > 1 and tokens[-1] in _LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


def _content_tokens(folded: str) -> list[str]:
    tokens = folded.split()
    kept = [token for token in tokens if token not in _STOPWORDS]
    return kept or tokens


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion, deletion or swap of neighbours turns a into b."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _tokens_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    return min(len(a), len(b)) >= _MIN_FUZZY_TOKEN and _one_edit_apart(a, b)


def similarity(a: str, b: str) -> float:
    """0..1 token overlap of two names (raw or folded); 1.0 when they fold to the same text.

    Dice over content tokens, where two tokens count as one when equal or one typo apart (long
    tokens only). Names that differ only in spacing ("FoodShare" / "Food Share") score 1.0.
    """
    fa, fb = fold(a), fold(b)
    if fa == fb or fa.replace(" ", "") == fb.replace(" ", ""):
        return 1.0 if fa or fb else 0.0
    return _dice(_content_tokens(fa), _content_tokens(fb))


def _dice(ta: list[str], tb: list[str]) -> float:
    """Dice over two token lists, a token matching at most one other (fuzzy when long)."""
    if not ta or not tb:
        return 0.0
    unused = list(tb)
    matched = 0
    for token in ta:
        for index, other in enumerate(unused):
            if _tokens_agree(token, other):
                matched += 1
                del unused[index]
                break
    return 2 * matched / (len(ta) + len(tb))


class NameIndex:
    """Known initiatives by name, for resolving the names leaders type.

    Exact folded names are looked up directly; fuzzy candidates must share at least one exact
    content token, which keeps matching near-linear in the number of initiatives.
    """

    def __init__(self, names: Mapping[str, str], *, threshold: float = MATCH_THRESHOLD) -> None:
        """`names` maps an initiative key to its display name."""
        self._threshold = threshold
        self._names = dict(names)
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._by_token: dict[str, set[str]] = defaultdict(set)
        self._tokens: dict[str, list[str]] = {}
        self._matched: dict[str, str | None] = {}
        for key, name in self._names.items():
            folded = fold(name)
            self._exact[folded.replace(" ", "")].add(key)
            tokens = _content_tokens(folded)
            self._tokens[key] = tokens
            for token in tokens:
                self._by_token[token].add(key)

    def match(self, name: str) -> str | None:
        """The key of the one initiative `name` stands for, or None (unknown or ambiguous)."""
        folded = fold(name)
        if folded not in self._matched:  # a council or a funder is named by many initiatives
            self._matched[folded] = self._match(folded)
        return self._matched[folded]

    def _match(self, folded: str) -> str | None:
        if not folded:
            return None
        exact = self._exact.get(folded.replace(" ", ""), set())
        if exact:
            return next(iter(exact)) if len(exact) == 1 else None
        tokens = _content_tokens(folded)
        candidates: set[str] = set()
        for token in tokens:
            candidates |= self._by_token.get(token, set())
        # No candidate folds to `folded` (the exact lookup said so), so `similarity` would be
        # Dice over the content tokens: computed on the tokens kept at indexing, and only for
        # candidates whose token counts still allow the threshold.
        scored = sorted(
            (
                (_dice(tokens, theirs), key)
                for key in candidates
                if self._may_reach(len(tokens), len(theirs := self._tokens[key]))
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < self._threshold:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        return scored[0][1]

    def _may_reach(self, mine: int, theirs: int) -> bool:
        """Whether token counts alone still allow the threshold (Dice <= 2 min / sum).

        Past the exact lookup, `similarity` is Dice over content tokens, so a candidate with
        far more or fewer tokens can be skipped unscored: with many similar names ("Food Bank
        Eastbrook 1".."40") scoring every candidate made graph building quadratic.
        """
        return 2 * min(mine, theirs) / (mine + theirs) >= self._threshold
