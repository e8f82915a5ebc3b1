"""The coach's schedule: planned visits with teachers, in the coach's time zone.

A visit's date and start time are entered in the coach's zone and stored in UTC; its `uid`
is made once and never changes, so a calendar that imported or subscribed to it updates the
same event. Every lookup goes through get_owned_visit (another coach's visit is a 404)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import timezones
from ..extensions import db
from ..models import ACTIVITIES, Coach, Observation, Teacher, Visit, utcnow

# The labels of the coaching roles, as the "Kind" select shows them.
KIND_LABELS = {
    "observation": "Observation",
    "debrief": "Debrief",
    "co_planning": "Co-planning",
    "modeling": "Modeling",
    "co_teaching": "Co-teaching",
    "data_conversation": "Data conversation",
    "resource_sharing": "Resource sharing",
    "other": "Other",
}
assert tuple(KIND_LABELS) == ACTIVITIES

DEFAULT_DEBRIEF_HOURS = 24
MAX_MINUTES = 600
# Dates a visit may be planned on: wide enough for any school year, narrow enough that the
# conversion to UTC never overflows.
FIRST_YEAR, LAST_YEAR = 2000, 2099


class ScheduleError(ValueError):
    """A visit that cannot be saved as asked (the message says why)."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def summary(visit: Visit) -> str:
    """"Observation with Ana Lopez": the calendar's title for a visit."""
    return f"{kind_label(visit.kind)} with {visit.teacher.name}"


# "Debrief within 24 hours", "within 48 hrs", "within 2 days": the norm the cycle agreed.
NORM_PATTERN = re.compile(r"within\s+(\d{1,4})\s*(hours?|hrs?|h|days?)\b", re.IGNORECASE)


def debrief_norm_hours(norms_text: str | None) -> int:
    """Hours within which an observation is debriefed, as the cycle's norms name them
    ("within N hours", or "within N days"); 24 when they name none."""
    match = NORM_PATTERN.search(norms_text or "")
    if not match:
        return DEFAULT_DEBRIEF_HOURS
    hours = int(match.group(1)) * (24 if match.group(2).lower().startswith("day") else 1)
    return hours if 0 < hours <= 24 * 90 else DEFAULT_DEBRIEF_HOURS


def to_utc(day: date, start: time, zone_name: str) -> datetime:
    """A date and a wall-clock time in the coach's zone, as a UTC moment.

    A time skipped by a daylight-saving change (02:30 on the spring-forward night) is taken
    with the offset before the change, so it shows as 03:30; an hour that happens twice is
    the first of the two (zoneinfo's fold=0)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ScheduleError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
    local = datetime.combine(day, start.replace(second=0, microsecond=0, tzinfo=None))
    return local.replace(tzinfo=timezones.zone(zone_name)).astimezone(UTC)


def to_local(moment: datetime, zone_name: str) -> datetime:
    """A stored UTC moment in the coach's zone."""
    return moment.astimezone(timezones.zone(zone_name))


def get_owned_visit(coach: Coach, visit_id: int) -> Visit:
    """The coach's visit, or 404: another coach's visit does not exist for them."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.coach_id != coach.id:
        abort(404)
    return visit


def teacher_choices(coach: Coach, keep: int | None = None) -> list[Teacher]:
    """The coach's teachers who are not archived (and `keep`, the one a visit already has)."""
    return list(db.session.scalars(
        select(Teacher)
        .where(Teacher.coach_id == coach.id,
               Teacher.archived_at.is_(None) | (Teacher.id == (keep or 0)))
        .order_by(Teacher.name)
    ))


def _owned_teacher(coach: Coach, teacher_id: int | None, keep: int | None = None) -> Teacher:
    teacher = db.session.get(Teacher, teacher_id or 0)
    if teacher is None or teacher.coach_id != coach.id:
        raise ScheduleError("Choose one of your teachers.")
    if teacher.archived_at is not None and teacher.id != keep:
        raise ScheduleError("That teacher is archived: restore them first.")
    return teacher


