"""SVG marks for the debrief's timeline, built in Python: a long lesson has thousands of marks,
and a Jinja loop over them costs more than the whole rest of the page."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..observations.services import clock


def timeline_marks(row, y: int, label_w: float, plot_w: float) -> Markup:
    """One row's marks: bars for durations, dots for notes, ticks for tallies."""
    label = escape(row.label)
    scale = plot_w / 100
    parts = []
    for mark in row.marks:
        x = label_w + mark.x * scale
        if row.kind == "duration" and mark.duration_ms is not None:
            width = max(mark.width * scale, 2)
            parts.append(
                f'<rect class="tl-bar" x="{x:.1f}" y="{y + 8}" width="{width:.1f}" height="24">'
                f"<title>{mark.clock} {label} ({clock(mark.duration_ms)})</title></rect>"
            )
        elif row.kind == "note":
            parts.append(
                f'<circle class="tl-note" cx="{x:.1f}" cy="{y + 20}" r="8">'
                f"<title>{mark.clock} {label}</title></circle>"
            )
        else:
            parts.append(
                f'<rect class="tl-tick-mark" x="{x - 2:.1f}" y="{y + 6}" width="4" height="28">'
                f"<title>{mark.clock} {label}</title></rect>"
            )
    return Markup("".join(parts))


def event_table_rows(events, coach_view: bool) -> Markup:
    """The timeline's table alternative: MM:SS, look-for and detail for each event; the coach's
    rows carry a "Correct" button that submits the shared #event-pick form."""
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
