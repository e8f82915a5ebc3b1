"""Coaches and their sign-ins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .coaching import Teacher


class Coach(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # An IANA zone name from the coach's browser; every date and time is shown in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The private calendar feed's token, hashed (shown once; revoking clears it).
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

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
    # When the sign-in was last used (to the hour): unused for the session lifetime, it ends.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    coach: Mapped[Coach] = relationship()
