"""Coach accounts: creating them, checking passwords, and throttling repeated failures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Coach, LoginFailure, utcnow


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


def throttle_keys(email: str, remote_addr: str | None) -> list[str]:
    return [f"email:{normalise_email(email)}", f"ip:{remote_addr or 'unknown'}"]


def is_throttled(keys: list[str], max_failures: int, window: timedelta) -> bool:
    """True when any key has had max_failures failed sign-ins within the window.

    The per-address limit is looser, since a school's coaches may share one address."""
    since = utcnow() - window
    for key in keys:
        failures = db.session.scalar(
            select(func.count()).where(LoginFailure.key == key, LoginFailure.at >= since)
        )
        limit = max_failures * 4 if key.startswith("ip:") else max_failures
        if failures >= limit:
            return True
    return False


def record_failure(keys: list[str], window: timedelta) -> None:
    # Old rows are pruned here so the table stays as small as the window.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - window))
    db.session.add_all(LoginFailure(key=key) for key in keys)
    db.session.commit()


def authenticate(email: str, password: str) -> Coach | None:
    """The coach with this email and password, or None."""
    coach = db.session.scalar(select(Coach).where(Coach.email == normalise_email(email)))
    if coach is None or not coach.check_password(password):
        return None
    return coach
