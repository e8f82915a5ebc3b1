"""The reflective conversation: the coach's keepers, polishers and private notes, the
teacher's reflection, and the next steps they agree on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Debrief, NextStep, Observation, utcnow


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
) -> Debrief:
    """Save the coach's conversation notes: keepers, polishers and private notes."""
    debrief = get_debrief(observation)
    debrief.keepers = _clean(keepers, 5000, "keepers")
    debrief.polishers = _clean(polishers, 5000, "polishers")
    debrief.private_notes = _clean(private_notes, 5000, "private notes")
    db.session.add(debrief)
    db.session.commit()
    return debrief


def save_reflection(observation: Observation, text: str | None) -> Debrief:
    """Save the teacher's own reflection, written through the share link."""
    debrief = get_debrief(observation)
    debrief.teacher_reflection = _clean(text, 5000, "your reflection")
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
