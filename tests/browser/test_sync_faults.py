"""The sync client under faults: a server error, an ended session, and two tabs at once. An
event leaves the outbox only when the server accepted it, and each is stored once."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter

import pytest
from playwright.sync_api import expect

from app.cycles.services import create_cycle
from app.extensions import db
from app.models import Coach, Event, Observation
from app.teachers.services import add_teacher
from tests.browser.conftest import (
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


def capture_offline(page, context, live_server, coach, taps: int) -> dict:
    """Sign in, get ready, then record `taps` tallies with no network; returns the outbox."""
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    live_server.requests.clear()
    context.set_offline(True)
    open_capture(page, coach.cycle_id)
    for _ in range(taps):
        lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text(f"{taps + 1} changes waiting to sync")
    assert live_server.requests == []
    return read_outbox(page)


@pytest.mark.parametrize("status", [500, 503])  # a crash, or a database locked or down
def test_a_server_error_keeps_the_outbox_and_a_later_sync_completes(
    page, context, app, coach, live_server, status
):
    outbox = capture_offline(page, context, live_server, coach, taps=2)
    live_server.sync_fault.append(status)

    with page.expect_response(lambda r: r.url.endswith("/api/v1/sync")) as failed:
        context.set_offline(False)
    assert failed.value.status == status
    assert pending_ids(read_outbox(page)) == pending_ids(outbox)
    expect(sync_status(page)).to_have_text("3 changes waiting to sync")

    # The retry comes on its own, after a short backoff.
    expect(sync_status(page)).to_have_text("All changes synced")
    (observation,) = outbox["observations"]
    assert set(stored_events(app, observation["id"])) == {e["id"] for e in outbox["events"]}
    assert pending_ids(read_outbox(page)) == set()
    assert sorted(live_server.sent_event_ids()) == sorted(e["id"] for e in outbox["events"])


def test_a_signed_out_device_keeps_its_outbox_and_syncs_once_signed_in_again(
    page, context, app, coach, live_server
):
    outbox = capture_offline(page, context, live_server, coach, taps=3)
    context.clear_cookies()  # the server no longer knows this device

    context.set_offline(False)
    expect(sync_status(page)).to_have_text("Sign in again to sync")
    assert pending_ids(read_outbox(page)) == pending_ids(outbox)
    assert live_server.sync_batches == []

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/cycles/{coach.cycle_id}/capture")
    expect(sync_status(page)).to_have_text("All changes synced")
    expect(page.get_by_role("button", name="Student question 3", exact=True)).to_be_visible()

    (observation,) = outbox["observations"]
    assert set(stored_events(app, observation["id"])) == {e["id"] for e in outbox["events"]}
    # Exactly once: every event reached the server in one accepted request, none twice.
    assert sorted(live_server.sent_event_ids()) == sorted(e["id"] for e in outbox["events"])


@pytest.fixture
def two_cycles(app, coach):
    """The coach's cycle, and a second teacher's cycle with one tally look-for."""
    with app.app_context():
        teacher = add_teacher(db.session.get(Coach, coach.coach_id), "Mr. Banda", "Grade 3", None)
        cycle = create_cycle(
            teacher,
            goal="Every student speaks",
            focus_area="student_outcomes",
            baseline=None,
            target=None,
            lookfor_lines="Hand up",
        )
        return coach, cycle.id


def test_two_tabs_syncing_at_once_store_each_event_once(context, app, two_cycles, live_server):
    coach, second_cycle = two_cycles
    first = context.new_page()
    sign_in(first, coach.email, coach.password)
    ready_for_the_day(first)
    expect(first.get_by_text("Ready for the day")).to_contain_text("2 capture screens")
    live_server.requests.clear()
    context.set_offline(True)

    open_capture(first, coach.cycle_id)
    for _ in range(3):
        lookfor_button(first, "Student question").click()
    second = context.new_page()
    open_capture(second, second_cycle)
    for _ in range(2):
        lookfor_button(second, "Hand up").click()
    # Both tabs share one outbox, and each one's status line counts the other's taps.
    for tab in (first, second):
        expect(sync_status(tab)).to_have_text("7 changes waiting to sync")
    assert live_server.requests == []
    outbox = read_outbox(first)

    # Back online, both tabs get "online" at the same moment and both try to sync.
    context.set_offline(False)
    for tab in (first, second):
        expect(sync_status(tab)).to_have_text("All changes synced")

    event_ids = {e["id"] for e in outbox["events"]}
    with app.app_context():
        rows = Counter(db.session.scalars(db.select(Event.id).where(Event.id.in_(event_ids))))
        observations = set(db.session.scalars(db.select(Observation.id)))
    assert rows == Counter(event_ids)
    assert observations == {o["id"] for o in outbox["observations"]}
    # One sync at a time: no event was sent by both tabs.
    assert Counter(live_server.sent_event_ids()) == Counter(event_ids)


# A change the server will always refuse: a note for an observation it never received.
PUT_REFUSED_NOTE = """async (record) => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("lookfor");
    request.onsuccess = () => resolve(request.result);
  });
  const tx = db.transaction("events", "readwrite");
  tx.objectStore("events").put(record);
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


