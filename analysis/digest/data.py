"""Everything one digest says, as plain data, and the pure steps that pick it.

`gather` fills a `DigestData` from the database; `compose` turns it into text. Keeping the
choice of *what* to say (who is new, which needs are offered, which gaps to name) in small pure
functions here lets tests state the rules on hand-made values, without a database or a model.

Privacy is settled before anything reaches this shape: an `Entry` is only ever made from a
listed initiative, and it carries no contact field at all (no website, no Telegram id, no
leader name), so the text cannot leak what the data does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from analysis.metrics import SystemMetrics
from analysis.profiles import Profile
from intake.i18n import catalog
from intake.records import SYSTEM_TASKS

MAX_GAPS = 2
"""One missing sector and one missing task at most: a digest names a gap, not a report."""
MAX_OFFERERS = 3
"""Names shown per offered need; more would turn a hint into a directory."""


@dataclass(frozen=True)
class Entry:
    """A listed initiative another leader may see: its name, its issue, when it joined."""

    initiative_id: int
    key: str
    name: str
    issue: str
    joined: datetime | None = None


@dataclass(frozen=True)
class PeerItem:
    """A suggested peer, with its reasons and whether "Introduce me" may be offered."""

    entry: Entry
    reasons: list[str] = field(default_factory=list)
    introduce: bool = False


@dataclass(frozen=True)
class NeedMatch:
    """One open need of the leader's initiative, and the listed initiatives that offer it."""

    need: str  # the leader's own category word (worded by the catalog when it knows it)
    offered_by: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Gap:
    """Something the leader's change system lacks: a sector with no actor, or a task."""

    kind: str  # "sector" | "task"
    name: str  # sector or task name (analysis.metrics.context.SECTORS, records.SYSTEM_TASKS)


@dataclass(frozen=True)
class Snapshot:
    """Three numbers about the change system; None where there is too little data to say.

    initiatives: how many initiatives form it (listed or not: a count names no one);
    bridged: share of them engaging at least one production-system actor (the second strand of
    the double helix, the system the change is for); tasks_covered: how many of the seven
    change-system tasks enough of them perform (Helix's operational task, delivering, is not
    one of them: a digest counts what the system lacks, not who runs services).
    """

    initiatives: int
    bridged: float | None
    tasks_covered: int | None
    tasks_total: int = len(SYSTEM_TASKS)


@dataclass(frozen=True)
class DigestData:
    """What one leader's digest for one period says, before it is worded."""

    leader_id: int
    language: str
    frequency: str  # weekly | monthly
    timezone: str
    quiet_choice: str  # note | skip
    initiative_name: str
    issue: str
    leader_name: str | None = None
    first: bool = False  # no digest was sent to this leader before
    new: list[Entry] = field(default_factory=list)
    peers: list[PeerItem] = field(default_factory=list)
    needs: list[NeedMatch] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    snapshot: Snapshot | None = None

    @property
    def has_news(self) -> bool:
        """Worth a full digest: someone joined, or this is the first and has someone to show."""
        return bool(self.new) or (self.first and bool(self.peers or self.needs))


def entry_of(profile: Profile) -> Entry:
    """The shown face of a listed initiative; refuses an unlisted one (a privacy bug)."""
    if not profile.listed:
        raise ValueError(f"initiative {profile.key!r} is not listed")
    return Entry(
        profile.db_id, profile.key, profile.name, profile.record.issue, profile.created_at
    )


def new_since(entries: Iterable[Entry], since: datetime, now: datetime) -> list[Entry]:
    """Entries that joined in [since, now], newest first (unknown join times are not news)."""
    found = [e for e in entries if e.joined is not None and since <= e.joined <= now]
    return sorted(found, key=lambda e: (e.joined, e.initiative_id), reverse=True)


def fold_category(category: str) -> str:
    """ "Policy access", "policy_access" and " Policy  Access" are one category."""
    return "_".join(category.strip().lower().replace("_", " ").split())


def need_label(category: str, language: str) -> str | None:
    """The catalog's phrase for a need category (`peers.need.*`), if it has one."""
    texts = catalog().get(f"peers.need.{fold_category(category)}")
    return None if texts is None else texts.get(language) or texts.get("en")


def needs_offered(
    needs: Sequence[str], offering: Sequence[tuple[Entry, frozenset[str]]]
) -> list[NeedMatch]:
    """The leader's needs that some listed initiative offers, each with up to 3 names.

    `offering` pairs each candidate (listed, not the leader's own) with its folded offer
    categories, in the order the caller wants them named (peers, then newcomers, then the
    rest of the issue), so the names a leader reads are the ones the digest just introduced.
    """
    matches: list[NeedMatch] = []
    seen: set[str] = set()
    for need in needs:
        folded = fold_category(need)
        if not folded or folded in seen:
            continue
        seen.add(folded)
        offerers: list[Entry] = []
        for entry, offers in offering:
            if folded in offers:
                offerers.append(entry)
                if len(offerers) == MAX_OFFERERS:
                    break
        if offerers:
            matches.append(NeedMatch(need, offerers))
    return matches


def gaps_of(metrics: SystemMetrics) -> list[Gap]:
    """At most one missing sector and one missing task, only where the metric has enough data.

    The first in each metric's own order: the sector list runs from government to media, the
    tasks in the interview's order, so the same system names the same gap until it closes.
    """
    gaps: list[Gap] = []
    sectors = metrics.missing_sectors
    missing = sectors.parts.get("missing") if sectors.enough else None
    if isinstance(missing, list) and missing:
        gaps.append(Gap("sector", str(missing[0])))
    tasks = metrics.task_coverage
    task_gaps = tasks.parts.get("gaps") if tasks.enough else None
    if isinstance(task_gaps, list) and task_gaps:
        gaps.append(Gap("task", str(task_gaps[0])))
    return gaps[:MAX_GAPS]


def snapshot_of(metrics: SystemMetrics) -> Snapshot:
    size = metrics.size.value
    bridged = metrics.ps_bridge_share.value if metrics.ps_bridge_share.enough else None
    coverage = metrics.task_coverage.value if metrics.task_coverage.enough else None
    return Snapshot(
        initiatives=int(size or 0),
        bridged=float(bridged) if bridged is not None else None,
        tasks_covered=round(coverage * len(SYSTEM_TASKS)) if coverage is not None else None,
    )
