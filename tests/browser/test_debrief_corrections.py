"""Corrections from the debrief with JavaScript on, on a phone: "Correct" opens the editor in
place (htmx), and a deleted, moved or re-worded event shows in the debrief, the trend across
the cycle and the CSV."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.cycles.services import add_lookfor
from app.extensions import db
from app.models import Cycle
from tests.browser.conftest import events_csv, sign_in
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

TALLY, DURATION, QUOTE = 0, 1, 2


@pytest.fixture
def corrections_world(app, coach):
    """A cycle with a second tally look-for ("Wait time"), an earlier observation, and the one
    to correct: three student questions, a stretch of teacher talk and a quote with a typo."""
    with app.app_context():
        add_lookfor(db.session.get(Cycle, coach.cycle_id), "Wait time")
        db.session.remove()
        record_observation(coach, [(TALLY, 30)], started="2026-02-23T09:00:00+00:00",
                           ended="2026-02-23T09:40:00+00:00")
        oid, ids = record_observation(coach, [
            (TALLY, 5), (TALLY, 65), (TALLY, 125),
            (DURATION, 200, {"duration_ms": 60_000}),
            (QUOTE, 300, {"note": "Maya askd why ice floats"}),
        ])
    return oid, ids


def count_of(page, label: str) -> str:
    row = page.locator("#counts").get_by_role("row", name=re.compile(rf"^{label}"))
    return row.locator("td").first.inner_text()


def trend_now(page, label: str) -> float:
    """This observation's point on the trend's caption for one look-for: a tally's rate per 10
    minutes (the lesson is 40 minutes, so a count of n reads n / 4), a note's count."""
    caption = page.locator("#trend figcaption", has_text=label).inner_text()
    return float(re.search(r"([\d.]+) \(this one\)", caption).group(1))


def rate(count: int) -> float:
    return pytest.approx(count / 4, abs=0.051)  # shown to one decimal


def open_editor(page, name: str) -> None:
    """Press a row's "Correct", as a coach would: the editor comes in place, no navigation."""
    url = page.url
    page.locator("#events > summary").click()
    page.get_by_role("button", name=name).click()
    expect(page.locator("#event-editor h3")).to_have_text(re.compile(r"^Correct the "))
    assert page.url == url


def test_delete_move_and_edit_a_note_with_javascript_on(phone_page, live_server, coach,
                                                       corrections_world):
    oid, ids = corrections_world
    page = phone_page
    sign_in(page, coach.email, coach.password)
    page.goto(f"/observations/{oid}")
    assert count_of(page, "Student question") == "3"
    assert trend_now(page, "Student question") == rate(3)

    # Delete the first student question.
    open_editor(page, "Correct 00:05 Student question")
    expect(page.locator("#event-editor h3")).to_have_text(
        "Correct the 00:05 event (Student question)")
    assert ("GET", f"/observations/{oid}/events/edit") in live_server.requests
    page.get_by_role("button", name="Delete event").click()
    expect(page.get_by_role("alert").filter(has_text="Correction saved.")).to_be_visible()
    assert count_of(page, "Student question") == "2"
    assert trend_now(page, "Student question") == rate(2)
    expect(page.locator("svg.timeline .tl-tick-mark")).to_have_count(2)
    rows = {row["event_id"]: row for row in events_csv(page, oid)}
    assert ids[0] not in rows and len(rows) == 4

    # Move the next one to "Wait time" (a look-for of the same kind).
    open_editor(page, "Correct 01:05 Student question")
    page.get_by_label("Move to").select_option(label="Wait time")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Correction saved.")).to_be_visible()
    assert count_of(page, "Student question") == "1" and count_of(page, "Wait time") == "1"
    assert trend_now(page, "Student question") == rate(1)
    assert trend_now(page, "Wait time") == rate(1)
    assert {row["event_id"]: row for row in events_csv(page, oid)}[ids[1]]["lookfor"] == (
        "Wait time")

    # Edit the quote's words.
    open_editor(page, "Correct 05:00 Quote")
    expect(page.get_by_label("Note text")).to_have_value("Maya askd why ice floats")
    page.get_by_label("Note text").fill("Maya asked: why does ice float?")
    page.get_by_role("button", name="Save note", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Correction saved.")).to_be_visible()
    expect(page.locator("ol.notes")).to_contain_text("Maya asked: why does ice float?")
    expect(page.locator("ol.notes")).not_to_contain_text("askd")
    assert trend_now(page, "Quote") == 1
    rows = {row["event_id"]: row for row in events_csv(page, oid)}
    assert rows[ids[4]]["note"] == "Maya asked: why does ice float?"
