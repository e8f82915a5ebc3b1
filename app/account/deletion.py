"""Delete my account: every row the coach owns, in every table (found through the metadata,
app/account/owned.py), in one transaction, children before parents, so it does not depend on
the database's own cascades; and the throttling counts kept under the coach's id or email.

Every private link of theirs (a debrief's, a cycle's, a booking link, the calendar feed) is a
row here or a column of the coach, so once it is gone its token answers 404."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, or_

from ..auth.services import AccountError, normalise_email
from ..extensions import db
from ..models import Coach, RateLimitHit
from .owned import owned_by, owned_tables


class WrongConfirmation(AccountError):
    """The email typed to confirm is not the coach's."""


def _throttle_keys(coach: Coach):
    # As written by the account page's password check and by sign-in (app/auth/services.py).
    account = hashlib.sha256(normalise_email(coach.email).encode()).hexdigest()[:32]
    return or_(RateLimitHit.key == f"password:coach:{coach.id}",
               RateLimitHit.key == f"login:account:{account}",
               RateLimitHit.key.startswith(f"login:account:{account}:"))


def delete_account(coach: Coach, typed_email: str | None) -> dict[str, int]:
    """Remove the coach and everything of theirs, once the email typed to confirm is theirs;
    how many rows went, by table."""
    if normalise_email(typed_email or "") != normalise_email(coach.email):
        raise WrongConfirmation(
            "That is not your account's email. Type it exactly to delete your account.")
    removed: dict[str, int] = {}
    coach_id, throttled = coach.id, _throttle_keys(coach)
    db.session.expunge_all()  # nothing loaded may be flushed back, or linger, afterwards
    for table in reversed(owned_tables()):
        removed[table.name] = db.session.execute(
            delete(table).where(owned_by(table, coach_id))).rowcount
    removed[RateLimitHit.__tablename__] = db.session.execute(
        delete(RateLimitHit).where(throttled)).rowcount
    db.session.commit()
    return removed
