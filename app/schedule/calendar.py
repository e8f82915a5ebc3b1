"""Visits as iCalendar (RFC 5545): one visit's .ics file, and each coach's private feed.

Built with the `icalendar` package rather than by hand: folding, escaping and a VTIMEZONE
that matches the coach's zone are easy to get subtly wrong. An event carries only the
teacher's name, the kind, the place and the time: never a note, a goal or any evidence, since
a subscribed calendar is read by other apps and often shared with colleagues.

The feed's token is shown once and only its SHA-256 is kept on the coach (like share links);
revoking it clears the hash, so the old URL answers 404."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, Timezone
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import timezones
from ..extensions import db
from ..models import Coach, Visit, utcnow
from ..share.services import Resolved, hash_token
from .services import summary, to_local

PRODID = "-//Lookfor//Coaching schedule//EN"
# How far back the feed reaches: recent visits stay in the calendar, old ones drop out.
FEED_PAST_DAYS = 90
# Calendar apps that honour it poll hourly (Google and Outlook choose their own pace).
REFRESH = timedelta(hours=1)


def make_calendar_token(coach: Coach) -> str:
    """A new feed token for the coach, replacing any earlier one; returned once."""
    token = secrets.token_urlsafe(32)
    coach.calendar_token_hash = hash_token(token)
    db.session.commit()
    return token


def revoke_calendar_token(coach: Coach) -> None:
    """End the coach's feed: its URL answers 404 from now on."""
    coach.calendar_token_hash = None
    db.session.commit()


def coach_for_token(token: str) -> Coach | None:
    """The coach whose live feed this token opens, if any."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Coach).where(Coach.calendar_token_hash == hash_token(token)))


def resolve_feed_token(token: str) -> Resolved:
    """The share links' answer for a feed token: the coach ("live") or "unknown" (a revoked
    feed has no hash left, so it is unknown: 404)."""
    coach = coach_for_token(token)
    return Resolved(coach, "live" if coach else "unknown")


def feed_visits(coach: Coach, now: datetime | None = None) -> list[Visit]:
    """The visits in the coach's feed: the last FEED_PAST_DAYS days and everything ahead."""
    since = (now or utcnow()) - timedelta(days=FEED_PAST_DAYS)
    return list(db.session.scalars(
        select(Visit)
        .where(Visit.coach_id == coach.id, Visit.starts_at >= since)
        .options(selectinload(Visit.teacher))
        .order_by(Visit.starts_at, Visit.id)
    ))


def _event(visit: Visit, zone_name: str) -> Event:
    start = to_local(visit.starts_at, zone_name)
    event = Event()
    event.add("uid", visit.uid)
    # Without METHOD, DTSTAMP is the event's last change (RFC 5545 3.8.7.2): stable between
    # polls, so a calendar app sees nothing new until the visit really changes.
    event.add("dtstamp", visit.updated_at or visit.created_at)
    event.add("created", visit.created_at)
    event.add("last-modified", visit.updated_at or visit.created_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=visit.minutes))
    event.add("summary", summary(visit))
    if visit.place:
        event.add("location", visit.place)
    event.add("transp", "OPAQUE")
    return event


def _span(visits: list[Visit], zone_name: str) -> tuple[date, date]:
    """Dates the VTIMEZONE must cover: a year either side of the visits (or of today)."""
    days = [to_local(v.starts_at, zone_name).date() for v in visits] or [utcnow().date()]
    return date(min(days).year - 1, 1, 1), date(max(days).year + 2, 1, 1)


def calendar_of(coach: Coach, visits: list[Visit], name: str) -> bytes:
    """An RFC 5545 calendar of these visits, with the coach's zone as its VTIMEZONE and every
    DTSTART/DTEND in that zone (a UTC coach's times are written with Z)."""
    zone_name = coach.time_zone
    zone = timezones.zone(zone_name)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    # Always there, even with no visits yet: a VCALENDAR needs at least one component.
    first, last = _span(visits, zone_name)
    calendar.add_component(Timezone.from_tzinfo(zone, first_date=first, last_date=last))
    for visit in visits:
        calendar.add_component(_event(visit, zone_name))
    return calendar.to_ical()
