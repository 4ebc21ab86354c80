"""The database tables: interview state (write-through) and the domain rows analysis reads.

Three families live here:
- *Interview tables* hold the conversation itself: `interview` (the whole `InterviewState` as
  JSON, pinned to the form version it started with), `answer_log` (append-only, one row per
  event, so every answer can be traced) and `submission` (each Submit freezes a revision).
- *Domain tables* are the projection of a submission (or an imported record) into rows that
  network analysis can query: `leader`, `initiative` and its child rows.
- *Outreach tables* hold what Helix sends back to leaders and what they answer: digest
  preferences, one delivery row per leader and period (the exactly-once claim), introduction
  requests and "not relevant" feedback. All hang off `leader` and go with it on /deleteme.

The schema is created by the Alembic migrations in `intake/storage/migrations`, never by
`create_all`; `tests/intake/storage` checks that the migrations and these models agree on both
databases.
Timestamps are UTC and timezone-aware on every backend (`UTCDateTime`); JSON columns use
PostgreSQL's JSONB and SQLite's JSON text through one portable type (`JSONValue`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Index, Integer, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints: SQLite batch migrations can only alter constraints that have a name."""
SQLModel.metadata.naming_convention = NAMING

JSONValue = JSON().with_variant(JSONB(), "postgresql")
"""A JSON column that is JSONB on PostgreSQL and JSON text on SQLite."""


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC, always return timezone-aware UTC (SQLite forgets the zone on its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(default: Any = None, *, nullable: bool = False) -> Any:
    factory = (lambda: type(default)()) if default is not None else None
    column = Column(JSONValue, nullable=nullable)
    if factory is None:
        return Field(default=None, sa_column=column)
    return Field(default_factory=factory, sa_column=column)


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _parent(
    table: str, *, nullable: bool = False, ondelete: str = "CASCADE", index: bool = True
) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable, index=index
        ),
    )


# --- interview tables ---------------------------------------------------------------------


