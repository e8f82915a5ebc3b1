"""Observations (visits to a lesson) and the events recorded in them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .coaching import Cycle, LookFor
    from .conversation import Debrief, NextStep
    from .sharing import ShareLink


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
