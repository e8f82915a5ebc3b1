"""Participation map: who talks in this classroom, seat by seat. The map (seats, the coach's
dimensions such as "Language", contribution codes) belongs to the look-for, so every
observation of the cycle reuses it; no names are needed, a seat's label is the coach's own.

An event is a contribution `{"seat", "codes"}` or an absence for this observation
`{"seat", "absent": true}` (undone by its tombstone). Absent seats are left out of every
denominator; a seat that contributed counts as present even if it was marked absent (a student
who spoke was there)."""

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
    exact,
    measure_key,
    only_keys,
    percent_of,
    ratio,
    text,
    whole,
)
from .seatmap_form import SeatMapForm

MAX_SEATS, MAX_SIDE, MAX_CODES, MAX_DIMENSIONS, MAX_LABEL = 100, 10, 12, 6, 8


def _codes(raw: object) -> list[dict]:
    if not isinstance(raw, list) or len(raw) > MAX_CODES:
        raise KindError(f"give at most {MAX_CODES} codes")
    codes = []
    for item in raw:
        item = only_keys(item, "a code", {"code", "label"}, {"code"})
        code = text(item["code"], "a code", 12, spaces=False)
        codes.append({"code": code, "label": text(item["label"], "a code's meaning", 120)
                      if item.get("label") else code})
    if len({c["code"] for c in codes}) != len(codes):
        raise KindError("each code must be different")
    return codes


def _seats(raw: object, dimensions: list[str]) -> list[dict]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SEATS:
        raise KindError(f"a map has 1 to {MAX_SEATS} seats")
    seats, places = [], set()
    for item in raw:
        item = only_keys(item, "a seat", {"id", "label", "row", "col", "groups"},
                         {"id", "row", "col"})
        seat = {"id": text(item["id"], "a seat's id", 12, spaces=False),
                "label": text(item["label"], "a seat's label", MAX_LABEL)
                if item.get("label") else "",
                "row": whole(item["row"], "row", 1, MAX_SIDE),
                "col": whole(item["col"], "col", 1, MAX_SIDE), "groups": {}}
        groups = item.get("groups") or {}
        if not isinstance(groups, dict):
            raise KindError("a seat's groups must be an object")
        for dimension, value in groups.items():
            if dimension not in dimensions:
                raise KindError(f"unknown dimension {dimension!r}")
            if value not in (None, ""):
                seat["groups"][dimension] = text(value, "a group", 40)
        if (seat["row"], seat["col"]) in places:
            raise KindError("two seats share a place")
        places.add((seat["row"], seat["col"]))
        seats.append(seat)
    if len({s["id"] for s in seats}) != len(seats):
        raise KindError("each seat's id must be different")
    return seats


