"""Counting attempts per key in a sliding window, in the database so every worker agrees.

Used for failed sign-ins, sign-ups, password changes, unknown share tokens and writes through
a teacher's share link."""

from __future__ import annotations

from datetime import timedelta

from flask import request
from sqlalchemy import delete, func, select

from .extensions import db
from .models import RateLimitHit, utcnow


def client_address() -> str:
    """The client's address: the real one behind TRUSTED_PROXIES proxies (ProxyFix), cut to a
    length that fits a key whatever a misconfigured proxy passes on."""
    return (request.remote_addr or "unknown")[:64]


def count_hits(key: str, window: timedelta) -> int:
    """How many hits the key has had within the window."""
    since = utcnow() - window
    return db.session.scalar(
        select(func.count()).where(RateLimitHit.key == key, RateLimitHit.at >= since)
    )


def is_limited(limits: dict[str, int], window: timedelta) -> bool:
    """True when any key has reached its limit within the window."""
    return any(count_hits(key, window) >= limit for key, limit in limits.items())


def record_hits(keys: list[str], window: timedelta) -> None:
    """Count one hit for each key; rows older than the window are pruned on the way."""
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.at < utcnow() - window))
    db.session.add_all(RateLimitHit(key=key) for key in keys)
    db.session.commit()
