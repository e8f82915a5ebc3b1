"""The evidence of one observation: counts, rates, duration shares, timeline marks and notes.

Everything is read in a fixed number of queries, whatever the number of events, so a long
lesson renders as fast as a short one. The length comes from the device's clock unless that
clock was plainly wrong, in which case it comes from the events (see `lesson_length`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from ..extensions import db
from ..models import Cycle, Event, LookFor, Observation
from ..observations.services import clock

TEN_MINUTES_MS = 10 * 60 * 1000
FREE_NOTES = "Notes"
# No lesson runs longer than this: a span beyond it means the device's clock jumped (reset to
# 1970, set to another century), and the times it gave cannot be corrected afterwards.
PLAUSIBLE_SPAN_MS = 12 * 60 * 60 * 1000
MAX_AXIS_LABELS = 12
# Minute steps for the timeline's axis, the first that keeps it under MAX_AXIS_LABELS wins.
AXIS_STEPS = (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440)


@dataclass(slots=True)
class EventView:
    """One live event as the debrief shows it: a mark on the timeline and a table row."""

    id: str
    lookfor_id: int | None
    offset_ms: int
    duration_ms: int | None
    note: str | None
    clock: str
    row: Row
    x: float  # percent of the observation's length
    width: float  # percent; 0 for a tally or a note


@dataclass
class Row:
    """One look-for (or the free notes) with its figures and its marks on the timeline."""

    lookfor_id: int | None
    label: str
    kind: str
    colour: int | None
    archived: bool = False
    count: int = 0
    duration_ms: int = 0
    rate_per_10: float | None = None
    share: float | None = None  # durations: their total as a fraction of the length
    marks: list[EventView] = field(default_factory=list)


@dataclass(frozen=True)
class Note:
    event_id: str
    offset_ms: int
    label: str
    text: str
    judgment_words: tuple[str, ...]

    @property
    def clock(self) -> str:
        return clock(self.offset_ms)


class Length(NamedTuple):
    ms: int
    clock_looked_wrong: bool  # the device's start and end could not be believed
    device_span_ms: int | None  # end minus start as the device gave them (None: not ended)


def lesson_length(
    started_at: datetime, ended_at: datetime | None, last_event_end_ms: int | None
) -> Length:
    """End minus start; up to the end of the last event for an observation never ended, or
    when the device's clock gave a span no lesson has (over 12 hours, negative, or zero while
    events were recorded)."""
    if ended_at is None:
        return Length(max(0, last_event_end_ms or 0), False, None)
    span = int((ended_at - started_at).total_seconds() * 1000)
    if span > PLAUSIBLE_SPAN_MS or span < 0 or (span == 0 and last_event_end_ms):
        return Length(max(0, last_event_end_ms or 0), True, span)
    return Length(span, False, span)


def observation_length_ms(
    started_at: datetime, ended_at: datetime | None, last_event_end_ms: int | None
) -> int:
    return lesson_length(started_at, ended_at, last_event_end_ms).ms


def rate_per_10_minutes(count: int, length_ms: int) -> float | None:
    return count * TEN_MINUTES_MS / length_ms if length_ms > 0 else None


def axis_ticks(length_ms: int) -> list[tuple[float, str]]:
    """Minute marks for the timeline's axis as (percent, MM:SS): at most 12, whatever the
    length, so a lesson of a day draws as few labels as one of an hour."""
    if length_ms < 60_000:
        return [(0.0, "00:00")]
    minutes = length_ms / 60_000
    limit = MAX_AXIS_LABELS - 1
    step = next((s for s in AXIS_STEPS if minutes / s <= limit), math.ceil(minutes / limit))
    marks = range(0, int(minutes) + 1, step)
    return [(m * 60_000 * 100 / length_ms, clock(m * 60_000)) for m in marks]


@dataclass
class Evidence:
    observation: Observation
    cycle: Cycle
    length_ms: int
    rows: list[Row]
    events: list[EventView]
    notes: list[Note]
    lookfors: list[LookFor]  # every look-for of the cycle, archived ones too
    clock_looked_wrong: bool = False
    device_span_ms: int | None = None

    @property
    def length_clock(self) -> str:
        return clock(self.length_ms)

    @property
    def ticks(self) -> list[tuple[float, str]]:
        return axis_ticks(self.length_ms)

    @property
    def device_span_hours(self) -> int:
        """How far apart the device put the start and the end, in whole hours."""
        return abs(self.device_span_ms or 0) // 3_600_000


@cache
def judgment_words() -> tuple[str, ...]:
    path = Path(__file__).parent / "data" / "judgment_words.txt"
    lines = (line.strip().lower() for line in path.read_text().splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def _judgment_pattern() -> re.Pattern:
    # Longest first, so "good job" is reported rather than just "good".
    words = sorted(judgment_words(), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"\b({alternatives})\b", re.IGNORECASE)


def find_judgment_words(text: str | None) -> tuple[str, ...]:
    """The judgment words a note uses, in order, each once."""
    found: list[str] = []
    for match in _judgment_pattern().finditer(text or ""):
        word = re.sub(r"\s+", " ", match.group(1).lower())
        if word not in found:
            found.append(word)
    return tuple(found)


def cycle_lookfors(cycle_id: int) -> list[LookFor]:
    """All of a cycle's look-fors, live ones first in display order, then archived ones."""
    return list(
        db.session.scalars(
            select(LookFor)
            .where(LookFor.cycle_id == cycle_id)
            .order_by(LookFor.archived, LookFor.position, LookFor.id)
        )
    )


