"""Attribute and partner scores for many (initiative, candidate) pairs at once, in numpy.

`all_peers` scores each initiative's ~30 candidates: 300k pairs at 10k initiatives. Looping
over them in Python cost ~10 s; here every attribute is encoded once as integers (codes and
bit masks) and every pair is scored with array operations.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from analysis.matching.reasons import MAY_EXCHANGE, MAY_REGION, MAY_SYSTEM
from analysis.matching.text import Attributes


def _codes(values: Sequence[str | None]) -> np.ndarray:
    """Equal strings get equal codes >= 0; a missing value gets -1 and never matches."""
    table: dict[str, int] = {}
    return np.asarray(
        [-1 if v is None else table.setdefault(v, len(table)) for v in values], dtype=np.int64
    )


def _masks(sets: Sequence[frozenset[str]], table: dict[str, int]) -> np.ndarray:
    """One bit per distinct value (values past 63 share bits: a rare false match, never a miss).

    Masks compared with each other must be made with the same `table`.
    """
    out = np.zeros(len(sets), dtype=np.uint64)
    for row, values in enumerate(sets):
        mask = 0
        for value in values:
            mask |= 1 << (table.setdefault(value, len(table)) % 63)
        out[row] = mask
    return out


class Features:
    """The attributes of every initiative as arrays, and pairwise scores over them."""

    def __init__(self, attributes: Sequence[Attributes]) -> None:
        self.system = _codes([a.production_system for a in attributes])
        self.segments = _masks([a.segments for a in attributes], {})
        categories: dict[str, int] = {}
        self.needs = _masks([a.needs for a in attributes], categories)
        self.offers = _masks([a.offers for a in attributes], categories)
        places = _codes([p for a in attributes for p in (a.town, a.wider_region)]).reshape(-1, 2)
        self.town, self.wider = places[:, 0], places[:, 1]
        self._partners(attributes)

    def _partners(self, attributes: Sequence[Attributes]) -> None:
        """Partner sets as CSR rows of name ids, each name weighted by its squared idf."""
        n = len(attributes)
        counts = Counter(name for a in attributes for name in a.partners)
        ids = {name: i for i, name in enumerate(counts)}
        self.name_weight = np.asarray(
            [math.log((1 + n) / counts[name]) ** 2 for name in ids], dtype=np.float64
        )
        rows = [sorted(ids[name] for name in a.partners) for a in attributes]
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum([len(r) for r in rows])
        self.names = np.asarray([x for r in rows for x in r], dtype=np.int64)
        owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.indptr))
        self.entry_keys = owner * max(len(ids), 1) + self.names  # sorted: rows, then names
        sums = np.bincount(owner, weights=self.name_weight[self.names], minlength=n)
        self.norms = np.sqrt(sums)

    def bonus(
        self, rows: np.ndarray, cands: np.ndarray, weights: tuple[float, float, float, float]
    ) -> np.ndarray:
        """Production system, chain segment, need/offer and region bonuses; `cands` is (m, p)."""
        system, segment, need_offer, region = weights
        r = rows[:, None]
        same_system = (self.system[r] == self.system[cands]) & (self.system[r] >= 0)
        shared_segment = same_system & ((self.segments[r] & self.segments[cands]) != 0)
        exchange = (
            (self.needs[r] & self.offers[cands]) | (self.offers[r] & self.needs[cands])
        ) != 0
        town = (self.town[r] == self.town[cands]) & (self.town[r] >= 0)
        wider = (self.wider[r] >= 0) & (
            (self.wider[r] == self.wider[cands]) | (self.wider[r] == self.town[cands])
        )
        return (
            system * same_system
            + segment * shared_segment
            + need_offer * exchange
            + region * (town | wider)
        )

    def reason_flags(self, rows: np.ndarray, peers: np.ndarray) -> np.ndarray:
        """`MAY_SYSTEM | MAY_EXCHANGE | MAY_REGION` bits for each (rows[a], peers[a, b]) pair.

        Set wherever `ReasonWriter` could find that reason (codes are exact, masks may share a
        bit but never miss one), so it runs the exact string work only for those pairs.
        """
        r = rows[:, None]
        system = (self.system[r] == self.system[peers]) & (self.system[r] >= 0)
        exchange = (
            (self.needs[r] & self.offers[peers]) | (self.offers[r] & self.needs[peers])
        ) != 0
        town = (self.town[r] == self.town[peers]) & (self.town[r] >= 0)
        wider = (self.wider[r] >= 0) & (
            (self.wider[r] == self.wider[peers]) | (self.wider[r] == self.town[peers])
        )
        return (
            MAY_SYSTEM * system.astype(np.int64)
            + MAY_EXCHANGE * exchange.astype(np.int64)
            + MAY_REGION * (town | wider).astype(np.int64)
        )

    def partner_cosine(self, rows: np.ndarray, cands: np.ndarray) -> np.ndarray:
        """idf-weighted cosine of partner sets for each (rows[a], cands[a, b]) pair."""
        m, p = cands.shape
        left = np.repeat(rows, p)
        right = cands.reshape(-1)
        sizes = np.diff(self.indptr)[right]
        pair = np.repeat(np.arange(m * p), sizes)
        starts = np.repeat(self.indptr[right], sizes)
        offsets = np.arange(len(pair)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        names = self.names[starts + offsets]
        keys = left[pair] * max(len(self.name_weight), 1) + names
        found = np.searchsorted(self.entry_keys, keys)
        found = np.minimum(found, max(len(self.entry_keys) - 1, 0))
        hit = self.entry_keys[found] == keys if len(self.entry_keys) else np.zeros(0, bool)
        shared = np.bincount(pair[hit], weights=self.name_weight[names[hit]], minlength=m * p)
        denominator = self.norms[left] * self.norms[right]
        cosine = np.divide(shared, denominator, out=np.zeros(m * p), where=denominator > 0)
        return cosine.reshape(m, p)
