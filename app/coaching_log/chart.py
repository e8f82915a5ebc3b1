"""Minutes as bars, server-rendered SVG (like the goal's progress chart, no viewBox: bars are
percentages of the width, rows are pixels, so the 14 px labels stay 14 px on a 360 px phone).
The chart is hidden from assistive technology: the table under it says the same, in text."""

from __future__ import annotations

from markupsafe import Markup, escape

from .activities import Total

ROW = 40  # one label line, then its bar
BAR = 12
LONGEST_LABEL = 28  # characters of a name before "…", so its minutes still show on a phone


def minutes_text(minutes: int) -> str:
    return f"{minutes} min"


def _short(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1].rstrip() + "…"


def bars_svg(rows: list[Total], kind: str) -> Markup:
    """One bar per role or teacher, its length the share of the largest row's minutes."""
    top = max((row.minutes for row in rows), default=0)
    parts = []
    for i, row in enumerate(rows):
        y = i * ROW
        share = 100 * row.minutes / top if top else 0
        parts.append(f'<text class="lb-label" x="0" y="{y + 16}">{escape(_short(row.label))} '
                     f'<tspan class="lb-value">{minutes_text(row.minutes)}</tspan></text>'
                     f'<rect class="lb-track" x="0" y="{y + 22}" width="100%" height="{BAR}" '
                     'rx="3"></rect>')
        if share:
            parts.append(f'<rect class="lb-bar" data-key="{escape(str(row.key))}" x="0" '
                         f'y="{y + 22}" width="{max(share, 0.5):.2f}%" height="{BAR}" rx="3">'
                         "</rect>")
    return Markup(f'<svg class="log-bars log-bars-{kind}" width="100%" height="{ROW * len(rows)}"'
                  f' aria-hidden="true" focusable="false">{"".join(parts)}</svg>')
