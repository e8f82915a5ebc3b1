"""The schedule on a phone with JavaScript on: "Plan a visit" from the dashboard and its .ics
in "This week"; "Plan the debrief" from a debrief; "Offer times", the teacher's link opened on
another phone and a time booked; "Make calendar link" and "Revoke calendar link" on /account.
Every new page fits 360 px and has no serious or critical axe findings."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from app.extensions import db
from app.models import Coach
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough
from tests.browser.test_phone_widths import assert_fits
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
ZONE = "America/New_York"
# Tap targets but the radio buttons and checkboxes, whose labels are the targets (measured
# separately where they matter).
TARGETS = ("button, a.button, nav a, select, textarea, summary, "
           "input:not([type=hidden]):not([type=radio]):not([type=checkbox])")


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE,
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def in_new_york(app, coach):
    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = ZONE
        db.session.commit()
    return coach


def local_now() -> datetime:
    return datetime.now(ZoneInfo(ZONE))


def this_week(moment: datetime) -> bool:
    today = local_now().date()
    monday = today - timedelta(days=today.weekday())
    return monday <= moment.date() < monday + timedelta(days=7)


def check_page(page, where: str) -> None:
    """axe on the phone, then the width at 360 px, then back."""
    assert_accessible(page, where)
    assert_tall_enough(page, where, TARGETS)
    page.set_viewport_size(NARROW)
    assert_fits(page, where)
    page.set_viewport_size(PHONE)


def test_plan_a_visit_from_the_dashboard(phone, in_new_york, live_server):
    page = phone
    sign_in(page, in_new_york.email, in_new_york.password)
    week = page.locator("#this-week")
    expect(week.get_by_role("heading", name="This week")).to_be_visible()
    expect(week).to_contain_text("No visits planned this week.")
    check_page(page, "dashboard with This week")

    week.get_by_role("link", name="Plan a visit").click()
    expect(page.get_by_role("heading", name="Plan a visit")).to_be_visible()
    check_page(page, "Plan a visit")
    today = local_now().date()
    page.get_by_label("Teacher").select_option(label="Teacher of Casey Coach")
    page.get_by_label("Kind").select_option(label="Co-planning")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Start time").fill("07:30")
    page.get_by_label("Minutes").fill("50")
    page.get_by_label("Place").fill("Library")
    page.get_by_label("Note").fill("Bring the unit plan")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/#this-week$"))
    expect(page.get_by_role("alert")).to_contain_text("Visit planned: Co-planning with")
    item = week.get_by_role("listitem").filter(has_text="Co-planning with Teacher of Casey Coach")
    expect(item).to_contain_text(f"{today.day} ")
    expect(item).to_contain_text("07:30–08:20 E")  # EST or EDT, in the coach's zone
    expect(item).to_contain_text("Library")
    check_page(page, "dashboard with a visit this week")

    with page.expect_download() as download:
        item.get_by_role("link", name="Add to calendar (.ics)").click()
    body = Path(download.value.path()).read_bytes()
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == ZONE
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (today, 7, 30)
    assert str(event["SUMMARY"]) == "Co-planning with Teacher of Casey Coach"
    assert b"unit plan" not in body

    # Edit it from This week, then see the schedule page.
    item.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Start time")).to_have_value("07:30")
    check_page(page, "Edit visit")
    page.get_by_label("Start time").fill("08:15")
    page.get_by_role("button", name="Save").click()
    expect(week).to_contain_text("08:15–09:05")
    page.get_by_role("link", name="All visits and offered times").click()
    expect(page.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
    check_page(page, "Schedule")


def test_plan_the_debrief_from_the_debrief_page(phone, app, coach):
    page = phone
    ended = datetime.now(ZoneInfo("UTC")) - timedelta(minutes=30)
    with app.app_context():
        oid, _ = record_observation(coach, [(0, 65)],
                                    started=(ended - timedelta(minutes=40)).isoformat(),
                                    ended=ended.isoformat())
    sign_in(page, coach.email, coach.password)
    page.goto(f"/observations/{oid}")
    offer = page.get_by_role("complementary", name="Plan the debrief")
    expect(offer).to_contain_text("debrief within 24 hours")
    offer.get_by_role("link", name="Plan the debrief").click()
    expect(page.get_by_label("Kind")).to_have_value("debrief")
    expect(page.get_by_label("Minutes")).to_have_value("30")
    assert page.get_by_label("Start time").input_value()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Visit planned: Debrief with Teacher of Casey Coach")
    page.goto(f"/observations/{oid}")
    expect(page.get_by_role("link", name="Plan the debrief")).to_have_count(0)


def test_offer_times_and_the_teacher_books_one(phone, browser, in_new_york, live_server):
    page = phone
    sign_in(page, in_new_york.email, in_new_york.password)
    page.locator("#this-week").get_by_role("link", name="Offer times").click()
    expect(page.get_by_role("heading", name="Offer times")).to_be_visible()
    check_page(page, "Offer times")

    first = (local_now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    first = first + timedelta(minutes=-first.minute % 15)
    second = first + timedelta(days=1)
    page.get_by_role("group", name="Teachers").get_by_label("Teacher of Casey Coach").check()
    page.get_by_label("Kind").select_option(label="Data conversation")
    page.get_by_label("Minutes").fill("25")
    page.get_by_label("Place").fill("Room 12")
    for number, moment in ((1, first), (2, second)):
        group = page.get_by_role("group", name=f"Time {number}")
        group.get_by_label("Date").fill(moment.date().isoformat())
        group.get_by_label("Start time").fill(f"{moment:%H:%M}")
    page.get_by_role("button", name="Make links").click()

    field = page.get_by_role("textbox", name="Link for Teacher of Casey Coach")
    expect(field).to_have_attribute("readonly", "")
    link = field.input_value()
    assert re.fullmatch(rf"{live_server.url}/b/[A-Za-z0-9_-]{{43,}}", link), link
    page.get_by_role("button", name="Copy link for Teacher of Casey Coach").click()
    expect(page.locator(".offer-links").get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    check_page(page, "offer with its links")

    teacher_context = browser.new_context(viewport=PHONE)
    teacher_context.set_default_timeout(10_000)
    try:
        teacher = teacher_context.new_page()
        teacher.goto(link)
        heading = teacher.get_by_role("heading", name="Data conversation with Casey Coach")
        expect(heading).to_be_visible()
        times = teacher.get_by_role("group", name="Choose a time")
        expect(times).to_contain_text("Times are in Casey Coach’s time zone, America/New York.")
        expect(times.get_by_role("radio")).to_have_count(2)
        assert_tall_enough(teacher, "booking times", "label.slot")
        check_page(teacher, "the teacher's booking page")
        label = f"{first.day} {first:%b %Y}, {first:%H:%M}"
        times.get_by_role("radio", name=re.compile(re.escape(label))).check()
        teacher.get_by_role("button", name="Book this time").click()
        expect(teacher.get_by_role("status")).to_contain_text(f"Booked: {first:%a} {label}")
        expect(teacher.get_by_role("radio")).to_have_count(0)
        check_page(teacher, "the teacher's booking page, booked")
    finally:
        teacher_context.close()

    page.goto("/")
    where = page.locator("#this-week") if this_week(first) else None
    if where is None:  # late on a Sunday: the time is next week, on the schedule page
        page.goto("/schedule")
        where = page.locator("main")
    expect(where.get_by_role("listitem").filter(
        has_text="Data conversation with Teacher of Casey Coach")).to_contain_text(
        f"{first:%H:%M}")


def test_make_and_revoke_the_calendar_link(phone, coach, live_server):
    page = phone
    sign_in(page, coach.email, coach.password)
    page.goto("/account")
    calendar = page.locator("#calendar")
    expect(calendar.get_by_role("heading", name="Calendar")).to_be_visible()
    expect(calendar.get_by_role("button", name="Revoke calendar link")).to_have_count(0)
    requests_before = len(live_server.requests)
    calendar.get_by_role("button", name="Make calendar link").click()

    box = page.get_by_role("textbox", name="Calendar link")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("readonly", "")
    url = box.input_value()
    assert re.fullmatch(rf"{live_server.url}/calendar/[A-Za-z0-9_-]{{43,}}\.ics", url), url
    # htmx swapped the section in place: the POST, and no page load after it.
    since = live_server.requests[requests_before:]
    assert ("POST", "/account/calendar-link") in since and ("GET", "/account") not in since
    webcal = page.get_by_role("link", name="Subscribe in your calendar app")
    expect(webcal).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])
    page.locator("#calendar").get_by_role("button", name="Copy link").click()
    expect(page.locator("#calendar").get_by_role("status")).to_have_text("Copied")
    check_page(page, "account with the calendar link")

    feed = page.request.get(url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert Calendar.from_ical(feed.body()).name == "VCALENDAR"

    page.get_by_role("button", name="Revoke calendar link").click()
    expect(page.get_by_role("textbox", name="Calendar link")).to_have_count(0)
    expect(page.get_by_role("button", name="Revoke calendar link")).to_have_count(0)
    assert page.request.get(url).status == 404
    check_page(page, "account after revoking")
