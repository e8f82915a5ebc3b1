"""What is next and Managing in Chromium with JavaScript on, on a phone (390×844) and a desktop
(1280×800): the dashboard's flags (Debrief due, New reflection written through the teacher's
link, Waiting to sync from the device's outbox while offline), archiving a teacher and
restoring them from Archived teachers, editing a cycle's goal and seeing the change listed,
closing and reopening a cycle, and the search box with 11 teachers. Every page has no serious
or critical axe finding, 48 px targets, and fits a 360 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.debrief.conversation import save_conversation
from app.extensions import db
from app.models import Coach, Observation
from app.share.services import create_link
from app.teachers.services import add_teacher
from tests.browser.conftest import (
    heard_while_offline,
    lookfor_button,
    open_capture,
    ready_for_the_day,
    sign_in,
)
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough
from tests.browser.test_phone_widths import assert_fits
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 360, "height": 740}
GOAL = "Students ask more of the questions"


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def screen(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=request.param)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def check_page(page, where: str) -> None:
    """axe and tap sizes as it is, then the width at 360 px, then back."""
    assert_accessible(page, where)
    assert_tall_enough(page, where)
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    assert_fits(page, where)
    page.set_viewport_size(size)


def card(page, goal: str = GOAL):
    return page.locator("article.cycle-card", has=page.get_by_role("link", name=goal))


@pytest.fixture
def seeded(app, coach):
    """An observation long past its norm with nothing saved (Debrief due), and one debriefed
    and shared with the teacher (its token)."""
    with app.app_context():
        due, _ = record_observation(coach, [(0, 60)])  # ended 2 March 2026
        held, _ = record_observation(coach, [(0, 30)], started="2026-03-09T09:00:00+00:00",
                                     ended="2026-03-09T09:30:00+00:00")
        save_conversation(db.session.get(Observation, held), keepers="Wait time",
                          polishers=None, private_notes=None)
        _, token = create_link(db.session.get(Observation, held))
        db.session.remove()
    return due, held, token


def test_the_dashboard_shows_what_needs_the_coach(screen, browser, live_server, coach, seeded):
    due, held, token = seeded
    # The teacher, on a phone of their own, writes a reflection through the link.
    teacher_context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    try:
        teacher = teacher_context.new_page()
        teacher.goto(f"/s/{token}")
        teacher.get_by_label("Your reflection").fill("I will wait longer after questions.")
        teacher.get_by_role("button", name="Save reflection").click()
        expect(teacher.get_by_text("Saved. Your coach will see it.")).to_be_visible()
    finally:
        teacher_context.close()

    page = screen
    sign_in(page, coach.email, coach.password)
    flags = card(page).get_by_role("list", name="Needs you")
    expect(flags.get_by_role("link", name="Debrief due")).to_have_attribute(
        "href", f"/observations/{due}")
    expect(flags.get_by_role("link", name="New reflection")).to_have_attribute(
        "href", f"/observations/{held}")
    expect(flags.get_by_text("Waiting to sync")).to_be_hidden()
    expect(page.get_by_text("Needs you: 1 debrief due · 1 new reflection")).to_be_visible()
    expect(card(page).get_by_role("link", name="Observe", exact=True)).to_be_visible()
    expect(page.get_by_text("None yet")).to_have_count(0)
    check_page(page, "dashboard with flags")

    # Opening the debrief reads the reflection: it is no longer new.
    flags.get_by_role("link", name="New reflection").click()
    expect(page.locator("#reflection")).to_contain_text("I will wait longer after questions.")
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").first.click()
    expect(flags.get_by_role("link", name="Debrief due")).to_be_visible()
    expect(flags.get_by_role("link", name="New reflection")).to_have_count(0)


def test_waiting_to_sync_is_marked_on_the_cycle_while_offline(page, context, live_server, coach):
    page.set_viewport_size(PHONE)
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    live_server.requests.clear()
    context.set_offline(True)

    open_capture(page, coach.cycle_id)
    lookfor_button(page, "Student question").click()
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 1")
    page.goto("/")  # the dashboard this device keeps
    expect(card(page).get_by_text("Waiting to sync")).to_be_visible()
    assert heard_while_offline(live_server) == []

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(card(page).get_by_text("Waiting to sync")).to_be_hidden()
    expect(page.locator("#sync-status")).to_have_text("All changes synced")


def cached_paths(page) -> list[str]:
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
            if (!name.startsWith("lookfor-pages-")) continue;
            const cache = await caches.open(name);
            for (const r of await cache.keys()) paths.push(new URL(r.url).pathname);
        }
        return paths.sort();
    }""")


