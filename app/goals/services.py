"""The goal as a measure: the measures a cycle's look-fors offer (each kind offers its own,
app/kinds), the chosen measure's value in every observation, its baseline and target, and
whether the goal is met (Try-Measure-Learn: is the teacher moving toward the goal?)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import kinds
from ..extensions import db
from ..kinds.base import Measure
from ..models import Cycle, CycleStatus, LookFor, utcnow
from ..observations.facts import ObservationFacts, cycle_lookfors, gather, live_observations
from ..observations.figures import lookfor_figures, pooled_figures

UNITS = ("percent", "ratio", "rate", "count", "seconds")
SHORT_MS = 10 * 60 * 1000  # a rate from a lesson under 10 minutes is marked on the chart
MAX_GOAL = 2000  # as the new-cycle form's Goal


class GoalError(ValueError):
    """A measure, baseline or target that cannot be saved, with a message for the coach."""


def available_measures(lookfors: list[LookFor]) -> list[Measure]:
    """Every measure the cycle's live look-fors offer, in look-for order."""
    live = [lf for lf in lookfors if not lf.archived]
    return [m for lf in live for m in kinds.get(lf.kind).measures(lf, live)]


def find_measure(key: str | None, lookfors: list[LookFor]) -> Measure | None:
    """The measure with this key, if the cycle's look-fors still offer it."""
    if not key:
        return None
    return next((m for m in available_measures(lookfors) if m.key == key), None)


def format_value(value: float | None, unit: str) -> str:
    """A measure's value in words: 62%, 0.5, 2.5 per 10 minutes…"""
    if value is None:
        return "no data"
    if unit == "percent":
        return f"{value:.0f}%"
    if unit == "seconds":
        return f"{value:.1f} s"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.2f}".rstrip("0").rstrip(".") if unit == "ratio" else f"{value:.1f}"


@dataclass(frozen=True)
class ProgressPoint:
    observation_id: str
    started_at: datetime
    number: int  # 1 for the cycle's first observation
    value: float | None
    short: bool  # under 10 minutes: marked on the chart


@dataclass(frozen=True)
class Progress:
    """The chosen measure across the cycle's observations, in start order."""

    measure: Measure
    points: list[ProgressPoint]
    baseline: float | None
    target: float | None

    @property
    def direction(self) -> int:
        """+1 when the goal is to raise the measure, -1 to lower it, 0 when unknown."""
        if self.baseline is None or self.target is None or self.baseline == self.target:
            return 1 if self.target is not None else 0
        return 1 if self.target > self.baseline else -1

    def reached(self, value: float | None) -> bool:
        if value is None or self.target is None:
            return False
        return value <= self.target if self.direction < 0 else value >= self.target

    def point(self, observation_id: str) -> ProgressPoint | None:
        """This observation's point (None when it is not a live observation of the cycle)."""
        return next((p for p in self.points if p.observation_id == observation_id), None)

    @property
    def latest(self) -> ProgressPoint | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def met(self) -> bool:
        """The latest observation with data reached the target."""
        latest = self.latest
        return latest is not None and self.reached(latest.value)

    def sentence(self, value: float | None) -> str:
        """"This lesson: 62% of … Baseline 40%, target 80%." in plain words."""
        unit = self.measure.unit
        if value is None:
            head = f"This lesson has no data yet for {self.measure.label}."
        else:
            phrase = self.measure.phrase.replace("{value}", format_value(value, unit))
            head = f"This lesson: {phrase[:1].upper()}{phrase[1:]}."
        parts = []
        if self.baseline is not None:
            parts.append(f"Baseline {format_value(self.baseline, unit)}")
        if self.target is not None:
            parts.append(f"target {format_value(self.target, unit)}")
        tail = ", ".join(parts)
        return f"{head} {tail[:1].upper()}{tail[1:]}." if tail else head


def progress_of(cycle: Cycle, all_facts: list[ObservationFacts] | None = None,
                lookfors: list[LookFor] | None = None) -> Progress | None:
    """The cycle's measure in every live observation (None when no measure is chosen or its
    look-fors are gone); the facts and look-fors may be passed in when already read."""
    lookfors = cycle_lookfors(cycle.id) if lookfors is None else lookfors
    measure = find_measure(cycle.measure, lookfors)
    if measure is None:
        return None
    all_facts = gather(live_observations(cycle.id)) if all_facts is None else all_facts
    points = []
    for number, facts in enumerate(all_facts, start=1):
        figures = {lf.id: lookfor_figures(lf, facts) for lf in lookfors}
        points.append(ProgressPoint(facts.id, facts.started_at, number, measure.value(figures),
                                    facts.length_ms < SHORT_MS))
    baseline = cycle.baseline_value
    if cycle.baseline_from_first:
        baseline = next((p.value for p in points if p.value is not None), None)
    return Progress(measure, points, baseline, cycle.target_value)


