"""The debrief's one entry point, `debrief_of()`, for the coach's page and the teacher's link.

Its parts live beside it, one job each: evidence.py (the evidence of one observation and its
timeline), trend.py (across the cycle), conversation.py (notes, reflection, next steps) and
corrections.py (delete, move, edit an event). Their public functions are named here too, so
views call `services.x` whichever module holds it."""

from __future__ import annotations

from ..goals.services import progress_of
from ..models import Observation
from ..observations.facts import cycle_lookfors, gather, live_observations
from .conversation import (
    CycleStep,
    DebriefError,
    FromLastTime,
    add_next_step,
    cycle_steps,
    from_last_time,
    get_debrief,
    get_next_step,
    get_step_from_last_time,
    mark_agreed,
    next_steps_of,
    note_debrief_seen,
    remove_next_step,
    save_conversation,
    save_reflection,
    set_step_status,
    step_state,
)
from .corrections import correct_event, correction_targets, get_live_event
from .evidence import (
    Evidence,
    axis_ticks,
    find_judgment_words,
    gather_evidence,
    judgment_words,
    lesson_length,
    observation_length_ms,
    rate_per_10_minutes,
)
from .trend import TrendPoint, TrendSeries, cycle_trend

__all__ = [
    "CycleStep", "DebriefError", "Evidence", "FromLastTime", "TrendPoint", "TrendSeries",
    "add_next_step", "axis_ticks", "correct_event", "correction_targets", "cycle_lookfors",
    "cycle_steps", "cycle_trend", "debrief_of", "find_judgment_words", "from_last_time",
    "gather_evidence", "get_debrief", "get_live_event", "get_next_step",
    "get_step_from_last_time", "judgment_words", "lesson_length", "mark_agreed",
    "note_debrief_seen", "next_steps_of", "observation_length_ms", "rate_per_10_minutes",
    "remove_next_step",
    "save_conversation", "save_reflection", "set_step_status", "step_state",
]


def debrief_of(observation: Observation) -> dict:
    """What both the coach's debrief and the teacher's link show: the evidence, the goal's
    progress and the trend across the cycle, the conversation record and the next steps."""
    # The events of the whole cycle in one query: this observation's evidence and the trend.
    all_facts = gather(live_observations(observation.cycle_id))
    facts = next((f for f in all_facts if f.id == observation.id), None) or gather(
        [observation])[0]
    lookfors = cycle_lookfors(observation.cycle_id)
    evidence = gather_evidence(observation, facts, lookfors)
    return {
        "observation": observation,
        "evidence": evidence,
        "trend": cycle_trend(all_facts, observation.id, lookfors),
        "progress": progress_of(observation.cycle, all_facts, lookfors),
        "debrief": get_debrief(observation),
        "next_steps": next_steps_of(observation),
    }
