"""One browser, two coaches (a school's shared tablet): nothing one coach recorded or opened is
shown to, sent by or exported by the next; "Back" after signing out shows nothing; the
service worker keeps no debrief and forgets a coach's pages once they are signed out; an outbox
made before records had owners upgrades with nothing lost and nothing shown to the wrong coach."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Debrief, Event, Observation
from tests import helpers
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    chromium_path,
    heard_while_offline,
    lookfor_button,
    open_capture,
    read_outbox,
    ready_for_the_day,
    sign_in,
    sync_status,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PRIVATE = "PRIVATE: the teacher seemed exhausted"

CACHED_PAGES = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    if (!name.startsWith('lookfor-pages')) continue;
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
  }
  return out;
}"""


def sign_out(page, confirm: bool | None = None) -> None:
    """Press "Sign out"; answer the "changes have not synced" question if one is asked."""
    asked = []
    if confirm is not None:
        page.once("dialog", lambda d: (asked.append(d.message),
                                       d.accept() if confirm else d.dismiss()))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert bool(asked) == (confirm is not None), asked


def eventually(check, seconds: float = 10) -> None:
    """Wait until check() is true: for what the page does in the background."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def stored_ids(app, model) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(model.id)))


def test_one_coachs_unsynced_note_is_never_shown_to_another(
    phone, app, coach, other_coach, live_server
):
    page = phone.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    phone.set_offline(True)
    open_capture(page, coach.cycle_id)
    lookfor_button(page, "Student question").click()
    page.get_by_role("button", name="Note", exact=True).click()
    page.get_by_label("Note text").fill("Casey's note: Sam hid under the desk")
    page.get_by_role("button", name="Save note").click()
    expect(sync_status(page)).to_have_text("3 changes waiting to sync")
    mine = {r["id"] for r in read_outbox(page)["events"] + read_outbox(page)["observations"]}

    # Back online the server keeps failing, so Casey signs out with the changes unsynced.
    live_server.sync_fault.extend([500] * 50)
    phone.set_offline(False)
    page.goto("/")
    expect(sync_status(page)).to_have_text("3 changes waiting to sync")
    sign_out(page, confirm=True)
    live_server.sync_fault.clear()
    live_server.sync_batches.clear()

    # Olive signs in on the same browser: none of Casey's changes, counts or pages.
    sign_in(page, other_coach.email, other_coach.password)
    expect(sync_status(page)).to_have_text("All changes synced")
    expect(page.get_by_role("button", name="Export unsynced")).to_be_hidden()
    expect(page.get_by_text("Sam hid under the desk")).to_have_count(0)
    expect(page.locator("#not-accepted")).to_be_hidden()
    assert set(page.evaluate(CACHED_PAGES)) <= {f"lookfor-pages-{other_coach.coach_id}"}

    # Olive records offline and exports: only her own changes are in the file.
    ready_for_the_day(page)
    phone.set_offline(True)
    open_capture(page, other_coach.cycle_id)
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("2 changes waiting to sync")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export unsynced").click()
    exported = json.loads(download.value.path().read_text())
    exported_ids = {r["id"] for r in exported["observations"] + exported["events"]}
    assert len(exported_ids) == 2 and not exported_ids & mine
    assert "Sam hid" not in json.dumps(exported)

    # Back online, Olive's device sends only Olive's changes.
    phone.set_offline(False)
    expect(sync_status(page)).to_have_text("All changes synced")
    sent = {item["id"] for b in live_server.sync_batches for k in b for item in b[k]}
    assert sent == exported_ids
    assert not stored_ids(app, Event) & mine
    page.goto("/")
    sign_out(page)

    # Casey signs in again: her changes sync.
    sign_in(page, coach.email, coach.password)
    expect(sync_status(page)).to_have_text("All changes synced")
    assert mine <= stored_ids(app, Event) | stored_ids(app, Observation)


def test_signing_out_with_nothing_pending_leaves_nothing_of_the_coach(phone, coach):
    page = phone.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    open_capture(page, coach.cycle_id)
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("All changes synced")
    assert read_outbox(page)["events"]
    assert page.evaluate(CACHED_PAGES)

    page.goto("/")
    sign_out(page)  # nothing unsynced: no question asked
    assert read_outbox(page) == {"observations": [], "events": []}
    assert page.evaluate(CACHED_PAGES) == {}


@pytest.fixture
def debrief_with_private_notes(app, coach):
    with app.app_context():
        oid, _ = helpers.record_observation(coach, [(0, 5), (None, 9, {"note": "Hands up"})])
        db.session.add(Debrief(observation_id=oid, private_notes=PRIVATE))
        db.session.commit()
    return oid


@pytest.fixture(scope="module")
def browser_with_bfcache(playwright_instance):
    """Chromium as a phone has it: Playwright turns the back/forward cache off by default."""
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield browser
    browser.close()


@pytest.mark.parametrize("worker", ["allow", "block"])
def test_back_after_signing_out_shows_no_coaching_data(
    browser_with_bfcache, live_server, coach, debrief_with_private_notes, worker
):
    # Without the service worker too: then only the browser's own caches stand in the way.
    context = browser_with_bfcache.new_context(base_url=live_server.url, viewport=PHONE,
                                               service_workers=worker)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, coach.email, coach.password)
    page.goto(f"/observations/{debrief_with_private_notes}")
    expect(page.get_by_label("Private notes (never shared)")).to_have_value(PRIVATE)
    sign_out(page)

    # "commit": a page restored from the back/forward cache fires no load event.
    page.go_back(wait_until="commit")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert PRIVATE not in page.content()
    assert "Hands up" not in page.content()
    page.go_forward(wait_until="commit")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert PRIVATE not in page.content()
    context.close()


def test_the_worker_keeps_no_debrief_and_forgets_a_signed_out_coach(
    phone, coach, live_server, debrief_with_private_notes
):
    page = phone.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    debrief = f"/observations/{debrief_with_private_notes}"
    page.goto(debrief)
    page.goto(f"/teachers/{coach.teacher_id}")
    ready_for_the_day(page)
    cached = page.evaluate(CACHED_PAGES)
    assert cached == {f"lookfor-pages-{coach.coach_id}": sorted(
        ["/", f"/cycles/{coach.cycle_id}", f"/cycles/{coach.cycle_id}/capture"])}

    # Cookies gone (another person at the device), then no network: nothing confidential.
    phone.clear_cookies()
    live_server.requests.clear()
    phone.set_offline(True)
    page.goto(debrief)
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert PRIVATE not in page.content() and "Hands up" not in page.content()
    assert heard_while_offline(live_server) == []

    # Online, the server answers as signed out: the cached pages go.
    phone.set_offline(False)
    page.goto(f"/cycles/{coach.cycle_id}/capture")
    page.wait_for_url(re.compile(r"/login\?next="))
    eventually(lambda: page.evaluate(CACHED_PAGES) == {})
    phone.set_offline(True)
    page.goto("/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("Nothing was saved on this device")).to_be_visible()
    assert "Teacher of Casey Coach" not in page.content()


def test_a_401_from_the_api_empties_the_page_cache(phone, coach):
    page = phone.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    assert page.evaluate(CACHED_PAGES)
    phone.clear_cookies()
    assert page.evaluate("() => fetch('/api/v1/cycles').then((r) => r.status)") == 401
    eventually(lambda: page.evaluate(CACHED_PAGES) == {})


def test_another_coach_signing_in_empties_the_first_coachs_pages(phone, coach, other_coach):
    page = phone.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    assert list(page.evaluate(CACHED_PAGES)) == [f"lookfor-pages-{coach.coach_id}"]

    # The second coach's session arrives without the sign-in page ever being shown here.
    phone.clear_cookies()
    helpers_login = page.request.get("/login").text()
    token = helpers_login.split('name="csrf-token" content="')[1].split('"')[0]
    page.request.post("/login", form={"email": other_coach.email,
                                      "password": other_coach.password, "csrf_token": token})
    page.goto(f"/cycles/{other_coach.cycle_id}")
    eventually(lambda: list(page.evaluate(CACHED_PAGES)) == [
        f"lookfor-pages-{other_coach.coach_id}"])
    assert page.evaluate(CACHED_PAGES) == {
        f"lookfor-pages-{other_coach.coach_id}": [f"/cycles/{other_coach.cycle_id}"]}


# A version-1 outbox, as the app made it before records had owners: made by hand on the
# sign-in page (which runs none of the app's code), with one coach's unsynced capture in it.
MAKE_V1_OUTBOX = """async (records) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("lookfor", 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      const observations = db.createObjectStore("observations", { keyPath: "id" });
      observations.createIndex("pending", "pending");
      observations.createIndex("cycle_id", "cycle_id");
      const events = db.createObjectStore("events", { keyPath: "id" });
      events.createIndex("pending", "pending");
      events.createIndex("observation_id", "observation_id");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction(["observations", "events"], "readwrite");
  tx.objectStore("observations").put(records.observation);
  for (const event of records.events) tx.objectStore("events").put(event);
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""

# Whether every record in the outbox has a field (read straight from IndexedDB).
EVERY_RECORD = """(field) => new Promise((resolve) => {
  const request = indexedDB.open("lookfor");
  request.onsuccess = () => {
    const tx = request.result.transaction(["observations", "events"]);
    const all = ["observations", "events"].map((name) => new Promise((done) => {
      tx.objectStore(name).getAll().onsuccess = (e) => done(e.target.result);
    }));
    Promise.all(all).then((stores) => {
      request.result.close();
      resolve(stores.flat().every((record) => record[field] != null));
    });
  };
})"""

DB_SHAPE = """async () => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("lookfor");
    request.onsuccess = () => resolve(request.result);
  });
  const shape = { version: db.version,
    indexes: [...db.transaction("events").objectStore("events").indexNames].sort() };
  db.close();
  return shape;
}"""


def test_a_version_1_outbox_upgrades_with_nothing_lost_or_shown(
    phone, app, coach, other_coach, live_server
):
    oid = str(uuid.uuid4())
    started = "2026-03-02T09:00:00.000Z"
    events = [
        {"id": str(uuid.uuid4()), "observation_id": oid, "lookfor_id": coach.lookfor_ids[0],
         "offset_ms": 1000 * i, "recorded_at": started, "count": 1, "duration_ms": None,
         "note": None, "deleted": False, "version": 1, "seq": i, "pending": 1}
        for i in range(2)
    ]
    events.append({**events[0], "id": str(uuid.uuid4()), "lookfor_id": None, "seq": 9,
                   "note": "Casey's old note: Sam cried"})
    records = {"observation": {"id": oid, "cycle_id": coach.cycle_id, "started_at": started,
                               "ended_at": None, "pending": 1}, "events": events}
    page = phone.new_page()
    page.goto("/login")
    page.evaluate(MAKE_V1_OUTBOX, records)

    # Olive is first to sign in after the deploy: she sees none of it, and her server, which
    # refuses Casey's items, is not asked again for her.
    sign_in(page, other_coach.email, other_coach.password)
    expect(sync_status(page)).to_have_text("All changes synced")
    assert page.evaluate(DB_SHAPE) == {
        "version": 3, "indexes": ["coach_pending", "observation_id", "pending"]}
    eventually(lambda: page.evaluate(EVERY_RECORD, "refused_by"))
    expect(page.get_by_text("Sam cried")).to_have_count(0)
    batches = len(live_server.sync_batches)
    page.reload()
    expect(sync_status(page)).to_have_text("All changes synced")
    assert len(live_server.sync_batches) == batches  # not sent again for her
    outbox = read_outbox(page)
    assert {r["id"] for r in outbox["events"]} == {e["id"] for e in events}
    assert all(r["pending"] == 1 and "coach_id" not in r for r in outbox["events"])
    assert oid not in stored_ids(app, Observation)
    sign_out(page)

    # Casey signs in: her old changes sync, and are hers from then on.
    sign_in(page, coach.email, coach.password)
    eventually(lambda: page.evaluate(EVERY_RECORD, "coach_id"))
    expect(sync_status(page)).to_have_text("All changes synced")
    assert {e["id"] for e in events} <= stored_ids(app, Event)
    outbox = read_outbox(page)
    assert all(r["pending"] == 0 and r["coach_id"] == coach.coach_id
               for r in outbox["events"] + outbox["observations"])


def test_a_tab_left_open_for_one_coach_never_sends_under_another(
    phone, app, coach, other_coach, live_server
):
    casey_tab = phone.new_page()
    sign_in(casey_tab, coach.email, coach.password)
    ready_for_the_day(casey_tab)
    phone.set_offline(True)
    open_capture(casey_tab, coach.cycle_id)
    lookfor_button(casey_tab, "Student question").click()
    expect(sync_status(casey_tab)).to_have_text("2 changes waiting to sync")
    caseys = {r["id"] for r in read_outbox(casey_tab)["events"]}

    # In another tab Casey signs out (the server is failing, so nothing has synced) and Olive
    # signs in; Casey's capture tab is still open.
    live_server.sync_fault.extend([500] * 50)
    phone.set_offline(False)
    other_tab = phone.new_page()
    other_tab.goto("/")
    sign_out(other_tab, confirm=True)
    sign_in(other_tab, other_coach.email, other_coach.password)
    live_server.sync_fault.clear()
    live_server.sync_batches.clear()

    casey_tab.bring_to_front()
    phone.set_offline(True)
    phone.set_offline(False)  # "online": Casey's tab tries to sync, with Olive's session
    expect(sync_status(casey_tab)).to_have_text("Sign in again to sync")
    assert not {e["id"] for b in live_server.sync_batches for e in b["events"]} & caseys
    assert not stored_ids(app, Event) & caseys
    assert caseys <= {r["id"] for r in read_outbox(casey_tab)["events"] if r["pending"] == 1}
