"""What must never lose a tap: a failed write to the device's storage is shown loudly and
taken back, and a deploy (a new service worker) keeps every pending event."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    end_observation,
    lookfor_button,
    open_capture,
    pending_ids,
    read_outbox,
    ready_for_the_day,
    sign_in,
    stored_events,
    sync_status,
)

pytestmark = pytest.mark.browser


def test_a_failed_write_is_loud_and_the_count_goes_back(page, coach):
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    lookfor_button(page, "Student question").click()
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 1")
    # The device's storage starts refusing writes (quota exceeded, private mode, eviction).
    page.evaluate("""() => {
        IDBObjectStore.prototype.put = function () {
            throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        };
    }""")
    lookfor_button(page, "Student question").click()
    alert = page.locator("#capture-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Could not save")
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 1")
    expect(page.locator("#saved-mark")).to_have_text("NOT SAVED")


def test_a_deploy_keeps_pending_events(app, context, page, coach, live_server):
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    old_caches = page.evaluate("() => caches.keys()")
    context.set_offline(True)
    open_capture(page, coach.cycle_id)
    for _ in range(3):
        lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("4 changes waiting to sync")
    outbox = read_outbox(page)
    tapped = pending_ids(outbox)
    tapped_events = {e["id"] for e in outbox["events"]}
    observation_id = outbox["observations"][0]["id"]

    # A deploy lands while the device is back online but sync keeps failing.
    app.config["ASSET_VERSION"] = "deploy-2"
    try:
        live_server.sync_fault.extend([500] * 100)
        context.set_offline(False)
        page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
        page.wait_for_function(
            """(old) => caches.keys().then(keys => keys.some(k => k.startsWith('lookfor-shell-')
                && !old.includes(k)) && !keys.some(k => old.includes(k)
                && k.startsWith('lookfor-shell-')))""",
            arg=old_caches,
        )
        assert pending_ids(read_outbox(page)) == tapped
        live_server.sync_fault.clear()
        page.reload()
        expect(sync_status(page)).to_have_text("All changes synced")
        assert set(stored_events(app, observation_id)) == tapped_events
    finally:
        app.config["ASSET_VERSION"] = ""


def test_ending_in_one_tab_stops_recording_in_the_other(context, page, coach):
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    other = context.new_page()
    open_capture(other, coach.cycle_id)  # resumes the same observation
    assert (other.locator("#capture").get_attribute("data-observation-id")
            == page.locator("#capture").get_attribute("data-observation-id"))
    context.set_offline(True)  # stay on the capture screen after ending
    end_observation(page)
    expect(page.locator("#ended-panel")).to_be_visible()
    expect(other.locator("#ended-panel")).to_be_visible()
    expect(lookfor_button(other, "Student question")).to_be_disabled()


def test_nothing_moves_under_the_thumb_while_recording(context, page, coach):
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    expect(sync_status(page)).to_have_text("All changes synced")
    button = lookfor_button(page, "Student question")
    before = button.bounding_box()
    context.set_offline(True)  # the status line changes, and "Export unsynced" appears
    for _ in range(3):
        button.click()
    expect(sync_status(page)).to_have_text("3 changes waiting to sync")
    expect(page.get_by_role("button", name="Export unsynced")).to_be_visible()
    assert button.bounding_box() == before