def pooled_value(cycle: Cycle, measure: Measure, all_facts: list[ObservationFacts],
                 lookfors: list[LookFor]) -> float | None:
    """The measure over all the cycle's observations together (summed before dividing)."""
    return measure.value({lf.id: pooled_figures(lf, all_facts) for lf in lookfors})


def measure_object(progress: Progress | None, value: float | None) -> dict | None:
    """summary.json's "measure" for one observation."""
    if progress is None:
        return None
    return {"label": progress.measure.label, "unit": progress.measure.unit, "value": value,
            "baseline": progress.baseline, "target": progress.target}


def set_measure(cycle: Cycle, key: str | None, baseline: float | None, target: float | None,
                baseline_from_first: bool) -> None:
    """Choose the goal's measure (or none), its baseline and its target, in its unit (a
    percent from 0 to 100: 80 means 80%)."""
    measure = find_measure(key, cycle_lookfors(cycle.id)) if key else None
    if key and measure is None:
        raise GoalError("Choose a measure from the list.")
    for what, number in (("baseline", None if baseline_from_first else baseline),
                         ("target", target)):
        if number is None or measure is None:
            continue
        # nan and inf fail this comparison too.
        if not -1e9 < number < 1e9:
            raise GoalError(f"The {what} value is out of range.")
        if measure.unit == "percent" and not 0 <= number <= 100:
            raise GoalError(f"The {what} value is a percent: write a number from 0 to 100 "
                            "(80 means 80%).")
        if number < 0:
            raise GoalError(f"The {what} value cannot be below 0.")
    # With no measure the numbers would mean nothing: the words in Goal, Baseline and Target
    # stay as the coach's notes.
    cycle.measure = key or None
    cycle.baseline_value = None if baseline_from_first or measure is None else baseline
    cycle.target_value = None if measure is None else target
    cycle.baseline_from_first = bool(baseline_from_first) and measure is not None
    db.session.commit()


def mark_goal_met(cycle: Cycle) -> None:
    """The coach marks the goal met (the first date is kept)."""
    if cycle.goal_met_at is None:
        cycle.goal_met_at = utcnow()
        db.session.commit()


def close_cycle(cycle: Cycle) -> None:
    """Try-Measure-Learn's first next step: the cycle ends here."""
    cycle.move_to(CycleStatus.CLOSED)
    db.session.commit()


def next_cycle_of(cycle: Cycle) -> Cycle | None:
    """The cycle that follows this one with the same teacher, if a next goal was set."""
    return db.session.scalar(
        select(Cycle).where(Cycle.previous_cycle_id == cycle.id).order_by(Cycle.id).limit(1))


def set_next_goal(cycle: Cycle, goal: str | None) -> Cycle:
    """Try-Measure-Learn's other next step: a new cycle with the same teacher on a new goal,
    carrying the live look-fors over (label, kind, config, order) and the norms; this cycle
    closes. Once set, pressing again lands on the same next cycle (no duplicates)."""
    goal = (goal or "").strip()
    if not goal:
        raise GoalError("Write the next goal.")
    if len(goal) > MAX_GOAL:
        raise GoalError(f"Keep the goal under {MAX_GOAL:,} characters.")
    existing = next_cycle_of(cycle)
    if existing is not None:
        return existing
    following = Cycle(teacher_id=cycle.teacher_id, goal=goal, focus_area=cycle.focus_area,
                      norms=cycle.norms, status=CycleStatus.PLANNING,
                      previous_cycle_id=cycle.id)
    db.session.add(following)
    db.session.flush()
    live = [lf for lf in cycle_lookfors(cycle.id) if not lf.archived]
    db.session.add_all(
        LookFor(cycle_id=following.id, label=lf.label, kind=lf.kind,
                config=copy.deepcopy(lf.config or {}), position=position)
        for position, lf in enumerate(live))
    cycle.move_to(CycleStatus.CLOSED)
    db.session.commit()
    return following
