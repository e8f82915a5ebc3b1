"""Coaching cycles: one measurable goal, its look-fors, and the cycle's status.

Every lookup goes through get_owned_cycle / get_owned_lookfor, which 404 for anyone but the
owning coach."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, select

from .. import kinds
from ..extensions import db
from ..models import Coach, Cycle, CycleStatus, FocusArea, LookFor, LookForKind, Teacher


class CycleError(ValueError):
    """A change to a cycle that cannot be made, with a message for the coach."""


def get_owned_cycle(coach: Coach, cycle_id: int) -> Cycle:
    """The coach's cycle, or 404."""
    cycle = db.session.scalar(
        select(Cycle).join(Teacher).where(Cycle.id == cycle_id, Teacher.coach_id == coach.id)
    )
    if cycle is None:
        abort(404)
    return cycle


def get_owned_lookfor(coach: Coach, cycle_id: int, lookfor_id: int) -> LookFor:
    """A live look-for of the coach's cycle, or 404."""
    cycle = get_owned_cycle(coach, cycle_id)
    lookfor = db.session.get(LookFor, lookfor_id)
    if lookfor is None or lookfor.cycle_id != cycle.id or lookfor.archived:
        abort(404)
    return lookfor


def parse_lookfor_lines(text: str | None) -> list[str]:
    """One look-for per non-blank line, in order, without repeats."""
    labels: list[str] = []
    for line in (text or "").splitlines():
        label = line.strip().lstrip("-*•").strip()
        if label and label.casefold() not in (seen.casefold() for seen in labels):
            if len(label) > 120:
                raise CycleError("Keep each look-for under 120 characters.")
            labels.append(label)
    return labels


def create_cycle(
    teacher: Teacher,
    *,
    goal: str,
    focus_area: str,
    baseline: str | None = None,
    target: str | None = None,
    norms: str | None = None,
    lookfor_lines: str | None = None,
) -> Cycle:
    """Open a coaching cycle on one goal; each look-for line becomes a tally look-for."""
    if not goal.strip():
        raise CycleError("Write the one measurable goal.")
    if focus_area not in FocusArea.values():
        raise CycleError("Choose a focus area.")
    cycle = Cycle(
        teacher_id=teacher.id,
        goal=goal.strip(),
        focus_area=focus_area,
        baseline=(baseline or "").strip() or None,
        target=(target or "").strip() or None,
        norms=(norms or "").strip() or None,
        status=CycleStatus.PLANNING,
    )
    db.session.add(cycle)
    db.session.flush()
    for position, label in enumerate(parse_lookfor_lines(lookfor_lines)):
        db.session.add(
            LookFor(cycle_id=cycle.id, label=label, kind=LookForKind.TALLY, position=position)
        )
    db.session.commit()
    return cycle


def set_status(cycle: Cycle, status: str) -> None:
    """Move the cycle to planning, observing, debriefing or closed."""
    if status not in CycleStatus.values():
        raise CycleError("Choose a status.")
    cycle.status = status
    db.session.commit()


def _check_lookfor(label: str, kind: str) -> str:
    label = label.strip()
    if not label:
        raise CycleError("A look-for needs a label.")
    if len(label) > 120:
        raise CycleError("Keep each look-for under 120 characters.")
    if kind not in LookForKind.values():
        raise CycleError("Choose a kind: " + ", ".join(kinds.get(k).label for k in kinds.names())
                         + ".")
    return label


def add_lookfor(cycle: Cycle, label: str, kind: str = LookForKind.TALLY) -> LookFor:
    """Add a look-for at the end of the cycle's list."""
    label = _check_lookfor(label, kind)
    last = db.session.scalar(
        select(func.max(LookFor.position)).where(LookFor.cycle_id == cycle.id)
    )
    lookfor = LookFor(cycle_id=cycle.id, label=label, kind=kind, position=(last or 0) + 1)
    db.session.add(lookfor)
    db.session.commit()
    return lookfor


def update_lookfor(lookfor: LookFor, label: str, kind: str) -> LookFor:
    """Rename a look-for and set its kind."""
    lookfor.label = _check_lookfor(label, kind)
    lookfor.kind = kind
    db.session.commit()
    return lookfor


def move_lookfor(lookfor: LookFor, direction: str) -> None:
    """Swap a look-for with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise CycleError("Move a look-for up or down.")
    siblings = list(lookfor.cycle.lookfors)
    index = siblings.index(lookfor)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    # Renumber the whole list, so positions stay dense whatever came before.
    for position, item in enumerate(siblings):
        item.position = position
    db.session.commit()


def remove_lookfor(lookfor: LookFor) -> None:
    """Take a look-for off the cycle. Archived, not deleted: recorded events keep their label."""
    lookfor.archived = True
    db.session.commit()
