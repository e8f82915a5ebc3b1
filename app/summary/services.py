"""summary.json: the figures of an observation and of a whole cycle, per look-for, each from
its look-for's kind (app/kinds).

Pooled figures are the kind's own figures over every observation's events together, with the
lengths summed: summed before dividing, never an average of averages."""

from __future__ import annotations

from datetime import datetime

from ..models import Cycle, LookFor, Observation
from ..observations.facts import ObservationFacts, cycle_lookfors, gather, live_observations
from . import figures as fig


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def observation_object(facts: ObservationFacts, lookfors: list[LookFor]) -> dict:
    o = facts.observation
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
    }


def observation_summary(observation: Observation) -> dict:
    """summary.json for one observation."""
    facts = gather([observation])
    return observation_object(facts[0], fig.shown_lookfors(
        cycle_lookfors(observation.cycle_id), facts))


def cycle_summary(cycle: Cycle) -> dict:
    """summary.json for a cycle: every observation in start order, then the pooled figures."""
    facts = gather(live_observations(cycle.id))
    lookfors = fig.shown_lookfors(cycle_lookfors(cycle.id), facts)
    return {
        "cycle": {"id": cycle.id, "goal": cycle.goal},
        "observations": [observation_object(f, lookfors) for f in facts],
        "pooled": {
            "lookfors": [
                {"id": lf.id, "label": lf.label, "kind": lf.kind, **fig.pooled_figures(lf, facts)}
                for lf in lookfors
            ]
        },
    }
