"""The coaching log and the coach's own data in Chromium, on a phone (390x844) and a desktop
(1280x800), JavaScript on: log a co-planning entry, see it in This month's chart and table,
change the range, Download log; Export all my data downloads a ZIP; Delete my account signs the
coach out for good and leaves nothing of theirs on the device."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests import helpers
from tests.browser.conftest import (
    lookfor_button,
    open_capture,
    read_outbox,
    ready_for_the_day,
    sign_in,
    sync_status,
)
from tests.browser.test_accessibility import MEASURE, TAP_TARGETS, serious_violations

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
NARROW = {"width": 360, "height": 740}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(viewport, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport,
                                      accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def check_narrow_and_accessible(page, where: str) -> None:
    """At 360 px: no sideways scroll, axe finds nothing serious, targets 48 px tall, and the
    chart's labels at least 12 px."""
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    assert fits(page), where
    assert serious_violations(page) == [], where
    assert [(n, h) for n, h in page.evaluate(MEASURE, TAP_TARGETS) if h < 48] == [], where
    sizes = page.evaluate("""() => [...document.querySelectorAll("svg.log-bars text")]
        .map((t) => parseFloat(getComputedStyle(t).fontSize))""")
    assert all(px >= 12 for px in sizes), sizes
    page.set_viewport_size(size)


def table_rows(page, caption: str) -> list[list[str]]:
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    table.wait_for()
    return [[c.strip() for c in row.locator("th, td").all_inner_texts()]
            for row in table.locator("tbody tr").all()]


@pytest.mark.parametrize("size", SIZES)
def test_log_a_co_planning_entry_and_read_this_month(open_page, coach, size):
    page = open_page(SIZES[size])
    sign_in(page, coach.email, coach.password)
    page.get_by_role("link", name="Coaching log").click()
    expect(page.get_by_role("heading", name="Coaching log", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="This month")).to_be_visible()
    expect(page.get_by_text("Nothing logged in these dates yet.")).to_be_visible()
    today = page.get_by_label("Date", exact=True).input_value()  # today, where the coach is
    month_start = today[:8] + "01"

    expect(page.get_by_label("Teacher")).to_have_value(str(coach.teacher_id))
    page.get_by_label("Role").select_option(label="Co-planning")
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Note").fill("Planned the fractions unit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Logged: Co-planning with Teacher of Casey Coach, 45 min.")
           ).to_be_visible()

    expect(page.get_by_role("heading", name="This month")).to_be_visible()
    assert table_rows(page, "Minutes by role") == [["Co-planning", "45", "1"]]
    assert table_rows(page, "Minutes by teacher") == [["Teacher of Casey Coach", "45", "1"]]
    chart = page.locator("svg.log-bars-role")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.lb-bar")).to_have_count(1)
    expect(chart.locator("text")).to_have_text("Co-planning 45 min")
    expect(page.get_by_role("cell", name="Planned the fractions unit")).to_be_visible()
    check_narrow_and_accessible(page, "the log with an entry")

    # A range that ends before this month: nothing; back to one holding today: the entry.
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("To").fill("2020-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="1 Jan 2020 – 31 Jan 2020")).to_be_visible()
    expect(page.get_by_text("Nothing logged in these dates yet.")).to_be_visible()
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("To").fill(today)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"from=2020-01-01&to={today}"))
    assert table_rows(page, "Minutes by role") == [["Co-planning", "45", "1"]]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download log").click()
    assert download.value.suggested_filename == f"coaching-log-2020-01-01-to-{today}.csv"
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows == [["date", "teacher", "role", "minutes", "note", "source"],
                    [today, "Teacher of Casey Coach", "Co-planning", "45",
                     "Planned the fractions unit", "logged"]]

    # Edit it, from the activities table.
    page.get_by_role("link", name=re.compile(r"^Edit Co-planning with Teacher of Casey")).click()
    expect(page.get_by_role("heading", name="Edit activity")).to_be_visible()
    check_narrow_and_accessible(page, "the edit page")
    page.get_by_label("Minutes").fill("50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert month_start <= today
    assert table_rows(page, "Minutes by role") == [["Co-planning", "50", "1"]]


def test_observations_and_debriefs_are_in_the_log_by_themselves(app, open_page, coach):
    with app.app_context():
        today = datetime.now(UTC).strftime("%Y-%m-%dT09:00:00+00:00")
        helpers.record_observation(coach, [(0, 30)], started=today,
                                   ended=today.replace("T09:00", "T09:42"))
        db.session.remove()
    page = open_page(SIZES["phone"])
    sign_in(page, coach.email, coach.password)
    page.goto("/log")
    assert table_rows(page, "Minutes by role") == [["Observation", "42", "1"]]
    page.get_by_role("link", name="Observation").click()
    page.get_by_label("Keepers").fill("Every question got wait time.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#conversation").get_by_role("status")).to_have_text("Saved")
    page.get_by_role("link", name="Coaching log").click()
    expect(page.get_by_role("heading", name="Coaching log", level=1)).to_be_visible()
    assert table_rows(page, "Minutes by role") == [["Observation", "42", "1"],
                                                   ["Debrief", "0", "1"]]
    expect(page.get_by_role("cell", name="— not known")).to_be_visible()
    check_narrow_and_accessible(page, "the log with an observation and a debrief")


