"""A coach's own account: details, time zone, password, and the sign-ins to end.

A password change ends every other sign-in (someone who knew the old password is signed out
everywhere but here); "Sign out everywhere" and an administrator's reset end them all."""

from __future__ import annotations

from sqlalchemy import select

from .. import timezones
from ..auth.services import AccountError, check_new_password, normalise_email
from ..auth.sessions import end_sessions
from ..extensions import db
from ..models import Coach


class WrongPassword(AccountError):
    """The current password given to change it is not the coach's."""


def update_details(coach: Coach, name: str, time_zone: str) -> None:
    """Rename the coach and set the zone every date and time is shown in."""
    name = (name or "").strip()
    if not name:
        raise AccountError("Enter your name.")
    if len(name) > 120:
        raise AccountError("Use a name of at most 120 characters.")
    if timezones.valid_zone(time_zone) != (time_zone or "").strip():
        raise AccountError("Choose a time zone from the list.")
    coach.name = name
    coach.time_zone = time_zone.strip()
    db.session.commit()


def change_password(coach: Coach, current: str, new: str, keep_session_id: int | None) -> int:
    """Set a new password after checking the current one; ends every other sign-in and says
    how many were ended."""
    if not coach.check_password(current):
        raise WrongPassword("The current password is not right.")
    check_new_password(new)
    coach.set_password(new)
    db.session.commit()
    return end_sessions(coach.id, keep_session_id=keep_session_id)


def sign_out_everywhere(coach: Coach) -> int:
    """End every sign-in of the coach, this one included."""
    return end_sessions(coach.id)


def reset_password(email: str, new: str) -> Coach:
    """An administrator's reset (no mail server is assumed): a new password, every sign-in
    ended."""
    coach = db.session.scalar(select(Coach).where(Coach.email == normalise_email(email)))
    if coach is None:
        raise AccountError(f"No coach has the email {email.strip()}.")
    check_new_password(new)
    coach.set_password(new)
    db.session.commit()
    end_sessions(coach.id)
    return coach
