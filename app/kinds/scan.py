"""Scan: a momentary time sample. Every few minutes the coach counts how many students are on
task, out of how many ("80% of students on task")."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from markupsafe import Markup, escape

from . import register
from .base import (
    Exact,
    Kind,
    KindError,
    Mark,
    Measure,
    TrendValue,
    clock,
    measure_key,
    only_keys,
    percent_of,
    whole,
)

MAX_STUDENTS = 200


@register
class Scan(Kind):
    name = "scan"
    label = "Scan"
    order = 50
    help = "A quick count of students on task out of the class, every few minutes."
    rated = False
    figures_template = "kinds/_scan_figures.html"

    def parse_config(self, raw: object) -> dict:
        raw = only_keys(raw, "config", {"of", "every_s"}, {"of"})
        config = {"of": whole(raw["of"], "the number of students (of)", 1, MAX_STUDENTS)}
        if raw.get("every_s") is not None:
            config["every_s"] = whole(raw["every_s"], "the reminder in seconds (every_s)", 10,
                                      3600)
        return config

    config_fields = ("of", "every_min")

    def config_from_form(self, field) -> object:
        config: dict = {"of": _number(field("of"))}
        minutes = field("every_min").strip()
        if minutes:
            try:
                seconds = round(float(minutes) * 60)
            except (ValueError, OverflowError):  # "x", "nan", "inf"
                seconds = 0
            if not 10 <= seconds <= 3600:
                raise KindError("remind every 0.2 to 60 minutes, or leave the reminder empty")
            config["every_s"] = seconds
        return config

    def form_values(self, config: Mapping) -> dict[str, str]:
        every = config.get("every_s")
        return {"of": str(config.get("of", "")),
                "every_min": "" if every is None else f"{every / 60:g}"}

    def parse_data(self, config: Mapping, event: Mapping) -> dict:
        data = only_keys(event.get("data"), "data", {"on", "of"}, {"on", "of"})
        of = whole(data["of"], "of", 1, MAX_STUDENTS)
        return {"on": whole(data["on"], "on", 0, of), "of": of}

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        shares = [Fraction(m.data["on"], m.data["of"]) for m in marks]
        return {
            "scans": len(shares),
            "mean_on_share": Exact(sum(shares) / len(shares)) if shares else None,
            "min_on_share": Exact(min(shares)) if shares else None,
            "max_on_share": Exact(max(shares)) if shares else None,
        }

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        return [TrendValue("", "average on task", figures["mean_on_share"], "percent")]

    def csv_cells(self, data) -> dict[str, object]:
        return {"on": data["on"], "of": data["of"]}

    def detail(self, config, mark: Mark) -> str:
        on, of = mark.data["on"], mark.data["of"]
        return f"{on} of {of} on task ({on * 100 // of}%)"

    def timeline_marks(self, config, label, marks, base) -> Markup:
        # A point per scan, higher for more students on task (the row's top is 100%).
        parts = []
        for x, _, mark in marks:
            on, of = mark.data["on"], mark.data["of"]
            parts.append(
                f'<circle class="tl-scan" cx="{x:.2f}%" cy="{base + 10 - 20 * on / of:.1f}" '
                f'r="5"><title>{clock(mark.offset_ms)} {escape(label)}: {on} of {of} '
                f"({on * 100 // of}%)</title></circle>"
            )
        return Markup("".join(parts))

    def headline(self, figures: Mapping) -> int:
        return figures["scans"]

    def measures(self, lookfor, lookfors) -> list[Measure]:
        return [Measure(measure_key("scan_mean", lookfor.id),
                        f"{lookfor.label}: average % on task", "percent",
                        f"on average {{value}} of students were on task (“{lookfor.label}”)",
                        percent_of(lookfor.id, "mean_on_share"))]


def _number(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise KindError("the number of students in the class is a whole number") from None
