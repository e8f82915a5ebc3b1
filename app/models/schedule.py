"""The coach's week: planned visits, the coaching log, and times offered to a teacher."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .coaching import Teacher

# What a coach does with a teacher (the district's coaching roles), for visits and the log.
ACTIVITIES = ("observation", "debrief", "co_planning", "modeling", "co_teaching",
              "data_conversation", "resource_sharing", "other")
ACTIVITY_CHECK = "kind in ({})".format(", ".join(f"'{a}'" for a in ACTIVITIES))


class Visit(db.Model):
    """A planned visit with a teacher; `uid` stays the same for life (calendar UID)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    teacher: Mapped[Teacher] = relationship()

    __table_args__ = (CheckConstraint(ACTIVITY_CHECK, name="kind"),)


class LogEntry(db.Model):
    """Coaching that is not an observation (co-planning, modeling…), logged by the coach.
    Observations and debriefs are in the log by themselves, from their own records."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teacher: Mapped[Teacher] = relationship()

    __table_args__ = (CheckConstraint(ACTIVITY_CHECK, name="kind"),)


class TimeOffer(db.Model):
    """A few times the coach offers; each teacher it is shared with gets a link of their own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slots: Mapped[list[OfferSlot]] = relationship(
        order_by="OfferSlot.starts_at", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint(ACTIVITY_CHECK, name="kind"),)


class OfferSlot(db.Model):
    """One offered time. `visit_id` is set once, by a single UPDATE … WHERE visit_id IS NULL:
    of two teachers taking it at the same moment, one wins."""

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("time_offer.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit.id", ondelete="SET NULL"), unique=True)


class OfferLink(db.Model):
    """A teacher's private link to pick one of an offer's times (only the hash is stored)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("time_offer.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))

    offer: Mapped[TimeOffer] = relationship()
    teacher: Mapped[Teacher] = relationship()

    def is_live(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or utcnow()) < self.expires_at
