"""The teacher's private links."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .coaching import Cycle
    from .observations import Observation


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


class CycleShareLink(db.Model):
    """The teacher's private link to a whole cycle (/c/<token>): the goal, the progress, each
    observation's evidence summary and the next steps. Same rules as an observation's link."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship()

    def is_live(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or utcnow()) < self.expires_at