class Interview(SQLModel, table=True):
    """One user's interview. At most one *active* interview per `user_key` (partial index)."""

    __tablename__ = "interview"
    __table_args__ = (
        Index(
            "ix_interview_active_user",
            "user_key",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_key: str  # lookups use the partial unique index below
    form_id: str
    form_version: str  # the version the interview started with (pinned)
    language: str = "en"
    status: str = "in_progress"
    active: bool = True
    state: dict[str, Any] = _json({})
    event_count: int = 0  # seq of the last answer_log row: the next row gets event_count + 1
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class AnswerLog(SQLModel, table=True):
    """Append-only: a database trigger refuses UPDATE; rows go away only with their interview."""

    __tablename__ = "answer_log"
    __table_args__ = (Index("ux_answer_log_seq", "interview_id", "seq", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = _parent("interview", index=False)  # ux_answer_log_seq covers it
    seq: int
    event: dict[str, Any] = _json({})
    path: str | None = None  # the answered path when the event changed an answer
    value: Any = _json(nullable=True)  # the new value at `path` (null: removed)
    at: datetime = _timestamp()


class Submission(SQLModel, table=True):
    """A frozen revision of the answers, as submitted; the projection is rebuilt from it."""

    __tablename__ = "submission"
    __table_args__ = (Index("ux_submission_revision", "interview_id", "revision", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = _parent("interview", index=False)  # ux_submission_revision covers it
    revision: int
    form_version: str  # the definition that accepted the Submit
    answers: dict[str, Any] = _json({})
    submitted_at: datetime = _timestamp()


# --- domain tables ------------------------------------------------------------------------


class Leader(SQLModel, table=True):
    """A person leading an initiative; from an interview (`user_key`) or an import."""

    __tablename__ = "leader"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    user_key: str | None = Field(default=None, unique=True, nullable=True)
    name: str | None = Field(default=None, index=True)  # an import matches leaders by name
    language: str = "en"
    active: bool = True  # False after Telegram says the user blocked the bot
    created_at: datetime = _timestamp()


class InitiativeBase(SQLModel):
    """The initiative's own columns, shared by projection, import and export."""

    external_id: str | None = Field(default=None, unique=True, nullable=True)
    name: str = Field(index=True)  # an import matches initiatives by name
    issue: str = ""
    production_system: str | None = None
    region: str | None = None
    goals: list[str] = _json([])
    source: str = "import"  # "interview" | "import" | "demo"
    revision: int = 1
    extra: dict[str, Any] = _json({})
    initiative_form: str | None = None
    change_type: str | None = None
    stage: str | None = None
    geo_levels: list[str] = _json([])
    website: str | None = None


class Initiative(InitiativeBase, table=True):
    __tablename__ = "initiative"

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int | None = _parent("leader", nullable=True, ondelete="SET NULL")
    interview_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("interview.id", ondelete="SET NULL"),
            unique=True,
            nullable=True,
        ),
    )
    import_hash: str | None = None
    """Fingerprint of the import line that last wrote this row; None after any other writer."""
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Stakeholder(SQLModel, table=True):
    __tablename__ = "stakeholder"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = _parent("initiative")
    name: str
    sector: str | None = None
    role: str | None = None


class PartnerTie(SQLModel, table=True):
    """An edge of the network: `works_with` (with relation and Frey depth 1-5) or `knows_of`."""

    __tablename__ = "partner_tie"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = _parent("initiative")
    partner_name: str
    kind: str  # "works_with" | "knows_of"
    sector: str | None = None
    relation: str | None = None
    depth: int | None = None


class PsLink(SQLModel, table=True):
    """A bridge to a production-system actor: its chain segment, engagement mode and depth."""

    __tablename__ = "ps_link"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = _parent("initiative")
    actor: str
    segment: str | None = None
    relation: str | None = None  # engagement mode: pressure, standards, partnership, ...
    depth: int | None = None


class TaskRating(SQLModel, table=True):
    __tablename__ = "task_rating"
    __table_args__ = (Index("ux_task_rating_task", "initiative_id", "task", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = _parent("initiative")
    task: str  # a name in intake.records.TASKS: the seven system tasks, then delivering
    level: str  # "none" | "minor" | "core"


class NeedOffer(SQLModel, table=True):
    __tablename__ = "need_offer"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = _parent("initiative")
    kind: str  # "need" | "offer"
    category: str
    detail: str | None = None


class Consent(SQLModel, table=True):
    __tablename__ = "consent"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("initiative.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    listed: bool = False
    introductions: bool = False
    digest: str | None = None


CHILD_TABLES: tuple[type[SQLModel], ...] = (
    Stakeholder,
    PartnerTie,
    PsLink,
    TaskRating,
    NeedOffer,
    Consent,
)
"""Rows owned by one initiative; replaced together when it is projected or imported again."""


# --- outreach tables ----------------------------------------------------------------------


def _leader(*, index: bool = True, unique: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("leader.id", ondelete="CASCADE"),
            nullable=False,
            index=index,
            unique=unique,
        ),
    )


class DigestPreference(SQLModel, table=True):
    """How and when one leader wants digests; without a row the interview's consent decides."""

    __tablename__ = "digest_preference"

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = _leader(index=False, unique=True)
    frequency: str | None = None  # "weekly" | "monthly" | "off"; None: consent.digest decides
    weekday: int = 0  # weekly digests: 0 = Monday ... 6 = Sunday
    month_day: int = 1  # monthly digests: 1..28, so every month has that day
    hour: int = 9  # local hour of the day, 0..23
    timezone: str = "UTC"  # an IANA name
    quiet: str = "note"  # nothing new: "note" (a short line) | "skip" (send nothing)
    updated_at: datetime = _timestamp()


class DigestDelivery(SQLModel, table=True):
    """One digest for one leader and period: claimed before sending, finished after.

    The unique (leader, period) key is what makes delivery exactly-once across crashes and
    concurrent runs; `owner` names the process holding a claim, so a dead one's can be taken.
    """

    __tablename__ = "digest_delivery"
    __table_args__ = (Index("ux_digest_delivery_period", "leader_id", "period", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = _leader(index=False)  # ux_digest_delivery_period covers it
    period: str  # "2026-W49" (ISO week) or "2026-12" (month), in the leader's time zone
    status: str = "claimed"  # claimed | sent | skipped | failed | inactive
    owner: str | None = None
    attempts: int = 0
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    error: str | None = None
    claimed_at: datetime = _timestamp()
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class IntroRequest(SQLModel, table=True):
    """ "Introduce me": who asked to meet whom, why, and what came of it."""

    __tablename__ = "intro_request"
    __table_args__ = (
        Index("ux_intro_request_pair", "asker_id", "target_initiative", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    asker_id: int = _leader(index=False)  # ux_intro_request_pair covers it
    target_id: int = _leader()
    asker_initiative: str  # profile keys: stable across re-imports and re-submissions
    target_initiative: str
    reason: str = ""
    status: str = "pending"  # pending | accepted | declined | expired
    created_at: datetime = _timestamp()
    answered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    asker_told_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class PeerFeedback(SQLModel, table=True):
    """ "Not relevant": lowers that peer for this leader in later digests and in /peers."""

    __tablename__ = "peer_feedback"
    __table_args__ = (Index("ux_peer_feedback_pair", "leader_id", "peer_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = _leader(index=False)  # ux_peer_feedback_pair covers it
    peer_key: str
    verdict: str = "not_relevant"
    created_at: datetime = _timestamp()


OUTREACH_TABLES: tuple[type[SQLModel], ...] = (
    DigestPreference,
    DigestDelivery,
    IntroRequest,
    PeerFeedback,
)
"""Rows about one leader's digests and introductions; erased with the leader."""
