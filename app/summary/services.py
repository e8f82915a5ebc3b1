"""summary.json: the figures of an observation and of a whole cycle, per look-for, each from
its look-for's kind (app/kinds), with the goal's measure (app/goals).

Pooled figures are the kind's own figures over every observation's events together, with the
lengths summed: summed before dividing, never an average of averages."""

from __future__ import annotations

from datetime import datetime

from ..goals import services as goals
from ..models import Cycle, LookFor, Observation
from ..observations import figures as fig
from ..observations.facts import ObservationFacts, cycle_lookfors, gather, live_observations


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def observation_object(facts: ObservationFacts, lookfors: list[LookFor],
                       progress: goals.Progress | None) -> dict:
    o = facts.observation
    point = next((p for p in progress.points if p.observation_id == o.id), None) \
        if progress else None
    return {
        "observation": {
            "id": o.id,
            "cycle_id": o.cycle_id,
            "started_at": iso(o.started_at),
            "ended_at": iso(o.ended_at),
            "length_ms": facts.length_ms,
        },
        "lookfors": [
            {"id": lf.id, "label": lf.label, "kind": lf.kind, **fig.lookfor_figures(lf, facts)}
            for lf in lookfors
        ],
        "measure": goals.measure_object(progress, point.value if point else None),
    }


def observation_summary(observation: Observation) -> dict:
    """summary.json for one observation."""
    lookfors = cycle_lookfors(observation.cycle_id)
    all_facts = gather(live_observations(observation.cycle_id))
    facts = next((f for f in all_facts if f.id == observation.id), None) or gather(
        [observation])[0]
    progress = goals.progress_of(observation.cycle, all_facts, lookfors)
    return observation_object(facts, fig.shown_lookfors(lookfors, [facts]), progress)


def cycle_summary(cycle: Cycle) -> dict:
    """summary.json for a cycle: every observation in start order, the pooled figures, and the
    goal's progress."""
    all_facts = gather(live_observations(cycle.id))
    lookfors = cycle_lookfors(cycle.id)
    shown = fig.shown_lookfors(lookfors, all_facts)
    progress = goals.progress_of(cycle, all_facts, lookfors)
    return {
        "cycle": {"id": cycle.id, "goal": cycle.goal},
        "observations": [observation_object(f, shown, progress) for f in all_facts],
        "pooled": {
            "lookfors": [
                {"id": lf.id, "label": lf.label, "kind": lf.kind,
                 **fig.pooled_figures(lf, all_facts)}
                for lf in shown
            ]
        },
        "progress": [
            {"observation_id": p.observation_id, "started_at": iso(p.started_at),
             "value": p.value}
            for p in (progress.points if progress else [])
        ],
        "met": progress.met if progress else False,
    }
