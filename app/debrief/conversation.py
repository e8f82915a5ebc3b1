"""The reflective conversation: the coach's keepers, polishers, notes beside each GROW step
and private notes, the teacher's reflection, and the next steps they agree on, which carry
over to the next debrief of the cycle ("From last time": done, or not yet)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Debrief, NextStep, Observation, utcnow
from .guide import GROW_KEYS

STEP_STATUSES = ("done", "not_yet")
# A step's state on the cycle page and the teacher's cycle link, in words.
STATE_LABELS = {"open": "Open", "agreed": "Agreed", "done": "Done", "not_yet": "Not yet"}


class DebriefError(ValueError):
    """A debrief change that cannot be made, with a message for the coach or teacher."""


def get_debrief(observation: Observation) -> Debrief:
    """The observation's debrief record (a blank one when none is saved yet)."""
    return db.session.get(Debrief, observation.id) or Debrief(observation_id=observation.id)


def next_steps_of(observation: Observation) -> list[NextStep]:
    return list(
        db.session.scalars(
            select(NextStep)
            .where(NextStep.observation_id == observation.id)
            .order_by(NextStep.id)
        )
    )


def _clean(text: str | None, limit: int, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise DebriefError(f"Keep {what} under {limit:,} characters.")
    return text or None


def save_conversation(
    observation: Observation,
    *,
    keepers: str | None,
    polishers: str | None,
    private_notes: str | None,
    grow_notes: Mapping[str, str | None] | None = None,
) -> Debrief:
    """Save the coach's conversation notes: keepers, polishers, the notes beside each GROW
    step (only its known steps; None leaves them as they were) and private notes."""
    # Every field is checked before any is set, so a refused save changes nothing.
    texts = (_clean(keepers, 5000, "keepers"), _clean(polishers, 5000, "polishers"),
             _clean(private_notes, 5000, "private notes"))
    grow = None if grow_notes is None else {
        key: _clean(grow_notes.get(key), 5000, "each step's notes") for key in GROW_KEYS}
    debrief = get_debrief(observation)
    debrief.keepers, debrief.polishers, debrief.private_notes = texts
    if grow is not None:
        debrief.grow_notes = {key: text for key, text in grow.items() if text} or None
    db.session.add(debrief)
    db.session.commit()
    return debrief


def save_reflection(observation: Observation, text: str | None) -> Debrief:
    """Save the teacher's own reflection, written through the share link."""
    reflection = _clean(text, 5000, "your reflection")
    debrief = get_debrief(observation)
    if inspect(debrief).persistent:
        # updated_at stays when the coach last saved the debrief (the coaching log dates the
        # debrief by it); the teacher's reflection keeps its own time.
        db.session.execute(
            update(Debrief).where(Debrief.observation_id == observation.id)
            .values(teacher_reflection=reflection, reflection_at=utcnow(),
                    updated_at=Debrief.updated_at)
        )
        db.session.commit()
        db.session.refresh(debrief)
        return debrief
    debrief.teacher_reflection = reflection
    debrief.reflection_at = utcnow()
    db.session.add(debrief)
    db.session.commit()
    return debrief


def add_next_step(
    observation: Observation, action: str, who: str | None, by_when: date | None
) -> NextStep:
    """Record one concrete next step agreed in the debrief."""
    action_text = _clean(action, 1000, "the action")
    if not action_text:
        raise DebriefError("Write the action: what will be tried?")
    step = NextStep(
        observation_id=observation.id,
        action=action_text,
        who=_clean(who, 120, "who"),
        by_when=by_when,
    )
    db.session.add(step)
    db.session.commit()
    return step


def get_next_step(observation: Observation, step_id: int) -> NextStep | None:
    step = db.session.get(NextStep, step_id)
    return step if step is not None and step.observation_id == observation.id else None


def remove_next_step(step: NextStep) -> None:
    db.session.delete(step)
    db.session.commit()


def mark_agreed(step: NextStep) -> None:
    """The teacher agrees to a next step (idempotent: the first agreement's time stays)."""
    if step.agreed_at is None:
        step.agreed_at = utcnow()
        db.session.commit()


def set_step_status(step: NextStep, status: str) -> NextStep:
    """Looked at again in the next debrief: the step was done, or not yet (a second press
    changes it, and its time)."""
    if status not in STEP_STATUSES:
        raise DebriefError("Mark the step done or not yet.")
    step.status, step.status_at = status, utcnow()
    db.session.commit()
    return step


def step_state(step: NextStep) -> str:
    """open, agreed (by the teacher, not looked at again yet), done or not_yet."""
    if step.status in STEP_STATUSES:
        return step.status
    return "agreed" if step.agreed_at else "open"


def _previous_id(observation: Observation):
    """The id of the cycle's live observation just before this one, in start order (as a
    subquery, so "From last time" costs one query whether or not there is one)."""
    return (
        select(Observation.id)
        .where(
            Observation.cycle_id == observation.cycle_id,
            Observation.deleted_at.is_(None),
            Observation.id != observation.id,
            (Observation.started_at < observation.started_at)
            | ((Observation.started_at == observation.started_at)
               & (Observation.id < observation.id)),
        )
        .order_by(Observation.started_at.desc(), Observation.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def previous_observation(observation: Observation) -> Observation | None:
    """The cycle's live observation just before this one, in start order."""
    return db.session.scalar(select(Observation).where(Observation.id == _previous_id(
        observation)))


@dataclass(frozen=True)
class FromLastTime:
    """The previous debrief's next steps, looked at again in this one."""

    observation: Observation
    steps: list[NextStep]

    @property
    def open_count(self) -> int:
        return sum(1 for step in self.steps if step.status is None)


def from_last_time(observation: Observation) -> FromLastTime | None:
    """The next steps of the cycle's previous debrief, if it had any (in one query)."""
    steps = list(db.session.scalars(
        select(NextStep)
        .where(NextStep.observation_id == _previous_id(observation))
        .options(joinedload(NextStep.observation))
        .order_by(NextStep.id)
    ))
    return FromLastTime(steps[0].observation, steps) if steps else None


def get_step_from_last_time(observation: Observation, step_id: int) -> NextStep | None:
    """A step of the previous debrief, as seen from this one; None for any other step."""
    previous = previous_observation(observation)
    return get_next_step(previous, step_id) if previous is not None else None


@dataclass(frozen=True)
class CycleStep:
    step: NextStep
    observation_id: str
    started_at: datetime

    @property
    def state(self) -> str:
        return step_state(self.step)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def cycle_steps(cycle_id: int) -> list[CycleStep]:
    """Every next step of the cycle's live observations, in observation order, with the date
    of the debrief that agreed it."""
    rows = db.session.execute(
        select(NextStep, Observation.id, Observation.started_at)
        .join(Observation, NextStep.observation_id == Observation.id)
        .where(Observation.cycle_id == cycle_id, Observation.deleted_at.is_(None))
        .order_by(Observation.started_at, Observation.id, NextStep.id)
    )
    return [CycleStep(step, oid, started) for step, oid, started in rows]


def note_debrief_seen(observation_id: str, now: datetime | None = None) -> None:
    """The coach opened this debrief: what the teacher wrote or agreed so far is no longer
    new. One upsert (the teacher may be saving a reflection at the same moment); updated_at
    is left alone, since it dates the coach's last save (the coaching log reads it)."""
    now = now or utcnow()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stamp = dialect.insert(Debrief).values(observation_id=observation_id, coach_seen_at=now,
                                           updated_at=now)
    db.session.execute(stamp.on_conflict_do_update(index_elements=[Debrief.observation_id],
                                                   set_={"coach_seen_at": now}))
    db.session.commit()
