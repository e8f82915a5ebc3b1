"""What every observation kind provides, and the small helpers the kinds share.

A kind owns everything about one way of recording: its config (what a look-for of that kind
needs), how an event's `data` is checked, its figures for the debrief and summary.json, its
trend metric, its CSV cells and its timeline marks. Nothing outside app/kinds/ branches on a
kind's name."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, NamedTuple

from markupsafe import Markup, escape

TEN_MINUTES_MS = 10 * 60 * 1000
# Columns every kind may fill, appended to the events CSV after `recorded_at` (in this order).
CSV_EXTRA = ("category", "on", "of", "codes", "seat")


class KindError(ValueError):
    """A config or an event's data that does not fit its kind, with a short reason."""


class Mark(NamedTuple):
    """One live event as the figures need it."""

    offset_ms: int
    count: int
    duration_ms: int | None
    note: str | None
    data: Any
    id: str | None = None


class TrendValue(NamedTuple):
    """One point of one series on "Across this cycle"."""

    key: str  # stable within the look-for: "" for its one series, else a category or code
    label: str  # what the series shows, e.g. "share of the lesson"
    value: float | None
    unit: str  # "percent" (a fraction 0–1), "rate" (per 10 minutes), "ratio", "count" or "ms"


class Exact(float):
    """A figure as a float (for JSON and templates) that keeps the exact fraction it was
    rounded from, so a measure built on it (a share as a percent, a ratio of two counts) is
    computed exactly too."""

    exact: Fraction

    def __new__(cls, fraction: Fraction) -> Exact:
        value = super().__new__(cls, float(fraction))
        value.exact = fraction
        return value


def exact(value: float | int | None) -> Fraction | None:
    """The exact fraction behind a figure (an int or an Exact); None stays None."""
    if value is None:
        return None
    return value.exact if isinstance(value, Exact) else Fraction(value)


def ratio(numerator: int | Fraction, denominator: int | Fraction) -> Exact | None:
    """numerator ÷ denominator computed exactly, then rounded once to a float; None for ÷ 0."""
    if not denominator:
        return None
    return Exact(Fraction(numerator) / Fraction(denominator))


