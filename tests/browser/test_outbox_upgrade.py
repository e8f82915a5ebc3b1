"""The outbox in IndexedDB upgrades in versioned steps with nothing lost: an outbox made by
version 2 (records with owners, no `data`) opens as version 3, every event with data null,
and what was waiting still syncs. Version 1 is tested in test_shared_device.py."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    read_outbox,
    sign_in,
    stored_events,
    sync_status,
)

pytestmark = pytest.mark.browser



# An outbox as version 2 of the app made it (records with owners, no `data`): made by hand on
# the sign-in page, which runs none of the app's code.
MAKE_V2_OUTBOX = """async (records) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("lookfor", 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of ["observations", "events"]) {
        const store = db.createObjectStore(name, { keyPath: "id" });
        store.createIndex("pending", "pending");
        store.createIndex(name === "events" ? "observation_id" : "cycle_id",
                          name === "events" ? "observation_id" : "cycle_id");
        store.createIndex("coach_pending", ["coach_id", "pending"]);
      }
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

DB_VERSION = """() => new Promise((resolve) => {
  const request = indexedDB.open("lookfor");
  request.onsuccess = () => { resolve(request.result.version); request.result.close(); };
})"""


def test_a_version_2_outbox_upgrades_to_3_with_nothing_lost(phone, app, coach):
    oid = str(uuid.uuid4())
    started = "2026-03-02T09:00:00.000Z"
    base = {"observation_id": oid, "recorded_at": started, "count": 1, "duration_ms": None,
            "note": None, "deleted": False, "version": 1, "coach_id": coach.coach_id,
            "pending": 1}
    events = [
        {**base, "id": str(uuid.uuid4()), "lookfor_id": coach.lookfor_ids[0], "offset_ms": 1000,
         "seq": 1},
        {**base, "id": str(uuid.uuid4()), "lookfor_id": coach.lookfor_ids[1], "offset_ms": 2000,
         "duration_ms": 5000, "version": 2, "seq": 2},
        {**base, "id": str(uuid.uuid4()), "lookfor_id": None, "offset_ms": 3000,
         "note": "Asked why ice floats", "seq": 3},
        # Already synced: kept as it is, not sent again.
        {**base, "id": str(uuid.uuid4()), "lookfor_id": coach.lookfor_ids[0], "offset_ms": 4000,
         "seq": 4, "pending": 0},
    ]
    records = {"observation": {"id": oid, "cycle_id": coach.cycle_id, "started_at": started,
                               "ended_at": "2026-03-02T09:40:00.000Z", "coach_id": coach.coach_id,
                               "pending": 1},
               "events": events}
    page = phone.new_page()
    page.goto("/login")
    page.evaluate(MAKE_V2_OUTBOX, records)
    assert page.evaluate(DB_VERSION) == 2

    sign_in(page, coach.email, coach.password)
    expect(sync_status(page)).to_have_text("All changes synced")
    assert page.evaluate(DB_VERSION) == 3
    outbox = read_outbox(page)
    assert {e["id"] for e in outbox["events"]} == {e["id"] for e in events}
    assert all("data" in e and e["data"] is None for e in outbox["events"])
    stored = stored_events(app, oid)
    assert set(stored) == {e["id"] for e in events[:3]}
    assert stored[events[1]["id"]]["duration_ms"] == 5000
    assert stored[events[2]["id"]]["note"] == "Asked why ice floats"

