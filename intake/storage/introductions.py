"""Introductions by mutual consent: a request, the other leader's answer, and its expiry.

Only the storage lives here; who may ask whom (both listed, the other open to introductions)
is decided where the profiles are known. A request is unique per asker and initiative, so a
leader cannot ask the same person twice, even after a decline. Declines and expiries are told
to the asker in the same words, so the asker never learns which it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from intake.storage.tables import IntroRequest

ANSWER_WITHIN = timedelta(days=14)
OPEN = "pending"
CLOSED_QUIETLY = ("declined", "expired")


def request_introduction(
    session: Session,
    *,
    asker_id: int,
    target_id: int,
    asker_initiative: str,
    target_initiative: str,
    reason: str,
    now: datetime,
) -> IntroRequest | None:
    """A new pending request; None when this asker already asked for this initiative."""
    exists = session.exec(
        select(IntroRequest.id).where(
            IntroRequest.asker_id == asker_id, IntroRequest.target_initiative == target_initiative
        )
    ).first()
    if exists is not None:
        return None
    request = IntroRequest(
        asker_id=asker_id,
        target_id=target_id,
        asker_initiative=asker_initiative,
        target_initiative=target_initiative,
        reason=reason,
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request


def answer_introduction(
    session: Session, request_id: int, *, target_id: int, accept: bool, now: datetime
) -> IntroRequest | None:
    """The target's answer; None unless the request is theirs and still open (and in time)."""
    request = session.get(IntroRequest, request_id)
    if request is None or request.target_id != target_id or request.status != OPEN:
        return None
    if now - request.created_at > ANSWER_WITHIN:
        return None
    request.status = "accepted" if accept else "declined"
    request.answered_at = now
    session.add(request)
    session.flush()
    return request


def expire_introductions(session: Session, now: datetime) -> int:
    """Close requests left unanswered for 14 days; returns how many."""
    stale = session.exec(
        select(IntroRequest).where(
            IntroRequest.status == OPEN, col(IntroRequest.created_at) < now - ANSWER_WITHIN
        )
    ).all()
    for request in stale:
        request.status = "expired"
        request.answered_at = now
        session.add(request)
    session.flush()
    return len(stale)


def to_tell(session: Session) -> list[IntroRequest]:
    """Requests whose asker has not yet heard the outcome (accepted, declined or expired)."""
    return list(
        session.exec(
            select(IntroRequest)
            .where(col(IntroRequest.status) != OPEN, col(IntroRequest.asker_told_at).is_(None))
            .order_by(col(IntroRequest.id))
        ).all()
    )


def mark_told(session: Session, request_id: int, now: datetime) -> None:
    request = session.get(IntroRequest, request_id)
    if request is not None:
        request.asker_told_at = now
        session.add(request)


def requests_of(session: Session, leader_id: int) -> list[IntroRequest]:
    """Every request this leader made or received (for /mydata)."""
    return list(
        session.exec(
            select(IntroRequest)
            .where(
                or_(
                    col(IntroRequest.asker_id) == leader_id,
                    col(IntroRequest.target_id) == leader_id,
                )
            )
            .order_by(col(IntroRequest.id))
        ).all()
    )
