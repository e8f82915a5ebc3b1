"""The conversation across a cycle in Chromium, on a phone with JavaScript on: the coach notes
each GROW step and marks last time's steps "Done" / "Not yet" on the next debrief; shares the
cycle ("Share cycle with teacher"); the teacher opens the link in a fresh browser and sees the
goal, each observation's evidence, every step with its state and their reflections, never
private notes; "Revoke cycle link" ends it (410)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.debrief import services as debrief
from app.extensions import db
from app.models import Cycle, Debrief, NextStep, Observation
from tests.browser.conftest import sign_in
from tests.browser.test_phone_widths import assert_fits
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
PRIVATE = "PRIVATE: seemed tired"


def two_observations(app, coach) -> tuple[str, str]:
    """Two lessons a week apart; the first debrief agreed two steps and the teacher reflected
    on it; the coach kept private notes on both."""
    with app.app_context():
        first, _ = record_observation(coach, [(0, 60), (0, 120), (0, 300),
                                              (1, 400, {"duration_ms": 120_000})],
                                      started="2026-03-02T09:00:00+00:00",
                                      ended="2026-03-02T09:30:00+00:00")
        second, _ = record_observation(coach, [(0, 30), (0, 90)],
                                       started="2026-03-09T09:00:00+00:00",
                                       ended="2026-03-09T09:20:00+00:00")
        for oid in (first, second):
            db.session.add(Debrief(observation_id=oid, keepers="Wait time after questions",
                                   private_notes=PRIVATE))
        db.session.get(Debrief, first).teacher_reflection = "I will name the page each time."
        cycle = db.session.get(Cycle, coach.cycle_id)
        cycle.planning_notes = "PLANNING: only the coach's"
        db.session.commit()
        for action in ("Name the page in each question", "Count to five after asking"):
            debrief.add_next_step(db.session.get(Observation, first), action, "Teacher", None)
        db.session.remove()
    return first, second


def test_grow_notes_and_from_last_time(page, app, coach):
    first, second = two_observations(app, coach)
    page.set_viewport_size(PHONE)
    sign_in(page, coach.email, coach.password)
    page.goto(f"/observations/{second}")

    # Notes beside the guide's steps are saved with "Save notes" (the fields sit outside the
    # conversation form and belong to it).
    page.get_by_label("Reality notes").fill("Two hands up, the same two students")
    page.get_by_label("Way forward notes").fill("Name the page before asking")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#conversation").get_by_role("status")).to_have_text("Saved")
    with app.app_context():
        assert db.session.get(Debrief, second).grow_notes == {
            "reality": "Two hands up, the same two students",
            "way_forward": "Name the page before asking"}
    page.reload()
    expect(page.get_by_label("Reality notes")).to_have_value(
        "Two hands up, the same two students")

    # From last time: the first debrief's steps, each with Done and Not yet.
    last_time = page.locator("#from-last-time")
    expect(last_time.get_by_role("heading", name="From last time")).to_be_visible()
    name_page = last_time.get_by_role("listitem").filter(has_text="Name the page in each")
    count_five = last_time.get_by_role("listitem").filter(has_text="Count to five")
    expect(name_page).to_contain_text("Not looked at yet")
    name_page.get_by_role("button", name="Done").click()
    expect(page.locator("#from-last-time").get_by_role("listitem")
           .filter(has_text="Name the page in each")).to_contain_text("Done")
    count_five = page.locator("#from-last-time").get_by_role("listitem").filter(
        has_text="Count to five")
    count_five.get_by_role("button", name="Not yet").click()
    expect(page.locator("#from-last-time .last-step-state[data-state=not_yet]")).to_have_text(
        "Not yet")
    expect(page.locator("#from-last-time").get_by_role("button", name="Not yet", pressed=True)
           ).to_have_count(1)
    with app.app_context():
        statuses = {s.action: s.status for s in db.session.query(NextStep).all()}
        assert statuses == {"Name the page in each question": "done",
                            "Count to five after asking": "not_yet"}

    # The cycle page lists every step with its state.
    page.goto(f"/cycles/{coach.cycle_id}")
    steps = page.locator("#cycle-steps")
    expect(steps.get_by_role("row").filter(has_text="Name the page")).to_contain_text("Done")
    expect(steps.get_by_role("row").filter(has_text="Count to five")).to_contain_text("Not yet")


def test_share_the_cycle_open_it_fresh_then_revoke(browser, live_server, page, app, coach):
    two_observations(app, coach)
    page.set_viewport_size(PHONE)
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    page.get_by_role("button", name="Share cycle with teacher").click()
    link = page.get_by_label("Cycle link").input_value()
    assert re.fullmatch(rf"{live_server.url}/c/[A-Za-z0-9_-]{{43,}}", link), link
    expect(page.get_by_role("img", name=re.compile("^QR code of the link"))).to_be_visible()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#cycle-share [role=status]")).not_to_have_text("")

    teacher_context = browser.new_context(viewport=PHONE)
    try:
        teacher = teacher_context.new_page()
        response = teacher.goto(link)
        assert response.status == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(teacher.locator("#goal")).to_have_text("Students ask more of the questions")
        evidence = teacher.locator("#cycle-observations")
        expect(evidence.get_by_role("heading", name=re.compile(r"^Observation 1 · 2 Mar 2026"))
               ).to_be_visible()
        expect(evidence.get_by_role("heading", name=re.compile(r"^Observation 2 · 9 Mar 2026"))
               ).to_be_visible()
        first = teacher.locator("#observation-1")
        expect(first).to_contain_text("30:00 long")
        expect(first.get_by_role("row", name=re.compile("Student question"))).to_contain_text(
            "3")
        steps = teacher.locator("#cycle-steps")
        expect(steps.get_by_role("row").filter(has_text="Name the page")).to_contain_text(
            "Open")
        expect(teacher.locator("#cycle-reflections")).to_contain_text(
            "I will name the page each time.")
        body = teacher.content()
        assert PRIVATE not in body and "PLANNING" not in body and "Private notes" not in body
        # 360 px: nothing wider than the screen.
        teacher.set_viewport_size(NARROW)
        assert_fits(teacher, "the teacher's cycle link")

        # The coach revokes it; the teacher's next load is 410.
        page.get_by_role("button", name="Revoke cycle link").click()
        expect(page.locator("#cycle-share")).to_contain_text("The cycle link is revoked")
        gone = teacher.reload()
        assert gone.status == 410
        expect(teacher.get_by_role("heading", name="This link has ended")).to_be_visible()
        assert "Students ask more" not in teacher.content()
    finally:
        teacher_context.close()


def test_the_cycle_page_fits_a_phone_with_its_new_sections(browser, live_server, app, coach):
    two_observations(app, coach)
    context = browser.new_context(base_url=live_server.url, viewport=NARROW)
    try:
        phone = context.new_page()
        sign_in(phone, coach.email, coach.password)
        phone.goto(f"/cycles/{coach.cycle_id}")
        notes = phone.get_by_role("textbox", name="Planning notes")
        notes.fill("Exit tickets: 6 of 25 cited the text.")
        phone.get_by_role("button", name="Save planning notes").click()
        expect(phone.locator("#planning").get_by_role("status")).to_have_text("Saved")
        phone.get_by_role("button", name="Share cycle with teacher").click()
        expect(phone.get_by_label("Cycle link")).to_be_visible()
        assert_fits(phone, "cycle page with the link shown")
    finally:
        context.close()
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).planning_notes == \
            "Exit tickets: 6 of 25 cited the text."


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_new_pages_are_accessible(browser, live_server, app, coach, color_scheme):
    """axe finds nothing serious, and every tap target is 48 px tall: the debrief with From
    last time and the GROW notes, the cycle page with its link shown, the teacher's cycle link
    and the cycle report."""
    from tests.browser.test_accessibility import assert_accessible, assert_tall_enough

    _, second = two_observations(app, coach)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE,
                                  color_scheme=color_scheme, reduced_motion="reduce")
    try:
        phone = context.new_page()
        sign_in(phone, coach.email, coach.password)
        phone.goto(f"/observations/{second}")
        phone.locator("#from-last-time").get_by_role("button", name="Done").first.click()
        expect(phone.locator("#from-last-time .last-step-state[data-state=done]")).to_have_count(1)
        for where, url in (("debrief", None), ("cycle page", f"/cycles/{coach.cycle_id}"),
                           ("report", f"/cycles/{coach.cycle_id}/report")):
            if url:
                phone.goto(url)
            if where == "cycle page":
                phone.get_by_role("button", name="Share cycle with teacher").click()
                link = phone.get_by_label("Cycle link").input_value()
            assert_accessible(phone, f"{where} ({color_scheme})")
            assert_tall_enough(phone, f"{where} ({color_scheme})")
        teacher = browser.new_context(viewport=PHONE, color_scheme=color_scheme,
                                      reduced_motion="reduce")
        try:
            view = teacher.new_page()
            view.goto(link)
            assert_accessible(view, f"teacher's cycle link ({color_scheme})")
            assert_tall_enough(view, f"teacher's cycle link ({color_scheme})")
        finally:
            teacher.close()
    finally:
        context.close()


def test_the_coachs_service_worker_keeps_no_copy_of_the_cycle_link(page, app, coach):
    """Opened in the coach's own browser (the worker controls it), the teacher's page is not
    kept in any cache: a shared device must not hold it once the link is revoked."""
    from app.share.services import create_link
    from tests.browser.conftest import ready_for_the_day

    two_observations(app, coach)
    with app.app_context():
        _, token = create_link(db.session.get(Cycle, coach.cycle_id))
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    page.goto(f"/c/{token}")
    expect(page.locator("#goal")).to_have_text("Students ask more of the questions")
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        }
        return urls;
    }""")
    assert cached and not [u for u in cached if "/c/" in u], cached
