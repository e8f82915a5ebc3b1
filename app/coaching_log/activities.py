"""Reading the coaching log: where coaching time went over a range of days.

Three sources make one list. Logged entries (log_entry) are what the coach typed. Observations
and debriefs are in the log by themselves, read from their own records each time (never copied
into log_entry, so a deleted observation leaves the log with it):
- an observation counts on its start date in the coach's zone, for its length (as the debrief
  reads it: app/observations/length.py) rounded to whole minutes; deleted ones are left out;
- a debrief counts once the coach has saved notes in it (keepers, polishers, GROW notes or
  private notes; a teacher's reflection alone is not a meeting the coach held), on the date it
  was last saved. Its minutes are those of a planned "Debrief" visit with that teacher on that
  day, each visit counted once; with none, its minutes are not known (None, shown as "—",
  counted as 0 in the totals)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from .. import timezones
from ..extensions import db
from ..models import Coach, Cycle, Debrief, Event, LogEntry, Observation, Teacher, Visit
from ..observations.length import lesson_length
from .services import ROLE_LABELS, ROLES, DateRange

SOURCES = ("logged", "observation", "debrief")


@dataclass(frozen=True)
class Activity:
    """One thing the coach did with a teacher, from whichever record says so."""

    on_date: date
    teacher_id: int
    teacher_name: str
    role: str
    minutes: int | None  # None: not known (a debrief with no planned visit that day)
    note: str | None
    source: str  # one of SOURCES
    entry_id: int | None = None  # a logged entry, which the coach can edit
    observation_id: str | None = None  # an observation or debrief, which links to its page

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def whole_minutes(ms: int) -> int:
    """Milliseconds to the nearest whole minute, half a minute rounding up."""
    return (ms + 30_000) // 60_000


def _logged(coach: Coach, span: DateRange) -> list[Activity]:
    rows = db.session.execute(
        select(LogEntry, Teacher.name).join(Teacher, LogEntry.teacher_id == Teacher.id)
        .where(LogEntry.coach_id == coach.id,
               LogEntry.on_date.between(span.start, span.end))
    )
    return [Activity(e.on_date, e.teacher_id, name, e.kind, e.minutes, e.note, "logged",
                     entry_id=e.id) for e, name in rows]


def _observed(coach: Coach, span: DateRange) -> list[Activity]:
    zone = timezones.zone(coach.time_zone)
    first, after = span.utc_bounds(coach.time_zone)
    in_range = (select(Observation.id).join(Cycle, Observation.cycle_id == Cycle.id)
                .join(Teacher, Cycle.teacher_id == Teacher.id)
                .where(Teacher.coach_id == coach.id, Observation.deleted_at.is_(None),
                       Observation.started_at >= first, Observation.started_at < after))
    rows = db.session.execute(
        select(Observation.id, Observation.started_at, Observation.ended_at, Teacher.id,
               Teacher.name)
        .join(Cycle, Observation.cycle_id == Cycle.id).join(Teacher, Cycle.teacher_id == Teacher.id)
        .where(Observation.id.in_(in_range))
    ).all()
    # The end of the last live event, for an observation never ended or with a clock that
    # jumped: one grouped query, not every event of the range.
    last_end = dict(db.session.execute(
        select(Event.observation_id,
               func.max(Event.offset_ms + func.coalesce(Event.duration_ms, 0)))
        .where(Event.observation_id.in_(in_range), Event.deleted.is_(False))
        .group_by(Event.observation_id)
    ).all()) if rows else {}
    return [
        Activity(started.astimezone(zone).date(), teacher_id, name, "observation",
                 whole_minutes(lesson_length(started, ended, last_end.get(oid)).ms), None,
                 "observation", observation_id=oid)
        for oid, started, ended, teacher_id, name in rows
    ]


def _debriefed(coach: Coach, span: DateRange) -> list[Activity]:
    zone = timezones.zone(coach.time_zone)
    first, after = span.utc_bounds(coach.time_zone)
    rows = db.session.execute(
        select(Debrief, Teacher.id, Teacher.name)
        .join(Observation, Debrief.observation_id == Observation.id)
        .join(Cycle, Observation.cycle_id == Cycle.id).join(Teacher, Cycle.teacher_id == Teacher.id)
        .where(Teacher.coach_id == coach.id, Observation.deleted_at.is_(None),
               Debrief.updated_at >= first, Debrief.updated_at < after)
        .order_by(Debrief.updated_at, Debrief.observation_id)
    ).all()
    held = [(d, t, n) for d, t, n in rows
            if d.keepers or d.polishers or d.private_notes or d.grow_notes]
    # Planned debrief visits with those teachers in the range, by (teacher, local day).
    planned: dict[tuple[int, date], list[int]] = defaultdict(list)
    if held:
        for teacher_id, starts_at, minutes in db.session.execute(
            select(Visit.teacher_id, Visit.starts_at, Visit.minutes)
            .where(Visit.coach_id == coach.id, Visit.kind == "debrief",
                   Visit.starts_at >= first, Visit.starts_at < after)
            .order_by(Visit.starts_at, Visit.id)
        ):
            planned[(teacher_id, starts_at.astimezone(zone).date())].append(minutes)
    activities = []
    for debrief, teacher_id, name in held:
        day = debrief.updated_at.astimezone(zone).date()
        visits = planned.get((teacher_id, day))
        activities.append(Activity(day, teacher_id, name, "debrief",
                                   visits.pop(0) if visits else None, None, "debrief",
                                   observation_id=debrief.observation_id))
    return activities


def activities(coach: Coach, span: DateRange) -> list[Activity]:
    """Everything in the log over the range, by date, then teacher, then role."""
    found = _logged(coach, span) + _observed(coach, span) + _debriefed(coach, span)
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted(found, key=lambda a: (a.on_date, a.teacher_name.casefold(), a.teacher_id,
                                        order[a.role], SOURCES.index(a.source),
                                        a.entry_id or 0, a.observation_id or ""))


@dataclass(frozen=True)
class Total:
    """Minutes and how many activities, for one role or one teacher."""

    key: str | int
    label: str
    minutes: int
    count: int


@dataclass(frozen=True)
class Totals:
    minutes: int
    count: int
    by_role: list[Total]  # roles with any activity, in ROLES order
    by_teacher: list[Total]  # most minutes first


def totals(found: list[Activity]) -> Totals:
    """Minutes by role and by teacher (a debrief of unknown length counts 0 minutes)."""
    role_minutes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    teacher_minutes: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[int, str] = {}
    for activity in found:
        for bucket in (role_minutes[activity.role], teacher_minutes[activity.teacher_id]):
            bucket[0] += activity.minutes or 0
            bucket[1] += 1
        names[activity.teacher_id] = activity.teacher_name
    by_role = [Total(role, ROLE_LABELS[role], *role_minutes[role])
               for role in ROLES if role in role_minutes]
    by_teacher = sorted(
        (Total(tid, names[tid], *counts) for tid, counts in teacher_minutes.items()),
        key=lambda t: (-t.minutes, t.label.casefold(), t.key))
    return Totals(sum(a.minutes or 0 for a in found), len(found), by_role, by_teacher)


CSV_HEADER = ("date", "teacher", "role", "minutes", "note", "source")


def csv_rows(found: list[Activity]) -> list[tuple]:
    """One row per activity for "Download log"; a debrief of unknown length has a blank
    minutes cell (a spreadsheet's SUM skips it, as the totals count it 0)."""
    return [(a.on_date.isoformat(), a.teacher_name, a.role_label,
             "" if a.minutes is None else a.minutes, a.note or "", a.source) for a in found]
