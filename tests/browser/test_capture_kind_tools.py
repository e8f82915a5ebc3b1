"""The kinds' own behaviours on the capture screen: the scan's due cue and its pad, intervals
missed while no screen was open, Undo of a running timer."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    code_toggle,
    end_observation,
    open_capture,
    read_outbox,
    record_scan,
    scan_button,
    sign_in,
    stored_events,
    sync_status,
    timer_button,
)

pytestmark = pytest.mark.browser



# Calls to navigator.vibrate, kept where the test can read them.
RECORD_BUZZES = """() => {
  window.__buzzes = [];
  navigator.vibrate = (pattern) => { window.__buzzes.push(pattern); return true; };
}"""


def test_a_scan_due_shows_and_buzzes_once_until_the_next_scan(phone, every_kind):
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    page.add_init_script(f"({RECORD_BUZZES})()")
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)
    open_capture(page, every_kind.cycle_id)
    expect(scan_button(page)).to_have_accessible_name("On task")  # no scan yet, none due
    page.clock.fast_forward(59_000)
    expect(scan_button(page)).not_to_contain_text("Scan due")

    # every_s is 60: a minute after the start, a scan is due.
    page.clock.fast_forward(1500)
    expect(scan_button(page)).to_have_accessible_name("On task Scan due")
    page.clock.fast_forward(2000)
    assert page.evaluate("() => window.__buzzes") == [[80, 60, 80]]  # once, not every tick

    record_scan(page, 0)
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    page.clock.fast_forward(30_000)
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    page.clock.fast_forward(31_000)  # a minute after that scan
    expect(scan_button(page)).to_have_accessible_name("On task 100% Scan due")
    buzzes = page.evaluate("() => window.__buzzes")
    assert buzzes.count([80, 60, 80]) == 2


def test_the_scan_pad_adjusts_for_absences_and_keeps_them(phone, app, every_kind):
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    scan_button(page).click()
    pad = page.get_by_role("dialog", name="On task: scan")
    for _ in range(2):
        pad.get_by_role("button", name="One fewer present").click()
    pad.get_by_role("button", name="One more not on task").click()
    expect(pad).to_contain_text("On task: 25 of 26")
    pad.get_by_role("button", name="Record scan").click()
    expect(scan_button(page)).to_have_accessible_name("On task 96%")  # 25/26

    # The next scan starts from the class as it is today (26), with nobody off task yet.
    page.reload()
    scan_button(page).click()
    expect(pad).to_contain_text("On task: 26 of 26")
    pad.get_by_role("button", name="Cancel").click()
    expect(pad).to_be_hidden()
    expect(sync_status(page)).to_have_text("All changes synced")
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    scans = [e["data"] for e in stored_events(app, observation_id).values()]
    assert scans == [{"on": 25, "of": 26}]


FOCUSED_IN_PAD = """() => [document.activeElement.closest("dialog") !== null,
                          document.activeElement.textContent]"""


def test_the_scan_pad_keeps_the_keyboard_and_escape_closes_it(phone, app, every_kind):
    """The pad is opened with show() (a modal dialog restyled the whole page at each open and
    close), so it keeps Tab to itself and closes on Escape as a modal one would; it opens on
    "All on task", and focus comes back to the scan's button after a scan or Escape."""
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    scan_button(page).focus()
    page.keyboard.press("Enter")
    pad = page.get_by_role("dialog", name="On task: scan")
    expect(pad).to_be_visible()
    expect(pad).to_have_attribute("aria-modal", "true")
    expect(pad.get_by_role("button", name="All on task")).to_be_focused()
    seen = []
    for _ in range(8):  # seven buttons, then round again
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED_IN_PAD))
    assert all(inside for inside, _ in seen), seen
    assert seen[0][1] == "−" and seen[6][1] == "All on task" and seen[7][1] == "−"
    page.keyboard.press("Shift+Tab")
    expect(pad.get_by_role("button", name="All on task")).to_be_focused()
    page.keyboard.press("Escape")
    expect(pad).to_be_hidden()
    expect(scan_button(page)).to_be_focused()
    expect(scan_button(page)).to_have_accessible_name("On task")  # nothing recorded

    page.keyboard.press("Enter")
    expect(pad.get_by_role("button", name="All on task")).to_be_focused()
    page.keyboard.press("Enter")
    expect(pad).to_be_hidden()
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    expect(scan_button(page)).to_be_focused()
    expect(sync_status(page)).to_have_text("All changes synced")
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    assert [e["data"] for e in stored_events(app, observation_id).values()] == [
        {"on": 28, "of": 28}]



def test_intervals_missed_while_away_close_empty_once_across_tabs(phone, app, every_kind):
    """Decided: an interval that passed while no screen was open (the observation still ran)
    gets its {"codes": []} record on resume, like any interval that closes untouched; each
    interval has one id, so two tabs never make two records of it."""
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)
    open_capture(page, every_kind.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    code_toggle(page, "Lec").click()
    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")
    page.goto("/")  # the screen is closed for intervals 2 and 3
    page.clock.fast_forward(25_000)

    open_capture(page, every_kind.cycle_id)  # resumes, in interval 3
    other = phone.new_page()
    open_capture(other, every_kind.cycle_id)  # a second tab on the same observation
    for tab in (page, other):
        expect(tab.locator(".interval-now")).to_contain_text("Interval 3")
        expect(tab.get_by_role("list", name="COPUS: past intervals").get_by_role("listitem")
               ).to_have_text(["Interval 2: nothing ticked", "Interval 1: Lec"])
    page.clock.fast_forward(10_000)  # both tabs see interval 3 close untouched
    for tab in (page, other):
        expect(tab.locator(".interval-now")).to_contain_text("Interval 4")
    end_observation(page)
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(sync_status(page)).to_have_text("All changes synced")

    records = sorted((e["offset_ms"], e["duration_ms"], e["data"]["codes"])
                     for e in stored_events(app, observation_id).values()
                     if e["lookfor_id"] == every_kind.ids["interval"])
    assert records[:3] == [(0, 10_000, ["Lec"]), (10_000, 10_000, []), (20_000, 10_000, [])]
    # The end came inside interval 4: its partial record, and no interval twice.
    assert [offset for offset, _, _ in records] == [0, 10_000, 20_000, 30_000]
    assert 1 <= records[3][1] < 10_000 and records[3][2] == []


def test_undo_takes_back_a_running_timer(phone, app, every_kind):
    """A running timer is a draft on the device (not sent: it has no span yet); Undo makes it a
    tombstone, which the server keeps as deleted."""
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    timer_button(page).click()
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")
    (draft,) = read_outbox(page)["events"]
    assert draft["pending"] == 3 and draft["duration_ms"] is None
    expect(sync_status(page)).to_have_text("All changes synced")  # nothing of it waits
    page.get_by_role("button", name="Undo").click()
    expect(timer_button(page)).to_have_attribute("aria-pressed", "false")
    expect(timer_button(page)).to_contain_text("0 of 0 at 3 s or more")
    # The tombstone syncs (the line may read "All changes synced" before it is even written).
    deadline = time.monotonic() + 10
    while not stored_events(app, observation_id):
        assert time.monotonic() < deadline, "the tombstone never reached the server"
        time.sleep(0.1)
    (stored,) = stored_events(app, observation_id).values()
    assert stored["deleted"] is True and stored["duration_ms"] is None
    expect(sync_status(page)).to_have_text("All changes synced")
