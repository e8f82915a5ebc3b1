"""The progress chart: the goal's measure in every observation of the cycle, with the baseline
and the target as lines, as server-rendered SVG.

Like the debrief's timeline (app/debrief/timeline.py) the SVG has no viewBox: points sit at
percentages of its width and y positions in pixels, so text keeps its CSS size (12–13 px) from
a 360 px phone to a printed page, and a label is never scaled down."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from markupsafe import Markup, escape

from .services import Progress, ProgressPoint, format_value

TOP = 24  # room above the plot for a value label over the highest point
PLOT_H = 150  # the plot itself: 0 at its bottom, the top value at its top
ROW = 16  # one line of labels under the plot (number, date, "<10 min")
PAD = 2.0  # percent of the width kept clear at each side
DATED = 6  # up to this many observations, each gets its date and value written on the chart


def chart_top(progress: Progress) -> float:
    """The value drawn at the top: 100 for percents, else a little above the largest value,
    baseline or target (a short lesson's rate may run off the top: it is drawn at the top)."""
    if progress.measure.unit == "percent":
        return 100.0
    values = [p.value for p in progress.points if p.value is not None and not p.short]
    values += [v for v in (progress.baseline, progress.target) if v is not None]
    return (max(values, default=0) * 1.15) or 1.0


def chart_height(progress: Progress) -> int:
    rows = 1 + (len(progress.points) <= DATED) + any(p.short for p in progress.points)
    return TOP + PLOT_H + rows * ROW + 8


def _x(index: int, count: int) -> float:
    return PAD + (index + 0.5) * (100 - 2 * PAD) / max(count, 1)


def _y(value: float, top: float) -> float:
    return TOP + PLOT_H * (1 - min(max(value / top, 0), 1))


def _line(kind: str, name: str, value: float | None, top: float, unit: str) -> str:
    """A baseline or target line across the plot; its words are in the legend above the chart
    (a label on the line would sit on the points near it)."""
    if value is None:
        return ""
    y = _y(value, top)
    return (f'<line class="pg-{kind}" x1="{PAD}%" x2="{100 - PAD}%" y1="{y:.1f}" y2="{y:.1f}">'
            f"<title>{name} {escape(format_value(value, unit))}</title></line>")


def progress_svg(progress: Progress, current_id: str | None,
                 when: Callable[[datetime, str], str]) -> Markup:
    """The chart's SVG. `when(moment, style)` writes a date in the coach's zone (the |local
    filter of the page that includes it)."""
    unit, points, top = progress.measure.unit, progress.points, chart_top(progress)
    count = len(points)
    dated = count <= DATED
    axis = TOP + PLOT_H
    slot = (100 - 2 * PAD) / max(count, 1)
    parts = [f'<line class="pg-axis" x1="{PAD}%" x2="{100 - PAD}%" y1="{axis}" y2="{axis}">'
             "</line>"]
    current = next((p for p in points if p.observation_id == current_id), None)
    if current is not None:
        left = _x(current.number - 1, count) - slot / 2
        parts.append(f'<rect class="pg-current-band" x="{left:.2f}%" y="{TOP - 24}" '
                     f'width="{slot:.2f}%" height="{PLOT_H + 24 + ROW + 4}"></rect>')
    parts.append(_line("baseline", "Baseline", progress.baseline, top, unit))
    parts.append(_line("target", "Target", progress.target, top, unit))
    drawn = [(i, p) for i, p in enumerate(points) if p.value is not None]
    for (i, a), (j, b) in zip(drawn, drawn[1:], strict=False):
        parts.append(f'<line class="pg-link" x1="{_x(i, count):.2f}%" y1="{_y(a.value, top):.1f}"'
                     f' x2="{_x(j, count):.2f}%" y2="{_y(b.value, top):.1f}"></line>')
    for i, point in enumerate(points):
        parts.append(_point(point, _x(i, count), top, unit, point is current, dated, axis, when))
    return Markup(
        f'<svg class="progress-chart" height="{chart_height(progress)}" role="img" '
        f'aria-label="{escape(progress.measure.label)} in each observation, with the baseline '
        f'and the target (the table below gives every point)">{"".join(parts)}</svg>')


def _point(point: ProgressPoint, x: float, top: float, unit: str, is_current: bool,
           dated: bool, axis: int, when: Callable[[datetime, str], str]) -> str:
    classes = "pg-point" + (" current" if is_current else "") + (" short" if point.short else "")
    shown = format_value(point.value, unit)
    title = (f"{point.number}. {when(point.started_at, 'datetime')}: {shown}"
             + (" (under 10 minutes)" if point.short else "")
             + (" (this lesson)" if is_current else ""))
    out = []
    if point.value is not None:
        y = _y(point.value, top)
        out.append(f'<circle class="{classes}" data-observation="{point.observation_id}" '
                   f'cx="{x:.2f}%" cy="{y:.1f}" r="{7 if is_current else 5}">'
                   f"<title>{escape(title)}</title></circle>")
        if dated or is_current:
            out.append(f'<text class="pg-value{" current" if is_current else ""}" x="{x:.2f}%" '
                       f'y="{y - 11:.1f}" text-anchor="middle">{escape(shown)}</text>')
    elif dated:
        out.append(f'<text class="pg-nodata" x="{x:.2f}%" y="{axis - 6}" text-anchor="middle">'
                   f"<title>{escape(title)}</title>no data</text>")
    row = axis + ROW
    out.append(f'<text class="pg-number{" current" if is_current else ""}" x="{x:.2f}%" '
               f'y="{row}" text-anchor="middle">{point.number}</text>')
    if dated:
        row += ROW
        out.append(f'<text class="pg-date" x="{x:.2f}%" y="{row}" text-anchor="middle">'
                   f"{escape(when(point.started_at, 'day'))}</text>")
    if point.short:
        row += ROW
        out.append(f'<text class="pg-short" x="{x:.2f}%" y="{row}" text-anchor="middle">'
                   f"{'&lt;10 min' if dated else '*'}</text>")
    return "".join(out)
