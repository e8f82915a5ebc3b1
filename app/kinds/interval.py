"""Interval: the lesson cut into fixed intervals (COPUS: 2 minutes); in each, the coach ticks
every code that happened. One event per interval, versioned on each change."""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

from . import register
from .base import Kind, KindError, Mark, TrendValue, clock, only_keys, ratio, text, whole

MAX_CODES = 40
# "CODE = what it means" or "CODE: what it means", one per line on the form.
CODE_LINE = re.compile(r"^\s*(\S+)\s*[=:]\s*(.*?)\s*$")


def _seen(config: Mapping, marks: list[Mark]) -> list[str]:
    codes = [c["code"] for c in config.get("codes", [])]
    for mark in marks:
        for code in (mark.data or {}).get("codes", []):
            if code not in codes:
                codes.append(code)
    return codes


@register
class Interval(Kind):
    name = "interval"
    label = "Interval"
    order = 60
    help = "Fixed intervals (e.g. 2 minutes); tick each code seen in the interval (COPUS)."
    spans = True

    def parse_config(self, raw: object) -> dict:
        raw = only_keys(raw, "config", {"interval_s", "codes"}, {"interval_s", "codes"})
        codes = raw["codes"]
        if not isinstance(codes, list) or not 1 <= len(codes) <= MAX_CODES:
            raise KindError(f"give 1 to {MAX_CODES} codes")
        clean = []
        for item in codes:
            item = only_keys(item, "a code", {"code", "label"}, {"code"})
            code = text(item["code"], "a code", 12, spaces=False)
            label = text(item["label"], "a code's meaning", 120) if item.get("label") else code
            clean.append({"code": code, "label": label})
        if len({c["code"] for c in clean}) != len(clean):
            raise KindError("each code must be different")
        return {"interval_s": whole(raw["interval_s"], "interval_s", 10, 900), "codes": clean}

    def config_from_form(self, field) -> object:
        codes = []
        for line in field("codes").splitlines():
            if not line.strip():
                continue
            match = CODE_LINE.match(line)
            code, label = (match.group(1), match.group(2)) if match else (line.strip(), "")
            codes.append({"code": code, "label": label or code})
        try:
            seconds = int(field("interval_s").strip())
        except ValueError:
            raise KindError("the interval is a whole number of seconds") from None
        return {"interval_s": seconds, "codes": codes}

    def parse_data(self, config: Mapping, event: Mapping) -> dict:
        data = only_keys(event.get("data"), "data", {"codes"}, {"codes"})
        known = {c["code"] for c in config.get("codes", [])}
        codes = data["codes"]
        if not isinstance(codes, list) or any(c not in known for c in codes):
            raise KindError("codes must be a list of the look-for's codes")
        if len(set(codes)) != len(codes):
            raise KindError("a code is ticked twice")
        limit = config.get("interval_s", 900) * 1000
        if event.get("duration_ms") is None or not 1 <= event["duration_ms"] <= limit:
            raise KindError(f"duration_ms must be the interval's length, 1 to {limit}")
        return {"codes": codes}

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        counts = dict.fromkeys(_seen(config, marks), 0)
        for mark in marks:
            for code in mark.data["codes"]:
                counts[code] += 1
        return {
            "intervals": len(marks),
            "codes": {
                code: {"intervals": n, "share": ratio(n, len(marks))} for code, n in counts.items()
            },
        }

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        return [
            TrendValue(code, f"% of intervals with {code}", value["share"], "percent")
            for code, value in figures["codes"].items()
        ]

    def csv_cells(self, data) -> dict[str, object]:
        return {"codes": " ".join(data["codes"])}

    def detail(self, config, mark: Mark) -> str:
        return " ".join(mark.data["codes"]) or "(none)"

    def timeline_marks(self, config, label, marks, y) -> Markup:
        # A cell per interval, darker for more codes ticked (the grid below names them).
        most = max((len(m.data["codes"]) for _, _, m in marks), default=0) or 1
        parts = []
        for x, width, mark in marks:
            codes = mark.data["codes"]
            parts.append(
                f'<rect class="tl-interval" x="{x:.1f}" y="{y + 8}" width="{max(width, 2):.1f}" '
                f'height="24" fill-opacity="{0.15 + 0.85 * len(codes) / most:.2f}">'
                f"<title>{clock(mark.offset_ms)} {escape(label)}: "
                f"{escape(' '.join(codes) or 'none')}</title></rect>"
            )
        return Markup("".join(parts))
