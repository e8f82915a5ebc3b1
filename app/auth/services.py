"""Coach accounts: creating them, checking passwords, and throttling repeated failures."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Coach


class AccountError(ValueError):
    """A sign-up or account change that cannot be made, with a message for the coach."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_coach(email: str, name: str, password: str) -> Coach:
    """Create a coach account; the email must be new."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    if not name.strip():
        raise AccountError("Enter your name.")
    if len(password) < 8:
        raise AccountError("Use a password of at least 8 characters.")
    if db.session.scalar(select(Coach.id).where(Coach.email == email)) is not None:
        raise AccountError("An account with that email already exists.")
    coach = Coach(email=email, name=name.strip())
    coach.set_password(password)
    db.session.add(coach)
    db.session.commit()
    return coach


def throttle_limits(email: str, remote_addr: str | None, max_failures: int) -> dict[str, int]:
    """Failed sign-ins allowed per email, and (looser, since a school's coaches may share one
    address) per address."""
    return {
        f"login:email:{normalise_email(email)}": max_failures,
        f"login:ip:{remote_addr or 'unknown'}": max_failures * 4,
    }


def authenticate(email: str, password: str) -> Coach | None:
    """The coach with this email and password, or None."""
    coach = db.session.scalar(select(Coach).where(Coach.email == normalise_email(email)))
    if coach is None or not coach.check_password(password):
        return None
    return coach
