"""Across this cycle: for each live look-for, its kind's own metric in every observation of the
cycle, oldest first (Try-Measure-Learn: is the practice moving toward the target?). A tally is
read as a rate per 10 minutes, a duration as its share of the lesson, a category as the share
of each category, and so on (each kind's `trend`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import kinds
from ..models import LookFor
from ..observations.facts import ObservationFacts

# A rate from a lesson this short would look huge: such points are marked, not drawn.
SHORT_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class TrendPoint:
    observation_id: str
    started_at: datetime
    value: float | None
    is_current: bool
    short: bool  # a rate from an observation under 10 minutes: marked rather than drawn
    number: int  # 1 for the cycle's first observation


@dataclass(frozen=True)
class TrendSeries:
    label: str  # the look-for's label
    metric: str  # what is plotted, e.g. "share of the lesson"
    unit: str  # "percent", "rate", "count" or "ms"
    kind: str
    colour: int
    points: list[TrendPoint]

    @property
    def top(self) -> float:
        """The value drawn full height: 100% for shares, else the largest value shown."""
        if self.unit == "percent":
            return 1.0
        return max((p.value for p in self.points if p.value and not p.short), default=0) or 1


def cycle_trend(all_facts: list[ObservationFacts], current_id: str,
                lookfors: list[LookFor]) -> list[TrendSeries]:
    """One series per live look-for and metric, one point per observation (the facts are the
    cycle's live observations in start order)."""
    series = []
    for lookfor in lookfors:
        if lookfor.archived:
            continue
        kind = kinds.get(lookfor.kind)
        config = lookfor.config or {}
        per_observation = [
            kind.trend(config, kind.figures(config, f.marks.get(lookfor.id, []), f.length_ms))
            for f in all_facts
        ]
        keys = dict.fromkeys(value.key for values in per_observation for value in values)
        for key in keys:
            points, metric, unit = [], "", "count"
            for number, (facts, values) in enumerate(zip(all_facts, per_observation,
                                                         strict=True), start=1):
                value = next((v for v in values if v.key == key), None)
                if value is not None:
                    metric, unit = value.label, value.unit
                points.append(TrendPoint(
                    facts.id, facts.started_at, value.value if value else None,
                    facts.id == current_id,
                    value is not None and value.unit == "rate" and facts.length_ms < SHORT_MS,
                    number,
                ))
            series.append(TrendSeries(lookfor.label, metric, unit, lookfor.kind,
                                      lookfor.colour, points))
    return series
