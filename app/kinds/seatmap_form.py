"""The participation map on the look-for form. With scripts on, the grid editor
(static/js/kinds-editor/seatmap.js) sends the whole map as JSON in one hidden field; without
them, the coach types seats as lines ("row, column, label, then dimension=value…"), dimensions
one per line (a name, then a colon and the values the grid editor offers) and codes as
"CODE = meaning". Either way parse_config checks the result.

Recorded events refer to seats by id, so ids stay: the editor keeps them, and the lines keep
them through a hidden field mapping each saved place to its seat's id."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from .base import KindError, lines

CODE_LINE = re.compile(r"^\s*(\S+)\s*[=:]\s*(.*?)\s*$")
SEAT_ID = re.compile(r"^s([1-9][0-9]{0,8})$")
PLACE = re.compile(r"^([0-9]{1,2}),([0-9]{1,2})$")


def read_map(sent: str) -> object:
    try:
        return json.loads(sent)
    except (ValueError, RecursionError):
        raise KindError("the map from the editor could not be read; reload the page and "
                        "try again") from None


def read_dimensions(text: str) -> list[str]:
    # The values after a colon are the editor's menu; the seats hold the values themselves.
    return [line.split(":", 1)[0].strip() for line in lines(text)]


def read_codes(text: str) -> list[dict]:
    codes = []
    for line in lines(text):
        match = CODE_LINE.match(line)
        code, label = (match.group(1), match.group(2)) if match else (line, "")
        codes.append({"code": code, "label": label or code})
    return codes


def read_places(text: str) -> dict[tuple[int, int], str]:
    """The saved seats' ids by place, from the hidden field; anything unreadable is none."""
    try:
        sent = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return {}
    if not isinstance(sent, dict):
        return {}
    places = {}
    for place, seat_id in sent.items():
        match = PLACE.match(place)
        if match and isinstance(seat_id, str):
            places[(int(match.group(1)), int(match.group(2)))] = seat_id
    return places


def next_number(ids) -> int:
    """The number after the highest "sN" among ids: a new seat never takes a used id."""
    return 1 + max((int(m.group(1)) for i in ids if (m := SEAT_ID.match(i))), default=0)


def read_seats(text: str, ids_text: str) -> list[dict]:
    """Seats from lines: a seat at a saved place keeps that seat's id, a new one gets the next
    free "sN"."""
    places = read_places(ids_text)
    number = next_number(places.values())
    seats = []
    for index, line in enumerate(lines(text), start=1):
        parts = [part.strip() for part in line.split(",")]
        try:
            row, col = int(parts[0]), int(parts[1])
        except (ValueError, IndexError):
            raise KindError(f"seat line {index} must start with its row and column, "
                            "e.g. 1, 1, AB") from None
        label, groups = [], {}
        for part in parts[2:]:
            if "=" in part:
                dimension, value = (side.strip() for side in part.split("=", 1))
                groups[dimension] = value
            elif groups:
                raise KindError(f"seat line {index}: after the label, give dimension=value")
            else:
                label.append(part)
        seat_id = places.get((row, col))
        if seat_id is None:
            seat_id, number = f"s{number}", number + 1
        seats.append({"id": seat_id, "label": ",".join(label), "row": row, "col": col,
                      "groups": groups})
    return seats


def natural(value: str) -> tuple:
    return (0, int(value), "") if value.isdigit() else (1, 0, value.casefold())


def seat_line(seat: Mapping, dimensions: list[str]) -> str:
    groups = [f"{d}={seat['groups'][d]}" for d in dimensions if d in seat["groups"]]
    parts = [str(seat["row"]), str(seat["col"])]
    if seat["label"] or groups:
        parts.append(seat["label"])
    return ", ".join(parts + groups)


class SeatMapForm:
    """The form side of the seatmap kind (mixed into it)."""

    config_fields = ("map", "dimensions", "codes", "seats", "seat_ids")

    def config_from_form(self, field: Callable[[str], str]) -> object:
        sent = field("map").strip()
        if sent:
            return read_map(sent)
        return {"seats": read_seats(field("seats"), field("seat_ids")),
                "dimensions": read_dimensions(field("dimensions")),
                "codes": read_codes(field("codes"))}

    def form_values(self, config: Mapping) -> dict[str, str]:
        seats = sorted(config.get("seats", []), key=lambda s: (s["row"], s["col"]))
        dimensions = config.get("dimensions", [])
        described = []
        for dimension in dimensions:
            values = sorted({s["groups"][dimension] for s in seats if dimension in s["groups"]},
                            key=natural)
            described.append(f"{dimension}: {', '.join(values)}" if values else dimension)
        return {
            "map": json.dumps(config, ensure_ascii=False) if seats else "",
            "dimensions": "\n".join(described),
            "codes": "\n".join(f"{c['code']} = {c['label']}" for c in config.get("codes", [])),
            "seats": "\n".join(seat_line(s, dimensions) for s in seats),
            "seat_ids": json.dumps({f"{s['row']},{s['col']}": s["id"] for s in seats}),
        }

    def keep_recorded(self, old: Mapping, new: Mapping, recorded: list) -> None:
        # Events name a seat by id and carry codes: a seat or a code in use may change (a
        # seat its label, groups or place; a code its meaning) but not go. Dimensions and
        # groups may change: the debrief reads them from the map as it is now.
        data = [d for d in recorded if isinstance(d, dict)]
        used = {d.get("seat") for d in data}
        kept = {s["id"] for s in new["seats"]}
        for seat in old.get("seats", []):
            if seat["id"] in used and seat["id"] not in kept:
                name = seat["label"] or seat["id"]
                raise KindError(f"seat {name} (row {seat['row']}, seat {seat['col']}) is in "
                                "recorded events, so it stays; you can change its label and "
                                "groups, add seats or remove unused ones")
        used_codes = {code for d in data for code in d.get("codes") or []}
        kept_codes = {c["code"] for c in new["codes"]}
        for code in old.get("codes", []):
            if code["code"] in used_codes and code["code"] not in kept_codes:
                raise KindError(f"{code['code']} is in recorded events, so that code stays; "
                                "you can change its meaning, add codes or remove unused ones")
