"""Corrections to recorded events from the debrief: delete one, move it to another look-for of
the same kind, or edit a note's text. Each is one more version of the event through the same
sync rules as capture, so a late resend from the coach's phone cannot undo it."""

from __future__ import annotations

from ..extensions import db
from ..models import Event, LookFor, Observation
from .conversation import DebriefError
from .evidence import EventView, cycle_lookfors


def correction_targets(lookfors: list[LookFor], event: Event | EventView) -> list[LookFor]:
    """The live look-fors an event can be moved to: those of the same kind and config (so its
    category, codes or scan still mean the same there), other than its own."""
    kind, config = ("note", {}) if event.lookfor_id is None else (None, None)
    for lookfor in lookfors:
        if lookfor.id == event.lookfor_id:
            kind, config = lookfor.kind, lookfor.config or {}
    return [
        lf for lf in lookfors
        if not lf.archived and lf.kind == kind and (lf.config or {}) == config
        and lf.id != event.lookfor_id
    ]


def get_live_event(observation: Observation, event_id: str) -> Event | None:
    """A live (not deleted) event of this observation, or None."""
    event = db.session.get(Event, event_id) if event_id else None
    if event is None or event.observation_id != observation.id or event.deleted:
        return None
    return event


def correct_event(
    coach, observation: Observation, event_id: str, action: str, *,
    lookfor_id: str | None = None, note: str | None = None,
) -> None:
    """Delete an event, move it to another look-for or edit a note's text (a deletion stays a
    tombstone)."""
    from ..sync.services import apply_sync_batch  # the sync area depends on nothing here

    event = get_live_event(observation, event_id)
    if event is None:
        raise DebriefError("That event is not in this observation.")
    payload = {
        "id": event.id,
        "observation_id": event.observation_id,
        "lookfor_id": event.lookfor_id,
        "offset_ms": event.offset_ms,
        "recorded_at": event.recorded_at.isoformat(),
        "count": event.count,
        "duration_ms": event.duration_ms,
        "note": event.note,
        "data": event.data,
        "deleted": False,
        "version": event.version + 1,
    }
    if action == "delete":
        payload["deleted"] = True
    elif action == "move":
        targets = {lf.id for lf in correction_targets(cycle_lookfors(observation.cycle_id), event)}
        if not (lookfor_id or "").isdigit() or int(lookfor_id) not in targets:
            raise DebriefError("Choose a look-for of the same kind to move it to.")
        payload["lookfor_id"] = int(lookfor_id)
    elif action == "note":
        text = (note or "").strip()
        if not text:
            raise DebriefError("A note needs text; delete the event instead.")
        payload["note"] = text
    else:
        raise DebriefError("Choose delete, move or edit.")
    answer = apply_sync_batch(coach, {"observations": [], "events": [payload]})
    if answer["events"]["rejected"]:
        raise DebriefError(answer["events"]["rejected"][0]["error"])
