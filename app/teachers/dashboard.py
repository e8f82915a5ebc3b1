"""What is next: every open cycle on the dashboard, grouped by teacher, with what needs the coach.

For each teacher on the dashboard (not archived): every open cycle with its goal, the measure's
latest value against its target (when a measure is chosen) and the last observation's date;
the teacher's next planned visit; and the flags:
- "Debrief due": an ended observation with no saved debrief (notes the coach saved, or a next
  step) once the cycle's norm has passed: 24 hours, or the hours the norms name
  (schedule.services.debrief_norm_hours);
- "New reflection": the teacher wrote a reflection or agreed a next step since the coach last
  opened that debrief (Debrief.coach_seen_at, stamped by debrief.conversation.note_debrief_seen).
"Waiting to sync" is a fact of the device, not the server: static/js/dashboard.js marks it.

Each list is one query whatever the number of teachers (tests/test_dashboard.py counts them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import (
    Coach,
    Cycle,
    CycleStatus,
    Debrief,
    LookFor,
    NextStep,
    Observation,
    Teacher,
    Visit,
    utcnow,
)
from ..observations.facts import gather

if TYPE_CHECKING:
    from ..goals.services import Progress

# The search box shows once a coach has more teachers than this.
SEARCH_FROM = 10
MAX_QUERY = 100


@dataclass(frozen=True)
class Flagged:
    """One observation behind a flag: which, when it was observed, and since when it is due
    (Debrief due) or when the teacher last wrote or agreed (New reflection)."""

    observation_id: str
    started_at: datetime
    at: datetime


@dataclass
class CycleCard:
    cycle: Cycle
    norm_hours: int
    last_observed_at: datetime | None = None
    progress: Progress | None = None
    debrief_due: list[Flagged] = field(default_factory=list)
    new_reflection: list[Flagged] = field(default_factory=list)


@dataclass
class TeacherGroup:
    teacher: Teacher
    closed_count: int
    cycles: list[CycleCard] = field(default_factory=list)
    next_visit: Visit | None = None


@dataclass(frozen=True)
class Dashboard:
    groups: list[TeacherGroup]
    query: str
    teacher_count: int  # every teacher on the dashboard, whatever the search
    archived_count: int
    closed_count: int

    @property
    def searchable(self) -> bool:
        return self.teacher_count > SEARCH_FROM or bool(self.query)

    @property
    def due_count(self) -> int:
        return sum(len(c.debrief_due) for g in self.groups for c in g.cycles)

    @property
    def reflection_count(self) -> int:
        return sum(len(c.new_reflection) for g in self.groups for c in g.cycles)


def clean_query(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_QUERY]


def _shown(coach: Coach, query: str) -> list:
    """The teachers the dashboard lists: the coach's, not archived, with every word of the
    search in their name, school or subject (case-insensitive; % and _ are plain characters),
    as static/js/dashboard.js filters while the coach types."""
    where = [Teacher.coach_id == coach.id, Teacher.archived_at.is_(None)]
    for word in query.split():
        where.append(or_(*(column.icontains(word, autoescape=True)
                           for column in (Teacher.name, Teacher.school, Teacher.subject))))
    return where


def _counts(coach: Coach) -> tuple[int, int, int]:
    """Teachers on the dashboard, archived teachers, and closed cycles of the former."""
    def teachers(archived: bool):
        state = Teacher.archived_at.is_not(None) if archived else Teacher.archived_at.is_(None)
        return (select(func.count()).select_from(Teacher)
                .where(Teacher.coach_id == coach.id, state).scalar_subquery())
    closed = (select(func.count()).select_from(Cycle).join(Teacher)
              .where(Teacher.coach_id == coach.id, Teacher.archived_at.is_(None),
                     Cycle.status == CycleStatus.CLOSED).scalar_subquery())
    active, archived, closed_count = db.session.execute(
        select(teachers(False), teachers(True), closed)).one()
    return active, archived, closed_count


def _saved(keepers, polishers, private_notes, grow_notes, steps: int) -> bool:
    """The coach held the debrief: saved notes in it, or a next step."""
    return bool(keepers or polishers or private_notes or grow_notes or steps)


def dashboard(coach: Coach, query: str | None = None, now: datetime | None = None) -> Dashboard:
    """The coach's dashboard: teachers (by name) with every open cycle (newest first)."""
    # Imported here: schedule and goals import cycles, which imports this package.
    from ..goals.services import progress_of
    from ..schedule.services import debrief_norm_hours

    now = now or utcnow()
    query = clean_query(query)
    shown = _shown(coach, query)
    teacher_count, archived_count, closed_count = _counts(coach)

    closed_of = (select(func.count()).select_from(Cycle)
                 .where(Cycle.teacher_id == Teacher.id, Cycle.status == CycleStatus.CLOSED)
                 .correlate(Teacher).scalar_subquery())
    groups = {teacher.id: TeacherGroup(teacher, closed) for teacher, closed in db.session.execute(
        select(Teacher, closed_of).where(*shown).order_by(Teacher.name, Teacher.id))}

    cards: dict[int, CycleCard] = {}
    for cycle in db.session.scalars(
        select(Cycle).join(Teacher).where(*shown, Cycle.status != CycleStatus.CLOSED)
        .order_by(Cycle.created_at.desc(), Cycle.id.desc())
    ):
        cards[cycle.id] = CycleCard(cycle, debrief_norm_hours(cycle.norms))
        groups[cycle.teacher_id].cycles.append(cards[cycle.id])

    measured = {cid for cid, card in cards.items() if card.cycle.measure}
    observed: dict[int, list[Observation]] = defaultdict(list)
    for row in _observations(shown):
        observation, card = row[0], cards[row[0].cycle_id]
        observed[card.cycle.id].append(observation)
        card.last_observed_at = observation.started_at  # rows come in start order
        _flag(card, row, now)

    if measured:
        lookfors: dict[int, list[LookFor]] = defaultdict(list)
        for lookfor in db.session.scalars(
            select(LookFor).where(LookFor.cycle_id.in_(measured))
            .order_by(LookFor.cycle_id, LookFor.archived, LookFor.position, LookFor.id)
        ):
            lookfors[lookfor.cycle_id].append(lookfor)
        # Every measured cycle's events in one query.
        facts = defaultdict(list)
        for fact in gather([o for cid in measured for o in observed[cid]]):
            facts[fact.observation.cycle_id].append(fact)
        for cid in measured:
            cards[cid].progress = progress_of(cards[cid].cycle, facts[cid], lookfors[cid])

    for visit in _next_visits(coach, now):
        group = groups.get(visit.teacher_id)
        if group is not None and group.next_visit is None:
            group.next_visit = visit
    return Dashboard(list(groups.values()), query, teacher_count, archived_count, closed_count)


