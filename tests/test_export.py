"""Export all my data: a ZIP with a CSV and a JSON file per table of the coach's (from the
models' metadata, so no table is silently left out), a README, only this coach's rows, and no
password, session or token hash."""

from __future__ import annotations

import csv
import io
import json
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table, select

from app.account import export
from app.account.owned import owned_tables
from app.auth.sessions import start_session
from app.coaching_log.services import add_entry
from app.debrief.conversation import save_conversation
from app.debrief.services import add_next_step
from app.extensions import db
from app.models import (
    Coach,
    CycleChange,
    Observation,
    OfferLink,
    OfferSlot,
    RateLimitHit,
    TimeOffer,
    Visit,
    utcnow,
)
from app.share.services import create_link, hash_token
from tests import helpers

# The tables the issue names, by the file the ZIP holds them in.
NAMED_FILES = {"teachers", "cycles", "lookfors", "observations", "events", "debriefs",
               "next_steps", "visits", "log_entries"}


@dataclass(frozen=True)
class Links:
    """The live tokens of one coach's every kind of private link."""

    share: str
    cycle: str
    booking: str
    calendar: str


def fill_every_table(world: helpers.World) -> Links:
    """A row of the coach's in every table that can hold one (a tally and a note as events)."""
    coach = db.session.get(Coach, world.coach_id)
    start_session(coach)
    observation_id, _ = helpers.record_observation(
        world, [(0, 5), (None, 9, {"note": "-2 + 3 = 1, she said"})])
    observation = db.session.get(Observation, observation_id)
    save_conversation(observation, keepers="=Wait time", polishers=None, private_notes="mine")
    add_next_step(observation, "Try think-pair-share", "Teacher", date(2026, 3, 9))
    _, share = create_link(observation)
    _, cycle = create_link(observation.cycle)
    db.session.add(CycleChange(cycle_id=world.cycle_id, field="goal", old_value="Old goal",
                               new_value="Students ask more of the questions"))
    add_entry(coach, teacher_id=world.teacher_id, role="co_planning", on_date=date(2026, 3, 3),
              minutes=45, note="Planned fractions")
    visit = Visit(uid=str(uuid.uuid4()), coach_id=coach.id, teacher_id=world.teacher_id,
                  kind="debrief", starts_at=datetime(2026, 3, 3, 15, tzinfo=UTC), minutes=30,
                  place="Room 12")
    offer = TimeOffer(coach_id=coach.id, kind="co_planning", minutes=30)
    db.session.add_all([visit, offer])
    db.session.flush()
    booking = secrets.token_urlsafe(32)
    db.session.add_all([
        OfferSlot(offer_id=offer.id, starts_at=datetime(2026, 3, 5, 15, tzinfo=UTC),
                  visit_id=visit.id),
        OfferSlot(offer_id=offer.id, starts_at=datetime(2026, 3, 6, 15, tzinfo=UTC)),
        OfferLink(offer_id=offer.id, teacher_id=world.teacher_id,
                  token_hash=hash_token(booking), expires_at=utcnow() + timedelta(days=14)),
    ])
    calendar = secrets.token_urlsafe(32)
    coach.calendar_token_hash = hash_token(calendar)
    db.session.add(RateLimitHit(key=f"password:coach:{coach.id}"))
    db.session.commit()
    return Links(share, cycle, booking, calendar)


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def filled(app, coach, other_coach):
    with app.app_context():
        fill_every_table(coach)
        fill_every_table(other_coach)
        db.session.add(RateLimitHit(key="login:address:127.0.0.1"))
        db.session.commit()
    return coach


def test_every_table_is_exported_or_excluded_with_a_reason(app):
    """A new table with coach data fails here until it is exported (a foreign key leading to
    the coach does that by itself) or named in NOT_EXPORTED."""
    with app.app_context():
        exported = {t.name for t in export.exported_tables()}
        every = {t.name for t in db.metadata.sorted_tables}
    assert every - exported == set(export.NOT_EXPORTED)
    assert {export.FILES[name][0] for name in exported} >= NAMED_FILES


