"""What was recorded in observations, read once for every page and file that reads it back:
each observation's live events as marks grouped by look-for, and its length."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..kinds import Mark
from ..models import Event, LookFor, Observation
from .length import Length, lesson_length


@dataclass(frozen=True)
class ObservationFacts:
    """One observation with its live events, in time order, grouped by look-for (None: the
    free notes)."""

    observation: Observation
    length: Length
    marks: dict[int | None, list[Mark]]
    events: list[tuple[int | None, Mark]]  # (look-for id, mark) in time order

    @property
    def id(self) -> str:
        return self.observation.id

    @property
    def started_at(self) -> datetime:
        return self.observation.started_at

    @property
    def length_ms(self) -> int:
        return self.length.ms


def gather(observations: list[Observation]) -> list[ObservationFacts]:
    """Each observation's live events as marks, read in one query for all of them."""
    grouped: dict[str, dict[int | None, list[Mark]]] = {
        o.id: defaultdict(list) for o in observations
    }
    ordered: dict[str, list[tuple[int | None, Mark]]] = {o.id: [] for o in observations}
    last_end: dict[str, int] = {}
    if observations:
        # Plain tuples, not ORM objects: a long lesson has thousands of events to read.
        rows = db.session.execute(
            select(Event.observation_id, Event.lookfor_id, Event.offset_ms, Event.count,
                   Event.duration_ms, Event.note, Event.data, Event.id)
            .where(Event.observation_id.in_(list(grouped)), Event.deleted.is_(False))
            .order_by(Event.offset_ms, Event.recorded_at, Event.id)
        )
        for observation_id, lookfor_id, offset, count, duration, note, data, event_id in rows:
            mark = Mark(offset, count, duration, note, data, event_id)
            grouped[observation_id][lookfor_id].append(mark)
            ordered[observation_id].append((lookfor_id, mark))
            end = offset + (duration or 0)
            if end > last_end.get(observation_id, -1):
                last_end[observation_id] = end
    return [
        ObservationFacts(o, lesson_length(o.started_at, o.ended_at, last_end.get(o.id)),
                         grouped[o.id], ordered[o.id])
        for o in observations
    ]


def cycle_lookfors(cycle_id: int) -> list[LookFor]:
    """All of a cycle's look-fors, live ones first in display order, then removed ones."""
    return list(db.session.scalars(
        select(LookFor).where(LookFor.cycle_id == cycle_id)
        .order_by(LookFor.archived, LookFor.position, LookFor.id)
    ))


def live_observations(cycle_id: int) -> list[Observation]:
    """The cycle's observations in start order, deleted ones left out."""
    return list(db.session.scalars(
        select(Observation)
        .where(Observation.cycle_id == cycle_id, Observation.deleted_at.is_(None))
        .order_by(Observation.started_at, Observation.id)
    ))