def _clean(text: str | None, limit: int, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise ScheduleError(f"Use at most {limit} characters for the {what}.")
    return text or None


@dataclass(frozen=True)
class VisitInput:
    """What the "Plan a visit" form sends, parsed."""

    teacher_id: int | None
    kind: str
    day: date
    start: time
    minutes: int
    place: str | None = None
    note: str | None = None


def _apply(coach: Coach, visit: Visit, data: VisitInput, keep_teacher: int | None) -> None:
    if data.kind not in ACTIVITIES:
        raise ScheduleError("Choose a kind of visit.")
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise ScheduleError(f"Use 1 to {MAX_MINUTES} minutes.")
    visit.teacher_id = _owned_teacher(coach, data.teacher_id, keep_teacher).id
    visit.kind = data.kind
    visit.starts_at = to_utc(data.day, data.start, coach.time_zone)
    visit.minutes = data.minutes
    visit.place = _clean(data.place, 120, "place")
    visit.note = _clean(data.note, 2000, "note")


def plan_visit(coach: Coach, data: VisitInput) -> Visit:
    """Plan a visit with one of the coach's teachers."""
    visit = Visit(coach_id=coach.id, uid=str(uuid.uuid4()))
    _apply(coach, visit, data, keep_teacher=None)
    db.session.add(visit)
    db.session.commit()
    return visit


def update_visit(coach: Coach, visit: Visit, data: VisitInput) -> Visit:
    """Change a visit; its uid stays, so calendars move the same event."""
    keep = visit.teacher_id
    _apply(coach, visit, data, keep_teacher=keep)
    visit.updated_at = utcnow()
    db.session.commit()
    return visit


def delete_visit(visit: Visit) -> None:
    """Remove a visit. A time a teacher booked is free again (the slot's visit is cleared)."""
    db.session.delete(visit)
    db.session.commit()


@dataclass(frozen=True)
class Week:
    """Monday 00:00 to the next Monday 00:00 in the coach's zone, and its visits."""

    monday: date
    starts: datetime
    ends: datetime
    visits: list[Visit]


def week_of(coach: Coach, now: datetime | None = None) -> Week:
    """This week's visits, Monday to Sunday in the coach's zone (the days already gone too,
    so the coach sees the whole week), earliest first."""
    zone = timezones.zone(coach.time_zone)
    today = (now or utcnow()).astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    starts = datetime.combine(monday, time(0), zone).astimezone(UTC)
    ends = datetime.combine(monday + timedelta(days=7), time(0), zone).astimezone(UTC)
    visits = list(db.session.scalars(
        select(Visit)
        .where(Visit.coach_id == coach.id, Visit.starts_at >= starts, Visit.starts_at < ends)
        .options(selectinload(Visit.teacher))
        .order_by(Visit.starts_at, Visit.id)
    ))
    return Week(monday, starts, ends, visits)


def upcoming(coach: Coach, now: datetime | None = None) -> list[Visit]:
    """Every visit from the start of today (in the coach's zone) on, earliest first."""
    zone = timezones.zone(coach.time_zone)
    today = (now or utcnow()).astimezone(zone).date()
    since = datetime.combine(today, time(0), zone).astimezone(UTC)
    return list(db.session.scalars(
        select(Visit)
        .where(Visit.coach_id == coach.id, Visit.starts_at >= since)
        .options(selectinload(Visit.teacher))
        .order_by(Visit.starts_at, Visit.id)
    ))


@dataclass(frozen=True)
class DebriefOffer:
    """The debrief page's offer to plan the debrief: by when, and a time to start from."""

    teacher_id: int
    due: datetime
    hours: int
    suggested: datetime


def _quarter_hour_after(moment: datetime) -> datetime:
    """The first :00, :15, :30 or :45 at or after the moment."""
    exact = moment.replace(second=0, microsecond=0)
    if exact < moment:
        exact += timedelta(minutes=1)
    return exact + timedelta(minutes=-exact.minute % 15)


def debrief_offer(observation: Observation, now: datetime | None = None) -> DebriefOffer | None:
    """Offer to plan this observation's debrief while the cycle's norm still allows it: the
    observation ended less than the norm ago and no debrief with the teacher is planned since
    it started. The suggested time is an hour from now on the quarter hour, never past due."""
    if observation.ended_at is None or observation.deleted_at is not None:
        return None
    now = now or utcnow()
    cycle = observation.cycle
    hours = debrief_norm_hours(cycle.norms)
    try:
        due = observation.ended_at + timedelta(hours=hours)
    except OverflowError:  # a device clock at year 9999: no deadline to plan for
        return None
    if now >= due:
        return None
    planned = db.session.scalar(
        select(Visit.id).where(
            Visit.teacher_id == cycle.teacher_id, Visit.kind == "debrief",
            Visit.starts_at >= observation.started_at,
        ).limit(1)
    )
    if planned is not None:
        return None
    suggested = _quarter_hour_after(now + timedelta(hours=1))
    if suggested > due:
        suggested = min(_quarter_hour_after(now), due.replace(second=0, microsecond=0))
    return DebriefOffer(cycle.teacher_id, due, hours, suggested)


def when(starts_at: datetime, minutes: int, zone_name: str | None) -> str:
    """"Tue 3 Mar 2026, 09:00–09:45 EST": a visit's time in the coach's zone, with the zone."""
    zone = timezones.zone(zone_name)
    start = starts_at.astimezone(zone)
    end = (starts_at + timedelta(minutes=minutes)).astimezone(zone)
    until = (f"{end:%H:%M}" if end.date() == start.date()
             else f"{end:%a} {end.day} {end:%b}, {end:%H:%M}")
    return (f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}–{until} "
            f"{timezones.abbreviation(start)}")
