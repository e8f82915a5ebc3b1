"""Teachers: the coach's partners. Every lookup goes through get_owned_teacher.

Archiving a teacher keeps everything (cycles, observations, debriefs, visits): the teacher only
leaves the dashboard, and their open cycles are no longer readied for a day offline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Coach, Cycle, CycleStatus, Teacher, utcnow


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def add_teacher(coach: Coach, name: str, grade: str | None, subject: str | None,
                school: str | None = None) -> Teacher:
    """Add a teacher to the coach's caseload."""
    teacher = Teacher(coach_id=coach.id, name=name.strip(), grade=_clean(grade),
                      subject=_clean(subject), school=_clean(school))
    db.session.add(teacher)
    db.session.commit()
    return teacher


def update_teacher(teacher: Teacher, name: str, grade: str | None, subject: str | None,
                   school: str | None) -> Teacher:
    """Change a teacher's name, grade, subject and school (the form has checked lengths)."""
    teacher.name = name.strip()
    teacher.grade, teacher.subject, teacher.school = _clean(grade), _clean(subject), _clean(school)
    db.session.commit()
    return teacher


def archive_teacher(teacher: Teacher, now: datetime | None = None) -> None:
    """Take a teacher off the dashboard, keeping everything (archiving twice keeps the date)."""
    if teacher.archived_at is None:
        teacher.archived_at = now or utcnow()
        db.session.commit()


def restore_teacher(teacher: Teacher) -> None:
    """Bring an archived teacher back to the dashboard, with all their cycles."""
    teacher.archived_at = None
    db.session.commit()


def archived_teachers(coach: Coach) -> list[Teacher]:
    """The coach's archived teachers, by name."""
    return list(db.session.scalars(
        select(Teacher)
        .where(Teacher.coach_id == coach.id, Teacher.archived_at.is_not(None))
        .order_by(Teacher.name, Teacher.id)
    ))


def closed_cycles(coach: Coach) -> list[Cycle]:
    """The closed cycles of the coach's teachers on the dashboard (not archived), newest
    first; an archived teacher's cycles are on their own page."""
    return list(db.session.scalars(
        select(Cycle).join(Cycle.teacher)
        .options(contains_eager(Cycle.teacher))
        .where(Teacher.coach_id == coach.id, Teacher.archived_at.is_(None),
               Cycle.status == CycleStatus.CLOSED)
        .order_by(Teacher.name, Teacher.id, Cycle.created_at.desc(), Cycle.id.desc())
    ))
