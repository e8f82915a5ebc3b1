"""Capture with no network: taps go to the outbox in IndexedDB, survive a reload and a cold
start, and reach the server exactly as tapped once the network is back."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest
from playwright.sync_api import expect

from app.cycles.services import add_lookfor
from app.extensions import db
from app.models import Cycle
from app.observations.services import clock
from tests.browser.conftest import (
    events_csv,
    heard_while_offline,
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


@pytest.fixture
def world(app, coach):
    """The coach's cycle (Student question: tally, Teacher talk: duration, Quote: note) plus a
    second duration, Student talk, so starting one duration can be seen to stop the other."""
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        student_talk = add_lookfor(cycle, "Student talk", "duration")
        return replace(coach, lookfor_ids=(*coach.lookfor_ids, student_talk.id))


def go_offline_from_the_dashboard(page, context, live_server, world) -> None:
    sign_in(page, world.email, world.password)
    ready_for_the_day(page)
    live_server.requests.clear()
    context.set_offline(True)


def test_offline_capture_then_sync_stores_exactly_what_was_tapped(
    page, context, app, world, live_server
):
    go_offline_from_the_dashboard(page, context, live_server, world)

    open_capture(page, world.cycle_id)
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    for _ in range(3):
        lookfor_button(page, "Student question").click()
    expect(page.get_by_role("button", name="Student question 3", exact=True)).to_be_visible()

    teacher_talk = lookfor_button(page, "Teacher talk")
    student_talk = lookfor_button(page, "Student talk")
    teacher_talk.click()
    expect(teacher_talk).to_have_attribute("aria-pressed", "true")
    student_talk.click()  # starting one duration stops the other
    expect(teacher_talk).to_have_attribute("aria-pressed", "false")
    expect(student_talk).to_have_attribute("aria-pressed", "true")
    student_talk.click()
    expect(student_talk).to_have_attribute("aria-pressed", "false")

    lookfor_button(page, "Quote").click()
    page.get_by_label("Note text").fill("Why does ice float?")
    page.get_by_label("Note text").press("Enter")
    page.get_by_role("button", name="Note", exact=True).click()
    page.get_by_label("Note text").fill("Three hands up at once")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_label("Note text")).to_be_hidden()

    # One observation and seven events: 3 tallies, 2 durations, 2 notes.
    expect(sync_status(page)).to_have_text("8 changes waiting to sync")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export unsynced").click()
    exported = json.loads(download.value.path().read_text())
    assert heard_while_offline(live_server) == [], "the server heard from a device that was offline"

    outbox = read_outbox(page)
    (observation,) = outbox["observations"]
    events = {e["id"]: e for e in outbox["events"]}
    assert len(events) == 7
    assert pending_ids(outbox) == {observation["id"], *events}
    assert {r["id"] for r in exported["observations"] + exported["events"]} == pending_ids(outbox)
    assert observation["cycle_id"] == world.cycle_id and observation["ended_at"] is None
    durations = [e for e in events.values() if e["lookfor_id"] in world.lookfor_ids[1::2]]
    assert len(durations) == 2
    assert all(e["duration_ms"] is not None and e["version"] == 2 for e in durations)

    context.set_offline(False)
    expect(sync_status(page)).to_have_text("All changes synced")

    stored = stored_events(app, observation["id"])
    assert set(stored) == set(events)
    for event_id, event in events.items():
        row = stored[event_id]
        assert (row["lookfor_id"], row["duration_ms"], row["note"], row["version"]) == (
            event["lookfor_id"],
            event["duration_ms"],
            event["note"],
            event["version"],
        )
        assert row["deleted"] is False
    assert pending_ids(read_outbox(page)) == set()

    rows = events_csv(page, observation["id"])
    assert {r["event_id"] for r in rows} == set(events)
    assert {r["observation_id"] for r in rows} == {observation["id"]}
    assert Counter((r["lookfor"], r["kind"], r["note"]) for r in rows) == Counter(
        {
            ("Student question", "tally", ""): 3,
            ("Teacher talk", "duration", ""): 1,
            ("Student talk", "duration", ""): 1,
            ("Quote", "note", "Why does ice float?"): 1,
            ("", "note", "Three hands up at once"): 1,
        }
    )
    assert all(r["duration_seconds"] for r in rows if r["kind"] == "duration")
    assert all(re.fullmatch(r"\d\d:\d\d", r["clock"]) for r in rows)


def test_reload_while_offline_keeps_counts_outbox_and_clock(page, context, app, world, live_server):
    go_offline_from_the_dashboard(page, context, live_server, world)
    open_capture(page, world.cycle_id)
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()
    expect(page.get_by_role("button", name="Student question 2", exact=True)).to_be_visible()

    # A note is stamped when "Note" is tapped, not when it is saved a while later. The wait
    # also lets the clock pass a second, so a clock that restarted at 00:00 would show.
    page.get_by_role("button", name="Note", exact=True).click()
    tapped_at = page.evaluate("() => Date.now()")
    stamp = page.locator("#note-stamp").text_content()
    page.wait_for_function(
        "(tapped) => Date.now() - tapped > 1200"
        " && document.getElementById('clock').textContent >= '00:01'",
        arg=tapped_at,
    )
    page.get_by_label("Note text").fill("Hands up before the question ends")
    page.get_by_role("button", name="Save note").click()
    expect(sync_status(page)).to_have_text("5 changes waiting to sync")
    clock_before = page.locator("#clock").text_content()
    before = read_outbox(page)
    (note,) = [e for e in before["events"] if e["note"]]
    assert abs(datetime.fromisoformat(note["recorded_at"]).timestamp() * 1000 - tapped_at) < 500
    assert stamp == f"Note at {clock(note['offset_ms'])}"

    page.reload()
    page.wait_for_selector("#capture[data-state=running]")

    assert page.locator("#clock").text_content() >= clock_before
    expect(page.get_by_role("button", name="Student question 2", exact=True)).to_be_visible()
    expect(lookfor_button(page, "Teacher talk")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#last-action")).to_contain_text("Resumed")
    expect(sync_status(page)).to_have_text("5 changes waiting to sync")
    assert read_outbox(page) == before

    # The duration started before the reload is still the running one: stopping it spans both.
    lookfor_button(page, "Teacher talk").click()
    expect(lookfor_button(page, "Teacher talk")).to_have_attribute("aria-pressed", "false")
    assert heard_while_offline(live_server) == []

    context.set_offline(False)
    expect(sync_status(page)).to_have_text("All changes synced")
    (observation,) = before["observations"]
    stored = stored_events(app, observation["id"])
    assert set(stored) == {e["id"] for e in before["events"]}
    (talk,) = [row for row in stored.values() if row["lookfor_id"] == world.lookfor_ids[1]]
    assert talk["duration_ms"] >= 1000 and talk["version"] == 2


def test_a_capture_screen_never_opened_starts_offline_from_a_cold_start(
    page, context, app, world, live_server
):
    go_offline_from_the_dashboard(page, context, live_server, world)
    expect(page.get_by_text("Ready for the day")).to_have_text(
        "Ready for the day: 1 capture screen works offline."
    )
    page.close()  # nothing of the app left running: the next page starts cold, offline

    fresh = context.new_page()
    fresh.goto(f"/cycles/{world.cycle_id}")
    fresh.get_by_role("link", name="Start observation").click()
    fresh.wait_for_selector("#capture[data-state=ready]")
    fresh.get_by_role("button", name="Start observation").click()
    fresh.wait_for_selector("#capture[data-state=running]")
    expect(sync_status(fresh)).to_have_text("1 change waiting to sync")
    lookfor_button(fresh, "Student question").click()
    expect(fresh.get_by_role("button", name="Student question 1", exact=True)).to_be_visible()
    expect(sync_status(fresh)).to_have_text("2 changes waiting to sync")
    assert heard_while_offline(live_server) == []

    outbox = read_outbox(fresh)
    (observation,) = outbox["observations"]
    assert observation["cycle_id"] == world.cycle_id
    assert fresh.locator("#capture").get_attribute("data-observation-id") == observation["id"]

    context.set_offline(False)
    expect(sync_status(fresh)).to_have_text("All changes synced")
    assert set(stored_events(app, observation["id"])) == {e["id"] for e in outbox["events"]}


def test_undo_offline_syncs_as_a_tombstone(page, context, app, world, live_server):
    go_offline_from_the_dashboard(page, context, live_server, world)
    open_capture(page, world.cycle_id)
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Student question").click()
    expect(page.get_by_role("button", name="Student question 2", exact=True)).to_be_visible()

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("button", name="Student question 1", exact=True)).to_be_visible()
    expect(page.locator("#last-action")).to_have_text(
        re.compile(r"^Undone: Student question at \d\d:\d\d$")
    )
    outbox = read_outbox(page)
    undone = max(outbox["events"], key=lambda e: e["seq"])
    kept = min(outbox["events"], key=lambda e: e["seq"])
    assert (undone["deleted"], undone["version"], undone["pending"]) == (True, 2, 1)
    assert (kept["deleted"], kept["version"]) == (False, 1)
    expect(sync_status(page)).to_have_text("3 changes waiting to sync")
    assert heard_while_offline(live_server) == []

    context.set_offline(False)
    expect(sync_status(page)).to_have_text("All changes synced")
    stored = stored_events(app, undone["observation_id"])
    assert (stored[undone["id"]]["deleted"], stored[undone["id"]]["version"]) == (True, 2)
    assert (stored[kept["id"]]["deleted"], stored[kept["id"]]["version"]) == (False, 1)
    assert [r["event_id"] for r in events_csv(page, undone["observation_id"])] == [kept["id"]]


def test_the_installed_app_opens_on_its_dashboard_with_no_network(
    browser, app, world, live_server
):
    """A coach signs in once in the morning, sees "Ready for the day" and closes the app; in
    class, with no network, the app opens on its start URL, the dashboard."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, world.email, world.password)
    expect(page.get_by_text("Ready for the day")).to_be_visible()
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.close()
    live_server.requests.clear()
    context.set_offline(True)

    fresh = context.new_page()
    fresh.goto("/")
    expect(fresh.get_by_role("heading", name="Your teachers")).to_be_visible()
    expect(fresh.get_by_role("link", name="Teacher of Casey Coach")).to_be_visible()
    fresh.get_by_role("link", name="Observe", exact=True).click()
    fresh.get_by_role("button", name="Start observation").click()
    lookfor_button(fresh, "Student question").click()
    expect(lookfor_button(fresh, "Student question")).to_have_accessible_name("Student question 1")

    # A page the device never saved: the offline page, with ways out, none to itself.
    teacher_page = f"/teachers/{world.teacher_id}"
    fresh.goto(teacher_page)
    expect(fresh.get_by_role("heading", name="You are offline")).to_be_visible()
    saved = fresh.get_by_role("navigation", name="Saved on this device")
    expect(saved.get_by_role("link")).to_have_count(2)
    hrefs = [a.get_attribute("href") for a in saved.get_by_role("link").all()]
    assert hrefs == ["/", f"/cycles/{world.cycle_id}/capture"]
    expect(saved.get_by_role("link", name="Observe: Teacher of Casey Coach")).to_be_visible()
    saved.get_by_role("link", name="Dashboard").click()
    expect(fresh.get_by_role("heading", name="Your teachers")).to_be_visible()

    # Even with the dashboard gone from the device, the offline page shown at / never links
    # to / (it would only show itself again).
    fresh.evaluate("""async () => {
        for (const name of await caches.keys()) {
            if (name.startsWith("lookfor-pages-")) await (await caches.open(name)).delete("/");
        }
    }""")
    fresh.goto("/")
    expect(fresh.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(fresh.get_by_role("link")).to_have_count(1)
    assert fresh.get_by_role("link").get_attribute("href") == f"/cycles/{world.cycle_id}/capture"
    assert fresh.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert heard_while_offline(live_server) == []
    context.close()
