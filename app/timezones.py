"""Dates and times in the zone of the coach who owns the data.

Times are stored in UTC. A coach's zone is an IANA name (from the browser at sign-up, or the
account page); the `local` template filter shows a time in it, with the zone's abbreviation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

DEFAULT_ZONE = "UTC"


# Names the tz database has that are no place a coach works in ("localtime" is the server's).
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones() - NOT_ZONES | {DEFAULT_ZONE})


@cache
def zone_names() -> tuple[str, ...]:
    """The account page's choices: UTC, then every Region/City name, sorted (legacy names such
    as EST5EDT are still accepted from a browser, just not offered)."""
    places = (n for n in _known() if "/" in n and not n.startswith(("Etc/", "SystemV/")))
    return (DEFAULT_ZONE, *sorted(places))


def valid_zone(name: str | None) -> str:
    """The name if it is a known zone, else UTC: a browser's odd answer is never an error.

    Checked against the list of names, never by opening a file named by the client."""
    name = (name or "").strip()
    return name if name in _known() else DEFAULT_ZONE


@cache
def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(valid_zone(name))
    except (ZoneInfoNotFoundError, ValueError):  # a zone removed from tzdata since it was saved
        return ZoneInfo(DEFAULT_ZONE)


def abbreviation(moment: datetime) -> str:
    """EST, CET, IST…; zones with no letters (America/Sao_Paulo's "-03") read "UTC-03"."""
    name = moment.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


def format_local(value: datetime | date | None, zone_name: str | None,
                 style: str = "datetime") -> str:
    """'2 Mar 2026, 04:00 EST' (datetime), '2 Mar 2026' (date), '2 Mar' (day) or
    '2 Mar 04:00' (day_time: a point on a chart, where two lessons may share a day)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            value = value.astimezone(zone(zone_name))
        except OverflowError:
            pass  # a device clock at year 1 or 9999 has no local time: shown in UTC
    day = f"{value.day} {value:%b}"
    if style == "day":
        return day
    if style == "day_time" and isinstance(value, datetime):
        return f"{day} {value:%H:%M}"
    if style == "date" or not isinstance(value, datetime):
        return f"{day} {value:%Y}"
    return f"{day} {value:%Y, %H:%M} {abbreviation(value)}"


def owner_zone(context: Context) -> str:
    """The zone of the coach who owns what the page shows: the observation's coach where the
    page is about one observation (the teacher's view has no signed-in coach, or another one),
    else the signed-in coach."""
    observation = context.get("observation")
    if observation is not None and getattr(observation, "cycle", None) is not None:
        return observation.cycle.teacher.coach.time_zone
    # A page about a whole cycle (the teacher's cycle link has no signed-in coach).
    cycle = context.get("cycle")
    if cycle is not None and getattr(cycle, "teacher", None) is not None:
        return cycle.teacher.coach.time_zone
    if current_user and current_user.is_authenticated:
        return current_user.time_zone
    return DEFAULT_ZONE


@pass_context
def local(context: Context, value: datetime | date | None, style: str = "datetime") -> str:
    """Template filter: {{ observation.started_at|local }}, {{ link.expires_at|local("date") }}."""
    return format_local(value, owner_zone(context), style)


def init_app(app: Flask) -> None:
    app.add_template_filter(local, "local")
