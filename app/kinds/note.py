"""Note: a short verbatim record at the minute it was seen or heard."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from . import register
from .base import Kind, Mark, TrendValue, clock


@register
class Note(Kind):
    name = "note"
    label = "Note"
    order = 30
    help = "Short low-inference notes, stamped at the moment they were seen or heard."

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        return {"count": sum(mark.count for mark in marks)}

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        return [TrendValue("", "notes", figures["count"], "count")]

    def timeline_marks(self, config, label, marks, base) -> Markup:
        label = escape(label)
        return Markup("".join(
            f'<circle class="tl-note" cx="{x:.2f}%" cy="{base}" r="6">'
            f"<title>{clock(mark.offset_ms)} {label}</title></circle>"
            for x, _, mark in marks
        ))
