"""Duration: a chess clock. One tap starts, the next stops (teacher talk, group work)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from markupsafe import Markup, escape

from . import register
from .base import Kind, Mark, Measure, TrendValue, clock, measure_key, percent_of, ratio


def span_bars(label: str, marks, base: int, css: str = "tl-bar") -> Markup:
    """Bars for timed spans, at least a sliver wide so a short one is still seen."""
    label = escape(label)
    return Markup("".join(
        f'<rect class="{css}" x="{x:.2f}%" y="{base - 8}" width="{max(width, 0.4):.2f}%" '
        f'height="16"><title>{clock(mark.offset_ms)} {label} ({clock(mark.duration_ms or 0)})'
        "</title></rect>"
        for x, width, mark in marks
    ))


@register
class Duration(Kind):
    name = "duration"
    label = "Duration"
    order = 20
    help = "Tap to start, tap again to stop; read as total time and share of the lesson."
    spans = True

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        total = sum(mark.duration_ms or 0 for mark in marks)
        return {"count": len(marks), "total_ms": total, "share": ratio(total, length_ms)}

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        return [TrendValue("", "share of the lesson", figures["share"], "percent")]

    def timeline_marks(self, config, label, marks, base) -> Markup:
        return span_bars(label, marks, base)

    def measures(self, lookfor, lookfors) -> list[Measure]:
        label = lookfor.label
        found = [Measure(measure_key("lesson_share", lookfor.id), f"{label}: share of the lesson",
                         "percent", f"“{label}” took {{value}} of the lesson",
                         percent_of(lookfor.id, "share"))]
        durations = [lf for lf in lookfors if lf.kind == self.name]
        groups = [[lookfor, other] for other in durations if other.id != lookfor.id]
        if len(durations) > 2:
            groups.append([lookfor, *(lf for lf in durations if lf.id != lookfor.id)])
        for group in groups:
            ids = [lf.id for lf in group]
            names = ", ".join(lf.label for lf in group)
            found.append(Measure(
                measure_key("group_share", *ids), f"{label} ÷ all of {names}", "percent",
                f"“{label}” was {{value}} of the time in {names}",
                lambda figures, ids=tuple(ids): _group_share(figures, ids)))
        return found


def _group_share(figures, ids: tuple[int, ...]):
    totals = [(figures.get(i) or {}).get("total_ms") or 0 for i in ids]
    return Fraction(100 * totals[0], sum(totals)) if sum(totals) else None
