"""Category: a tally split into the coach's categories (recall / inference / evaluation
questions; praise / redirect). One tap on a category records one occurrence of it."""

from __future__ import annotations

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
    lines,
    measure_key,
    only_keys,
    percent_of,
    ratio,
    text,
)

MIN_CATEGORIES, MAX_CATEGORIES = 2, 12


def _seen(config: Mapping, marks: list[Mark]) -> list[str]:
    """The config's categories in order, then any recorded under a name since removed."""
    names = list(config.get("categories", []))
    for mark in marks:
        name = (mark.data or {}).get("category")
        if name is not None and name not in names:
            names.append(name)
    return names


@register
class Category(Kind):
    name = "category"
    label = "Category"
    order = 40
    help = "One button per category (e.g. Recall, Inference); read as each category's share."
    figures_template = "kinds/_category_figures.html"

    def parse_config(self, raw: object) -> dict:
        raw = only_keys(raw, "config", {"categories"}, {"categories"})
        categories = raw["categories"]
        if not isinstance(categories, list) or not (
            MIN_CATEGORIES <= len(categories) <= MAX_CATEGORIES
        ):
            raise KindError(f"give {MIN_CATEGORIES} to {MAX_CATEGORIES} categories")
        clean = [text(c, "a category", 40) for c in categories]
        if len({c.casefold() for c in clean}) != len(clean):
            raise KindError("each category must be different")
        return {"categories": clean}

    config_fields = ("categories",)

    def config_from_form(self, field) -> object:
        return {"categories": lines(field("categories"))}

    def form_values(self, config: Mapping) -> dict[str, str]:
        return {"categories": "\n".join(config.get("categories", []))}

    def keep_recorded(self, old: Mapping, new: Mapping, recorded: list) -> None:
        # Events store the category's name: renaming or removing one in use would orphan them.
        used = {(data or {}).get("category") for data in recorded}
        gone = [name for name in old.get("categories", [])
                if name in used and name not in new["categories"]]
        if gone:
            raise KindError(f"{gone[0]} is in recorded events, so it stays (as it is written); "
                            "you can add categories or remove unused ones")

    def parse_data(self, config: Mapping, event: Mapping) -> dict:
        data = only_keys(event.get("data"), "data", {"category"}, {"category"})
        if data["category"] not in config.get("categories", []):
            raise KindError("unknown category")
        return {"category": data["category"]}

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        total = sum(mark.count for mark in marks)
        counts = dict.fromkeys(_seen(config, marks), 0)
        for mark in marks:
            counts[mark.data["category"]] += mark.count
        return {
            "count": total,
            "categories": {
                name: {"count": count, "share": ratio(count, total)}
                for name, count in counts.items()
            },
        }

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        return [
            TrendValue(name, f"share {name}", value["share"], "percent")
            for name, value in figures["categories"].items()
        ]

    def csv_cells(self, data) -> dict[str, object]:
        return {"category": data["category"]}

    def detail(self, config, mark: Mark) -> str:
        return mark.data["category"]

    def timeline_marks(self, config, label, marks, base) -> Markup:
        # Each category on its own band of the row, so the mix reads at a glance.
        names = _seen(config, [m for _, _, m in marks])
        band = 20 / max(len(names), 1)
        parts = []
        for x, _, mark in marks:
            name = mark.data["category"]
            index = names.index(name)
            parts.append(
                f'<rect class="tl-tick-mark tl-band-{index % 4}" x="{x:.2f}%" '
                f'y="{base - 10 + index * band:.1f}" width="3" height="{max(band, 3):.1f}" '
                f'transform="translate(-1.5 0)">'
                f"<title>{clock(mark.offset_ms)} {escape(label)}: {escape(name)}</title></rect>"
            )
        return Markup("".join(parts))

    def measures(self, lookfor, lookfors) -> list[Measure]:
        return [
            Measure(measure_key("category_share", lookfor.id, name),
                    f"{lookfor.label}: share {name}", "percent",
                    f"{{value}} of “{lookfor.label}” were {name}",
                    percent_of(lookfor.id, "categories", name, "share"))
            for name in (lookfor.config or {}).get("categories", [])
        ]
