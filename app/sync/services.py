"""Offline sync: the capture screen's outbox sends observations and events in batches, and may send
the same batch again (a lost response, a second tab, a retry after days offline).

Every item is keyed by the UUID the device made, so a resend is harmless: it is accepted again and
stored once. For events the highest version wins, a tombstone (deleted) wins a tie and is
final; an observation may gain its ended_at (never before its start) but never changes cycle or
start. An item that fails a check is rejected with a short reason and its neighbours are still
stored. A batch is one transaction and a constant number of statements, whatever its size: the
references are loaded with IN queries, the rules applied in Python, and the changed rows written
with one insert-on-conflict each.

Coach corrections from the debrief go through the same door: an event sent again with version+1
(deleted=true to remove it, or a new look-for or note)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import msgspec
from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager, selectinload

from .. import kinds
from ..extensions import db
from ..models import Coach, Cycle, CycleStatus, Event, LookFor, Observation, Teacher, utcnow
from . import decode, schema

# What a newer version of an event may change; id and observation_id are fixed for life.
EVENT_CORRECTABLE = (
    "lookfor_id", "offset_ms", "recorded_at", "count", "duration_ms", "note", "data", "deleted",
    "version",
)


class BatchError(ValueError):
    """A batch that cannot be read as a whole; nothing in it is stored."""


class BatchTooLarge(BatchError):
    """More items than one request may carry; the device should send its outbox in parts."""


class _Verdicts:
    """Accepted or rejected, per item, reported in the order the device sent them (each by the
    id as the device sent it, so it can match its outbox)."""

    def __init__(self, ids: list[str | None]) -> None:
        self.ids = ids
        self.errors: list[str | None] = [None] * len(ids)

    def reject(self, index: int, error: str) -> None:
        self.errors[index] = error

    def as_json(self) -> dict:
        pairs = list(zip(self.ids, self.errors, strict=True))
        return {
            "accepted": [item_id for item_id, error in pairs if error is None],
            "rejected": [{"id": item_id, "error": error} for item_id, error in pairs
                         if error is not None],
        }


Rows = list[tuple[int, dict]]  # (index in the batch, clean row)


def _careful(items: list, parser: Callable[[object], dict]) -> tuple[_Verdicts, Rows]:
    """Each item through its parser: a clean row, or its rejection with the reason."""
    verdicts = _Verdicts([schema.item_id(item) for item in items])
    rows = []
    for index, item in enumerate(items):
        try:
            rows.append((index, parser(item)))
        except schema.Invalid as exc:
            verdicts.reject(index, str(exc))
    return verdicts, rows


def apply_sync_body(coach: Coach, body: bytes | None) -> dict:
    """A batch as the device sent it (JSON bytes): decoded and typed in one pass when every
    item is well formed, else item by item with a reason for each misfit."""
    fast = decode.fast_batch(body) if body else None
    if fast is None:
        try:
            batch = json.loads(body) if body else None
        except (ValueError, RecursionError):
            batch = None
        return apply_sync_batch(coach, batch)
    return _apply(coach, *(
        (_Verdicts([row["id"] for row in rows]), list(enumerate(rows))) for rows in fast
    ))


def apply_sync_batch(coach: Coach, batch: object) -> dict:
    """Store what a batch (decoded JSON) can, in one transaction; say per item whether it was
    accepted."""
    observations, events = _read_envelope(batch)
    return _apply(coach, _careful(observations, schema.parse_observation),
                  _careful(events, schema.parse_event))


def _apply(coach: Coach, observations: tuple[_Verdicts, Rows],
           events: tuple[_Verdicts, Rows]) -> dict:
    try:
        deleted = _store_observations(coach, *observations, utcnow())
        deleted |= _store_events(coach, *events)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    # The coach deleted these (on another device, say): a device still recording into one
    # stops, rather than tapping into nothing.
    return {"observations": observations[0].as_json(), "events": events[0].as_json(),
            "deleted_observations": sorted(deleted)}


def open_cycles(coach: Coach) -> list[dict]:
    """The coach's cycles that are not closed, each with its live look-fors in display order
    (an archived teacher's are left out: the device no longer readies them for the day)."""
    cycles = db.session.scalars(
        select(Cycle)
        .join(Cycle.teacher)
        .where(Teacher.coach_id == coach.id, Cycle.status != CycleStatus.CLOSED,
               Teacher.archived_at.is_(None))
        .options(contains_eager(Cycle.teacher), selectinload(Cycle.lookfors))
        .order_by(Teacher.name, Cycle.created_at.desc(), Cycle.id)
    )
    return [
        {
            "id": cycle.id,
            "teacher": {"id": cycle.teacher.id, "name": cycle.teacher.name},
            "goal": cycle.goal,
            "lookfors": [
                {"id": lookfor.id, "label": lookfor.label, "kind": lookfor.kind,
                 "config": lookfor.config or {}}
                for lookfor in cycle.lookfors
            ],
        }
        for cycle in cycles
    ]


def _read_envelope(batch: object) -> tuple[list, list]:
    if not (
        isinstance(batch, dict)
        and isinstance(batch.get("observations"), list)
        and isinstance(batch.get("events"), list)
    ):
        raise BatchError('Send a JSON object with two lists, "observations" and "events".')
    for name in ("observations", "events"):
        if len(batch[name]) > schema.MAX_ITEMS:
            raise BatchTooLarge(f"Send at most {schema.MAX_ITEMS:,} {name} in one request.")
    return batch["observations"], batch["events"]


def _store_observations(coach: Coach, verdicts: _Verdicts, rows: Rows,
                        now: datetime) -> set[str]:
    """Store what it can; the coach's deleted observations among those sent."""
    if not rows:
        return set()
    owned_cycles = set(
        db.session.scalars(
            select(Cycle.id)
            .join(Teacher)
            .where(
                Teacher.coach_id == coach.id,
                Cycle.id.in_({row["cycle_id"] for _, row in rows}),
            )
        )
    )
    known = {
        found.id: {
            "cycle_id": found.cycle_id,
            "started_at": found.started_at,
            "ended_at": found.ended_at,
            "coach_id": found.coach_id,
            "deleted": found.deleted_at is not None,
        }
        for found in db.session.execute(
            select(
                Observation.id, Observation.cycle_id, Observation.started_at,
                Observation.ended_at, Teacher.coach_id, Observation.deleted_at,
            )
            .join(Cycle, Observation.cycle_id == Cycle.id)
            .join(Teacher, Cycle.teacher_id == Teacher.id)
            .where(Observation.id.in_({row["id"] for _, row in rows}))
        )
    }
    writes: dict[str, dict] = {}
    deleted: set[str] = set()
    for index, row in rows:
        current = known.get(row["id"])
        if current is not None and current["coach_id"] != coach.id:
            verdicts.reject(index, "unknown observation")
        elif current is not None and current.get("deleted"):
            deleted.add(row["id"])  # accepted, so the device lets it go; nothing changes
        elif row["cycle_id"] not in owned_cycles:
            verdicts.reject(index, "unknown cycle")
        elif current is None:
            known[row["id"]] = {**row, "coach_id": coach.id}
            writes[row["id"]] = row
        elif current["cycle_id"] != row["cycle_id"]:
            verdicts.reject(index, "id already used")
        elif schema.ends_before_start(current["started_at"], row["ended_at"]):
            # The start stored first is the one that counts (a resend never moves it).
            verdicts.reject(index, schema.ENDS_BEFORE_START)
        elif current["ended_at"] is None and row["ended_at"] is not None:
            current["ended_at"] = row["ended_at"]
            writes[row["id"]] = {**writes.get(row["id"], row), "ended_at": row["ended_at"]}
    if writes:
        table = Observation.__table__
        insert = _insert(table)
        db.session.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c.id],
                set_={"ended_at": insert.excluded.ended_at},
                # The same rules again in SQL, for a row another request wrote since the read
                # above: fill in a missing end only, not before the start, and only on the
                # cycle this batch owns.
                where=table.c.ended_at.is_(None)
                & (table.c.cycle_id == insert.excluded.cycle_id)
                & table.c.deleted_at.is_(None)
                & (table.c.started_at <= insert.excluded.ended_at),
            ),
            [{**writes[key], "received_at": now} for key in sorted(writes)],
        )
    return deleted


