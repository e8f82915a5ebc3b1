"""The debrief conversation after an observation, and its next steps."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .observations import Observation


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
    # The coach's notes beside each step of the GROW guide: {"goal": …, "reality": …, …}.
    grow_notes: Mapped[dict | None] = mapped_column(JSON)
    # When the coach last opened this debrief: a reflection or agreement since is "New".
    coach_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
    # Looked at again in the next debrief ("From last time"): done, or not yet.
    status: Mapped[str | None] = mapped_column(String(10))
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    observation: Mapped[Observation] = relationship(back_populates="next_steps")

    __table_args__ = (CheckConstraint("status in ('done', 'not_yet')", name="status"),)
