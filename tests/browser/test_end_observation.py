"""Ending an observation: online it leads to the debrief; offline it is kept on the device with a
local summary, and its end reaches the server once the network is back."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Observation
from tests.browser.conftest import (
    end_observation,
    heard_while_offline,
    lookfor_button,
    open_capture,
    read_outbox,
    ready_for_the_day,
    sign_in,
    stored_events,
    sync_status,
)

pytestmark = pytest.mark.browser


def stored_observation(app, observation_id: str) -> Observation | None:
    with app.app_context():
        observation = db.session.get(Observation, observation_id)
        db.session.expunge_all()
        return observation


def count_cell(page, label: str, within=None):
    """The count beside a look-for's row header in a summary table (the first one on the page,
    or the first within `within`)."""
    header = page.get_by_role("rowheader", name=label, exact=True)
    rows = (within or page).get_by_role("row").filter(has=header)
    return rows.first.get_by_role("cell").first


def test_ending_online_opens_the_debrief_with_the_counts(page, app, coach):
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()  # still running when the observation ends

    end_observation(page)
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(count_cell(page, "Student question")).to_have_text("2")
    expect(count_cell(page, "Teacher talk")).to_have_text("1")

    observation = stored_observation(app, observation_id)
    assert observation is not None and observation.ended_at is not None
    talk = [
        e
        for e in stored_events(app, observation_id).values()
        if e["lookfor_id"] == coach.lookfor_ids[1]
    ]
    assert [e["duration_ms"] is not None for e in talk] == [True]


def test_ending_offline_keeps_it_and_syncs_the_end_later(page, context, app, coach, live_server):
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    live_server.requests.clear()
    context.set_offline(True)
    open_capture(page, coach.cycle_id)
    capture_url = page.url
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    for _ in range(3):
        lookfor_button(page, "Student question").click()

    end_observation(page)
    panel = page.locator("#ended-panel")
    expect(panel.get_by_role("heading", name="Observation ended")).to_be_visible()
    expect(count_cell(page, "Student question", within=panel)).to_have_text("3")
    expect(panel).to_contain_text("Saved on this device")
    expect(page.get_by_role("button", name="End observation")).to_be_disabled()
    assert page.url == capture_url
    expect(sync_status(page)).to_have_text("4 changes waiting to sync")
    (local,) = read_outbox(page)["observations"]
    assert local["ended_at"] is not None and local["pending"] == 1
    assert live_server.requests == []
    assert stored_observation(app, observation_id) is None

    context.set_offline(False)
    # Once it has synced, the debrief the ended panel promised opens by itself.
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(count_cell(page, "Student question")).to_have_text("3")
    observation = stored_observation(app, observation_id)
    assert observation.ended_at == datetime.fromisoformat(local["ended_at"])
    assert len(stored_events(app, observation_id)) == 3


def test_nothing_starts_until_start_observation_is_pressed(phone_page, app, coach, live_server):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    live_server.requests.clear()
    page.context.set_offline(True)
    page.goto(f"/cycles/{coach.cycle_id}/capture")

    start = page.get_by_role("button", name="Start observation")
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert box["height"] >= 64 and box["width"] >= 300  # large, in the thumb zone
    expect(lookfor_button(page, "Student question")).to_be_visible()
    expect(lookfor_button(page, "Student question")).to_be_disabled()
    expect(page.get_by_role("button", name="End observation")).to_be_hidden()
    page.wait_for_timeout(1200)  # a clock that had started would have moved by now
    expect(page.locator("#clock")).to_have_text("00:00")
    assert read_outbox(page) == {"observations": [], "events": []}
    expect(sync_status(page)).to_have_text("All changes synced")

    start.click()
    expect(start).to_be_hidden()
    lookfor_button(page, "Student question").click()
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 1")
    expect(page.locator("#clock")).not_to_have_text("00:00")
    (observation,) = read_outbox(page)["observations"]
    assert observation["ended_at"] is None

    # A reload resumes today's unfinished observation with no second press.
    page.reload()
    page.wait_for_selector("#capture[data-state=running]")
    expect(start).to_be_hidden()
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 1")
    expect(page.locator("#last-action")).to_contain_text("Resumed")
    assert page.locator("#capture").get_attribute("data-observation-id") == observation["id"]
    assert heard_while_offline(live_server) == []


# Moves the device's unfinished observation back a day, straight in IndexedDB.
MAKE_IT_YESTERDAYS = """async () => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("lookfor");
    request.onsuccess = () => resolve(request.result);
  });
  const store = db.transaction("observations", "readwrite").objectStore("observations");
  const [observation] = await new Promise((resolve) => {
    store.getAll().onsuccess = (e) => resolve(e.target.result);
  });
  observation.started_at = new Date(Date.now() - 86400000).toISOString();
  await new Promise((resolve) => { store.put(observation).onsuccess = resolve; });
  db.close();
}"""


def test_an_unfinished_observation_of_another_day_is_not_resumed(phone_page, coach):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    page.evaluate(MAKE_IT_YESTERDAYS)
    page.reload()
    expect(page.get_by_role("button", name="Start observation")).to_be_visible()
    expect(page.locator("#capture")).to_have_attribute("data-state", "ready")


def test_end_observation_asks_once_in_a_dialog(phone_page, app, coach):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    lookfor_button(page, "Student question").click()

    page.get_by_role("button", name="End observation").click()
    dialog = page.get_by_role("dialog", name="End this observation?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep observing").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#capture")).to_have_attribute("data-state", "running")
    lookfor_button(page, "Student question").click()
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 2")
    assert read_outbox(page)["observations"][0]["ended_at"] is None

    page.get_by_role("button", name="End observation").click()
    dialog.get_by_role("button", name="End", exact=True).click()
    page.wait_for_url(f"**/observations/{observation_id}")
    assert stored_observation(app, observation_id).ended_at is not None


def test_a_failed_save_of_the_end_puts_the_screen_back(phone_page, app, coach):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    talk = lookfor_button(page, "Teacher talk")
    talk.click()
    expect(talk).to_have_attribute("aria-pressed", "true")
    # The device's storage refuses the end (quota exceeded, eviction…).
    page.evaluate("""() => {
        window.__put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (value) {
            if (this.name === "observations") {
                throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
            }
            return window.__put.call(this, value);
        };
    }""")
    end_observation(page)

    alert = page.locator("#capture-alert")
    expect(alert).to_contain_text("Could not save")
    expect(alert).to_contain_text("still running")
    expect(page.locator("#capture")).to_have_attribute("data-state", "running")
    expect(page.locator("#ended-panel")).to_be_hidden()
    expect(page.get_by_role("button", name="End observation")).to_be_enabled()
    expect(talk).to_be_enabled()
    expect(talk).to_have_attribute("aria-pressed", "true")  # the running duration runs on
    outbox = read_outbox(page)
    assert outbox["observations"][0]["ended_at"] is None
    assert [e["duration_ms"] for e in outbox["events"]] == [None]

    # Storage works again: End ends it, with the duration stopped.
    page.evaluate("() => { IDBObjectStore.prototype.put = window.__put; }")
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    end_observation(page)
    page.wait_for_url(f"**/observations/{observation_id}")
    (talk_event,) = stored_events(app, observation_id).values()
    assert talk_event["duration_ms"] is not None


def test_an_observation_started_by_mistake_can_be_deleted(phone_page, app, coach):
    page = phone_page
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("All changes synced")

    page.goto(f"/cycles/{coach.cycle_id}")
    page.get_by_role("link", name="Debrief").click()
    page.wait_for_url(f"**/observations/{observation_id}")
    confirm = page.get_by_role("button", name="Yes, delete this observation")
    expect(confirm).to_be_hidden()  # the first press only asks
    page.get_by_role("button", name="Delete observation").click()
    expect(confirm).to_be_visible()
    confirm.click()

    page.wait_for_url(f"**/cycles/{coach.cycle_id}")
    expect(page.get_by_text("Observation deleted.")).to_be_visible()
    expect(page.get_by_text("No observations yet.")).to_be_visible()
    observation = stored_observation(app, observation_id)
    assert observation.deleted_at is not None and stored_events(app, observation_id) == {}
    assert page.request.get(f"/observations/{observation_id}").status == 404
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

    # This device forgot it too: the capture screen does not resume it.
    assert read_outbox(page) == {"observations": [], "events": []}
    page.goto(f"/cycles/{coach.cycle_id}/capture")
    expect(page.get_by_role("button", name="Start observation")).to_be_visible()


def test_a_phone_recording_into_an_observation_deleted_elsewhere_stops_and_starts_afresh(
        phone_page, app, coach):
    """The coach deletes, on a laptop, the observation the phone is still recording: the
    phone's next sync says so, the screen stops taking taps and says why, and a reload offers
    a new observation rather than resuming the deleted one."""
    from app.observations.services import delete_observation

    page = phone_page
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("All changes synced")

    with app.app_context():
        delete_observation(db.session.get(Observation, observation_id))
        db.session.remove()
    lookfor_button(page, "Student question").click()  # the tap whose sync hears of it

    alert = page.locator("#capture-alert")
    expect(alert).to_contain_text("This observation was deleted on another device")
    expect(page.locator("#capture")).to_have_attribute("data-state", "deleted")
    expect(lookfor_button(page, "Student question")).to_be_disabled()
    outbox = read_outbox(page)
    assert observation_id not in {o["id"] for o in outbox["observations"]}
    assert not [e for e in outbox["events"] if e["observation_id"] == observation_id]

    alert.get_by_role("link", name="Start a new observation").click()
    start = page.get_by_role("button", name="Start observation")
    expect(start).to_be_visible()  # not resumed
    start.click()
    expect(page.locator("#capture")).to_have_attribute("data-state", "running")
    assert page.locator("#capture").get_attribute("data-observation-id") != observation_id
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 0")
