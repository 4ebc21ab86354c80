"""Who may be introduced to whom, decided on the database, never on what a button claims.

A digest button carries only an initiative id (`dg:i12`) and an answer only a request id
(`in:y7`), so every rule is checked here, against the rows, for the person who pressed: the
asker has an initiative of their own; the other initiative exists, is listed, accepts
introductions and is not the asker's; its leader can be reached on Telegram. An answer counts
only from the request's target, while it is open. Forged or stale payloads therefore end in a
refusal the handler turns into a friendly toast, and can only ever touch the presser's rows.

The reason the target reads is built from the pair itself, in the target's language: the
asker's issue in their own words, plus the exact matching reasons that need no vectors (same
production system, shared partners, needs one offers, region), from `analysis.matching`.

Outcomes reach the asker once (`asker_told_at`). An acceptance is told at once; a decline is
told only when the 14 days would have run out, in the same words as an expiry, so neither the
words nor the timing tell the asker which it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from analysis.matching.reasons import (
    MAY_EXCHANGE,
    MAY_PARTNERS,
    MAY_REGION,
    MAY_SYSTEM,
    ReasonWriter,
)
from analysis.matching.text import attributes_of, issue_text, snippet
from analysis.profiles import Profile, profile_key
from intake.i18n import t
from intake.storage import session_scope
from intake.storage.digests import mark_not_relevant, update_digest_settings
from intake.storage.introductions import (
    ANSWER_WITHIN,
    answer_introduction,
    expire_introductions,
    mark_told,
    request_introduction,
    to_tell,
)
from intake.storage.leaders import find_leader
from intake.storage.rows import read_records
from intake.storage.tables import Consent, Initiative, IntroRequest, Leader

MAX_REASONS = 2
_EXACT = MAY_SYSTEM | MAY_PARTNERS | MAY_EXCHANGE | MAY_REGION


@dataclass(frozen=True)
class Party:
    """One side of an introduction, as the other side may see it (after consent)."""

    leader_id: int
    telegram_id: int | None
    name: str  # the leader's name, else their initiative's
    language: str
    initiative: str  # the initiative's name


@dataclass(frozen=True)
class Asked:
    """What pressing "Introduce me" did: `sent`, `already`, `no_initiative`, `own`, `refused`."""

    outcome: str
    request_id: int | None = None
    asker: Party | None = None
    target: Party | None = None
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    """A closed request: `accepted`, `declined`, `expired` or `stale` (not theirs, not open)."""

    status: str
    request_id: int
    asker: Party | None = None
    target: Party | None = None


def _newest_initiative(session: Session, leader_id: int) -> Initiative | None:
    return session.exec(
        select(Initiative)
        .where(Initiative.leader_id == leader_id)
        .order_by(col(Initiative.created_at).desc(), col(Initiative.id).desc())
    ).first()


def _profile(session: Session, initiative: Initiative) -> Profile:
    assert initiative.id is not None
    record = read_records(session=session, initiatives=[initiative])[0]
    key = profile_key(initiative.external_id, initiative.id)
    return Profile(key, initiative.id, record, initiative.leader_id, initiative.source)


def _party(leader: Leader, initiative: Initiative) -> Party:
    assert leader.id is not None
    return Party(
        leader.id,
        leader.telegram_id,
        (leader.name or "").strip() or initiative.name,
        leader.language,
        initiative.name,
    )


def reason_for(target: Profile, asker: Profile, language: str) -> str:
    """Why the asker may matter to the target: their issue, and the exact shared ground."""
    lines = [t("outreach.intro.reason_issue", language, text=snippet(issue_text(asker)))]
    writer = ReasonWriter([target, asker], [attributes_of(target), attributes_of(asker)], language)
    lines += writer.reasons(0, 1, _EXACT)[:MAX_REASONS]
    return "\n".join(lines)


def _open_to_introductions(session: Session, initiative: Initiative) -> Leader | None:
    """The initiative's leader if it is listed, accepts introductions and they are reachable."""
    consent = session.exec(select(Consent).where(Consent.initiative_id == initiative.id)).first()
    if consent is None or not (consent.listed and consent.introductions):
        return None
    leader = session.get(Leader, initiative.leader_id) if initiative.leader_id else None
    if leader is None or leader.telegram_id is None or not leader.active:
        return None
    return leader


