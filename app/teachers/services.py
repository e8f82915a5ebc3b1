"""Teachers: the coach's partners. Every lookup goes through get_owned_teacher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Coach, Cycle, Observation, Teacher


def get_owned_teacher(coach: Coach, teacher_id: int) -> Teacher:
    """The coach's teacher, or 404: another coach's teacher does not exist for them."""
    teacher = db.session.get(Teacher, teacher_id)
    if teacher is None or teacher.coach_id != coach.id:
        abort(404)
    return teacher


def add_teacher(coach: Coach, name: str, grade: str | None, subject: str | None) -> Teacher:
    """Add a teacher to the coach's caseload."""
    teacher = Teacher(
        coach_id=coach.id,
        name=name.strip(),
        grade=(grade or "").strip() or None,
        subject=(subject or "").strip() or None,
    )
    db.session.add(teacher)
    db.session.commit()
    return teacher


@dataclass(frozen=True)
class DashboardRow:
    teacher: Teacher
    open_cycle: Cycle | None
    last_observed_at: datetime | None


def dashboard(coach: Coach) -> list[DashboardRow]:
    """Each of the coach's teachers with their open cycle and its last observation date."""
    teachers = db.session.scalars(
        select(Teacher)
        .where(Teacher.coach_id == coach.id)
        .options(selectinload(Teacher.cycles))
        .order_by(Teacher.name)
    ).all()
    last_seen = dict(
        db.session.execute(
            select(Observation.cycle_id, func.max(Observation.started_at))
            .join(Cycle)
            .join(Teacher)
            .where(Teacher.coach_id == coach.id, Observation.deleted_at.is_(None))
            .group_by(Observation.cycle_id)
        ).all()
    )
    rows = []
    for teacher in teachers:
        cycle = teacher.open_cycle
        rows.append(DashboardRow(teacher, cycle, last_seen.get(cycle.id) if cycle else None))
    return rows
