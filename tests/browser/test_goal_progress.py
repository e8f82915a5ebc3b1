"""The goal, measured, in Chromium on a phone (390×844, JavaScript on): the coach chooses the
measure with the cycle page's "Goal measure" form, reads the sentence and the progress chart
at the top of the debrief (this lesson highlighted, baseline and target lines, a short lesson
marked, text of 12 px or more, nothing wider than a 360 px screen), marks the goal met and sets
the next goal, landing on the new cycle with the look-fors carried over."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Cycle
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

TEACHER_TALK = 1

# Each shown text of the chart: its font size as rendered (CSS size × the SVG's scale).
CHART_TEXT = """() => [...document.querySelectorAll("svg.progress-chart text")]
  .filter((t) => t.getBoundingClientRect().width > 0)
  .map((t) => ({
    text: t.textContent,
    size: parseFloat(getComputedStyle(t).fontSize) * t.closest("svg").getScreenCTM().a,
  }))"""
WIDTH = "() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })"


@pytest.fixture
def three_lessons(app, coach):
    """Teacher talk 60% and 45% of two 40-minute lessons, then 25% of an 8-minute one."""
    with app.app_context():
        ids = [
            record_observation(coach, [(TEACHER_TALK, 0, {"duration_ms": minutes * 60_000})],
                               started=f"2026-03-{day:02d}T09:00:00+00:00",
                               ended=f"2026-03-{day:02d}T09:{length:02d}:00+00:00")[0]
            for day, length, minutes in ((2, 40, 24), (9, 40, 18), (16, 8, 2))
        ]
        db.session.remove()
    return ids


def fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    measured = page.evaluate(WIDTH)
    assert measured["scroll"] <= measured["inner"], measured


def test_choose_the_measure_read_the_progress_mark_met_and_set_the_next_goal(
        app, phone_page, coach, three_lessons, live_server):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    cycle_url = page.url

    # The form: the percent sign appears beside the numbers once a percent measure is chosen.
    section = page.locator("#goal-measure")
    expect(section.get_by_role("heading", name="Goal measure")).to_be_visible()
    percent = section.locator(".measure-unit [data-unit=percent]").first
    expect(percent).to_be_hidden()
    measure = page.get_by_label("Measure", exact=True)
    measure.select_option(label="Teacher talk: share of the lesson")
    expect(percent).to_be_visible()
    page.get_by_label("Baseline value").fill("60")
    page.get_by_label("Target value").fill("40")
    live_server.requests.clear()
    page.get_by_role("button", name="Save measure").click()
    expect(section.get_by_role("status")).to_have_text("Saved")
    assert page.url == cycle_url  # htmx swapped the section in place
    assert ("POST", f"/cycles/{coach.cycle_id}/measure") in live_server.requests
    expect(page.locator("#measure-latest")).to_contain_text("25%")
    expect(measure).to_have_value(
        re.compile(r'^\["lesson_share",'))
    fits(page, 360)
    assert serious_violations(page) == []

    # The debrief of the short third lesson: the sentence, then the chart.
    page.set_viewport_size(PHONE)
    latest = three_lessons[2]
    page.goto(f"/observations/{latest}")
    expect(page.locator("#goal-sentence")).to_have_text(
        "This lesson: “Teacher talk” took 25% of the lesson. Baseline 60%, target 40%.")
    chart = page.locator("svg.progress-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.pg-point")).to_have_count(3)
    expect(chart.locator("circle.pg-point.current")).to_have_count(1)
    assert chart.locator("circle.pg-point.current").get_attribute("data-observation") == latest
    expect(chart.locator("circle.pg-point.short")).to_have_count(1)  # the 8-minute lesson
    expect(chart.locator("line.pg-baseline")).to_have_count(1)
    expect(chart.locator("line.pg-target")).to_have_count(1)
    legend = page.locator("#goal-progress .pg-legend")
    expect(legend.get_by_text("Baseline 60%")).to_be_visible()
    expect(legend.get_by_text("Target 40%")).to_be_visible()
    expect(legend.get_by_text("Under 10 minutes")).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= PHONE["width"]
    # The baseline (60%) is drawn above the target (40%), this lesson's point below both.
    y = {name: float(chart.locator(f"line.pg-{name}").get_attribute("y1"))
         for name in ("baseline", "target")}
    assert y["baseline"] < y["target"]
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 844})
        texts = page.evaluate(CHART_TEXT)
        assert texts and all(t["size"] >= 12 for t in texts), texts
        fits(page, width)
    page.set_viewport_size(PHONE)
    # The text alternative: every point, this lesson and the short one said in words.
    page.get_by_text("Every point as a table").click()
    rows = page.locator("#goal-progress-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("(under 10 minutes) (this lesson)")
    expect(rows.nth(0)).to_contain_text("60%")

    # Goal met: the data says so, the coach marks it, and the date is kept.
    expect(page.get_by_text("This lesson reached the target.")).to_be_visible()
    page.get_by_role("button", name="Mark goal met").click()
    expect(page.get_by_text(re.compile(r"^Goal met on \d+ \w+ \d{4}\.$"))).to_be_visible()
    expect(page.get_by_role("button", name="Mark goal met")).to_have_count(0)
    expect(page.get_by_role("button", name="Close the cycle")).to_be_visible()
    fits(page, 360)
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)

    # The next step: a new goal with the same teacher, the look-fors carried over.
    page.get_by_label("Next goal").fill("Students explain their thinking to a partner")
    page.get_by_role("button", name="Set the next goal").click()
    page.wait_for_url(re.compile(r"/cycles/\d+$"))
    new_id = int(page.url.rsplit("/", 1)[1])
    assert new_id != coach.cycle_id
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Students explain their thinking to a partner")
    lookfors = page.locator("#lookfors")
    carried = (("Student question", "tally"), ("Teacher talk", "duration"), ("Quote", "note"))
    expect(lookfors.get_by_role("textbox", name="Label")).to_have_count(3)
    for i, (label, kind) in enumerate(carried):
        expect(lookfors.get_by_role("textbox", name="Label").nth(i)).to_have_value(label)
        expect(lookfors.get_by_role("combobox", name="Kind").nth(i)).to_have_value(kind)
    with app.app_context():
        new = db.session.get(Cycle, new_id)
        assert new.previous_cycle_id == coach.cycle_id
        assert [(lf.label, lf.kind) for lf in new.lookfors] == list(carried)
        assert db.session.get(Cycle, coach.cycle_id).status == "closed"
    fits(page, 360)


def test_a_look_for_added_or_renamed_in_place_is_offered_as_the_measure_at_once(
        phone_page, coach, live_server):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    measure = page.get_by_label("Measure", exact=True)
    expect(measure.locator("option", has_text="Open questions")).to_have_count(0)
    page.evaluate("window.__samePage = true")  # gone if the page were loaded again

    add = page.locator("form.add-lookfor")
    add.get_by_label("New look-for", exact=True).fill("Open questions")
    add.get_by_role("button", name="Add look-for").click()
    expect(page.locator("#lookfors").get_by_role("status")).to_contain_text("Added")
    # No reload: the select was swapped out of band with the list.
    option = measure.locator("option", has_text="Open questions").first
    expect(option).to_have_count(1)
    measure.select_option(option.get_attribute("value"))
    page.get_by_label("Target value").fill("4")
    page.get_by_role("button", name="Save measure").click()
    expect(page.locator("#goal-measure").get_by_role("status")).to_have_text("Saved")
    expect(measure.locator("option:checked")).to_contain_text("Open questions")

    # Renamed in its row: the chosen measure keeps its place under the new name.
    row = page.locator("#lookfors li").last  # the look-for just added
    row.get_by_label("Label").fill("Open-ended questions")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_text("Saved")).to_be_visible()
    expect(measure.locator("option:checked")).to_contain_text("Open-ended questions")
    assert page.evaluate("window.__samePage") is True