def ask(engine: Engine, user_key: str, initiative_id: int, now: datetime) -> Asked:
    """The presser asks to be introduced to the leader of initiative `initiative_id`."""
    with session_scope(engine) as session:
        me = find_leader(session, user_key)
        mine = _newest_initiative(session, me.id) if me and me.id else None
        if me is None or me.id is None or mine is None:
            return Asked("no_initiative")
        theirs = session.get(Initiative, initiative_id)
        if theirs is not None and theirs.leader_id == me.id:
            return Asked("own")
        them = _open_to_introductions(session, theirs) if theirs else None
        if theirs is None or them is None or them.id is None:
            return Asked("refused")
        target_profile, asker_profile = _profile(session, theirs), _profile(session, mine)
        reason = reason_for(target_profile, asker_profile, them.language)
        request = request_introduction(
            session,
            asker_id=me.id,
            target_id=them.id,
            asker_initiative=asker_profile.key,
            target_initiative=target_profile.key,
            reason=reason,
            now=now,
        )
        if request is None:
            return Asked("already")
        return Asked("sent", request.id, _party(me, mine), _party(them, theirs), reason)


def _initiative_by_key(session: Session, key: str) -> Initiative | None:
    if key.startswith("db:") and key[3:].isdigit():
        return session.get(Initiative, int(key[3:]))
    return session.exec(select(Initiative).where(Initiative.external_id == key)).first()


def _parties(session: Session, request: IntroRequest) -> tuple[Party | None, Party | None]:
    """Both sides as they are now (a side erased with /deleteme is None)."""
    sides = []
    for leader_id, key in (
        (request.asker_id, request.asker_initiative),
        (request.target_id, request.target_initiative),
    ):
        leader = session.get(Leader, leader_id)
        initiative = _initiative_by_key(session, key)
        sides.append(_party(leader, initiative) if leader and initiative else None)
    return sides[0], sides[1]


def answer(engine: Engine, user_key: str, request_id: int, accept: bool, now: datetime) -> Outcome:
    """The presser accepts or declines request `request_id` (only theirs, only while open)."""
    with session_scope(engine) as session:
        me = find_leader(session, user_key)
        if me is None or me.id is None:
            return Outcome("stale", request_id)
        request = answer_introduction(session, request_id, target_id=me.id, accept=accept, now=now)
        if request is None:
            return Outcome("stale", request_id)
        asker, target = _parties(session, request)
        return Outcome(request.status, request_id, asker, target)


def due_to_tell(engine: Engine, now: datetime) -> list[Outcome]:
    """Close requests unanswered for 14 days; every outcome the asker should hear now."""
    with session_scope(engine) as session:
        expire_introductions(session, now)
        found = []
        for request in to_tell(session):
            if request.status != "accepted" and now < request.created_at + ANSWER_WITHIN:
                continue  # a decline waits for the 14 days, like an expiry
            assert request.id is not None
            asker, target = _parties(session, request)
            found.append(Outcome(request.status, request.id, asker, target))
        return found


def told(engine: Engine, request_id: int, now: datetime) -> None:
    with session_scope(engine) as session:
        mark_told(session, request_id, now)


def not_relevant(engine: Engine, user_key: str, initiative_id: int) -> bool:
    """Lower this initiative for the presser from now on; False if the press cannot count."""
    with session_scope(engine) as session:
        me = find_leader(session, user_key)
        theirs = session.get(Initiative, initiative_id)
        if me is None or me.id is None or theirs is None or theirs.id is None:
            return False
        if theirs.leader_id == me.id:
            return False
        mark_not_relevant(session, me.id, profile_key(theirs.external_id, theirs.id))
        return True


def pause(engine: Engine, user_key: str) -> int | None:
    """Digests off for the presser; their leader id, or None when they have no leader row."""
    with session_scope(engine) as session:
        me = find_leader(session, user_key)
        if me is None or me.id is None:
            return None
        update_digest_settings(session, me.id, frequency="off")
        return me.id