def test_a_new_table_with_a_key_to_the_coachs_rows_is_exported_by_itself(app):
    table = Table("widget", db.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("cycle_id", ForeignKey("cycle.id", ondelete="CASCADE")))
    try:
        with app.app_context():
            assert table in export.exported_tables() and table in owned_tables()
            assert export.file_name(table) == "widgets"
    finally:
        db.metadata.remove(table)


def test_the_zip_has_every_tables_files_with_this_coachs_rows(app, filled, other_coach):
    with app.app_context():
        files = unzip(export.export_zip(db.session.get(Coach, filled.coach_id)))
        tables = export.exported_tables()
    names = {export.file_name(t) for t in tables}
    assert set(files) == {"README.txt"} | {f"{n}.{ext}" for n in names for ext in ("csv", "json")}
    counts = {name: len(json.loads(files[f"{name}.json"])) for name in names}
    assert counts == {
        "account": 1, "teachers": 1, "cycles": 1, "cycle_changes": 1, "lookfors": 3,
        "observations": 1, "events": 2, "debriefs": 1, "next_steps": 1, "share_links": 1,
        "cycle_links": 1, "visits": 1, "log_entries": 1, "time_offers": 1, "offer_slots": 2,
        "offer_links": 1,
    }
    for name in names:  # the CSV holds the same rows as the JSON, with the same columns
        rows, objects = read_csv(files[f"{name}.csv"]), json.loads(files[f"{name}.json"])
        assert len(rows) == len(objects), name
        assert list(rows[0]) == list(objects[0]), name
    everything = "\n".join(files.values())
    assert filled.email in everything and "Teacher of Casey Coach" in everything
    assert other_coach.email not in everything and "Olive Other" not in everything
    for name in names:
        for row in json.loads(files[f"{name}.json"]):
            for key in ("coach_id", "teacher_id", "cycle_id"):
                if key in row:
                    assert row[key] == getattr(filled, key), (name, row)


def test_the_zip_holds_no_hash_of_a_password_session_or_token(app, filled):
    with app.app_context():
        files = unzip(export.export_zip(db.session.get(Coach, filled.coach_id)))
        hashes = [value for table in db.metadata.sorted_tables for column in table.columns
                  if "hash" in column.name
                  for value in db.session.scalars(select(column)) if value]
    assert len(hashes) >= 7  # password, calendar, session, share, cycle and booking links
    everything = "\n".join(files.values())
    assert not [h for h in hashes if h in everything]
    assert "coach_session" not in {n.split(".")[0] for n in files}
    for name, text in files.items():
        if name.endswith(".json"):
            for row in json.loads(text):
                assert not [key for key in row if "hash" in key], name


def test_values_read_without_lookfor(app, filled):
    """Times in UTC ISO 8601, nested data as JSON, and formula-safe CSV cells (the JSON keeps
    the exact text)."""
    with app.app_context():
        files = unzip(export.export_zip(db.session.get(Coach, filled.coach_id)))
    events = read_csv(files["events.csv"])
    assert {e["recorded_at"] for e in events} == {"2026-03-02T09:00:00+00:00"}
    assert {e["deleted"] for e in events} == {"false"}
    assert {e["note"] for e in events} == {"", "'-2 + 3 = 1, she said"}
    assert {e["note"] for e in json.loads(files["events.json"])} == {
        None, "-2 + 3 = 1, she said"}
    assert read_csv(files["debriefs.csv"])[0]["keepers"] == "'=Wait time"
    lookfors = json.loads(files["lookfors.json"])
    assert all(isinstance(lf["config"], dict) for lf in lookfors)
    readme = files["README.txt"]
    for name in ("events.csv, events.json (2 rows)", "Columns: id, observation_id",
                 "account.csv", "Not exported: your password"):
        assert name in readme, name


def test_export_all_my_data_downloads_the_zip(app, filled, coach_client):
    token = helpers.csrf_token(coach_client, "/account")
    page = coach_client.get("/account").get_data(as_text=True)
    assert 'value="Export all my data"' in page and 'action="/account/export"' in page
    response = coach_client.post("/account/export", data={"csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="lookfor-export-')
    assert response.headers["Cache-Control"] == "no-store"
    assert "events.csv" in unzip(response.get_data())
    assert coach_client.post("/account/export").status_code == 403  # no CSRF token
