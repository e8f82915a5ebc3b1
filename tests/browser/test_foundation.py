"""Sign in, add a teacher, create a cycle and edit a look-for with htmx, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_coach_sets_up_a_cycle_and_edits_a_lookfor(page, coach, live_server):
    sign_in(page, coach.email, coach.password)

    page.get_by_text("Add teacher").click()
    page.get_by_label("Name").fill("Ms. Achebe")
    page.get_by_label("Grade").fill("Grade 4")
    page.get_by_label("Subject").fill("Maths")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Ms. Achebe")).to_be_visible()

    page.get_by_role("link", name="New coaching cycle").click()
    page.get_by_label("Goal").fill("75% of students explain their reasoning aloud")
    page.get_by_label("Focus area").select_option(label="Instructional practice")
    page.get_by_label("Baseline").fill("30% explain their reasoning")
    page.get_by_label("Target").fill("75% explain their reasoning")
    expect(page.get_by_label("Norms")).to_have_value("Debrief within 24 hours of each observation")
    page.get_by_label("Look-fors").fill("Reasoning aloud\nTeacher talk\nWait time")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="75% of students explain")).to_be_visible()

    rows = page.locator("#lookfors li")
    expect(rows).to_have_count(3)
    second = rows.nth(1)
    second.get_by_label("Label").fill("Teacher talk time")
    second.get_by_label("Kind").select_option("duration")
    # The kind's own fields and help come in first (an htmx GET of the fields fragment).
    expect(second.get_by_text("Tap to start, tap again to stop")).to_be_visible()
    live_server.requests.clear()
    second.get_by_role("button", name="Save").click()
    expect(page.locator("#lookfors li").nth(1).get_by_text("Saved")).to_be_visible()
    # htmx swapped the row in place: one POST, no full page load.
    assert [m for m, p in live_server.requests if p.startswith("/cycles/")] == ["POST"]

    page.get_by_role("button", name="Move up: Wait time").click()
    expect(page.locator("#lookfors li").nth(1).get_by_label("Label")).to_have_value("Wait time")

    page.reload()
    second = page.locator("#lookfors li").nth(2)
    expect(second.get_by_label("Label")).to_have_value("Teacher talk time")
    expect(second.get_by_label("Kind")).to_have_value("duration")
