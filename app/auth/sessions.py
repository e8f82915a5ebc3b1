"""Server-side sign-ins: Flask-Login's alternative id.

Each sign-in on a device is one CoachSession row. The session and remember-me cookies carry a
random token (what the signed-in coach's get_id() answers), and only its SHA-256 is stored, so
deleting a row ends that sign-in: the same cookies replayed afterwards are signed out. A sign-in
unused for the session lifetime (30 days) ends too, and is deleted at the next sign-in."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Coach, CoachSession, utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _as_signed_in(coach: Coach, token: str, session_id: int) -> Coach:
    """The coach, answering get_id() with this sign-in's token rather than the coach's id.

    Set on the instance (one request's identity map), not the model: the same Coach loaded by
    a command or a service has no sign-in."""
    coach.session_token = token
    coach.session_id = session_id
    coach.get_id = lambda: token
    return coach


# last_seen_at is written at most this often: not a write on every request.
SEEN_EVERY = timedelta(hours=1)


def _expired_before(now: datetime) -> datetime:
    return now - current_app.config["PERMANENT_SESSION_LIFETIME"]


def start_session(coach: Coach) -> Coach:
    """A new sign-in for the coach: a fresh token, so no two sign-ins share a cookie. Sign-ins
    (anyone's) unused for the lifetime are deleted here, so the table does not grow forever."""
    db.session.execute(
        delete(CoachSession).where(CoachSession.last_seen_at < _expired_before(utcnow())))
    token = secrets.token_urlsafe(32)
    row = CoachSession(coach_id=coach.id, token_hash=hash_token(token))
    db.session.add(row)
    db.session.flush()
    session_id = row.id
    db.session.commit()
    return _as_signed_in(coach, token, session_id)


def coach_for_token(token: str) -> Coach | None:
    """The coach signed in with this token, or None once that sign-in has ended (one query:
    the user loader runs on every request)."""
    if not token or len(token) > 100:
        return None
    now = utcnow()
    row = db.session.execute(
        select(Coach, CoachSession.id, CoachSession.last_seen_at)
        .join(CoachSession, CoachSession.coach_id == Coach.id)
        .where(CoachSession.token_hash == hash_token(token),
               CoachSession.last_seen_at >= _expired_before(now))
    ).first()
    if row is None:
        return None
    coach, session_id, last_seen_at = row
    if last_seen_at < now - SEEN_EVERY:
        # Its own short transaction: the request's session may hold work not to commit yet.
        with db.engine.begin() as connection:
            connection.execute(update(CoachSession).where(CoachSession.id == session_id)
                               .values(last_seen_at=now))
    return _as_signed_in(coach, token, session_id)


def end_session(token: str) -> None:
    """End one sign-in (signing out on this device)."""
    db.session.execute(delete(CoachSession).where(CoachSession.token_hash == hash_token(token)))
    db.session.commit()


def end_sessions(coach_id: int, keep_session_id: int | None = None) -> int:
    """End every sign-in of the coach, except the one to keep; how many were ended."""
    statement = delete(CoachSession).where(CoachSession.coach_id == coach_id)
    if keep_session_id is not None:
        statement = statement.where(CoachSession.id != keep_session_id)
    ended = db.session.execute(statement).rowcount
    db.session.commit()
    return ended
