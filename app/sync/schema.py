
"""The sync payload, one parser per item: each returns a clean row or raises Invalid with a short
reason for the coach's device. Nothing here touches the database."""

from __future__ import annotations

from datetime import UTC, datetime

from ..ownership import parse_uuid

MAX_ITEMS = 5_000
DAY_MS = 86_400_000
MAX_COUNT = 1_000
MAX_NOTE = 2_000
# Ids and versions land in PostgreSQL integer columns; anything larger would fail the batch.
MAX_INT = 2**31 - 1
MAX_TIME_LENGTH = 64

_MISSING = object()


class Invalid(ValueError):
    """Why one item of a batch was rejected, in a few words."""


def item_id(item: object) -> str | None:
    """The id as the device sent it, to echo back so it can match its outbox; None if unusable."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    return None


def parse_observation(item: object) -> dict:
    """An observation row: id, cycle_id, started_at, ended_at."""
    if not isinstance(item, dict):
        raise Invalid("not an object")
    row = {
        "id": _uuid(item, "id"),
        "cycle_id": _whole(item, "cycle_id", 1, MAX_INT),
        "started_at": _time(item, "started_at"),
        "ended_at": _time(item, "ended_at", default=None),
    }
    # Only an order that cannot be is refused. A span of years (a clock reset to 1970) is kept:
    # it may be the only record of a lesson, and the debrief copes with it.
    if ends_before_start(row["started_at"], row["ended_at"]):
        raise Invalid(ENDS_BEFORE_START)
    return row


ENDS_BEFORE_START = "ended_at must not be before started_at"


def ends_before_start(started_at: datetime, ended_at: datetime | None) -> bool:
    return ended_at is not None and ended_at < started_at


def parse_event(item: object) -> dict:
    """An event row with every column set, defaults applied."""
    if not isinstance(item, dict):
        raise Invalid("not an object")
    return {
        "id": _uuid(item, "id"),
        "observation_id": _uuid(item, "observation_id"),
        # Required even though it may be null: a dropped key must not turn a tally into a note.
        "lookfor_id": _whole(item, "lookfor_id", 1, MAX_INT, nullable=True),
        "offset_ms": _whole(item, "offset_ms", 0, DAY_MS),
        "recorded_at": _time(item, "recorded_at"),
        "count": _whole(item, "count", 1, MAX_COUNT, default=1),
        "duration_ms": _whole(item, "duration_ms", 0, DAY_MS, default=None, nullable=True),
        "note": _note(item, "note"),
        "deleted": _flag(item, "deleted", default=False),
        "version": _whole(item, "version", 1, MAX_INT, default=1),
        # Checked against the look-for's kind once the look-for is known (sync.services).
        "data": _object(item, "data"),
    }


def _value(item: dict, key: str, default: object) -> object:
    value = item.get(key, _MISSING)
    if value is _MISSING and default is _MISSING:
        raise Invalid(f"{key} is missing")
    # null takes the default, like a missing key: the client sends `field ?? null`.
    if value is _MISSING or (value is None and default is not _MISSING):
        return default
    return value


def _uuid(item: dict, key: str) -> str:
    canonical = parse_uuid(_value(item, key, _MISSING))
    if canonical is None:
        raise Invalid(f"{key} must be a UUID")
    return canonical


def _whole(
    item: dict, key: str, low: int, high: int, *, default: object = _MISSING,
    nullable: bool = False,
) -> int | None:
    value = _value(item, key, default)
    if value is None and nullable:
        return None
    # type() rather than isinstance(): JSON true/false arrive as bool, which is an int subclass.
    if type(value) is not int or not low <= value <= high:
        raise Invalid(f"{key} must be a whole number from {low} to {high}")
    return value


def _time(item: dict, key: str, *, default: object = _MISSING) -> datetime | None:
    value = _value(item, key, default)
    if value is None and default is None:
        return None
    message = f"{key} must be an ISO-8601 time with a time zone, like 2026-03-02T09:00:00.000Z"
    if not isinstance(value, str) or len(value) > MAX_TIME_LENGTH:
        raise Invalid(message)
    try:
        moment = datetime.fromisoformat(value)
        # A time without a zone is refused rather than guessed: the device's local time and UTC
        # can be hours apart, and the client always sends toISOString()'s "Z".
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise Invalid(message)


def _note(item: dict, key: str) -> str | None:
    value = _value(item, key, None)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise Invalid(f"{key} must be text of at most {MAX_NOTE} characters")
    # PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded: either would fail
    # the whole batch at insert time instead of this one item.
    if "\x00" in value:
        raise Invalid(f"{key} must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{key} must be valid Unicode text") from None
    return value


def _object(item: dict, key: str) -> dict | None:
    value = _value(item, key, None)
    if value is not None and not isinstance(value, dict):
        raise Invalid(f"{key} must be an object or null")
    return value


def _flag(item: dict, key: str, *, default: bool) -> bool:
    value = _value(item, key, default)
    if type(value) is not bool:
        raise Invalid(f"{key} must be true or false")
    return value
