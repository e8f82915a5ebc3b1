"""CSV downloads: a cell a spreadsheet would run as a formula is quoted, the columns stay as they
were, and every CSV in the app goes through the one writer."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from app.csvfile import FORMULA_STARTS, safe_cell, write_csv
from app.extensions import db
from app.models import LookFor
from app.observations.services import CSV_HEADER
from tests import helpers

# OWASP's list: each of these at the start of a cell makes a spreadsheet read a formula.
DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = "1+2|cmd!A1"


def test_the_writer_knows_every_dangerous_start():
    assert set(FORMULA_STARTS) == set(DANGEROUS)


@pytest.mark.parametrize("start", DANGEROUS, ids=repr)
def test_each_dangerous_start_is_quoted(start):
    assert safe_cell(start + PAYLOAD) == "'" + start + PAYLOAD
    rows = list(csv.reader(io.StringIO(write_csv(["a", "b"], [[start + PAYLOAD, "ok"]]))))
    assert rows[1] == ["'" + start + PAYLOAD, "ok"]


@pytest.mark.parametrize("value", ["plain", "", "a=b", " =1", "'=1", "12.500", "2026-03-02Z"])
def test_harmless_text_is_left_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [0, 7, -3, 1.5, None])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) is value


@pytest.mark.parametrize("start", DANGEROUS, ids=repr)
def test_the_observation_csv_quotes_notes_and_labels(start, coach_client, coach, app):
    with app.app_context():
        db.session.get(LookFor, coach.lookfor_ids[0]).label = start + "HYPERLINK(\"x\")"
        db.session.commit()
        oid, ids = helpers.record_observation(
            coach, [(0, 5), (None, 12.5, {"note": start + PAYLOAD})]
        )
    response = coach_client.get(f"/observations/{oid}/events.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # The contract's header is unchanged, and the numeric columns still read as numbers.
    assert tuple(rows[0]) == CSV_HEADER
    tally, note = rows
    assert tally["lookfor"] == "'" + start + "HYPERLINK(\"x\")"
    assert note["note"] == "'" + start + PAYLOAD
    assert (tally["offset_seconds"], note["offset_seconds"]) == ("5.000", "12.500")
    assert (tally["count"], tally["clock"]) == ("1", "00:05")
    assert tally["event_id"] == ids[0] and tally["observation_id"] == oid
    for row in rows:
        assert not row["recorded_at"].startswith("'")


def test_every_csv_goes_through_the_safe_writer():
    """No module writes CSV by itself: a new export that did would skip the quoting."""
    app_dir = Path(__file__).resolve().parent.parent / "app"
    writers = [
        path.relative_to(app_dir).as_posix()
        for path in app_dir.rglob("*.py")
        if re.search(r"\bcsv\.(writer|DictWriter)\b|^import csv|^from csv ",
                     path.read_text(encoding="utf-8"), re.M)
    ]
    assert writers == ["csvfile.py"]
