"""Coach accounts: creating them, checking passwords, and throttling repeated failures.

Throttling never locks out the innocent: failures count per account (and per account and
address), so made-up emails or another account's failures never refuse a coach's correct
password. Unknown emails are counted under the same keys as real ones and checked against a
dummy hash, so neither the answers nor their timing say which emails have an account."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import ratelimit, timezones
from ..extensions import db
from ..models import Coach


class AccountError(ValueError):
    """A sign-up or account change that cannot be made, with a message for the coach."""


class TooManyAttempts(Exception):
    """Refused before the password is looked at; the message says what to do."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < 8:
        raise AccountError("Use a password of at least 8 characters.")
    if len(password) > 200:
        raise AccountError("Use a password of at most 200 characters.")


def create_coach(email: str, name: str, password: str, time_zone: str | None = None) -> Coach:
    """Create a coach account; the email must be new. An unknown time zone is ignored."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    if not name.strip():
        raise AccountError("Enter your name.")
    check_new_password(password)
    if db.session.scalar(select(Coach.id).where(Coach.email == email)) is not None:
        raise AccountError("An account with that email already exists.")
    coach = Coach(email=email, name=name.strip(), time_zone=timezones.valid_zone(time_zone))
    coach.set_password(password)
    db.session.add(coach)
    db.session.commit()
    return coach


def adopt_browser_zone(coach: Coach, time_zone: str | None) -> None:
    """At sign-in, take the browser's zone if the coach has none yet (one chosen on the
    account page is kept: a laptop set to the wrong zone must not undo it)."""
    zone = timezones.valid_zone(time_zone)
    if coach.time_zone == timezones.DEFAULT_ZONE and zone != timezones.DEFAULT_ZONE:
        coach.time_zone = zone
        db.session.commit()


@dataclass(frozen=True)
class Throttle:
    """How many failures a window allows; the per-address and per-account ceilings are looser
    than the per-account-and-address one, since a school's coaches may share one address."""

    max_failures: int
    window: timedelta

    @property
    def minutes(self) -> int:
        return max(1, int(self.window.total_seconds()) // 60)

    def account_limits(self, email: str, address: str) -> dict[str, int]:
        # A digest, not the email: keys stay short, and failed attempts store no address book.
        account = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
        return {
            f"login:account:{account}:{address}": self.max_failures,
            f"login:account:{account}": self.max_failures * 4,
        }

    def address_limits(self, prefix: str, address: str) -> dict[str, int]:
        return {f"{prefix}:address:{address}": self.max_failures * 4}


@cache
def dummy_hash() -> str:
    """A hash of nothing anyone knows, made once with the same method and cost as real ones."""
    return generate_password_hash(secrets.token_urlsafe(32))


def authenticate(email: str, password: str) -> Coach | None:
    """The coach with this email and password, or None. An unknown email costs a password
    check too, so it takes as long as a wrong password."""
    coach = db.session.scalar(select(Coach).where(Coach.email == normalise_email(email)))
    if coach is None:
        check_password_hash(dummy_hash(), password)
        return None
    return coach if coach.check_password(password) else None


def sign_in(email: str, password: str, address: str, throttle: Throttle) -> Coach | None:
    """The coach, None for a wrong email or password, or TooManyAttempts.

    A correct password is refused only for its own account's failures. Failures from an
    address that has had many answer 429 too, whatever the email, so the answers stay alike."""
    account = throttle.account_limits(email, address)
    if ratelimit.is_limited(account, throttle.window):
        raise TooManyAttempts(
            f"Too many failed sign-ins. Wait {throttle.minutes} minutes, then try again."
        )
    coach = authenticate(email, password)
    if coach is not None:
        return coach
    everywhere = throttle.address_limits("login", address)
    crowded = ratelimit.is_limited(everywhere, throttle.window)
    ratelimit.record_hits([*account, *everywhere], throttle.window)
    if crowded:
        raise TooManyAttempts(
            "Too many failed sign-ins from this network. That email and password do not "
            "match: check them, or wait a few minutes."
        )
    return None


def count_sign_up(address: str, throttle: Throttle) -> None:
    """Count one sign-up attempt from the address, or TooManyAttempts past its limit."""
    limits = throttle.address_limits("signup", address)
    if ratelimit.is_limited(limits, throttle.window):
        raise TooManyAttempts(
            f"Too many sign-up attempts from this network. Wait {throttle.minutes} minutes, "
            "then try again."
        )
    ratelimit.record_hits(list(limits), throttle.window)
