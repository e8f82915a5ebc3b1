"""The record of a whole cycle, as the teacher's cycle link and the coach's cycle report show
it: the goal and its progress, each observation's evidence summary (its look-fors' headline
figures), what each debrief shares with the teacher, and every next step with its state.

Private notes are never read into it: the debriefs are read column by column, so no page
built from a record can show them, whatever its template does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..debrief.conversation import CycleStep, cycle_steps
from ..debrief.evidence import Row, gather_evidence
from ..extensions import db
from ..goals.services import Progress, progress_of
from ..models import Cycle, Debrief, Observation
from ..observations.facts import cycle_lookfors, gather, live_observations
from ..observations.services import clock


@dataclass(frozen=True)
class SharedDebrief:
    """What a debrief shares with the teacher (never the coach's private notes)."""

    keepers: str | None = None
    polishers: str | None = None
    grow_notes: dict | None = None
    teacher_reflection: str | None = None
    reflection_at: datetime | None = None


@dataclass(frozen=True)
class ObservationRecord:
    observation: Observation
    number: int  # 1 for the cycle's first observation
    length_ms: int
    rows: list[Row]  # each look-for's headline figures, as the debrief's counts table
    debrief: SharedDebrief
    steps: list[CycleStep]

    @property
    def length_clock(self) -> str:
        return clock(self.length_ms)


@dataclass(frozen=True)
class CycleRecord:
    cycle: Cycle
    progress: Progress | None
    observations: list[ObservationRecord]
    steps: list[CycleStep]

    @property
    def reflections(self) -> list[ObservationRecord]:
        """The observations the teacher wrote a reflection on."""
        return [o for o in self.observations if o.debrief.teacher_reflection]


def shared_debriefs(observation_ids: list[str]) -> dict[str, SharedDebrief]:
    """Each observation's shareable debrief texts, read without the private notes."""
    if not observation_ids:
        return {}
    rows = db.session.execute(
        select(Debrief.observation_id, Debrief.keepers, Debrief.polishers, Debrief.grow_notes,
               Debrief.teacher_reflection, Debrief.reflection_at)
        .where(Debrief.observation_id.in_(observation_ids))
    )
    return {oid: SharedDebrief(*texts) for oid, *texts in rows}


def cycle_record(cycle: Cycle) -> CycleRecord:
    """The cycle's record, read in a fixed number of queries whatever its size."""
    all_facts = gather(live_observations(cycle.id))
    lookfors = cycle_lookfors(cycle.id)
    progress = progress_of(cycle, all_facts, lookfors)
    debriefs = shared_debriefs([f.id for f in all_facts])
    steps = cycle_steps(cycle.id)
    observations = []
    for number, facts in enumerate(all_facts, start=1):
        evidence = gather_evidence(facts.observation, facts, lookfors)
        observations.append(ObservationRecord(
            facts.observation, number, evidence.length_ms, evidence.rows,
            debriefs.get(facts.id, SharedDebrief()),
            [s for s in steps if s.observation_id == facts.id],
        ))
    return CycleRecord(cycle, progress, observations, steps)