def test_a_change_refused_five_times_is_set_aside_to_read_export_and_discard(
    browser, app, coach, live_server
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, coach.email, coach.password)
    refused = {
        "id": str(uuid.uuid4()), "observation_id": str(uuid.uuid4()), "lookfor_id": None,
        "offset_ms": 65_000, "recorded_at": "2026-03-02T09:01:05.000Z", "count": 1,
        "duration_ms": None, "note": "Ask Sam about the fire drill", "deleted": False,
        "version": 1, "seq": 1, "pending": 1, "coach_id": coach.coach_id,
    }
    page.evaluate(PUT_REFUSED_NOTE, refused)

    def sends() -> int:
        return live_server.sent_event_ids().count(refused["id"])

    for attempt in range(1, 6):  # every reload syncs, and every sync is refused
        page.reload()
        expect(sync_status(page)).not_to_have_text("")
        deadline = time.monotonic() + 10
        while sends() < attempt:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if attempt < 5:
            expect(sync_status(page)).to_have_text("1 change waiting to sync")

    expect(sync_status(page)).to_have_text("1 change not accepted")
    section = page.get_by_role("region", name="Not accepted")
    expect(section).to_be_visible()
    expect(section.get_by_role("listitem")).to_have_text(
        "Note “Ask Sam about the fire drill” at 01:05: unknown observation")
    (record,) = read_outbox(page)["events"]
    assert (record["pending"], record["rejections"]) == (2, 5)

    # No longer sent, whatever happens next.
    page.reload()
    expect(sync_status(page)).to_have_text("1 change not accepted")
    context.set_offline(True)
    context.set_offline(False)
    page.wait_for_timeout(500)
    assert sends() == 5

    with page.expect_download() as download:
        section.get_by_role("button", name="Export not accepted").click()
    exported = json.loads(download.value.path().read_text())
    assert [e["note"] for e in exported["events"]] == ["Ask Sam about the fire drill"]

    # Discarding asks first.
    section.get_by_role("button", name="Discard not accepted").click()
    dialog = page.get_by_role("dialog", name="Discard what was not accepted?")
    expect(dialog).to_contain_text("1 change will be deleted")
    dialog.get_by_role("button", name="Keep them").click()
    expect(section).to_be_visible()
    assert len(read_outbox(page)["events"]) == 1
    section.get_by_role("button", name="Discard not accepted").click()
    dialog.get_by_role("button", name="Discard", exact=True).click()
    expect(section).to_be_hidden()
    expect(sync_status(page)).to_have_text("All changes synced")
    assert read_outbox(page)["events"] == []
    context.close()
