"""The fast way in for a batch: the body decoded and typed in one pass by msgspec (in C), for
the common case of a batch whose every item is well formed. Anything unusual (a wrong type, a
value out of range, an id not in canonical form, a NUL in a note, bad JSON) returns None, and
the batch takes the careful path instead (schema.py, item by item, each with its reason), so
the verdicts never depend on which path ran."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec

from .schema import DAY_MS, MAX_COUNT, MAX_INT, MAX_ITEMS, MAX_NOTE, ends_before_start

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)]
Offset = Annotated[int, msgspec.Meta(ge=0, le=DAY_MS)]
Count = Annotated[int, msgspec.Meta(ge=1, le=MAX_COUNT)]
Time = Annotated[datetime, msgspec.Meta(tz=True)]
Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]
# Echoed back as sent, so only the canonical form takes this path.
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ObservationIn(msgspec.Struct):
    id: str
    cycle_id: Id
    started_at: Time
    ended_at: Time | None = None


class EventIn(msgspec.Struct):
    id: str
    observation_id: str
    lookfor_id: Id | None  # required, though it may be null (a free note)
    offset_ms: Offset
    recorded_at: Time
    count: Count | None = None
    duration_ms: Offset | None = None
    note: Note | None = None
    data: dict[str, Any] | None = None
    deleted: bool | None = None
    version: Id | None = None


class BatchIn(msgspec.Struct):
    observations: Annotated[list[ObservationIn], msgspec.Meta(max_length=MAX_ITEMS)]
    events: Annotated[list[EventIn], msgspec.Meta(max_length=MAX_ITEMS)]


_decoder = msgspec.json.Decoder(BatchIn)


def fast_batch(body: bytes) -> tuple[list[dict], list[dict]] | None:
    """The batch's observation and event rows, as schema.py would make them; None when any
    item needs the careful path."""
    try:
        batch = _decoder.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None
    match = CANONICAL_UUID.fullmatch
    observations = []
    for o in batch.observations:
        if not match(o.id):
            return None
        started = o.started_at.astimezone(UTC)
        ended = o.ended_at.astimezone(UTC) if o.ended_at is not None else None
        if ends_before_start(started, ended):
            return None
        observations.append({"id": o.id, "cycle_id": o.cycle_id, "started_at": started,
                             "ended_at": ended})
    events = []
    for e in batch.events:
        if not (match(e.id) and match(e.observation_id)) or (
            e.note is not None and "\x00" in e.note
        ):
            return None
        events.append({
            "id": e.id,
            "observation_id": e.observation_id,
            "lookfor_id": e.lookfor_id,
            "offset_ms": e.offset_ms,
            "recorded_at": e.recorded_at.astimezone(UTC),
            "count": 1 if e.count is None else e.count,
            "duration_ms": e.duration_ms,
            "note": e.note,
            "deleted": bool(e.deleted),
            "version": 1 if e.version is None else e.version,
            "data": e.data,
        })
    return observations, events
