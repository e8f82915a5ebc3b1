"""Typed models: coaches own teachers, teachers have coaching cycles, cycles have look-fors and
observations, observations have events. Small derived facts live here; use cases live in each
area's services module."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from . import kinds
from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(db.TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Choice(enum.StrEnum):
    """A fixed set of values stored as plain strings, with a label for forms."""

    @classmethod
    def values(cls) -> set[str]:
        return {member.value for member in cls}

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FocusArea(Choice):
    STUDENT_OUTCOMES = "student_outcomes"
    INSTRUCTIONAL_PRACTICE = "instructional_practice"
    CLASSROOM_MANAGEMENT = "classroom_management"


class CycleStatus(Choice):
    PLANNING = "planning"
    OBSERVING = "observing"
    DEBRIEFING = "debriefing"
    CLOSED = "closed"


# The kinds of look-for come from the registry in app/kinds: one module per kind.
LookForKind = Choice("LookForKind", {name.upper(): name for name in kinds.names()})


class Coach(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # An IANA zone name from the coach's browser; every date and time is shown in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teachers: Mapped[list[Teacher]] = relationship(
        back_populates="coach", order_by="Teacher.name", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt: a memory-hard KDF with a per-password salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class CoachSession(db.Model):
    """One sign-in on one device. Flask-Login's alternative id: the session and remember-me
    cookies carry a random token whose hash is stored here, so deleting the row (sign-out,
    "Sign out everywhere", a password change) ends that sign-in on the server, and a copied
    cookie replayed afterwards is signed out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coach: Mapped[Coach] = relationship()


class Teacher(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coach: Mapped[Coach] = relationship(back_populates="teachers")
    cycles: Mapped[list[Cycle]] = relationship(
        back_populates="teacher", order_by="Cycle.created_at.desc()", cascade="all, delete-orphan"
    )

    @property
    def open_cycle(self) -> Cycle | None:
        """The most recent cycle that is not closed."""
        return next((c for c in self.cycles if c.is_open), None)


class Cycle(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    goal: Mapped[str] = mapped_column(Text)
    focus_area: Mapped[str] = mapped_column(String(40), default=FocusArea.STUDENT_OUTCOMES)
    baseline: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    norms: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CycleStatus.PLANNING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teacher: Mapped[Teacher] = relationship(back_populates="cycles")
    # Live look-fors in display order; archived ones stay in the table for old events.
    lookfors: Mapped[list[LookFor]] = relationship(
        order_by="LookFor.position",
        primaryjoin="and_(Cycle.id == LookFor.cycle_id, LookFor.archived.is_(False))",
        viewonly=True,
    )
    observations: Mapped[list[Observation]] = relationship(
        back_populates="cycle", order_by="Observation.started_at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "status in ('planning', 'observing', 'debriefing', 'closed')", name="status"
        ),
        CheckConstraint(
            "focus_area in ('student_outcomes', 'instructional_practice', "
            "'classroom_management')",
            name="focus_area",
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.status != CycleStatus.CLOSED

    @property
    def focus_label(self) -> str:
        return FocusArea(self.focus_area).label


class LookFor(db.Model):
    """An observable behaviour that shows progress toward the cycle's goal.

    Removing a look-for archives it, so events already recorded against it keep their label.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default=LookForKind.TALLY)
    # What a look-for of its kind needs (categories, codes, class size…), checked by the kind.
    config: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    cycle: Mapped[Cycle] = relationship()

    __table_args__ = (
        CheckConstraint(kinds.check_sql("kind"), name="kind"),
    )

    # Eight hues that stay distinct in light and dark mode; a look-for keeps its hue for life.
    PALETTE = 8

    @property
    def colour(self) -> int:
        return self.id % self.PALETTE


class Observation(db.Model):
    """One visit to a lesson. The id is a UUID made on the coach's device, so it can start
    offline; started_at/ended_at are the device's clock, and event offsets are relative to it."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A deleted observation stays as this tombstone (its events and debrief are removed), so a
    # late resend from a device cannot bring it back.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship(back_populates="observations")
    events: Mapped[list[Event]] = relationship(
        back_populates="observation", order_by="Event.offset_ms", cascade="all, delete-orphan"
    )
    debrief: Mapped[Debrief | None] = relationship(
        back_populates="observation", cascade="all, delete-orphan"
    )
    next_steps: Mapped[list[NextStep]] = relationship(
        back_populates="observation", order_by="NextStep.id", cascade="all, delete-orphan"
    )
    share_links: Mapped[list[ShareLink]] = relationship(
        back_populates="observation", cascade="all, delete-orphan"
    )


class Event(db.Model):
    """A low-inference, minute-stamped record: a tally, a duration or a note.

    Deletion is a tombstone (deleted=True) so a late resend from another device cannot bring it
    back; version orders corrections, highest wins."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    observation_id: Mapped[str] = mapped_column(
        ForeignKey("observation.id", ondelete="CASCADE"), index=True
    )
    lookfor_id: Mapped[int | None] = mapped_column(ForeignKey("look_for.id"), index=True)
    offset_ms: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    # The kind's own payload (a category, a scan's {on, of}, an interval's codes), checked by
    # the look-for's kind; null for tallies, durations and notes.
    data: Mapped[dict | None] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    observation: Mapped[Observation] = relationship(back_populates="events")
    lookfor: Mapped[LookFor | None] = relationship()


class Debrief(db.Model):
    """The reflective conversation after one observation. Private notes never reach the
    teacher; the reflection is the teacher's own, written through the share link."""

    observation_id: Mapped[str] = mapped_column(
        ForeignKey("observation.id", ondelete="CASCADE"), primary_key=True
    )
    keepers: Mapped[str | None] = mapped_column(Text)
    polishers: Mapped[str | None] = mapped_column(Text)
    private_notes: Mapped[str | None] = mapped_column(Text)
    teacher_reflection: Mapped[str | None] = mapped_column(Text)
    reflection_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    observation: Mapped[Observation] = relationship(back_populates="debrief")


class NextStep(db.Model):
    """One concrete step agreed in the debrief; the teacher marks it agreed from the link."""

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[str] = mapped_column(
        ForeignKey("observation.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(String(120))
    by_when: Mapped[date | None] = mapped_column(Date)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    observation: Mapped[Observation] = relationship(back_populates="next_steps")


class ShareLink(db.Model):
    """A private, revocable link for the teacher. Only a hash of the token is stored, so a
    copy of the database does not open anyone's debrief."""

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[str] = mapped_column(
        ForeignKey("observation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    observation: Mapped[Observation] = relationship(back_populates="share_links")

    def is_live(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or utcnow()) < self.expires_at


class RateLimitHit(db.Model):
    """One counted attempt (a failed sign-in, a write through a share link), kept for the
    length of its window so every worker process sees the same count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