def test_edit_archive_and_restore_a_teacher(screen, coach):
    page = screen
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    assert f"/cycles/{coach.cycle_id}/capture" in cached_paths(page)

    page.get_by_role("link", name="Teacher of Casey Coach").click()
    page.get_by_role("link", name="Edit teacher").click()
    check_page(page, "edit teacher")
    page.get_by_label("School").fill("North School")
    page.get_by_label("Subject").fill("Biology")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Grade 5 · Biology · North School")).to_be_visible()
    check_page(page, "teacher page")

    page.get_by_role("button", name="Archive teacher").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("Teacher of Casey Coach is archived"))
    expect(page.get_by_role("link", name="Teacher of Casey Coach")).to_have_count(0)
    expect(page.get_by_role("link", name="Observe", exact=True)).to_have_count(0)
    # Its cycle is no longer kept for a day offline.
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '0'")
    assert cached_paths(page) == ["/"]

    page.get_by_role("link", name="Archived teachers (1)").click()
    expect(page.get_by_role("heading", name="Archived teachers")).to_be_visible()
    check_page(page, "archived teachers")
    page.get_by_role("button", name="Restore Teacher of Casey Coach").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Teacher of Casey Coach is back on the dashboard.")
    expect(card(page).get_by_role("link", name="Observe", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Archived teachers (0)")).to_be_visible()
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '1'")


def test_edit_the_goal_then_close_and_reopen_the_cycle(screen, coach):
    page = screen
    sign_in(page, coach.email, coach.password)
    card(page).get_by_role("link", name=GOAL).click()
    page.get_by_text("Edit goal", exact=True).click()
    page.get_by_label("Goal", exact=True).fill("Students ask most of the questions")
    page.get_by_label("Norms", exact=True).fill("Debrief within 48 hours")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Students ask most of the questions")
    changes = page.locator("#cycle-changes")
    expect(changes.get_by_role("heading", name="Changes")).to_be_visible()
    expect(changes.get_by_role("listitem")).to_have_count(2)
    expect(changes.get_by_role("listitem").filter(has_text="Goal")).to_contain_text(
        f"from “{GOAL}” to “Students ask most of the questions”")
    expect(changes.get_by_role("listitem").filter(has_text="Norms")).to_contain_text(
        "from none to “Debrief within 48 hours”")
    check_page(page, "cycle page with changes")

    page.get_by_role("button", name="Close cycle").click()
    expect(page.get_by_role("button", name="Reopen cycle")).to_be_visible()
    expect(page.get_by_role("link", name="Start observation")).to_have_count(0)
    expect(changes.get_by_role("listitem").first).to_contain_text("Status")

    page.get_by_role("navigation").get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_text("No open cycle")).to_be_visible()
    page.get_by_role("link", name="Closed cycles (1)").click()
    check_page(page, "closed cycles")
    page.get_by_role("link", name="Students ask most of the questions").click()
    page.get_by_role("button", name="Reopen cycle").click()
    expect(page.get_by_role("button", name="Close cycle")).to_be_visible()
    expect(page.get_by_role("link", name="Start observation")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").first.click()
    expect(card(page, "Students ask most of the questions")).to_be_visible()


def test_search_eleven_teachers(screen, app, coach, live_server):
    with app.app_context():
        me = db.session.get(Coach, coach.coach_id)
        for n in range(9):
            add_teacher(me, f"Teacher {n:02}", "Grade 3", "History", "South School")
        add_teacher(me, "Ana López", "Grade 8", "Maths", "North School")
        db.session.remove()
    page = screen
    sign_in(page, coach.email, coach.password)
    search = page.get_by_role("searchbox", name="Search teachers")
    groups = page.locator("li.teacher-group")
    expect(groups).to_have_count(11)
    # The day's readying (which fetches / once) is done: typing asks the server for no page.
    page.wait_for_function("() => document.documentElement.dataset.offlineReady !== undefined")
    live_server.requests.clear()
    search.fill("north")  # filtered as the coach types, on the device
    expect(groups.filter(visible=True)).to_have_count(1)
    expect(page.get_by_role("link", name="Ana López")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="1 of 11 shown.")).to_be_visible()
    assert "/" not in live_server.paths()
    search.fill("nobody here")
    expect(page.get_by_text("No teachers match.")).to_be_visible()
    check_page(page, "dashboard search")

    search.fill("maths")
    page.get_by_role("button", name="Search").click()  # and on the server, ?q=
    page.wait_for_url(re.compile(r"/\?q=maths$"))
    expect(groups).to_have_count(1)
    expect(page.get_by_text("1 of 11 teachers match “maths”.")).to_be_visible()
    page.get_by_role("link", name="Show all").click()
    expect(groups).to_have_count(11)
