"""Timer: a stopwatch for short spans, e.g. wait time after a question ("wait 3 s")."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from markupsafe import Markup

from . import register
from .base import (
    Exact,
    Kind,
    KindError,
    Mark,
    Measure,
    TrendValue,
    exact,
    measure_key,
    only_keys,
    percent_of,
    ratio,
)
from .duration import span_bars


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Exact(Fraction(ordered[middle]))
    return Exact(Fraction(ordered[middle - 1] + ordered[middle], 2))


@register
class Timer(Kind):
    name = "timer"
    label = "Timer"
    order = 70
    help = "Tap to start, tap to stop a short span (wait time); read against a threshold."
    spans = True
    figures_template = "kinds/_timer_figures.html"

    def parse_config(self, raw: object) -> dict:
        if raw in (None, {}):
            return {}
        raw = only_keys(raw, "config", {"threshold_s"}, set())
        threshold = raw.get("threshold_s")
        if threshold is None:
            return {}
        if type(threshold) not in (int, float) or not 0 < threshold <= 3600:
            raise KindError("the threshold (threshold_s) must be more than 0 and at most 3600 "
                            "seconds")
        return {"threshold_s": threshold}

    config_fields = ("threshold_s",)

    def config_from_form(self, field) -> object:
        value = field("threshold_s").strip()
        if not value:
            return {}
        try:
            number = float(value)
        except ValueError:
            raise KindError("the threshold is a number of seconds") from None
        return {"threshold_s": int(number) if number.is_integer() else number}

    def form_values(self, config: Mapping) -> dict[str, str]:
        return {"threshold_s": f"{config['threshold_s']:g}" if "threshold_s" in config else ""}

    def parse_data(self, config: Mapping, event: Mapping) -> None:
        super().parse_data(config, event)
        if event.get("duration_ms") is None:
            raise KindError("duration_ms is required for a timer")
        return None

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        spans = [mark.duration_ms for mark in marks]
        threshold = config.get("threshold_s")
        at_or_over = None
        if threshold is not None:
            limit = Fraction(threshold) * 1000
            at_or_over = ratio(sum(1 for span in spans if span >= limit), len(spans))
        return {
            "count": len(spans),
            "median_ms": median(spans),
            "mean_ms": ratio(sum(spans), len(spans)),
            "share_at_or_over_threshold": at_or_over,
        }

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        if config.get("threshold_s") is not None:
            label = f"% at or over {config['threshold_s']} s"
            return [TrendValue("", label, figures["share_at_or_over_threshold"], "percent")]
        return [TrendValue("", "median", figures["median_ms"], "ms")]

    def detail(self, config, mark: Mark) -> str:
        return f"{mark.duration_ms / 1000:.1f} s"

    def timeline_marks(self, config, label, marks, base) -> Markup:
        return span_bars(label, marks, base, "tl-bar tl-timer")

    def measures(self, lookfor, lookfors) -> list[Measure]:
        label, threshold = lookfor.label, (lookfor.config or {}).get("threshold_s")
        found = []
        if threshold is not None:
            found.append(Measure(
                measure_key("timer_threshold", lookfor.id), f"{label}: % at or over {threshold} s",
                "percent", f"{{value}} of “{label}” lasted at least {threshold} s",
                percent_of(lookfor.id, "share_at_or_over_threshold")))
        found.append(Measure(
            measure_key("timer_median", lookfor.id), f"{label}: median (seconds)", "seconds",
            f"the median “{label}” was {{value}}",
            lambda figures, i=lookfor.id: _seconds((figures.get(i) or {}).get("median_ms"))))
        return found


def _seconds(milliseconds):
    value = exact(milliseconds)
    return None if value is None else value / 1000
