"""Accessibility: axe-core finds no serious or critical violations on the main pages, at phone
and tablet sizes, in light and dark; every tap target is at least 48 px tall, and the capture
screen's buttons at least 64 px, as the house style asks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.cycles.services import add_lookfor
from app.debrief.services import add_next_step
from app.extensions import db
from app.models import Cycle, Observation
from app.share.services import create_link, revoke_links
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    chromium_path,
    lookfor_button,
    open_capture,
    sign_in,
    sync_status,
)
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

# For the tests only: the app never serves it.
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}

RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""

# Every visible control a finger aims at. Text links inside sentences and tables are exempt
# (WCAG 2.5.8's inline exception), so links count when styled as buttons or in a <nav>.
TAP_TARGETS = "button, a.button, nav a, input:not([type=hidden]), select, textarea, summary"
CAPTURE_BUTTONS = "button.tap, #note-button, #undo-button, #end-button, #note-panel button"

MEASURE = """(selector) => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const name = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || "")
      .trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.localName}${el.id ? "#" + el.id : ""} "${text}"`;
  };
  return [...document.querySelectorAll(selector)].filter(shown)
    .map((el) => [name(el), Math.round(el.getBoundingClientRect().height * 10) / 10]);
}"""


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one per node.

    axe is run through page.evaluate, which the page's Content-Security-Policy does not
    govern, so the policy under test stays exactly what the app sends."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    found = []
    for violation in page.evaluate(RUN_AXE):
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            found.append(
                f"{violation['id']} ({violation['impact']}) at {node['target']}: "
                f"{violation['help']}\n    {node['summary']}"
            )
    return found


def assert_accessible(page, where: str) -> None:
    found = serious_violations(page)
    assert not found, f"{where}: {len(found)} serious or critical\n" + "\n".join(found)


def assert_tall_enough(page, where: str, selector: str = TAP_TARGETS, least: int = 48) -> float:
    """Every visible target matching selector is at least `least` px tall; the smallest."""
    measured = page.evaluate(MEASURE, selector)
    assert measured, f"{where}: nothing matches {selector}"
    short = [f"{what}: {height} px" for what, height in measured if height < least]
    assert not short, f"{where}: shorter than {least} px\n" + "\n".join(short)
    return min(height for _, height in measured)


@pytest.fixture(scope="module")
def own_browser(playwright_instance):
    """A browser of this module's own: sharing one with the offline tests made
    test_capture_offline see a stray GET /sw.js (a service worker update check) while offline."""
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(own_browser, live_server):
    """Pages at a chosen size and colour scheme, each in a context of its own."""
    contexts = []

    def make(viewport=PHONE, color_scheme="light"):
        # Reduced motion stills Pico's transitions, so colours are measured at rest.
        context = own_browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            color_scheme=color_scheme,
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def every_colour(app, coach):
    """Five more look-fors, so the cycle shows all eight of the palette's hues."""
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        for label in ("Wait time", "Text evidence", "Turn and talk", "Praise", "Cold call"):
            add_lookfor(cycle, label)
        assert {lookfor.colour for lookfor in cycle.lookfors} == set(range(8))
        db.session.remove()


@pytest.fixture
def debriefed(app, coach):
    """An ended observation with tallies, a duration and notes, a next step and a live link.
    Returns the observation's id and the link's token."""
    with app.app_context():
        observation_id, _ = record_observation(
            coach,
            [
                (0, 60),
                (0, 95),
                (1, 120, {"duration_ms": 90_000}),
                (2, 300, {"note": "Maya asked: why does ice float?"}),
                (None, 420, {"note": "Seemed bored at the back"}),  # a judgment: nudged
                (0, 600),
            ],
        )
        observation = db.session.get(Observation, observation_id)
        add_next_step(
            observation, "Wait five seconds after each question", "Both", date(2026, 3, 16)
        )
        _, token = create_link(observation)
        db.session.remove()
    return observation_id, token


def check_capture(page, cycle_id: int, where: str) -> None:
    open_capture(page, cycle_id)
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()  # left running, so its badge shows
    expect(sync_status(page)).to_have_text("All changes synced")
    assert_accessible(page, where)
    assert_tall_enough(page, where)
    assert_tall_enough(page, where, CAPTURE_BUTTONS, least=64)

    page.get_by_role("button", name="Note", exact=True).click()
    expect(page.get_by_label("Note text")).to_be_focused()
    assert_accessible(page, f"{where}, note open")
    assert_tall_enough(page, f"{where}, note open")
    assert_tall_enough(page, f"{where}, note open", CAPTURE_BUTTONS, least=64)
    page.get_by_role("button", name="Cancel").click()

    # Offline, the status line warns in its own colour and offers "Export unsynced".
    page.context.set_offline(True)
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("1 change waiting to sync")
    assert_accessible(page, f"{where}, offline")
    assert_tall_enough(page, f"{where}, offline")
    page.context.set_offline(False)
    expect(sync_status(page)).to_have_text("All changes synced")


def check_debrief(page, observation_id: str, where: str) -> None:
    page.goto(f"/observations/{observation_id}")
    page.locator("#events > summary").click()  # the events table, with its Correct buttons
    expect(page.get_by_role("button", name="Revoke link")).to_be_visible()
    page.get_by_label("Keepers").fill("Every question got three seconds of wait time.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#conversation").get_by_role("status")).to_have_text("Saved")
    page.get_by_role("button", name="Save notes").focus()  # a focused button's colours too
    assert_accessible(page, where)
    assert_tall_enough(page, where)


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_capture_and_debrief(new_page, coach, every_colour, debriefed, viewport, color_scheme):
    page = new_page(viewport, color_scheme)
    sign_in(page, coach.email, coach.password)
    check_capture(page, coach.cycle_id, f"capture ({color_scheme})")
    check_debrief(page, debriefed[0], f"debrief ({color_scheme})")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_coachs_other_pages_at_phone_size(new_page, coach, color_scheme):
    page = new_page(PHONE, color_scheme)
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That email and password do not match.")
    assert_accessible(page, f"login ({color_scheme})")
    assert_tall_enough(page, f"login ({color_scheme})")

    sign_in(page, coach.email, coach.password)
    expect(sync_status(page)).to_have_text("All changes synced")
    page.get_by_text("Add teacher", exact=True).click()  # its form counts too
    assert_accessible(page, f"dashboard ({color_scheme})")
    assert_tall_enough(page, f"dashboard ({color_scheme})")

    page.goto(f"/teachers/{coach.teacher_id}")
    assert_accessible(page, f"teacher ({color_scheme})")
    assert_tall_enough(page, f"teacher ({color_scheme})")

    page.goto(f"/cycles/{coach.cycle_id}")
    assert_accessible(page, f"cycle ({color_scheme})")
    assert_tall_enough(page, f"cycle ({color_scheme})")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_teachers_share_view_and_its_end(app, new_page, debriefed, color_scheme):
    observation_id, token = debriefed
    page = new_page(PHONE, color_scheme)
    page.goto(f"/s/{token}")
    expect(page.get_by_label("Your reflection")).to_be_visible()
    page.locator("#events > summary").click()
    assert_accessible(page, f"share view ({color_scheme})")
    assert_tall_enough(page, f"share view ({color_scheme})")

    with app.app_context():
        revoke_links(db.session.get(Observation, observation_id))
        db.session.remove()
    assert page.goto(f"/s/{token}").status == 410
    assert_accessible(page, f"revoked link ({color_scheme})")
    assert_tall_enough(page, f"revoked link ({color_scheme})")
