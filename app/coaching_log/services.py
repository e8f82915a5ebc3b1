"""The coaching log's entries and its date ranges: what a coach logs by hand (co-planning,
modeling, co-teaching…), edited and deleted only by that coach, and the span of days a report
covers, read in the coach's time zone. Reading the log itself is in activities.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import abort
from sqlalchemy import select

from .. import timezones
from ..extensions import db
from ..models import ACTIVITIES, Coach, LogEntry, Teacher

# The roles in the order the district's coaching-role definitions list them (and the "Role"
# select offers them): the work with a teacher first, then the rest.
ROLES = ("co_planning", "modeling", "co_teaching", "observation", "debrief",
         "data_conversation", "resource_sharing", "other")
ROLE_LABELS = {
    "co_planning": "Co-planning", "modeling": "Modeling", "co_teaching": "Co-teaching",
    "observation": "Observation", "debrief": "Debrief", "data_conversation": "Data conversation",
    "resource_sharing": "Resource sharing", "other": "Other",
}
assert set(ROLES) == set(ACTIVITIES) == set(ROLE_LABELS)

MAX_MINUTES = 12 * 60  # a whole school day and then some; more is a typo
MAX_NOTE = 500  # "a short note"
# Dates a coach could mean; outside them a local midnight may not even have a UTC time.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


class LogError(ValueError):
    """An entry or a range that cannot be used, with a message for the coach."""


def get_owned_entry(coach: Coach, entry_id: int) -> LogEntry:
    """The coach's log entry, or 404: another coach's entry does not exist for them."""
    entry = db.session.get(LogEntry, entry_id)
    if entry is None or entry.coach_id != coach.id:
        abort(404)
    return entry


def teachers_to_log(coach: Coach) -> list[Teacher]:
    """The coach's teachers for the "Teacher" select: current ones first, archived after."""
    return list(db.session.scalars(
        select(Teacher).where(Teacher.coach_id == coach.id)
        .order_by(Teacher.archived_at.is_not(None), Teacher.name, Teacher.id)
    ))


def _checked(coach: Coach, teacher_id: int | None, role: str | None, on_date: date | None,
             minutes: int | None, note: str | None) -> tuple[int, str, date, int, str | None]:
    """Every field checked before any is stored, so a refused save changes nothing."""
    teacher = db.session.get(Teacher, teacher_id) if teacher_id else None
    if teacher is None or teacher.coach_id != coach.id:
        raise LogError("Choose one of your teachers.")
    if role not in ROLE_LABELS:
        raise LogError("Choose a role from the list.")
    if on_date is None or not FIRST_DAY <= on_date <= LAST_DAY:
        raise LogError("Enter the date it happened.")
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        raise LogError(f"Enter the minutes it took, from 1 to {MAX_MINUTES}.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise LogError(f"Keep the note under {MAX_NOTE} characters.")
    return teacher.id, role, on_date, minutes, note or None


def add_entry(coach: Coach, *, teacher_id: int | None, role: str | None, on_date: date | None,
              minutes: int | None, note: str | None) -> LogEntry:
    """Log one activity with a teacher."""
    teacher_id, role, on_date, minutes, note = _checked(
        coach, teacher_id, role, on_date, minutes, note)
    entry = LogEntry(coach_id=coach.id, teacher_id=teacher_id, kind=role, on_date=on_date,
                     minutes=minutes, note=note)
    db.session.add(entry)
    db.session.commit()
    return entry


def update_entry(coach: Coach, entry: LogEntry, *, teacher_id: int | None, role: str | None,
                 on_date: date | None, minutes: int | None, note: str | None) -> LogEntry:
    """Change a logged activity."""
    (entry.teacher_id, entry.kind, entry.on_date, entry.minutes,
     entry.note) = _checked(coach, teacher_id, role, on_date, minutes, note)
    db.session.commit()
    return entry


def delete_entry(entry: LogEntry) -> None:
    """Remove a logged activity from the log."""
    db.session.delete(entry)
    db.session.commit()


@dataclass(frozen=True)
class DateRange:
    """The days a report covers, first and last included, as dates in the coach's zone."""

    start: date
    end: date

    @property
    def is_one_month(self) -> bool:
        return (self.start.day == 1 and self.start == self.end.replace(day=1)
                and (self.end + timedelta(days=1)).day == 1)

    def utc_bounds(self, zone_name: str) -> tuple[datetime, datetime]:
        """The instants the range starts and stops in UTC: local midnight of the first day, and
        local midnight after the last (a day of a DST change is 23 or 25 hours long)."""
        zone = timezones.zone(zone_name)
        first = datetime.combine(self.start, time(), tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=zone)
        return first, after

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def today_for(coach: Coach, now: datetime | None = None) -> date:
    """Today's date where the coach is."""
    return (now or datetime.now(UTC)).astimezone(timezones.zone(coach.time_zone)).date()


def month_of(day: date) -> DateRange:
    """The calendar month a day falls in."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return DateRange(first, following - timedelta(days=1))


def this_month(coach: Coach, now: datetime | None = None) -> DateRange:
    """The current month in the coach's zone (on the 1st at 00:30 in Chicago it is already
    the new month there, though not yet in UTC)."""
    return month_of(today_for(coach, now))


def _parse_day(text: str, label: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise LogError(f"{label}: enter a date such as 2026-03-01.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise LogError(f"{label}: enter a date between 1900 and 2999.")
    return day


def parse_range(coach: Coach, start: str | None, end: str | None) -> DateRange:
    """The range asked for by "From" and "To". Both empty is this month; one left empty is
    the start or the end of the other's month."""
    first = _parse_day(start, "From") if (start or "").strip() else None
    last = _parse_day(end, "To") if (end or "").strip() else None
    if first is None and last is None:
        return this_month(coach)
    first = first or month_of(last).start
    last = last or month_of(first).end
    if first > last:
        raise LogError("From must be on or before To.")
    return DateRange(first, last)
