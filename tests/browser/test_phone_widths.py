"""Phones: no page is wider than a 360 px viewport (tables scroll inside their own box, the
timeline reflows), and the timeline's text renders at 12 px or more. Every page kind is opened
at 360×740 with JavaScript on, as a coach or a teacher would, and measured."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.debrief.services import add_next_step, save_conversation
from app.extensions import db
from app.models import Observation
from app.share.services import create_link, revoke_links
from tests.browser.conftest import lookfor_button, sign_in
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
UNBROKEN = "Studentswaitedwithhandsupwhiletheteacherwrotetheboardinstructionsagain" * 3

# The page's width against the viewport's, and what sticks out when it is too wide.
MEASURE_WIDTH = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => !el.closest("svg") || el.localName === "svg")
    .slice(0, 8)
    .map((el) => `${el.localName}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}`
      + ` right=${Math.round(el.getBoundingClientRect().right)}`);
  return { scroll: document.documentElement.scrollWidth, inner: width, wide };
}"""

# Each shown text of the timeline: its rendered height and its font size × the SVG's scale.
TIMELINE_TEXT = """() => [...document.querySelectorAll("svg.timeline text")]
  .filter((t) => t.getBoundingClientRect().width > 0)
  .map((t) => ({
    text: t.textContent,
    height: t.getBoundingClientRect().height,
    size: parseFloat(getComputedStyle(t).fontSize) * t.closest("svg").getScreenCTM().a,
  }))"""


def assert_fits(page, where: str) -> None:
    measured = page.evaluate(MEASURE_WIDTH)
    assert measured["scroll"] <= measured["inner"], (
        f"{where}: {measured['scroll']} px wide on a {measured['inner']} px screen; "
        f"sticking out: {measured['wide']}"
    )


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def long_debrief(app, coach):
    """A 45-minute observation with many events, notes (one long and unbroken), keepers,
    polishers and next steps, shared with the teacher. Returns (observation id, token)."""
    events = [(i % 3, i * 9, {"duration_ms": 4_000} if i % 3 == 1 else
               {"note": f"Note {i}: T asked a follow-up"} if i % 3 == 2 else {})
              for i in range(300)]
    events.append((None, 2_000, {"note": UNBROKEN}))
    with app.app_context():
        oid, _ = record_observation(coach, events, ended="2026-03-02T09:45:00+00:00")
        observation = db.session.get(Observation, oid)
        save_conversation(observation, keepers=UNBROKEN, polishers="Cold calls by name",
                          private_notes=UNBROKEN)
        add_next_step(observation, "Wait five seconds after each question", "Both",
                      date(2026, 3, 16))
        add_next_step(observation, UNBROKEN, UNBROKEN[:100], None)
        _, token = create_link(observation)
        db.session.remove()
    return oid, token


def test_the_coachs_pages_fit_a_360_px_phone(phone, app, coach, long_debrief):
    page = phone
    page.goto("/login")
    assert_fits(page, "login")
    page.goto("/signup")
    assert_fits(page, "sign-up")
    page.goto("/offline")
    assert_fits(page, "offline page")

    sign_in(page, coach.email, coach.password)
    assert_fits(page, "dashboard")
    page.get_by_text("Add teacher", exact=True).click()
    assert_fits(page, "dashboard, add teacher open")
    page.goto(f"/teachers/{coach.teacher_id}")
    assert_fits(page, "teacher page")
    page.goto(f"/teachers/{coach.teacher_id}/cycles/new")
    assert_fits(page, "new cycle")
    page.goto(f"/cycles/{coach.cycle_id}")
    assert_fits(page, "cycle page")
    assert page.goto("/no-such-page").status == 404
    assert_fits(page, "error 404 page")
    assert page.goto("/account").status == 200
    assert_fits(page, "account page")

    page.goto(f"/cycles/{coach.cycle_id}/capture")
    page.wait_for_selector("#capture:not([data-state=loading])")
    assert_fits(page, "capture, before start")
    start = page.get_by_role("button", name="Start observation")
    if start.count():  # the observation starts when the coach presses it
        start.click()
    page.wait_for_selector("#capture[data-state=running]")
    lookfor_button(page, "Teacher talk").click()
    assert_fits(page, "capture, running")
    page.get_by_role("button", name="Note", exact=True).click()
    expect(page.get_by_label("Note text")).to_be_focused()
    assert_fits(page, "capture, note open")

    oid, _ = long_debrief
    page.goto(f"/observations/{oid}")
    page.locator("#events > summary").click()
    expect(page.get_by_role("button", name=re.compile(r"^Correct ")).first).to_be_visible()
    assert_fits(page, "debrief")
    # What the report found cut off is within reach: on screen, or in a box that scrolls.
    for name in ("Correct 00:00 Student question", "Share with teacher (new link)"):
        control = page.get_by_role("button", name=name)
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
    assert_timeline_text_readable(page, "debrief")
    page.get_by_role("button", name="Correct 00:00 Student question").click()
    expect(page.get_by_role("button", name="Delete event")).to_be_visible()
    assert_fits(page, "debrief, correcting an event")
    page.get_by_role("button", name="Share with teacher (new link)").click()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    assert_fits(page, "debrief, the new link with its QR code")


def test_the_teachers_view_fits_a_360_px_phone(phone, app, long_debrief):
    oid, token = long_debrief
    page = phone
    page.goto(f"/s/{token}")
    page.locator("#events > summary").click()
    assert_fits(page, "share view")
    assert_timeline_text_readable(page, "share view")
    share_header = page.locator("#counts th", has_text="Share of the lesson")
    share_header.scroll_into_view_if_needed()
    box = share_header.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    agree = page.get_by_role("button", name="Mark agreed: Wait five seconds after each question")
    agree.scroll_into_view_if_needed()
    box = agree.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    with app.app_context():
        revoke_links(db.session.get(Observation, oid))
        db.session.remove()
    assert page.goto(f"/s/{token}").status == 410
    assert_fits(page, "410 page")


def assert_timeline_text_readable(page, where: str) -> None:
    texts = page.evaluate(TIMELINE_TEXT)
    assert texts, f"{where}: the timeline shows no text"
    small = [t for t in texts if t["size"] < 12 or t["height"] < 12]
    assert not small, f"{where}: timeline text under 12 px: {small[:5]}"
