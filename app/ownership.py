"""Who may see what: every lookup of a coach's teacher, cycle, look-for or observation goes
through one of these, which answer 404 for anyone but the owning coach (another coach's data
does not exist for them). Every area uses them, so they sit below all areas."""

from __future__ import annotations

import uuid

from flask import abort
from sqlalchemy import select

from .extensions import db
from .models import Coach, Cycle, LookFor, Observation, Teacher


def parse_uuid(value: object) -> str | None:
    """The canonical lower-case form of a UUID string, or None if it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def get_owned_teacher(coach: Coach, teacher_id: int) -> Teacher:
    """The coach's teacher, or 404."""
    teacher = db.session.get(Teacher, teacher_id)
    if teacher is None or teacher.coach_id != coach.id:
        abort(404)
    return teacher


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


def get_owned_observation(coach: Coach, observation_id: str) -> Observation:
    """The coach's observation, or 404 (a deleted one is gone for every page that uses this)."""
    canonical = parse_uuid(observation_id)
    observation = canonical and db.session.scalar(
        select(Observation)
        .join(Cycle)
        .join(Teacher)
        .where(
            Observation.id == canonical,
            Teacher.coach_id == coach.id,
            Observation.deleted_at.is_(None),
        )
    )
    if not observation:
        abort(404)
    return observation
