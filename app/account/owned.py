"""Which rows of each table are one coach's, found by walking the foreign keys from `coach`
in the models' metadata, so a table added later is exported and deleted with the rest without
anyone remembering to list it.

A row is the coach's when a foreign key that owns it (any but ON DELETE SET NULL, which only
points at something) leads, table by table, to the coach: a teacher by coach_id, a cycle by
its teacher, an event by its observation (or its look-for), a share link by its observation.
Tables no key leads from are not the coach's (throttling counts); tests/test_export.py makes
every table of the metadata either owned or named in export.NOT_EXPORTED."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, or_, select

from ..extensions import db
from ..models import Coach

COACH = Coach.__table__


def _owning_keys(table: Table):
    for key in sorted(table.foreign_keys, key=lambda k: k.parent.name):
        if key.ondelete and key.ondelete.upper() == "SET NULL":
            continue  # a reference to another row (the visit a slot became), not an owner
        if key.column.table is table:
            continue  # a row of the same table (a cycle's previous cycle)
        yield key


def owned_by(table: Table, coach_id: int) -> ColumnElement[bool] | None:
    """A WHERE clause for the coach's rows of the table, or None when no key leads from it
    to a coach."""
    if table is COACH:
        return table.c.id == coach_id
    clauses = []
    for key in _owning_keys(table):
        parent = key.column.table
        if parent is COACH:
            clauses.append(key.parent == coach_id)
            continue
        parent_clause = owned_by(parent, coach_id)
        if parent_clause is not None:
            clauses.append(key.parent.in_(select(key.column).where(parent_clause)))
    return or_(*clauses) if clauses else None


def owned_tables() -> list[Table]:
    """Every table with rows a coach owns, parents before children (coach first)."""
    return [t for t in db.metadata.sorted_tables if owned_by(t, 0) is not None]
