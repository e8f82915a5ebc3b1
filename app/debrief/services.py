"""The debrief: the evidence of one observation read against the cycle's goal, the trend
across the cycle, and the reflective conversation (keepers, polishers, next steps).

Everything the page shows is gathered here in a fixed number of queries, whatever the number
of events, so a long lesson renders as fast as a short one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import func, select

from ..extensions import db
from ..models import Cycle, Debrief, Event, LookFor, NextStep, Observation, utcnow
from ..observations.services import clock

TEN_MINUTES_MS = 10 * 60 * 1000
FREE_NOTES = "Notes"


class DebriefError(ValueError):
    """A debrief change that cannot be made, with a message for the coach or teacher."""


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


@dataclass
class Evidence:
    observation: Observation
    cycle: Cycle
    length_ms: int
    rows: list[Row]
    events: list[EventView]
    notes: list[Note]
    lookfors: list[LookFor]  # every look-for of the cycle, archived ones too

    @property
    def length_clock(self) -> str:
        return clock(self.length_ms)

    @property
    def ticks(self) -> list[tuple[float, str]]:
        """Minute marks for the timeline's axis, as (percent, MM:SS)."""
        if self.length_ms <= 0:
            return [(0.0, "00:00")]
        minutes = self.length_ms / 60000
        step = next((s for s in (1, 2, 5, 10, 15, 30) if minutes / s <= 8), 60)
        marks = range(0, int(minutes) + 1, step)
        return [(m * 60000 * 100 / self.length_ms, clock(m * 60000)) for m in marks]


def observation_length_ms(
    started_at: datetime, ended_at: datetime | None, last_event_end_ms: int | None
) -> int:
    """End minus start; for an observation never ended, up to the end of its last event."""
    if ended_at is not None:
        return max(0, int((ended_at - started_at).total_seconds() * 1000))
    return max(0, last_event_end_ms or 0)


def rate_per_10_minutes(count: int, length_ms: int) -> float | None:
    return count * TEN_MINUTES_MS / length_ms if length_ms > 0 else None


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
    length = observation_length_ms(observation.started_at, observation.ended_at, last_end)

    rows = {
        lf.id: Row(lf.id, lf.label, lf.kind, lf.colour, archived=lf.archived) for lf in lookfors
    }
    notes_row = Row(None, FREE_NOTES, "note", None)
    # A mark's position is clamped into the lesson, so a late tap never draws off the chart.
    scale = 100 / length if length > 0 else 0
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
        row.rate_per_10 = rate_per_10_minutes(row.count, length)
        if row.kind == "duration" and length > 0:
            row.share = row.duration_ms / length
    return Evidence(observation, cycle, length, shown, views, notes, lookfors)


@dataclass(frozen=True)
class TrendPoint:
    observation_id: str
    started_at: datetime
    count: int
    rate_per_10: float | None
    is_current: bool


@dataclass(frozen=True)
class TrendSeries:
    label: str
    kind: str
    colour: int
    points: list[TrendPoint]

    @property
    def max_rate(self) -> float:
        return max((p.rate_per_10 or 0 for p in self.points), default=0)


def cycle_trend(cycle: Cycle, current_id: str, lookfors: list[LookFor]) -> list[TrendSeries]:
    """Per live look-for: its count and rate per 10 minutes in every observation of the cycle,
    oldest first (Try-Measure-Learn: is the practice moving toward the target?)."""
    observations = list(
        db.session.execute(
            select(Observation.id, Observation.started_at, Observation.ended_at)
            .where(Observation.cycle_id == cycle.id)
            .order_by(Observation.started_at)
        )
    )
    totals = db.session.execute(
        select(
            Event.observation_id,
            Event.lookfor_id,
            func.sum(Event.count),
            func.max(Event.offset_ms + func.coalesce(Event.duration_ms, 0)),
        )
        .join(Observation)
        .where(Observation.cycle_id == cycle.id, Event.deleted.is_(False))
        .group_by(Event.observation_id, Event.lookfor_id)
    ).all()
    counts: dict[tuple[str, int | None], int] = {}
    last_end: dict[str, int] = {}
    for observation_id, lookfor_id, count, end in totals:
        counts[(observation_id, lookfor_id)] = int(count or 0)
        last_end[observation_id] = max(last_end.get(observation_id, 0), int(end or 0))
    lengths = {
        o.id: observation_length_ms(o.started_at, o.ended_at, last_end.get(o.id))
        for o in observations
    }
    series = []
    for lookfor in lookfors:
        if lookfor.archived:
            continue
        points = [
            TrendPoint(
                o.id,
                o.started_at,
                counts.get((o.id, lookfor.id), 0),
                rate_per_10_minutes(counts.get((o.id, lookfor.id), 0), lengths[o.id]),
                o.id == current_id,
            )
            for o in observations
        ]
        series.append(TrendSeries(lookfor.label, lookfor.kind, lookfor.colour, points))
    return series


