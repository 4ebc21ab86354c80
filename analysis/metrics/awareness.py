"""System consciousness and coherence: does the system see itself, and does it pull together?

Both are composites proposed in the research digest (section c, items 24 and 25), so they are
labelled Helix proposals and always report their parts, which are easier to act on than the
product or the mean.
"""

from __future__ import annotations

from analysis.metrics.context import NAMING_KINDS, ClusterView, mean
from analysis.metrics.result import Metric, Part, measure

MIN_ANSWERS = 3
"""Self-identification answers (deep dive): three is the least for a mean worth reporting."""
MIN_INITIATIVES = 3
MIN_PARTS = 3
"""Coherence averages up to five parts; fewer than three would be one or two numbers renamed."""
MIN_PART_DATA = 2
DEEP = 3
_NO_TENSION = frozenset({"no", "none", "nothing", "n/a", "-", "ninguna", "ninguno", "nada"})


def awareness(view: ClusterView) -> float | None:
    """Mean over initiatives i of |cluster initiatives i named| / (N - 1); None below 3."""
    if view.size < MIN_INITIATIVES:
        return None
    named: dict[str, set[str]] = {key: set() for key in view.keys}
    for a, b, attrs in view.ties(*NAMING_KINDS):
        if b not in view.keys:
            continue
        by = attrs["named_by"]
        if by in (a, "both"):
            named[a].add(b)
        if by in (b, "both"):
            named[b].add(a)
    return sum(len(others) for others in named.values()) / (view.size * (view.size - 1))


def _likert(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= 5 else None


def system_consciousness(view: ClusterView) -> Metric:
    """SCI = awareness x (mean self-identification - 1) / 4."""
    answers = [n for v in view.answers("consciousness") if (n := _likert(v)) is not None]
    aware = awareness(view)
    self_id = mean(answers)
    scaled = (self_id - 1) / 4 if self_id is not None else None
    value = aware * scaled if aware is not None and scaled is not None else None
    return measure(
        "system_consciousness",
        "System consciousness index",
        "how far initiatives know each other and see themselves as one system (0-1)",
        "helix_proposal",
        n=len(answers) if aware is not None else 0,
        min_n=MIN_ANSWERS,
        unit="self-identification answers",
        value=value,
        parts={"awareness": aware, "self_identification": self_id, "answers": len(answers)},
    )


def coordination_share(view: ClusterView) -> tuple[float | None, int]:
    """Share of working ties at depth >= 3 (coordinating or deeper), among ties with a depth."""
    depths = [
        d for _, _, attrs in view.work.edges(data=True) if isinstance(d := attrs["depth"], int)
    ]
    if not depths:
        return None, 0
    return sum(d >= DEEP for d in depths) / len(depths), len(depths)


def _no_conflict_share(view: ClusterView) -> tuple[float | None, int]:
    took_part = [
        p.record.merged_extra()
        for p in view.profiles
        if str(p.record.merged_extra().get("dd_strategy", "")).lower() == "yes"
    ]
    if not took_part:
        return None, 0
    conflicts = sum(
        str(extra.get("tensions") or "").strip().lower() not in {"", *_NO_TENSION}
        for extra in took_part
    )
    return 1 - conflicts / len(took_part), len(took_part)


def coherence(view: ClusterView) -> Metric:
    """Mean of the available parts: shared agenda, LCC share, coordination, shared indicators,
    no open conflict. Each part needs 2 data points; LCC share needs 3 initiatives."""
    lcc = (view.lcc_share, view.size) if view.size >= MIN_INITIATIVES else (None, 0)
    candidates: dict[str, tuple[float | None, int]] = {
        "shared_agenda": view.yes_share("shared_agenda"),
        "largest_component_share": lcc,
        "coordination_ties": coordination_share(view),
        "shared_indicators": view.yes_share("shared_indicators"),
        "no_open_conflict": _no_conflict_share(view),
    }
    parts: dict[str, Part] = {
        name: value if count >= MIN_PART_DATA else None
        for name, (value, count) in candidates.items()
    }
    present = [v for v in parts.values() if isinstance(v, float | int)]
    return measure(
        "coherence",
        "Coherence index",
        "how much the system pulls together: agenda, connection, coordination, data, peace (0-1)",
        "helix_proposal",
        n=len(present),
        min_n=MIN_PARTS,
        unit="parts with data",
        value=mean(present),
        parts=parts,
    )