@pytest.mark.parametrize("size", SIZES)
def test_export_all_my_data_downloads_a_zip(app, open_page, coach, size):
    with app.app_context():
        helpers.record_observation(coach, [(0, 30), (None, 40, {"note": "=1+1"})])
        db.session.remove()
    page = open_page(SIZES[size])
    sign_in(page, coach.email, coach.password)
    page.get_by_role("link", name="Account").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export all my data").click()
    assert re.fullmatch(r"lookfor-export-\d{4}-\d\d-\d\d\.zip", download.value.suggested_filename)
    with zipfile.ZipFile(download.value.path()) as archive:
        assert {"README.txt", "events.csv", "events.json", "teachers.csv"} <= set(
            archive.namelist())
        events = list(csv.DictReader(io.StringIO(archive.read("events.csv").decode())))
    assert sorted(e["note"] for e in events) == ["", "'=1+1"]
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
    check_narrow_and_accessible(page, "the account page")


def mine_on_device(page, coach_id: int) -> int:
    """How many records of the coach's the device's outbox holds."""
    outbox = read_outbox(page)
    return sum(r["coach_id"] == coach_id for r in outbox["observations"] + outbox["events"])


@pytest.mark.parametrize("size", SIZES)
def test_delete_my_account_signs_out_for_good(app, open_page, coach, other_coach, size):
    page = open_page(SIZES[size])
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)  # the dashboard and capture screens cached on this device
    pages_cache = f"lookfor-pages-{coach.coach_id}"
    assert pages_cache in page.evaluate("() => caches.keys()")
    open_capture(page, coach.cycle_id)  # and a record of theirs in the device's outbox
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("All changes synced")
    assert mine_on_device(page, coach.coach_id)
    page.goto("/")
    page.get_by_role("link", name="Account").click()

    confirm = page.get_by_label("Type your email to confirm")
    confirm.fill(other_coach.email)  # a wrong email: refused, nothing deleted
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your account's email.")).to_be_visible()
    assert pages_cache in page.evaluate("() => caches.keys()")
    assert mine_on_device(page, coach.coach_id)

    page.get_by_label("Type your email to confirm").fill(coach.email)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Your account and everything in it are deleted.")).to_be_visible()
    assert pages_cache not in page.evaluate("() => caches.keys()")
    assert mine_on_device(page, coach.coach_id) == 0
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email and password do not match.")).to_be_visible()
    sign_in(page, other_coach.email, other_coach.password)  # the other coach is untouched
    expect(page.get_by_role("link", name="Teacher of Olive Other")).to_be_visible()


def test_long_names_and_notes_fit_a_360_px_phone(app, open_page, coach):
    from app.coaching_log.services import add_entry
    from app.models import Coach
    from app.teachers.services import add_teacher

    unbroken = "Studentswaitedwithhandsupwhiletheteacherwrotetheboard" * 2
    with app.app_context():
        row = db.session.get(Coach, coach.coach_id)
        teacher = add_teacher(row, unbroken[:120], None, None)
        add_entry(row, teacher_id=teacher.id, role="data_conversation",
                  on_date=datetime.now(UTC).date(), minutes=720, note=unbroken * 4)
        db.session.remove()
    page = open_page(NARROW)
    sign_in(page, coach.email, coach.password)
    page.goto("/log")
    expect(page.get_by_role("heading", name="This month")).to_be_visible()
    assert fits(page)
    page.get_by_role("link", name=re.compile(r"^Edit Data conversation")).click()
    assert fits(page)