def debrief_of(observation: Observation) -> dict:
    """What both the coach's debrief and the teacher's link show: the evidence, the trend
    across the cycle, the conversation record and the next steps."""
    evidence = gather_evidence(observation)
    return {
        "observation": observation,
        "evidence": evidence,
        "trend": cycle_trend(evidence.cycle, observation.id, evidence.lookfors),
        "debrief": get_debrief(observation),
        "next_steps": next_steps_of(observation),
    }


def get_debrief(observation: Observation) -> Debrief:
    """The observation's debrief record (a blank one when none is saved yet)."""
    return db.session.get(Debrief, observation.id) or Debrief(observation_id=observation.id)


def next_steps_of(observation: Observation) -> list[NextStep]:
    return list(
        db.session.scalars(
            select(NextStep)
            .where(NextStep.observation_id == observation.id)
            .order_by(NextStep.id)
        )
    )


def _clean(text: str | None, limit: int, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise DebriefError(f"Keep {what} under {limit:,} characters.")
    return text or None


def save_conversation(
    observation: Observation,
    *,
    keepers: str | None,
    polishers: str | None,
    private_notes: str | None,
) -> Debrief:
    """Save the coach's conversation notes: keepers, polishers and private notes."""
    debrief = get_debrief(observation)
    debrief.keepers = _clean(keepers, 5000, "keepers")
    debrief.polishers = _clean(polishers, 5000, "polishers")
    debrief.private_notes = _clean(private_notes, 5000, "private notes")
    db.session.add(debrief)
    db.session.commit()
    return debrief


def save_reflection(observation: Observation, text: str | None) -> Debrief:
    """Save the teacher's own reflection, written through the share link."""
    debrief = get_debrief(observation)
    debrief.teacher_reflection = _clean(text, 5000, "your reflection")
    debrief.reflection_at = utcnow()
    db.session.add(debrief)
    db.session.commit()
    return debrief


def add_next_step(
    observation: Observation, action: str, who: str | None, by_when: date | None
) -> NextStep:
    """Record one concrete next step agreed in the debrief."""
    action_text = _clean(action, 1000, "the action")
    if not action_text:
        raise DebriefError("Write the action: what will be tried?")
    step = NextStep(
        observation_id=observation.id,
        action=action_text,
        who=_clean(who, 120, "who"),
        by_when=by_when,
    )
    db.session.add(step)
    db.session.commit()
    return step


def get_next_step(observation: Observation, step_id: int) -> NextStep | None:
    step = db.session.get(NextStep, step_id)
    return step if step is not None and step.observation_id == observation.id else None


def remove_next_step(step: NextStep) -> None:
    db.session.delete(step)
    db.session.commit()


def mark_agreed(step: NextStep) -> None:
    """The teacher agrees to a next step (idempotent: the first agreement's time stays)."""
    if step.agreed_at is None:
        step.agreed_at = utcnow()
        db.session.commit()


def correction_targets(lookfors: list[LookFor], event: Event | EventView) -> list[LookFor]:
    """The live look-fors an event can be moved to: those of the same kind, other than its own."""
    kind = "note" if event.lookfor_id is None else None
    for lookfor in lookfors:
        if lookfor.id == event.lookfor_id:
            kind = lookfor.kind
    return [
        lf for lf in lookfors if not lf.archived and lf.kind == kind and lf.id != event.lookfor_id
    ]


def get_live_event(observation: Observation, event_id: str) -> Event | None:
    """A live (not deleted) event of this observation, or None."""
    event = db.session.get(Event, event_id) if event_id else None
    if event is None or event.observation_id != observation.id or event.deleted:
        return None
    return event


def correct_event(
    coach, observation: Observation, event_id: str, action: str, *,
    lookfor_id: str | None = None, note: str | None = None,
) -> None:
    """Delete an event, move it to another look-for or edit a note's text.

    A correction is one more version of the event through the same sync rules as capture, so
    a late resend from the coach's phone cannot undo it, and a deletion stays a tombstone."""
    from ..sync.services import apply_sync_batch  # the sync area depends on nothing here

    event = get_live_event(observation, event_id)
    if event is None:
        raise DebriefError("That event is not in this observation.")
    payload = {
        "id": event.id,
        "observation_id": event.observation_id,
        "lookfor_id": event.lookfor_id,
        "offset_ms": event.offset_ms,
        "recorded_at": event.recorded_at.isoformat(),
        "count": event.count,
        "duration_ms": event.duration_ms,
        "note": event.note,
        "deleted": False,
        "version": event.version + 1,
    }
    if action == "delete":
        payload["deleted"] = True
    elif action == "move":
        targets = {lf.id for lf in correction_targets(cycle_lookfors(observation.cycle_id), event)}
        if not (lookfor_id or "").isdigit() or int(lookfor_id) not in targets:
            raise DebriefError("Choose a look-for of the same kind to move it to.")
        payload["lookfor_id"] = int(lookfor_id)
    elif action == "note":
        text = (note or "").strip()
        if not text:
            raise DebriefError("A note needs text; delete the event instead.")
        payload["note"] = text
    else:
        raise DebriefError("Choose delete, move or edit.")
    answer = apply_sync_batch(coach, {"observations": [], "events": [payload]})
    if answer["events"]["rejected"]:
        raise DebriefError(answer["events"]["rejected"][0]["error"])