def _store_events(coach: Coach, verdicts: _Verdicts, rows: Rows) -> set[str]:
    """Store what it can; the coach's deleted observations the events belong to."""
    if not rows:
        return set()
    # Read after the observations are written, so the ones accepted from this batch count.
    observation_cycle: dict[str, int] = {}
    deleted: set[str] = set()  # the coach's deleted observations among those referenced
    for found in db.session.execute(
        select(Observation.id, Observation.cycle_id, Observation.deleted_at)
        .join(Cycle, Observation.cycle_id == Cycle.id)
        .join(Teacher, Cycle.teacher_id == Teacher.id)
        .where(
            Teacher.coach_id == coach.id,
            Observation.id.in_({row["observation_id"] for _, row in rows}),
        )
        # PostgreSQL: a delete in flight holds the row; wait for it rather than store events
        # under its tombstone. (SQLite has one writer: a stale read here cannot write.)
        .with_for_update(read=True, of=Observation)
    ):
        observation_cycle[found.id] = found.cycle_id
        if found.deleted_at is not None:
            deleted.add(found.id)
    lookfor_ids = {row["lookfor_id"] for _, row in rows} - {None}
    # Archived look-fors count: a tap recorded offline just before one was archived is kept.
    lookfors = (
        {
            found.id: found
            for found in db.session.execute(
                select(LookFor.id, LookFor.cycle_id, LookFor.kind, LookFor.config)
                .where(LookFor.id.in_(lookfor_ids))
            )
        }
        if lookfor_ids
        else {}
    )
    known = {
        found.id: {
            "observation_id": found.observation_id,
            "version": found.version,
            "deleted": found.deleted,
        }
        for found in db.session.execute(
            select(Event.id, Event.observation_id, Event.version, Event.deleted).where(
                Event.id.in_({row["id"] for _, row in rows})
            )
        )
    }
    writes: dict[str, dict] = {}
    for index, row in rows:
        cycle_id = observation_cycle.get(row["observation_id"])
        current = known.get(row["id"])
        if cycle_id is None:
            verdicts.reject(index, "unknown observation")
        elif row["observation_id"] in deleted:
            pass  # its observation was deleted: accepted, and nothing is stored
        elif row["lookfor_id"] is not None and (
            row["lookfor_id"] not in lookfors or lookfors[row["lookfor_id"]].cycle_id != cycle_id
        ):
            verdicts.reject(index, "unknown look-for")
        elif current is not None and current["observation_id"] != row["observation_id"]:
            verdicts.reject(index, "id already used")
        elif (misfit := _misfit(row, lookfors.get(row["lookfor_id"]))) is not None:
            verdicts.reject(index, misfit)
        elif current is None or _replaces(current, row):
            known[row["id"]] = row
            writes[row["id"]] = row
        # Otherwise a resend or an older version: accepted, and nothing to change.
    if writes:
        # Sorted, so concurrent batches lock shared rows in the same order (no deadlock).
        _write_events([writes[key] for key in sorted(writes)])
    return deleted


