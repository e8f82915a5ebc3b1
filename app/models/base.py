"""Column types and value sets shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime

from .. import kinds
from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(db.TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Choice(enum.StrEnum):
    """A fixed set of values stored as plain strings, with a label for forms."""

    @classmethod
    def values(cls) -> set[str]:
        return {member.value for member in cls}

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FocusArea(Choice):
    STUDENT_OUTCOMES = "student_outcomes"
    INSTRUCTIONAL_PRACTICE = "instructional_practice"
    CLASSROOM_MANAGEMENT = "classroom_management"


class CycleStatus(Choice):
    PLANNING = "planning"
    OBSERVING = "observing"
    DEBRIEFING = "debriefing"
    CLOSED = "closed"


# The kinds of look-for come from the registry in app/kinds: one module per kind.
LookForKind = Choice("LookForKind", {name.upper(): name for name in kinds.names()})