def gather_evidence(observation: Observation) -> Evidence:
    """Counts, rates, duration shares, timeline marks and notes for one observation."""
    cycle = observation.cycle
    lookfors = cycle_lookfors(cycle.id)
    # Plain tuples, not ORM objects: a long lesson has thousands of events to read.
    events = db.session.execute(
        select(Event.id, Event.lookfor_id, Event.offset_ms, Event.duration_ms, Event.note,
               Event.count)
        .where(Event.observation_id == observation.id, Event.deleted.is_(False))
        .order_by(Event.offset_ms, Event.recorded_at, Event.id)
    ).all()
    last_end = max((offset + (duration or 0) for _, _, offset, duration, _, _ in events),
                   default=None)
    length = lesson_length(observation.started_at, observation.ended_at, last_end)

    rows = {
        lf.id: Row(lf.id, lf.label, lf.kind, lf.colour, archived=lf.archived) for lf in lookfors
    }
    notes_row = Row(None, FREE_NOTES, "note", None)
    # A mark's position is clamped into the lesson, so a late tap never draws off the chart.
    scale = 100 / length.ms if length.ms > 0 else 0
    views: list[EventView] = []
    notes: list[Note] = []
    for event_id, lookfor_id, offset, duration, note, count in events:
        row = rows.get(lookfor_id, notes_row) if lookfor_id else notes_row
        row.count += count
        if duration:
            row.duration_ms += duration
        x = offset * scale
        if x > 100.0:
            x = 100.0
        width = duration * scale if duration else 0.0
        if width > 100.0 - x:
            width = 100.0 - x
        view = EventView(event_id, lookfor_id, offset, duration, note, clock(offset), row, x,
                         width)
        row.marks.append(view)
        views.append(view)
        if note:
            notes.append(Note(event_id, offset, row.label, note, find_judgment_words(note)))
    shown = [r for r in rows.values() if not r.archived or r.count]
    if notes_row.count:
        shown.append(notes_row)
    for row in shown:
        row.rate_per_10 = rate_per_10_minutes(row.count, length.ms)
        if row.kind == "duration" and length.ms > 0:
            row.share = row.duration_ms / length.ms
    return Evidence(observation, cycle, length.ms, shown, views, notes, lookfors,
                    length.clock_looked_wrong, length.device_span_ms)