class Tally:
    """Per-observation counts that add up across observations (summed before dividing)."""

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self.present = 0
        self.contributions = 0
        self.contributed = 0
        self.per_seat: dict[str, int] = {s["id"]: 0 for s in config.get("seats", [])}
        self.absent: list[str] = []
        dims = config.get("dimensions", [])
        self.students = {d: {} for d in dims}
        self.spoken = {d: {} for d in dims}
        for seat in config.get("seats", []):
            for d in dims:
                value = seat["groups"].get(d)
                if value is not None:
                    self.students[d].setdefault(value, 0)
                    self.spoken[d].setdefault(value, 0)
        self.codes = {c["code"]: {"count": 0, "by_group": {d: dict.fromkeys(self.students[d], 0)
                                                          for d in dims}}
                      for c in config.get("codes", [])}

    def add(self, marks: list[Mark]) -> None:
        """One observation's events."""
        seats = {s["id"]: s for s in self.config.get("seats", [])}
        counts: dict[str, int] = dict.fromkeys(seats, 0)
        marked_absent = set()
        contributions = []
        for mark in marks:
            seat = mark.data["seat"]
            if seat not in seats:
                continue  # a seat since removed from the map
            if mark.data.get("absent"):
                marked_absent.add(seat)
            else:
                counts[seat] += mark.count
                contributions.append(mark)
        absent = {seat for seat in marked_absent if not counts[seat]}
        self.absent = sorted(absent)
        for seat_id, seat in seats.items():
            self.per_seat[seat_id] += counts[seat_id]
            if seat_id in absent:
                continue
            self.present += 1
            self.contributed += 1 if counts[seat_id] else 0
            for d, value in seat["groups"].items():
                if d in self.students:
                    self.students[d][value] += 1
                    self.spoken[d][value] += counts[seat_id]
        self.contributions += sum(counts.values())
        for mark in contributions:
            groups = seats[mark.data["seat"]]["groups"]
            for code in mark.data.get("codes", []):
                entry = self.codes.setdefault(code, {"count": 0, "by_group": {
                    d: dict.fromkeys(self.students[d], 0) for d in self.students}})
                entry["count"] += mark.count
                for d, value in groups.items():
                    if d in entry["by_group"]:
                        entry["by_group"][d][value] = (
                            entry["by_group"][d].get(value, 0) + mark.count)

    def figures(self, with_absent: bool) -> dict:
        groups = {}
        for d, values in self.students.items():
            groups[d] = {}
            for value, students in values.items():
                student_share = ratio(students, self.present)
                contribution_share = ratio(self.spoken[d][value], self.contributions)
                equity = None
                if students and self.contributions:
                    equity = Exact(Fraction(self.spoken[d][value], self.contributions)
                                   / Fraction(students, self.present))
                groups[d][value] = {
                    "students": students, "contributions": self.spoken[d][value],
                    "student_share": student_share, "contribution_share": contribution_share,
                    "equity_ratio": equity,
                }
        figures = {
            "present": self.present,
            "contributions": self.contributions,
            "contributed": self.contributed,
            "contributed_share": ratio(self.contributed, self.present),
            "per_seat": self.per_seat,
            "groups": groups,
            "codes": self.codes,
        }
        if with_absent:
            figures["absent"] = self.absent
        return figures


