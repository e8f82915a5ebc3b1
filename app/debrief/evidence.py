"""The evidence of one observation: each look-for's figures from its kind, the timeline's marks
and the notes.

Everything is read in a fixed number of queries, whatever the number of events (the events of
the whole cycle in one, shared with the trend), so a long lesson renders as fast as a short
one. The length comes from the device's clock unless that clock was plainly wrong, in which
case it comes from the events (app/observations/length.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .. import kinds
from ..kinds.base import TEN_MINUTES_MS, ratio
from ..models import Cycle, LookFor, Observation
from ..observations.facts import ObservationFacts, cycle_lookfors, gather
from ..observations.length import PLAUSIBLE_SPAN_MS, Length, lesson_length
from ..observations.services import clock

FREE_NOTES = "Notes"
MAX_AXIS_LABELS = 12
# Minute steps for the timeline's axis, the first that keeps it under MAX_AXIS_LABELS wins.
AXIS_STEPS = (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440)

__all__ = ["PLAUSIBLE_SPAN_MS", "Length", "cycle_lookfors", "lesson_length"]


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
    width: float  # percent; 0 for a point event
    mark: kinds.Mark


@dataclass
class Row:
    """One look-for (or the free notes) with its kind's figures and its marks on the timeline."""

    lookfor_id: int | None
    label: str
    kind: str
    colour: int | None
    archived: bool = False
    config: dict = field(default_factory=dict)
    marks: list[EventView] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    # The counts table's cells: Count, Per 10 minutes, Total time, Share of the lesson.
    count: int = 0
    rate_per_10: float | None = None
    duration_ms: int | None = None
    share: float | None = None

    @property
    def kind_def(self) -> kinds.Kind:
        return kinds.get(self.kind)

    def settle(self, length_ms: int) -> None:
        """Compute the kind's figures and the table's cells from the marks."""
        kind = self.kind_def
        self.figures = kind.figures(self.config, [v.mark for v in self.marks], length_ms)
        self.count = kind.headline(self.figures)
        self.rate_per_10 = ratio(self.count * TEN_MINUTES_MS, length_ms) if kind.rated else None
        self.duration_ms = self.figures.get("total_ms")
        self.share = self.figures.get("share")


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


def observation_length_ms(started_at, ended_at, last_event_end_ms: int | None) -> int:
    return lesson_length(started_at, ended_at, last_event_end_ms).ms


def rate_per_10_minutes(count: int, length_ms: int) -> float | None:
    return ratio(count * TEN_MINUTES_MS, length_ms)


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


def gather_evidence(
    observation: Observation,
    facts: ObservationFacts | None = None,
    lookfors: list[LookFor] | None = None,
) -> Evidence:
    """Each look-for's figures, the timeline's marks and the notes for one observation (the
    facts and look-fors may be passed in when the caller has read them for the whole cycle)."""
    cycle = observation.cycle
    lookfors = cycle_lookfors(cycle.id) if lookfors is None else lookfors
    facts = gather([observation])[0] if facts is None else facts
    length = facts.length.ms
    rows = {
        lf.id: Row(lf.id, lf.label, lf.kind, lf.colour, lf.archived, lf.config or {})
        for lf in lookfors
    }
    notes_row = Row(None, FREE_NOTES, "note", None)
    # A mark's position is clamped into the lesson, so a late tap never draws off the chart.
    scale = 100 / length if length > 0 else 0
    views: list[EventView] = []
    notes: list[Note] = []
    for lookfor_id, mark in facts.events:
        row = rows.get(lookfor_id, notes_row) if lookfor_id is not None else notes_row
        offset, duration = mark.offset_ms, mark.duration_ms
        x = min(offset * scale, 100.0)
        width = min(duration * scale, 100.0 - x) if duration else 0.0
        view = EventView(mark.id, lookfor_id, offset, duration, mark.note, clock(offset), row,
                         x, width, mark)
        row.marks.append(view)
        views.append(view)
        if mark.note:
            notes.append(Note(mark.id, offset, row.label, mark.note,
                              find_judgment_words(mark.note)))
    shown = [r for r in rows.values() if not r.archived or r.marks]
    if notes_row.marks:
        shown.append(notes_row)
    for row in shown:
        row.settle(length)
    return Evidence(observation, cycle, length, shown, views, notes, lookfors,
                    facts.length.clock_looked_wrong, facts.length.device_span_ms)