def _replaces(current: dict, row: dict) -> bool:
    """Whether an event row replaces the stored one: a tombstone is final; otherwise a higher
    version wins, and a tombstone wins a tie (a delete and an edit made from the same version:
    the coach's delete must not be lost)."""
    if current["deleted"]:
        return False
    return row["version"] > current["version"] or (
        row["deleted"] and row["version"] == current["version"]
    )


def _misfit(row: dict, lookfor) -> str | None:
    """Why the event's data does not fit its look-for's kind (None when it fits; the row's data
    is then the kind's clean form). A tombstone is not checked: deleting must always work, even
    after the look-for's config changed."""
    if row["deleted"]:
        return None
    if lookfor is None:
        return None if row["data"] is None else "data must be absent for a free note"
    try:
        row["data"] = kinds.get(lookfor.kind).parse_data(lookfor.config or {}, row)
    except kinds.KindError as exc:
        return str(exc)
    return None


def _write_events(rows: list[dict]) -> None:
    """One insert-on-conflict for every written event, straight to the driver (thousands of
    rows: no per-row work in the ORM or its type adapters). _replaces() is repeated in SQL for
    rows another request wrote since the read."""
    connection = db.session.connection()
    dump = msgspec.json.encode
    data = [None if r["data"] is None else dump(r["data"]).decode() for r in rows]
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(_upsert("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), [
            (r["id"], r["observation_id"], r["lookfor_id"], r["offset_ms"],
             sqlite_time(r["recorded_at"]), r["count"], r["duration_ms"], r["note"],
             d, r["deleted"], r["version"])
            for r, d in zip(rows, data, strict=True)
        ])
    else:
        # PostgreSQL: the whole batch as one array per column in a single statement (one round
        # trip), rather than a statement per row.
        columns = [[r[name] for r in rows] for name in EVENT_COLUMNS if name != "data"]
        columns.insert(EVENT_COLUMNS.index("data"), data)
        connection.exec_driver_sql(_upsert(
            "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::int[], %s::int[], "
            "%s::timestamptz[], %s::int[], %s::int[], %s::text[], %s::json[], %s::bool[], "
            "%s::int[])"), tuple(columns))


EVENT_COLUMNS = ("id", "observation_id", "lookfor_id", "offset_ms", "recorded_at", "count",
                 "duration_ms", "note", "data", "deleted", "version")


def sqlite_time(moment: datetime) -> str:
    """A UTC time as SQLAlchemy's SQLite DateTime stores it ("0001-01-01 00:00:00.000000": the
    year zero-padded, as strftime's %Y is not), so the ORM reads it back the same."""
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def _upsert(source: str) -> str:
    return (
        f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) {source} ON CONFLICT (id) DO UPDATE SET "
        + ", ".join(f"{name} = excluded.{name}" for name in EVENT_CORRECTABLE)
        + " WHERE (event.version < excluded.version OR (event.version = excluded.version AND "
        "excluded.deleted)) AND NOT event.deleted AND event.observation_id = "
        "excluded.observation_id"
    )


def _insert(table: Table):
    """The dialect's INSERT, which knows ON CONFLICT."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"Sync needs PostgreSQL or SQLite, not {dialect}.")
