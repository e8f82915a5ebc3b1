"""Interval: the lesson cut into fixed intervals (COPUS: 2 minutes); in each, the coach ticks
every code that happened. One event per interval, versioned on each change."""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

from . import register
from .base import (
    Kind,
    KindError,
    Mark,
    Measure,
    TrendValue,
    clock,
    measure_key,
    only_keys,
    percent_of,
    ratio,
    text,
    whole,
)

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
    rated = False
    figures_template = "kinds/_interval_figures.html"

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
        seconds = whole(raw["interval_s"], "the interval in seconds (interval_s)", 10, 900)
        return {"interval_s": seconds, "codes": clean}

    config_fields = ("interval_s", "codes")

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

    def form_values(self, config: Mapping) -> dict[str, str]:
        return {"interval_s": str(config.get("interval_s", "")),
                "codes": "\n".join(f"{c['code']} = {c['label']}" for c in config.get("codes", []))}

    def keep_recorded(self, old: Mapping, new: Mapping, recorded: list) -> None:
        # Events store codes and span one interval each: a code in use may get a new meaning
        # but not go, and the interval's length is fixed once intervals are recorded.
        if recorded and new["interval_s"] != old.get("interval_s"):
            raise KindError(f"intervals of {old.get('interval_s')} seconds are recorded, so "
                            "the interval stays; add a new look-for for another length")
        used = {code for data in recorded for code in (data or {}).get("codes", [])}
        kept = {c["code"] for c in new["codes"]}
        gone = [c["code"] for c in old.get("codes", [])
                if c["code"] in used and c["code"] not in kept]
        if gone:
            raise KindError(f"{gone[0]} is in recorded intervals, so that code stays; you can "
                            "change its meaning, add codes or remove unused ones")

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

    def timeline_marks(self, config, label, marks, base) -> Markup:
        # A cell per interval, darker for more codes ticked (the grid below names them).
        most = max((len(m.data["codes"]) for _, _, m in marks), default=0) or 1
        parts = []
        for x, width, mark in marks:
            codes = mark.data["codes"]
            parts.append(
                f'<rect class="tl-interval" x="{x:.2f}%" y="{base - 8}" '
                f'width="{max(width - 0.2, 0.4):.2f}%" height="16" '
                f'fill-opacity="{0.15 + 0.85 * len(codes) / most:.2f}">'
                f"<title>{clock(mark.offset_ms)} {escape(label)}: "
                f"{escape(' '.join(codes) or 'none')}</title></rect>"
            )
        return Markup("".join(parts))

    def headline(self, figures: Mapping) -> int:
        return figures["intervals"]

    def grid(self, config: Mapping, marks: list[Mark]) -> list[tuple[str, str, list[bool]]]:
        """The codes × intervals grid (a COPUS profile): per code, its meaning and whether each
        interval, in time order, had it."""
        labels = {c["code"]: c["label"] for c in config.get("codes", [])}
        return [
            (code, labels.get(code, code), [code in m.data["codes"] for m in marks])
            for code in _seen(config, marks)
        ]

    def measures(self, lookfor, lookfors) -> list[Measure]:
        return [
            Measure(measure_key("interval_code", lookfor.id, c["code"]),
                    f"{lookfor.label}: % of intervals with {c['code']} ({c['label']})",
                    "percent", f"{{value}} of intervals had {c['code']} ({c['label']})",
                    percent_of(lookfor.id, "codes", c["code"], "share"))
            for c in (lookfor.config or {}).get("codes", [])
        ]
