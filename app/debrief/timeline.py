"""The debrief's timeline as server-rendered SVG, built in Python: a long lesson has thousands
of marks, and a Jinja loop over them costs more than the whole rest of the page.

The SVG has no viewBox: marks sit at percentages of its width and text keeps its CSS size, so
the same markup reflows from a 360 px phone to a desktop and a label is never scaled down to a
few pixels. Each row's label sits above its marks rather than in a column beside them."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..observations.services import clock

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
    """One row: its label above a base line, and its marks (bars for durations, dots for notes,
    ticks for tallies), each with a tooltip."""
    label = escape(row.label)
    y = index * ROW_H
    base = y + 30
    colour = f"colour-{row.colour}" if row.colour is not None else "tl-notes"
    parts = [
        f'<g class="tl-row {colour}"><text class="tl-label" x="0" y="{y + 15}">'
        f"{escape(truncate(row.label))}</text>"
        f'<line class="tl-base" x1="{PAD}%" x2="{100 - PAD}%" y1="{base}" y2="{base}"></line>'
    ]
    for mark in row.marks:
        x = plot_x(mark.x)
        if row.kind == "duration" and mark.duration_ms is not None:
            # At least a sliver wide, so a short span is still seen.
            width = max(mark.width * (100 - 2 * PAD) / 100, 0.4)
            parts.append(
                f'<rect class="tl-bar" x="{x:.2f}%" y="{base - 8}" width="{width:.2f}%" '
                f'height="16"><title>{mark.clock} {label} ({clock(mark.duration_ms)})</title>'
                "</rect>"
            )
        elif row.kind == "note":
            parts.append(
                f'<circle class="tl-note" cx="{x:.2f}%" cy="{base}" r="6">'
                f"<title>{mark.clock} {label}</title></circle>"
            )
        else:
            parts.append(
                f'<rect class="tl-tick-mark" x="{x:.2f}%" y="{base - 10}" width="3" height="20" '
                f'transform="translate(-1.5 0)"><title>{mark.clock} {label}</title></rect>'
            )
    parts.append("</g>")
    return Markup("".join(parts))


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
        detail = clock(event.duration_ms) if event.duration_ms is not None else ""
        if event.note:
            detail += escape(event.note)
        correct = (
            f'<td class="no-print"><button form="event-pick" name="event" value="{event.id}" '
            f'class="secondary" aria-label="Correct {event.clock} {label}">Correct</button></td>'
            if coach_view else ""
        )
        parts.append(f"<tr><td>{event.clock}</td><td>{label}</td><td>{detail}</td>{correct}</tr>")
    return Markup("".join(parts))
