"""Observations: the capture screen's data, and what was recorded in one visit.

Observations and events are written by the sync API (app/sync); this module reads them, and
deletes one: a deleted observation stays as a tombstone (deleted_at set, everything recorded
about it removed), so a device that sends it again later cannot bring it back."""

from __future__ import annotations

from sqlalchemy import delete, select

from .. import kinds
from ..extensions import db
from ..kinds import CSV_EXTRA
from ..models import (
    Cycle,
    Debrief,
    Event,
    LookFor,
    NextStep,
    Observation,
    ShareLink,
    utcnow,
)


def delete_observation(observation: Observation) -> None:
    """Delete an observation for good: its events, debrief, next steps and share links go; the
    row stays as a tombstone so a late resend from a device is accepted and changes nothing."""
    # The tombstone first: its row lock makes a sync in flight (which reads the observation
    # FOR SHARE on PostgreSQL) wait, then see it deleted, so no event lands after the deletes.
    observation.deleted_at = utcnow()
    db.session.flush()
    for model in (Event, Debrief, NextStep, ShareLink):
        db.session.execute(delete(model).where(model.observation_id == observation.id))
    db.session.commit()
    # The relationships loaded before the bulk deletes would still list the removed rows.
    db.session.expire(observation)


def capture_config(cycle: Cycle) -> dict:
    """What the capture screen needs to run with no network: the cycle and its look-fors."""
    return {
        "cycle_id": cycle.id,
        "goal": cycle.goal,
        "teacher": cycle.teacher.name,
        "lookfors": [
            {"id": lf.id, "label": lf.label, "kind": lf.kind, "colour": lf.colour,
             "config": lf.config or {}}
            for lf in cycle.lookfors
        ],
    }


def live_events(observation: Observation) -> list[Event]:
    """The observation's events in time order, tombstones left out."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.observation_id == observation.id, Event.deleted.is_(False))
            .order_by(Event.offset_ms, Event.recorded_at)
        )
    )


def clock(offset_ms: int) -> str:
    """MM:SS since the start; minutes run past 59 rather than rolling into hours."""
    minutes, seconds = divmod(int(offset_ms) // 1000 if offset_ms > 0 else 0, 60)
    return f"{minutes:02d}:{seconds:02d}"


CSV_HEADER = (
    "observation_id",
    "event_id",
    "clock",
    "offset_seconds",
    "lookfor",
    "kind",
    "count",
    "duration_seconds",
    "note",
    "recorded_at",
    # Appended for the kinds of issue 6; each kind fills its own (app/kinds).
    *CSV_EXTRA,
)


def csv_rows(observation: Observation, events: list[Event]) -> list[tuple]:
    """One row per live event, in the column order of CSV_HEADER."""
    # Archived look-fors too: an event keeps the label it was recorded under.
    query = select(LookFor).where(LookFor.cycle_id == observation.cycle_id)
    lookfors = {lf.id: lf for lf in db.session.scalars(query)}
    rows = []
    for event in events:
        lookfor = lookfors.get(event.lookfor_id)
        kind = lookfor.kind if lookfor is not None else "note"
        extra = kinds.get(kind).csv_cells(event.data) if event.data is not None else {}
        rows.append(
            (
                observation.id,
                event.id,
                clock(event.offset_ms),
                f"{event.offset_ms / 1000:.3f}",
                lookfor.label if lookfor else "",
                kind,
                event.count,
                "" if event.duration_ms is None else f"{event.duration_ms / 1000:.3f}",
                event.note or "",
                event.recorded_at.isoformat().replace("+00:00", "Z"),
                *(extra.get(column, "") for column in CSV_EXTRA),
            )
        )
    return rows
