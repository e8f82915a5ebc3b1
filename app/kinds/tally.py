"""Tally: one tap, one occurrence (a student question, a redirect)."""

from __future__ import annotations

from fractions import Fraction

from . import register
from .base import Kind, Measure, exact, measure_key


@register
class Tally(Kind):
    name = "tally"
    label = "Tally"
    order = 10
    help = "One tap per occurrence; read as a count and a rate per 10 minutes."

    def measures(self, lookfor, lookfors) -> list[Measure]:
        label = lookfor.label
        found = [Measure(measure_key("rate", lookfor.id), f"{label}: per 10 minutes", "rate",
                         f"{{value}} “{label}” per 10 minutes",
                         lambda figures, i=lookfor.id: exact(
                             (figures.get(i) or {}).get("rate_per_10")))]
        for other in lookfors:
            if other.kind != self.name or other.id == lookfor.id:
                continue
            a, b = lookfor.id, other.id
            found.append(Measure(
                measure_key("ratio", a, b), f"{label} per {other.label} (ratio)", "ratio",
                f"{{value}} “{label}” per “{other.label}”",
                lambda figures, a=a, b=b: _ratio(_count(figures, a), _count(figures, b))))
            found.append(Measure(
                measure_key("share", a, b), f"{label} as a share of {label} + {other.label}",
                "percent", f"{{value}} of “{label}” and “{other.label}” together were “{label}”",
                lambda figures, a=a, b=b: _ratio(
                    100 * _count(figures, a), _count(figures, a) + _count(figures, b))))
        return found


def _count(figures, lookfor_id: int) -> int:
    return (figures.get(lookfor_id) or {}).get("count") or 0


def _ratio(numerator: int, denominator: int):
    return Fraction(numerator, denominator) if denominator else None
