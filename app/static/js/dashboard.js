// The dashboard's device-side parts. "Waiting to sync" is a fact of this device, not the
// server: a cycle is marked while this coach's outbox holds a record of one of its
// observations (the observation, or an event of it) that has not synced yet; the mark follows
// the outbox as it changes (a sync, another tab). The search box, when there is one, filters
// the teachers as the coach types (without scripts it searches on the server with ?q=).
import { WAITING, me, onChange, openDb } from "./outbox.js";

const got = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

// The ids of the cycles with this coach's records waiting to sync.
async function waitingCycles() {
  if (me === null) return new Set();
  const db = await openDb();
  const tx = db.transaction(["observations", "events"], "readonly");
  const observations = tx.objectStore("observations");
  const [waiting, events] = await Promise.all([
    got(observations.index("coach_pending").getAll([me, WAITING])),
    got(tx.objectStore("events").index("coach_pending").getAll([me, WAITING])),
  ]);
  const cycles = new Set(waiting.map((o) => Number(o.cycle_id)));
  const known = new Set(waiting.map((o) => o.id));
  // An event's observation may have synced already: its record stays on the device.
  const parents = [...new Set(events.map((e) => e.observation_id))].filter((id) => !known.has(id));
  for (const parent of await Promise.all(parents.map((id) => got(observations.get(id))))) {
    if (parent && parent.coach_id === me) cycles.add(Number(parent.cycle_id));
  }
  return cycles;
}

async function markWaiting() {
  const cycles = await waitingCycles();
  for (const card of document.querySelectorAll(".cycle-card[data-cycle-id]")) {
    const flag = card.querySelector("[data-sync-flag]");
    if (flag) flag.hidden = !cycles.has(Number(card.dataset.cycleId));
  }
}

function mountSearch() {
  const input = document.getElementById("teacher-search-q");
  const groups = [...document.querySelectorAll(".teacher-group[data-search]")];
  const count = document.getElementById("teacher-search-count");
  const none = document.getElementById("teacher-search-none");
  if (!input || !groups.length) return;
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const group of groups) {
      const match = words.every((word) => group.dataset.search.includes(word));
      group.hidden = !match;
      if (match) shown += 1;
    }
    if (count) count.textContent = words.length ? `${shown} of ${groups.length} shown.` : "";
    if (none) none.hidden = shown > 0;
  });
}

// Refreshes run one at a time; a change during one runs one more.
let refreshing = null;
let again = false;
function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = markWaiting().catch(() => {}).finally(() => {
    refreshing = null;
    if (again) { again = false; refresh(); }
  });
}

onChange(refresh);
refresh();
mountSearch();
