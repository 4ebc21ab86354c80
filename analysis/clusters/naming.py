"""Readable names for issue clusters, from the words of their most central members.

A name is a handful of content words, not a sentence: the words that the cluster's most central
issue statements share, weighted towards the most central one, and discounted when other
clusters use them too (so "food" alone does not name both food waste and farmworker wages).
Stop words are removed in English and Spanish, the two languages leaders answer in today.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_STOP_EN = """
a about above across after again against all also am an and any are around as at be because been
before being below between both but by can cannot could did do does doing down during each every
few for from further had has have having he her here hers him his how i if in into is it its
itself just lack many me more most much my no nor not now of off on once only or other our ours
out over own people per same she should so some such than that the their theirs them then there
these they this those through to too under until up very was we were what when where which while
who whom why will with without would you your yours get gets getting make makes need needs no
nowhere anyone anything every something turn
"""
_STOP_ES = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era es esa ese eso esta estas este esto estos fue ha hay la las le les
lo los mas más me mi muy nada ni no nos o otra otro para pero poco por porque que qué quien se
ser si sin sobre son su sus también tan te tiene tienen todo todos tu un una uno unos y ya
"""
STOP_WORDS: frozenset[str] = frozenset((_STOP_EN + _STOP_ES).split())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_MIN_LEN = 3
_CENTRAL = 5
_WORDS_PER_NAME = 3
_KEEP = 0.5


def content_words(text: str) -> list[str]:
    """Lower-cased words of `text` in order, without stop words and very short words."""
    words = (w.lower() for w in _WORD.findall(text))
    return [w for w in words if len(w) >= _MIN_LEN and w not in STOP_WORDS]


def name_clusters(groups: Sequence[Sequence[str]]) -> list[str]:
    """One name per group; each group lists its members' texts, most central first.

    A word scores the sum of 1/(rank+1) over the central members that use it, times an inverse
    cluster frequency. The best words are shown in the order they first appear in the central
    texts, so names read like phrases ("Food waste surplus"), not like ranked keyword lists.
    """
    central = [[content_words(t) for t in texts[:_CENTRAL]] for texts in groups]
    used_in = Counter(w for texts in central for w in {w for words in texts for w in words})
    total = len(groups)
    names = []
    for texts in central:
        score: dict[str, float] = {}
        first_seen: dict[str, int] = {}
        position = 0
        for rank, words in enumerate(texts):
            for word in dict.fromkeys(words):
                score[word] = score.get(word, 0.0) + (1.0 / (rank + 1)) * (
                    1.0 + math.log((1 + total) / used_in[word])
                )
            for word in words:
                first_seen.setdefault(word, position)
                position += 1
        if not score:
            names.append("Unnamed issue")
            continue
        ranked = sorted(score, key=lambda w: (-score[w], first_seen[w], w))
        # A word far behind the leader is noise from one member ("pay"), not the issue.
        best = [w for w in ranked[:_WORDS_PER_NAME] if score[w] >= _KEEP * score[ranked[0]]]
        best.sort(key=lambda w: first_seen[w])
        phrase = " ".join(best)
        names.append(phrase[:1].upper() + phrase[1:])
    return names
