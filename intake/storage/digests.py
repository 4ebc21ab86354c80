"""Digest preferences, recipients and "not relevant" feedback: what the digest run reads.

A leader's frequency comes from the interview's consent (`consent.digest` of their newest
initiative) until they choose one with /digest; submitting the interview again hands the choice
back to the consent answer (`consent_decides`), so the latest statement always wins. Day, hour,
time zone and the quiet-week choice live only in the preference row.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlmodel import Session, col, select

from intake.storage.tables import (
    Consent,
    DigestDelivery,
    DigestPreference,
    Initiative,
    Leader,
    PeerFeedback,
    utcnow,
)

FREQUENCIES = ("weekly", "monthly", "off")
QUIET_CHOICES = ("note", "skip")
NOT_RELEVANT = 0.3
"""A peer marked "not relevant" keeps 30 % of its score for that leader: lowered, not hidden,
so a mistaken tap costs little while the marked peer falls below the ones that matter."""
_FROM_CONSENT = {"weekly": "weekly", "monthly": "monthly", "never": "off", "off": "off"}


@dataclass(frozen=True)
class DigestSettings:
    """One leader's effective digest settings, and what is needed to reach them."""

    leader_id: int
    frequency: str  # weekly | monthly | off
    weekday: int = 0  # 0 = Monday
    month_day: int = 1
    hour: int = 9
    timezone: str = "UTC"
    quiet: str = "note"
    language: str = "en"
    telegram_id: int | None = None
    active: bool = True
    name: str | None = None
    chosen: bool = False  # True when the frequency was set with /digest, not by consent

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def reachable(self) -> bool:
        """A digest can be sent: a frequency, a Telegram chat, and not blocked."""
        return self.frequency != "off" and self.telegram_id is not None and self.active


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _consented(session: Session, leader_ids: Collection[int] | None) -> dict[int, str]:
    """leader id -> the frequency its newest initiative's consent asked for."""
    query = (
        select(Initiative.leader_id, Consent.digest)
        .join(Consent, col(Consent.initiative_id) == col(Initiative.id))
        .where(col(Initiative.leader_id).is_not(None))
        .order_by(col(Initiative.updated_at), col(Initiative.id))
    )
    if leader_ids is not None:
        query = query.where(col(Initiative.leader_id).in_(list(leader_ids)))
    found: dict[int, str] = {}
    for leader_id, digest in session.exec(query).all():
        if leader_id is not None:
            found[leader_id] = _FROM_CONSENT.get(digest or "", "off")  # newest wins
    return found


def _settings(leader: Leader, pref: DigestPreference | None, consented: str) -> DigestSettings:
    assert leader.id is not None
    chosen = pref is not None and pref.frequency is not None
    base: dict[str, Any] = {
        "leader_id": leader.id,
        "frequency": pref.frequency if pref is not None and pref.frequency else consented,
        "language": leader.language,
        "telegram_id": leader.telegram_id,
        "active": leader.active,
        "name": leader.name,
        "chosen": chosen,
    }
    if pref is not None:
        base.update(
            weekday=pref.weekday,
            month_day=pref.month_day,
            hour=pref.hour,
            timezone=pref.timezone if valid_timezone(pref.timezone) else "UTC",
            quiet=pref.quiet,
        )
    return DigestSettings(**base)


def settings_of(
    session: Session, leader_ids: Collection[int] | None = None
) -> list[DigestSettings]:
    """Effective settings of these leaders (all leaders when None), in leader id order."""
    query = select(Leader, DigestPreference).join(
        DigestPreference, col(DigestPreference.leader_id) == col(Leader.id), isouter=True
    )
    if leader_ids is not None:
        query = query.where(col(Leader.id).in_(list(leader_ids)))
    consented = _consented(session, leader_ids)
    rows = session.exec(query.order_by(col(Leader.id))).all()
    return [_settings(leader, pref, consented.get(leader.id or 0, "off")) for leader, pref in rows]


def digest_settings(session: Session, leader_id: int) -> DigestSettings | None:
    found = settings_of(session, [leader_id])
    return found[0] if found else None


def recipients(
    session: Session, leader_ids: Collection[int] | None = None
) -> list[DigestSettings]:
    """Leaders a digest can be sent to now: a frequency, a Telegram chat, not blocked."""
    return [s for s in settings_of(session, leader_ids) if s.reachable]


def update_digest_settings(session: Session, leader_id: int, **changes: Any) -> DigestSettings:
    """Change some of frequency, weekday, month_day, hour, timezone, quiet; refuses bad values.

    Raises ValueError naming the field, so a caller can say exactly what was wrong.
    """
    checks = {
        "frequency": lambda v: v in FREQUENCIES,
        "weekday": lambda v: isinstance(v, int) and 0 <= v <= 6,
        "month_day": lambda v: isinstance(v, int) and 1 <= v <= 28,
        "hour": lambda v: isinstance(v, int) and 0 <= v <= 23,
        "timezone": lambda v: isinstance(v, str) and valid_timezone(v),
        "quiet": lambda v: v in QUIET_CHOICES,
    }
    for field, value in changes.items():
        if field not in checks or not checks[field](value):
            raise ValueError(f"{field}: {value!r} is not a valid choice")
    pref = session.exec(
        select(DigestPreference).where(DigestPreference.leader_id == leader_id)
    ).first()
    if pref is None:
        pref = DigestPreference(leader_id=leader_id)
    for field, value in changes.items():
        setattr(pref, field, value)
    pref.updated_at = utcnow()
    session.add(pref)
    session.flush()
    found = digest_settings(session, leader_id)
    assert found is not None
    return found


def consent_decides(session: Session, leader_id: int) -> None:
    """A new interview answer about digests replaces an earlier /digest frequency choice."""
    session.execute(
        update(DigestPreference)
        .where(col(DigestPreference.leader_id) == leader_id)
        .values(frequency=None)
    )


def last_sent_at(session: Session, leader_ids: Collection[int]) -> dict[int, datetime]:
    """When each leader's latest digest was sent (leaders never sent one are absent)."""
    query = (
        select(DigestDelivery.leader_id, DigestDelivery.finished_at)
        .where(col(DigestDelivery.leader_id).in_(list(leader_ids)))
        .where(DigestDelivery.status == "sent")
    )
    found: dict[int, datetime] = {}
    for leader_id, finished in session.exec(query).all():
        if finished is not None and (leader_id not in found or finished > found[leader_id]):
            found[leader_id] = finished
    return found


def mark_not_relevant(session: Session, leader_id: int, peer_key: str) -> bool:
    """Remember that this peer is not relevant to this leader; False if already marked."""
    exists = session.exec(
        select(PeerFeedback.id).where(
            PeerFeedback.leader_id == leader_id, PeerFeedback.peer_key == peer_key
        )
    ).first()
    if exists is not None:
        return False
    session.add(PeerFeedback(leader_id=leader_id, peer_key=peer_key))
    session.flush()
    return True


def penalties(session: Session, leader_id: int) -> dict[str, float]:
    """peer key -> score factor, for `analysis.matching.peers(..., penalties=...)`."""
    keys = session.exec(
        select(PeerFeedback.peer_key).where(PeerFeedback.leader_id == leader_id)
    ).all()
    return dict.fromkeys(keys, NOT_RELEVANT)
