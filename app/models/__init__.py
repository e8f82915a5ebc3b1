"""Typed models: coaches own teachers, teachers have coaching cycles, cycles have look-fors and
observations, observations have events. Small derived facts live here; use cases live in each
area's services module. One module per group of tables; every model is importable from here."""

from __future__ import annotations

from .accounts import Coach, CoachSession
from .base import Choice, CycleStatus, FocusArea, LookForKind, UTCDateTime, utcnow
from .coaching import Cycle, CycleChange, LookFor, Teacher
from .conversation import Debrief, NextStep
from .observations import Event, Observation
from .schedule import ACTIVITIES, LogEntry, OfferLink, OfferSlot, TimeOffer, Visit
from .sharing import CycleShareLink, ShareLink
from .throttle import RateLimitHit

__all__ = [
    "ACTIVITIES", "Choice", "Coach", "CoachSession", "Cycle", "CycleChange", "CycleShareLink",
    "CycleStatus", "Debrief", "Event", "FocusArea", "LogEntry", "LookFor", "LookForKind",
    "NextStep", "Observation", "OfferLink", "OfferSlot", "RateLimitHit", "ShareLink", "Teacher",
    "TimeOffer", "UTCDateTime", "Visit", "utcnow",
]