def _observations(shown: list):
    """Every live observation of the listed open cycles, in start order, with its debrief's
    state and its next steps' (counted, and the last agreement) in the same row."""
    steps = select(func.count()).where(NextStep.observation_id == Observation.id)
    agreed = select(func.max(NextStep.agreed_at)).where(NextStep.observation_id == Observation.id)
    return db.session.execute(
        select(Observation, Debrief.keepers.is_not(None), Debrief.polishers.is_not(None),
               Debrief.private_notes.is_not(None), Debrief.grow_notes,
               Debrief.teacher_reflection.is_not(None), Debrief.reflection_at,
               Debrief.coach_seen_at,
               steps.correlate(Observation).scalar_subquery(),
               agreed.correlate(Observation).scalar_subquery())
        .join(Cycle, Observation.cycle_id == Cycle.id).join(Teacher, Cycle.teacher_id == Teacher.id)
        .outerjoin(Debrief, Debrief.observation_id == Observation.id)
        .where(*shown, Cycle.status != CycleStatus.CLOSED, Observation.deleted_at.is_(None))
        .order_by(Observation.started_at, Observation.id)
    ).all()


def _flag(card: CycleCard, row, now: datetime) -> None:
    """Debrief due and New reflection for one observation's row."""
    (observation, keepers, polishers, private_notes, grow_notes, reflected, reflection_at,
     seen_at, steps, agreed_at) = row
    if observation.ended_at is not None and not _saved(
            keepers, polishers, private_notes, grow_notes, steps):
        try:
            due = observation.ended_at + timedelta(hours=card.norm_hours)
        except OverflowError:  # a device clock at year 9999: never due
            due = None
        if due is not None and now >= due:
            card.debrief_due.append(Flagged(observation.id, observation.started_at, due))
    latest = max((t for t in (reflection_at if reflected else None, agreed_at) if t),
                 default=None)
    if latest is not None and (seen_at is None or latest > seen_at):
        card.new_reflection.append(Flagged(observation.id, observation.started_at, latest))


def _next_visits(coach: Coach, now: datetime) -> list[Visit]:
    """Each teacher's first visit from now on (of two at the same moment, the older)."""
    first = (select(Visit.teacher_id, func.min(Visit.starts_at).label("starts_at"))
             .where(Visit.coach_id == coach.id, Visit.starts_at >= now)
             .group_by(Visit.teacher_id).subquery())
    return list(db.session.scalars(
        select(Visit).join(first, and_(Visit.teacher_id == first.c.teacher_id,
                                       Visit.starts_at == first.c.starts_at))
        .order_by(Visit.id)
    ))