@register
class SeatMap(SeatMapForm, Kind):
    name = "seatmap"
    label = "Participation map"
    order = 80
    help = ("A seating chart: tap a seat for each contribution; read as who took part and "
            "whether each group's share of the talk matches its share of the class.")
    rated = True
    figures_template = "kinds/_seatmap_figures.html"

    def parse_config(self, raw: object) -> dict:
        raw = only_keys(raw, "config", {"seats", "dimensions", "codes"}, {"seats"})
        dimensions = raw.get("dimensions") or []
        if not isinstance(dimensions, list) or len(dimensions) > MAX_DIMENSIONS:
            raise KindError(f"give at most {MAX_DIMENSIONS} dimensions")
        dimensions = [text(d, "a dimension", 40) for d in dimensions]
        if len(set(dimensions)) != len(dimensions):
            raise KindError("each dimension must be different")
        return {"seats": _seats(raw["seats"], dimensions), "dimensions": dimensions,
                "codes": _codes(raw.get("codes") or [])}

    def parse_data(self, config: Mapping, event: Mapping) -> dict:
        data = only_keys(event.get("data"), "data", {"seat", "codes", "absent"}, {"seat"})
        if data["seat"] not in {s["id"] for s in config.get("seats", [])}:
            raise KindError("unknown seat")
        if data.get("absent") is not None:
            if data["absent"] is not True or data.get("codes"):
                raise KindError("an absence is {\"seat\", \"absent\": true}")
            return {"seat": data["seat"], "absent": True}
        codes = data.get("codes") or []
        known = {c["code"] for c in config.get("codes", [])}
        if not isinstance(codes, list) or any(c not in known for c in codes):
            raise KindError("unknown code")
        if len(set(codes)) != len(codes):
            raise KindError("a code is given twice")
        return {"seat": data["seat"], "codes": codes}

    def figures(self, config: Mapping, marks: list[Mark], length_ms: int) -> dict:
        tally = Tally(config)
        tally.add(marks)
        figures = tally.figures(with_absent=True)
        figures["count"] = figures["contributions"]
        return figures

    def pooled(self, config: Mapping, parts: list[tuple[list[Mark], int]]) -> dict:
        # An absence holds for its own observation only: the seat counts as present in the
        # others, so each observation is tallied on its own and the counts added.
        tally = Tally(config)
        for marks, _ in parts:
            tally.add(marks)
        figures = tally.figures(with_absent=False)
        figures["count"] = figures["contributions"]
        return figures

    def headline(self, figures: Mapping) -> int:
        return figures["contributions"]

    def trend(self, config: Mapping, figures: Mapping) -> list[TrendValue]:
        values = [TrendValue("", "students who contributed", figures["contributed_share"],
                             "percent")]
        for dimension, groups in figures["groups"].items():
            for value, group in groups.items():
                values.append(TrendValue(f"{dimension}={value}",
                                         f"{dimension} {value}: equity ratio",
                                         group["equity_ratio"], "ratio"))
        return values

    def csv_cells(self, data) -> dict[str, object]:
        return {"seat": data["seat"], "codes": " ".join(data.get("codes", []))}

    def detail(self, config, mark: Mark) -> str:
        seat = next((s for s in config.get("seats", []) if s["id"] == mark.data["seat"]), None)
        name = (seat or {}).get("label") or mark.data["seat"]
        if mark.data.get("absent"):
            return f"{name} absent"
        return " ".join([name, *mark.data.get("codes", [])])

    def timeline_marks(self, config, label, marks, base) -> Markup:
        return Markup("".join(
            f'<rect class="tl-tick-mark{" tl-absent" if mark.data.get("absent") else ""}" '
            f'x="{x:.2f}%" y="{base - 10}" width="3" height="20" transform="translate(-1.5 0)">'
            f"<title>{clock(mark.offset_ms)} {escape(label)}: "
            f"{escape(self.detail(config, mark))}</title></rect>"
            for x, _, mark in marks
        ))

    def silent(self, config: Mapping, figures: Mapping) -> list[str]:
        """The present seats that did not contribute, by their labels."""
        absent = set(figures.get("absent", []))
        return [s["label"] or s["id"] for s in config.get("seats", [])
                if s["id"] not in absent and not figures["per_seat"].get(s["id"])]

    def chart(self, config: Mapping, figures: Mapping) -> list[list[dict | None]]:
        """The seat chart as rows of cells (None where no seat stands), each seat with its
        count and whether it was absent, for the heat map."""
        seats = config.get("seats", [])
        rows = max((s["row"] for s in seats), default=0)
        cols = max((s["col"] for s in seats), default=0)
        grid: list[list[dict | None]] = [[None] * cols for _ in range(rows)]
        top = max(figures["per_seat"].values(), default=0) or 1
        absent = set(figures.get("absent", []))
        for seat in seats:
            count = figures["per_seat"].get(seat["id"], 0)
            grid[seat["row"] - 1][seat["col"] - 1] = {
                **seat, "count": count, "absent": seat["id"] in absent,
                "heat": 0 if seat["id"] in absent else min(4, -(-count * 4 // top)),
            }
        return grid

    def measures(self, lookfor, lookfors) -> list[Measure]:
        label, config = lookfor.label, lookfor.config or {}
        found = [Measure(measure_key("contributed", lookfor.id),
                         f"{label}: % of students who contributed", "percent",
                         f"{{value}} of the students present contributed (“{label}”)",
                         percent_of(lookfor.id, "contributed_share"))]
        for dimension in config.get("dimensions", []):
            values = dict.fromkeys(seat["groups"][dimension] for seat in config.get("seats", [])
                                   if dimension in seat["groups"])
            for value in values:
                found.append(Measure(
                    measure_key("equity", lookfor.id, dimension, value),
                    f"{label}: equity ratio of {value} students ({dimension})", "ratio",
                    f"the equity ratio of {value} students ({dimension}) was {{value}}",
                    lambda figures, i=lookfor.id, d=dimension, v=value: exact(
                        ((figures.get(i) or {}).get("groups", {}).get(d, {}).get(v) or {})
                        .get("equity_ratio"))))
        return found
