"""Across this cycle: each live look-for's count and rate per 10 minutes in every observation of
the cycle, oldest first (Try-Measure-Learn: is the practice moving toward the target?)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import Cycle, Event, LookFor, Observation
from .evidence import observation_length_ms, rate_per_10_minutes


@dataclass(frozen=True)
class TrendPoint:
    observation_id: str
    started_at: datetime
    count: int
    rate_per_10: float | None
    is_current: bool


@dataclass(frozen=True)
class TrendSeries:
    label: str
    kind: str
    colour: int
    points: list[TrendPoint]

    @property
    def max_rate(self) -> float:
        return max((p.rate_per_10 or 0 for p in self.points), default=0)


def cycle_trend(cycle: Cycle, current_id: str, lookfors: list[LookFor]) -> list[TrendSeries]:
    """Per live look-for, one point per observation of the cycle (deleted ones left out), in
    two queries whatever the number of observations and events."""
    observations = list(
        db.session.execute(
            select(Observation.id, Observation.started_at, Observation.ended_at)
            .where(Observation.cycle_id == cycle.id, Observation.deleted_at.is_(None))
            .order_by(Observation.started_at)
        )
    )
    totals = db.session.execute(
        select(
            Event.observation_id,
            Event.lookfor_id,
            func.sum(Event.count),
            func.max(Event.offset_ms + func.coalesce(Event.duration_ms, 0)),
        )
        .join(Observation)
        .where(Observation.cycle_id == cycle.id, Event.deleted.is_(False))
        .group_by(Event.observation_id, Event.lookfor_id)
    ).all()
    counts: dict[tuple[str, int | None], int] = {}
    last_end: dict[str, int] = {}
    for observation_id, lookfor_id, count, end in totals:
        counts[(observation_id, lookfor_id)] = int(count or 0)
        last_end[observation_id] = max(last_end.get(observation_id, 0), int(end or 0))
    # The same length as the observation's own debrief, a wrong device clock included.
    lengths = {
        o.id: observation_length_ms(o.started_at, o.ended_at, last_end.get(o.id))
        for o in observations
    }
    series = []
    for lookfor in lookfors:
        if lookfor.archived:
            continue
        points = [
            TrendPoint(
                o.id,
                o.started_at,
                counts.get((o.id, lookfor.id), 0),
                rate_per_10_minutes(counts.get((o.id, lookfor.id), 0), lengths[o.id]),
                o.id == current_id,
            )
            for o in observations
        ]
        series.append(TrendSeries(lookfor.label, lookfor.kind, lookfor.colour, points))
    return series