def clock(offset_ms: int | float) -> str:
    minutes, seconds = divmod(int(offset_ms) // 1000 if offset_ms > 0 else 0, 60)
    return f"{minutes:02d}:{seconds:02d}"


def whole(value: object, what: str, low: int, high: int) -> int:
    # type() rather than isinstance(): JSON true/false arrive as bool, an int subclass.
    if type(value) is not int or not low <= value <= high:
        raise KindError(f"{what} must be a whole number from {low} to {high}")
    return value


def text(value: object, what: str, limit: int, *, spaces: bool = True) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KindError(f"{what} must be text")
    value = value.strip()
    if len(value) > limit:
        raise KindError(f"{what} must be at most {limit} characters")
    if "\x00" in value:
        raise KindError(f"{what} must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise KindError(f"{what} must be valid Unicode text") from None
    if not spaces and any(c.isspace() for c in value):
        raise KindError(f"{what} must not contain spaces")
    return value


def only_keys(raw: object, what: str, allowed: set[str], required: set[str]) -> dict:
    """raw as a dict holding the required keys and nothing beyond the allowed ones."""
    if not isinstance(raw, dict):
        raise KindError(f"{what} must be an object")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise KindError(f"{what} has an unknown field: {unknown[0]}")
    missing = sorted(required - set(raw))
    if missing:
        raise KindError(f"{what} needs {missing[0]}")
    return raw


def lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Measure:
    """One way a cycle's goal can be measured from its look-fors, offered by their kind.

    `compute` turns one observation's (or the pooled) figures by look-for id into the exact
    value in the measure's unit, or None when the figures hold no data for it; percents are
    0–100 (80 means 80%)."""

    key: str  # stable: JSON of the measure's name and its look-for ids (and category, code…)
    label: str  # the "Measure" option: names the look-for(s) it uses
    unit: str  # "percent", "ratio", "rate", "count" or "seconds"
    phrase: str  # the debrief's sentence, with {value} where the value goes
    compute: Callable[[Mapping[int, Mapping]], Fraction | None]

    def value(self, figures: Mapping[int, Mapping]) -> float | None:
        exact_value = self.compute(figures)
        return None if exact_value is None else float(exact_value)


def measure_key(*parts: object) -> str:
    return json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False)


def percent_of(lookfor_id: int, *path: str) -> Callable[[Mapping[int, Mapping]], Fraction | None]:
    """A share found at figures[lookfor_id][path…], as an exact percent."""
    def compute(figures: Mapping[int, Mapping]) -> Fraction | None:
        value: Any = figures.get(lookfor_id)
        for step in path:
            value = None if value is None else value.get(step)
        share = exact(value)
        return None if share is None else share * 100
    return compute


class Kind:
    """The defaults suit a point event with no config and no data (a tally)."""

    name: ClassVar[str]
    label: ClassVar[str]  # shown in the "Kind" select
    order: ClassVar[int]  # position in the select
    help: ClassVar[str] = ""  # one line under the select: what this kind records
    # A state event (start and stop) rather than a point: drawn as a bar on the timeline.
    spans: ClassVar[bool] = False
    # A count per 10 minutes means something for it (the debrief's "Per 10 minutes" column).
    rated: ClassVar[bool] = True
    # The partial (under templates/) that shows its figures beyond the counts table, if any.
    figures_template: ClassVar[str | None] = None

    # Config ---------------------------------------------------------------------------------
    def parse_config(self, raw: object) -> dict:
        """A clean config, or KindError. Kinds without config take {} (or null)."""
        if raw not in (None, {}):
            raise KindError("this kind takes no config")
        return {}

    # The look-for form's fields for this kind's config (templates/kinds/_<name>_config.html
    # renders them, named "<prefix>-<field>"); a kind without any has no config partial.
    config_fields: ClassVar[tuple[str, ...]] = ()

    def config_from_form(self, field: Callable[[str], str]) -> object:
        """The raw config from the look-for form's fields (field(name) → text); parse_config
        checks it."""
        return {}

    def form_values(self, config: Mapping) -> dict[str, str]:
        """A clean config as the texts of config_fields: config_from_form's inverse."""
        return {}

    def keep_recorded(self, old: Mapping, new: Mapping, recorded: list[Any]) -> None:
        """KindError if the new config would leave recorded events' data meaningless (a
        category or code they use removed); recorded holds the live events' data."""

    # Events ---------------------------------------------------------------------------------
    def parse_data(self, config: Mapping, event: Mapping) -> Any:
        """The event's clean `data` (event holds the parsed columns and the raw "data")."""
        if event.get("data") is not None:
            raise KindError("data must be absent for this kind")
        return None

    # Figures --------------------------------------------------------------------------------
    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        """summary.json's figures for this look-for over these events and this length. Pooled
        figures are the same function over every observation's events and summed lengths."""
        count = sum(mark.count for mark in marks)
        return {"count": count, "rate_per_10": ratio(count * TEN_MINUTES_MS, length_ms)}

    def pooled(self, config: Mapping, parts: list[tuple[list[Mark], int]]) -> dict:
        """Figures over several observations, each given as (its marks, its length): by
        default the figures of all the marks at once against the summed lengths (summed before
        dividing). A kind whose events mean something only within their observation (an
        absence) overrides it."""
        return self.figures(config, [m for marks, _ in parts for m in marks],
                            sum(length for _, length in parts))

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        return [TrendValue("", "per 10 minutes", figures.get("rate_per_10"), "rate")]

    def headline(self, figures: Mapping) -> int:
        """The number in the debrief's Count column."""
        return figures["count"]

    def measures(self, lookfor: Any, lookfors: list[Any]) -> list[Measure]:
        """The goal measures this look-for offers (given the cycle's live look-fors, for
        measures that pair two): a tally's rate per 10 minutes, and so on."""
        return []

    def csv_cells(self, data: Any) -> dict[str, object]:
        return {}

    def detail(self, config: Mapping, mark: Mark) -> str:
        """A short plain-text detail for the events table."""
        if mark.duration_ms is not None:
            return clock(mark.duration_ms)
        return mark.note or ""

    # Timeline -------------------------------------------------------------------------------
    def timeline_marks(
        self, config: Mapping, label: str, marks: list[tuple[float, float, Mark]], base: int
    ) -> Markup:
        """SVG for one row: each mark comes with its x and width in percent of the SVG's width;
        `base` is the y of the row's base line (the row spans base - 10 to base + 10)."""
        label = escape(label)
        return Markup("".join(
            f'<rect class="tl-tick-mark" x="{x:.2f}%" y="{base - 10}" width="3" height="20" '
            f'transform="translate(-1.5 0)"><title>{clock(mark.offset_ms)} {label}</title></rect>'
            for x, _, mark in marks
        ))
