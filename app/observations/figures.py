"""A look-for's figures in one observation or pooled over several, from its kind."""

from __future__ import annotations

from .. import kinds
from ..models import LookFor
from .facts import ObservationFacts


def lookfor_figures(lookfor: LookFor, facts: ObservationFacts) -> dict:
    return kinds.get(lookfor.kind).figures(
        lookfor.config or {}, facts.marks.get(lookfor.id, []), facts.length_ms)


def pooled_figures(lookfor: LookFor, all_facts: list[ObservationFacts]) -> dict:
    """Summed before dividing: the kind's figures over every observation's events at once,
    against the lengths added up."""
    parts = [(facts.marks.get(lookfor.id, []), facts.length_ms) for facts in all_facts]
    return kinds.get(lookfor.kind).pooled(lookfor.config or {}, parts)


def shown_lookfors(lookfors: list[LookFor], all_facts: list[ObservationFacts]) -> list[LookFor]:
    """Live look-fors, and removed ones that still hold events in these observations."""
    return [
        lf for lf in lookfors
        if not lf.archived or any(facts.marks.get(lf.id) for facts in all_facts)
    ]
