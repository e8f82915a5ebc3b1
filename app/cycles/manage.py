"""Managing a cycle: editing its goal, baseline, target and norms, and closing and reopening it.

Every change is kept as a dated CycleChange (the field, its old and new value), listed under
"Changes" on the cycle page; closing and reopening are kept the same way (field "status"), so
reopening puts back the status the cycle had when it was closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Cycle, CycleChange, CycleStatus, Observation, utcnow
from .services import CycleError, set_status

# The fields a coach edits, in form order, with their labels and longest lengths (as the new
# cycle form's).
FIELDS = {"goal": ("Goal", 2000), "baseline": ("Baseline", 500), "target": ("Target", 500),
          "norms": ("Norms", 2000)}
LABELS = {**{name: label for name, (label, _) in FIELDS.items()}, "status": "Status"}


@dataclass(frozen=True)
class Change:
    """One change as the cycle page lists it."""

    field: str
    label: str
    old: str | None
    new: str | None
    changed_at: datetime


def _clean(name: str, value: str | None) -> str | None:
    label, limit = FIELDS[name]
    text = (value or "").strip()
    if len(text) > limit:
        raise CycleError(f"Keep the {label.lower()} under {limit:,} characters.")
    return text or None


def edit_cycle(cycle: Cycle, values: dict[str, str | None],
               now: datetime | None = None) -> list[CycleChange]:
    """Set the goal, baseline, target and norms; each field that really changed is recorded
    with its old and new value (all at the same moment). Nothing is saved if one is refused."""
    clean = {name: _clean(name, values.get(name)) for name in FIELDS}
    if not clean["goal"]:
        raise CycleError("Write the one measurable goal.")
    now = now or utcnow()
    changes = []
    for name, new in clean.items():
        old = getattr(cycle, name)
        if old != new:
            changes.append(CycleChange(cycle_id=cycle.id, field=name, old_value=old,
                                       new_value=new, changed_at=now))
            setattr(cycle, name, new)
    db.session.add_all(changes)
    db.session.commit()
    return changes


def close_cycle(cycle: Cycle, now: datetime | None = None) -> None:
    """Close the cycle (it leaves the dashboard; everything is kept)."""
    set_status(cycle, CycleStatus.CLOSED, now)


def reopen_cycle(cycle: Cycle, now: datetime | None = None) -> None:
    """Reopen a closed cycle with the status it had when it was closed (when that was not
    recorded: observing once it has observations, else planning)."""
    if cycle.is_open:
        return
    before = db.session.scalar(
        select(CycleChange.old_value)
        .where(CycleChange.cycle_id == cycle.id, CycleChange.field == "status",
               CycleChange.new_value == CycleStatus.CLOSED)
        .order_by(CycleChange.changed_at.desc(), CycleChange.id.desc()).limit(1))
    if before not in CycleStatus.values() or before == CycleStatus.CLOSED:
        observed = db.session.scalar(select(Observation.id).where(
            Observation.cycle_id == cycle.id, Observation.deleted_at.is_(None)).limit(1))
        before = CycleStatus.OBSERVING if observed else CycleStatus.PLANNING
    set_status(cycle, before, now)


def changes_of(cycle: Cycle) -> list[Change]:
    """The cycle's changes, newest first."""
    def shown(field: str, value: str | None) -> str | None:
        if field == "status" and value in CycleStatus.values():
            return CycleStatus(value).label
        return value

    return [
        Change(c.field, LABELS.get(c.field, c.field.capitalize()), shown(c.field, c.old_value),
               shown(c.field, c.new_value), c.changed_at)
        for c in db.session.scalars(
            select(CycleChange).where(CycleChange.cycle_id == cycle.id)
            .order_by(CycleChange.changed_at.desc(), CycleChange.id.desc()))
    ]
