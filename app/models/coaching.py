"""Teachers, their coaching cycles and the look-fors of a cycle."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import kinds
from ..extensions import db
from .base import CycleStatus, FocusArea, LookForKind, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .accounts import Coach
    from .observations import Observation


class Teacher(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(80))
    school: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An archived teacher leaves the dashboard but keeps everything; restoring brings it back.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coach: Mapped[Coach] = relationship(back_populates="teachers")
    cycles: Mapped[list[Cycle]] = relationship(
        back_populates="teacher", order_by="Cycle.created_at.desc()", cascade="all, delete-orphan"
    )

    @property
    def open_cycle(self) -> Cycle | None:
        """The most recent cycle that is not closed."""
        return next((c for c in self.cycles if c.is_open), None)


class Cycle(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    goal: Mapped[str] = mapped_column(Text)
    focus_area: Mapped[str] = mapped_column(String(40), default=FocusArea.STUDENT_OUTCOMES)
    baseline: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    norms: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CycleStatus.PLANNING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The goal as a measure Lookfor computes from each observation (a key from a kind's
    # measures, app/kinds), with its baseline and target in the measure's unit.
    measure: Mapped[str | None] = mapped_column(String(200))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float | None] = mapped_column(Float)
    baseline_from_first: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false())
    goal_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The planning conference, and the coach's own words for the cycle report.
    planning_notes: Mapped[str | None] = mapped_column(Text)
    report_overview: Mapped[str | None] = mapped_column(Text)
    report_reflection: Mapped[str | None] = mapped_column(Text)
    # The cycle this one follows with the same teacher (Try-Measure-Learn's next goal).
    previous_cycle_id: Mapped[int | None] = mapped_column(
        ForeignKey("cycle.id", ondelete="SET NULL"))

    teacher: Mapped[Teacher] = relationship(back_populates="cycles")
    # Live look-fors in display order; archived ones stay in the table for old events.
    lookfors: Mapped[list[LookFor]] = relationship(
        order_by="LookFor.position",
        primaryjoin="and_(Cycle.id == LookFor.cycle_id, LookFor.archived.is_(False))",
        viewonly=True,
    )
    observations: Mapped[list[Observation]] = relationship(
        back_populates="cycle", order_by="Observation.started_at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "status in ('planning', 'observing', 'debriefing', 'closed')", name="status"
        ),
        CheckConstraint(
            "focus_area in ('student_outcomes', 'instructional_practice', "
            "'classroom_management')",
            name="focus_area",
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.status != CycleStatus.CLOSED

    def move_to(self, status: str, now: datetime | None = None) -> None:
        """Set the status, kept as a dated change (listed under "Changes"; reopening reads
        the status a cycle had when it was closed), whichever control moved it."""
        if self.status != status:
            db.session.add(CycleChange(cycle_id=self.id, field="status", old_value=self.status,
                                       new_value=status, changed_at=now or utcnow()))
            self.status = status

    @property
    def focus_label(self) -> str:
        return FocusArea(self.focus_area).label


class LookFor(db.Model):
    """An observable behaviour that shows progress toward the cycle's goal.

    Removing a look-for archives it, so events already recorded against it keep their label.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default=LookForKind.TALLY)
    # What a look-for of its kind needs (categories, codes, class size…), checked by the kind.
    config: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    cycle: Mapped[Cycle] = relationship()

    __table_args__ = (
        CheckConstraint(kinds.check_sql("kind"), name="kind"),
    )

    # Eight hues that stay distinct in light and dark mode; a look-for keeps its hue for life.
    PALETTE = 8

    @property
    def colour(self) -> int:
        return self.id % self.PALETTE


class CycleChange(db.Model):
    """One dated change to a cycle's goal, baseline, target, norms or status, listed on its
    page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
