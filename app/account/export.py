"""Export all my data: one ZIP, built in memory, with every row the coach owns in every table
(found through the metadata, app/account/owned.py), each table as CSV and as JSON, and a
README.txt that says what each file holds, so it reads without Lookfor.

Nothing secret leaves: no column ending in `_hash` (the password's, the calendar feed's, every
link's token), and no sign-ins (coach_session holds nothing but token hashes)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Column, Table, select

from ..csvfile import write_csv
from ..extensions import db
from ..models import Coach, utcnow
from .owned import owned_by, owned_tables

# Tables of the metadata that are not in the export, and why (a test requires every table to
# be exported or named here, so a new one is a decision, not an accident).
NOT_EXPORTED = {
    "coach_session": "sign-ins: nothing but a hash of each device's token and when it signed in",
    "rate_limit_hit": "counts of failed attempts for throttling, keyed by network address",
}

# A file's name for each table, and what it holds (a new table gets its name plus "s" and
# its model's docstring until it is given words here).
FILES = {
    "coach": ("account", "You: your name, email and time zone."),
    "teacher": ("teachers", "The teachers you coach (archived_at is set for archived ones)."),
    "cycle": ("cycles", "Coaching cycles: the goal, its measure, baseline, target and norms; "
              "teacher_id is a teacher in teachers."),
    "cycle_change": ("cycle_changes", "Dated changes to a cycle's goal, baseline, target or "
                     "norms."),
    "look_for": ("lookfors", "The look-fors of each cycle, with their kind and settings "
                 "(archived ones were removed but keep their recorded events)."),
    "observation": ("observations", "Observations (visits to a lesson): start and end as the "
                    "device gave them; deleted_at is set for deleted ones."),
    "event": ("events", "Everything recorded in observations: offset_ms from the "
              "observation's start, count, duration_ms, note, and the kind's data; deleted "
              "events are kept as tombstones (deleted = true)."),
    "debrief": ("debriefs", "Debrief notes per observation: keepers, polishers, GROW notes, "
                "private notes and the teacher's reflection."),
    "next_step": ("next_steps", "Next steps agreed in debriefs, with who, by when and their "
                  "status."),
    "share_link": ("share_links", "Private links to a debrief you shared with a teacher "
                   "(dates only: a link's secret is never stored, nor exported)."),
    "cycle_share_link": ("cycle_links", "Private links to a whole cycle shared with a teacher "
                         "(dates only)."),
    "visit": ("visits", "Planned visits: teacher, kind, start (UTC), minutes, place, note."),
    "log_entry": ("log_entries", "The coaching log: activities you logged by hand (observations "
                  "and debriefs are counted from their own files)."),
    "time_offer": ("time_offers", "Times you offered teachers to pick from."),
    "offer_slot": ("offer_slots", "Each offered time; visit_id is the visit it became once "
                   "taken."),
    "offer_link": ("offer_links", "Each teacher's link to pick an offered time (dates only)."),
}


def is_secret(column: Column) -> bool:
    """A hash of a password or a token: never exported."""
    return column.name.endswith("_hash")


def exported_tables() -> list[Table]:
    """The tables the ZIP holds, parents first."""
    return [t for t in owned_tables() if t.name not in NOT_EXPORTED]


def file_name(table: Table) -> str:
    return FILES[table.name][0] if table.name in FILES else f"{table.name}s"


def _description(table: Table) -> str:
    if table.name in FILES:
        return FILES[table.name][1]
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table and mapper.class_.__doc__:
            return " ".join(mapper.class_.__doc__.split())
    return f"The rows of the table {table.name}."


@dataclass(frozen=True)
class TableRows:
    table: Table
    columns: list[str]
    rows: list[dict]


def read_rows(table: Table, coach_id: int) -> TableRows:
    """The coach's rows of one table, by primary key, without secret columns."""
    columns = [c for c in table.columns if not is_secret(c)]
    rows = db.session.execute(
        select(*columns).where(owned_by(table, coach_id))
        .order_by(*table.primary_key.columns)
    ).mappings().all()
    return TableRows(table, [c.name for c in columns], [dict(row) for row in rows])


def _json_value(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _csv_value(value: object) -> object:
    """A cell: times in ISO 8601, true/false, nested data as JSON text, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _readme(coach: Coach, tables: list[TableRows], made_at: datetime) -> str:
    lines = [
        f"Lookfor: all the data of {coach.name} <{coach.email}>,",
        f"exported {made_at:%Y-%m-%d %H:%M} UTC.",
        "",
        "Each table is in two files holding the same rows:",
        "- NAME.csv opens in any spreadsheet. A text cell that starts with = + - @ (or a tab) is",
        "  prefixed with ' so a spreadsheet never runs it as a formula.",
        "- NAME.json is a list of objects, one per row, with the exact values.",
        "Times are in UTC (ISO 8601, e.g. 2026-03-02T09:00:00+00:00); your time zone in Lookfor",
        f"is {coach.time_zone}. Rows refer to each other by id: teacher_id is an id in",
        "teachers, cycle_id one in cycles, observation_id one in observations, and so on.",
        "Not exported: your password (only its hash is stored), your sign-ins, and the hashes",
        "of private link tokens (a link cannot be rebuilt from the files).",
        "",
    ]
    for rows in tables:
        name = file_name(rows.table)
        count = len(rows.rows)
        lines += [f"{name}.csv, {name}.json ({count} {'row' if count == 1 else 'rows'})",
                  f"  {_description(rows.table)}",
                  f"  Columns: {', '.join(rows.columns)}", ""]
    return "\r\n".join(lines)


def export_zip(coach: Coach) -> bytes:
    """The ZIP of everything the coach owns: NAME.csv and NAME.json per table, README.txt."""
    tables = [read_rows(table, coach.id) for table in exported_tables()]
    made_at = utcnow()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(coach, tables, made_at))
        for rows in tables:
            name = file_name(rows.table)
            archive.writestr(f"{name}.csv", write_csv(
                rows.columns, ([_csv_value(r[c]) for c in rows.columns] for r in rows.rows)))
            archive.writestr(f"{name}.json", json.dumps(
                rows.rows, default=_json_value, ensure_ascii=False, indent=1))
    return buffer.getvalue()
