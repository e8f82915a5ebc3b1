"""The debrief's timeline as server-rendered SVG, built in Python: a long lesson has thousands
of marks, and a Jinja loop over them costs more than the whole rest of the page.

The SVG has no viewBox: marks sit at percentages of its width and text keeps its CSS size, so
the same markup reflows from a 360 px phone to a desktop and a label is never scaled down to a
few pixels. Each row's label sits above its marks rather than in a column beside them."""

from __future__ import annotations

from markupsafe import Markup, escape

ROW_H = 44  # a row: its label (14 px), then its marks around the base line
AXIS_H = 24  # the minute labels (12 px) under the rows
PAD = 1.5  # percent kept clear at each end, so a mark at 00:00 or at the end is whole


def plot_x(percent: float) -> float:
    """A position in percent of the lesson as a percent of the SVG's width."""
    return PAD + percent * (100 - 2 * PAD) / 100


def timeline_height(rows: int) -> int:
    return rows * ROW_H + AXIS_H


def timeline_axis(ticks: list[tuple[float, str]], rows: int) -> Markup:
    """Grid lines and minute labels; every other label is "minor", hidden on a narrow screen so
    the ones shown never overlap."""
    bottom = rows * ROW_H
    parts = []
    for i, (percent, label) in enumerate(ticks):
        x = plot_x(percent)
        anchor = "start" if i == 0 else "end" if percent > 95 else "middle"
        minor = " minor" if i % 2 else ""
        parts.append(
            f'<line class="tl-grid" x1="{x:.2f}%" x2="{x:.2f}%" y1="0" y2="{bottom}"></line>'
            f'<text class="tl-tick{minor}" x="{x:.2f}%" y="{bottom + AXIS_H - 6}" '
            f'text-anchor="{anchor}">{label}</text>'
        )
    return Markup("".join(parts))


def truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline_row(row, index: int) -> Markup:
    """One row: its label above a base line, and its marks as its kind draws them (ticks for
    tallies, bars for durations, dots for notes…), each with a tooltip."""
    y = index * ROW_H
    base = y + 30
    colour = f"colour-{row.colour}" if row.colour is not None else "tl-notes"
    scale = (100 - 2 * PAD) / 100
    marks = [(plot_x(v.x), v.width * scale, v.mark) for v in row.marks]
    return Markup(
        f'<g class="tl-row {colour}"><text class="tl-label" x="0" y="{y + 15}">'
        f"{escape(truncate(row.label))}</text>"
        f'<line class="tl-base" x1="{PAD}%" x2="{100 - PAD}%" y1="{base}" y2="{base}"></line>'
        f"{row.kind_def.timeline_marks(row.config, row.label, marks, base)}</g>"
    )


def event_table_rows(events, coach_view: bool) -> Markup:
    """The timeline's table alternative: MM:SS, look-for and detail for each event.

    The coach's rows carry a "Correct" button that submits the shared #event-pick form with its
    event id: natively without JavaScript, and through js/debrief.js with htmx (which would
    otherwise leave out the value of a submitter outside the form)."""
    parts = []
    labels: dict[int, str] = {}  # each row's label escaped once, not once per event
    for event in events:
        label = labels.get(id(event.row))
        if label is None:
            label = labels[id(event.row)] = escape(event.row.label)
        detail = escape(event.row.kind_def.detail(event.row.config, event.mark))
        correct = (
            f'<td class="no-print"><button form="event-pick" name="event" value="{event.id}" '
            f'class="secondary" aria-label="Correct {event.clock} {label}">Correct</button></td>'
            if coach_view else ""
        )
        parts.append(f"<tr><td>{event.clock}</td><td>{label}</td><td>{detail}</td>{correct}</tr>")
    return Markup("".join(parts))
