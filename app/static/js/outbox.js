// The outbox: every observation and event lives in IndexedDB until the server has accepted
// it; strict durability, so "saved" means on disk. `pending`: 1 waiting to sync, 0 accepted,
// 2 "Not accepted" (refused MAX_REJECTIONS times: kept to read, export or discard; not sent),
// 3 a draft (a timer still running: kept so a reload restores it, sent once it stops).
// Records belong to the coach who wrote them (`coach_id`, from the page's coach-id meta): one
// coach never sees, counts, sends or exports another's. Records from version 1 have no owner:
// shown to no one, sent with any coach's batch (the server takes only its coach's items, which
// then become that coach's); one a coach's server refused is not sent for that coach again.

const DB_NAME = "lookfor";
export const MAX_REJECTIONS = 5;
export const WAITING = 1;
export const NOT_ACCEPTED = 2;
export const DRAFT = 3;

// One step per database version, run in order from the device's version: a new version is
// one more step at the end.
const UPGRADES = [
  // v1: the outbox.
  (db) => {
    const observations = db.createObjectStore("observations", { keyPath: "id" });
    observations.createIndex("pending", "pending");
    observations.createIndex("cycle_id", "cycle_id");
    const events = db.createObjectStore("events", { keyPath: "id" });
    events.createIndex("pending", "pending");
    events.createIndex("observation_id", "observation_id");
  },
  // v2: records belong to a coach. Existing records keep no owner (see above).
  (db, tx) => {
    for (const name of ["observations", "events"]) {
      tx.objectStore(name).createIndex("coach_pending", ["coach_id", "pending"]);
    }
  },
  // v3: events carry their kind's `data` (a category, a scan, interval codes); older have none.
  (db, tx) => {
    const cursor = tx.objectStore("events").openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      if (at.value.data === undefined) at.update({ ...at.value, data: null });
      at.continue();
    };
  },
];
const DB_VERSION = UPGRADES.length;

const meta = typeof document === "undefined" ? null
  : document.querySelector('meta[name="coach-id"]');
// The signed-in coach this page was rendered for; null on a page with no coach.
export const me = meta && /^\d+$/.test(meta.content) ? Number(meta.content) : null;

let opening = null;

export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => {
      for (let version = event.oldVersion; version < DB_VERSION; version += 1) {
        UPGRADES[version](request.result, request.transaction);
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab with a newer version asks us to step aside; reopen on next use.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
  });
  return opening;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function write(stores, fn) {
  const db = await openDb();
  const tx = db.transaction(stores, "readwrite", { durability: "strict" });
  let value;
  try {
    value = fn(tx);
  } catch (error) {
    tx.abort();
    throw error;
  }
  await done(tx);
  notify();
  return value;
}

async function read(stores, fn) {
  const db = await openDb();
  const tx = db.transaction(stores, "readonly");
  return fn(tx);
}

// Tabs learn of each other's writes, so every page's status line stays true.
const channel = "BroadcastChannel" in self ? new BroadcastChannel("lookfor-outbox") : null;
const listeners = new Set();
export function onChange(fn) { listeners.add(fn); }
function notify(remote = false) {
  for (const fn of listeners) fn(remote);
  if (!remote && channel) channel.postMessage("changed");
}
if (channel) channel.onmessage = () => notify(true);

// This coach's records in one state, by the owner index.
const mine = (store, pending) => store.index("coach_pending").getAll([me, pending]);
const countMine = (store, pending) => store.index("coach_pending").count([me, pending]);
// Every state of this coach's records: [me] sorts before [me, any number] and [me, []] after.
const allMine = () => IDBKeyRange.bound([me], [me, []]);

// A new local version: waiting to sync, this coach's, with no verdict yet.
function fresh(record) {
  const { error, rejections, refused_by: refusedBy, ...rest } = record;
  return { ...rest, coach_id: me, pending: WAITING };
}

export function putObservation(observation) {
  return write(["observations"], (tx) => {
    tx.objectStore("observations").put(fresh(observation));
  });
}

export function putEvent(event) {
  return write(["events"], (tx) => {
    tx.objectStore("events").put(fresh(event));
  });
}

// Kept on the device and not sent (a running timer has no duration the server would take).
export function putDraft(event) {
  return write(["events"], (tx) => {
    tx.objectStore("events").put({ ...fresh(event), pending: DRAFT });
  });
}

// Stored only if no record has its id: a record the screen makes itself (an interval closing
// untouched) never overwrites one another tab wrote.
export function putNew(event) {
  return write(["events"], (tx) => {
    const store = tx.objectStore("events");
    const request = store.getKey(event.id);
    request.onsuccess = () => { if (request.result === undefined) store.put(fresh(event)); };
  });
}

// Ending an observation stores its end and its stopped durations at once, or nothing.
export function putObservationWithEvents(observation, events) {
  return write(["observations", "events"], (tx) => {
    tx.objectStore("observations").put(fresh(observation));
    for (const event of events) tx.objectStore("events").put(fresh(event));
  });
}

export async function getObservation(id) {
  const found = await read(["observations"], (tx) => result(tx.objectStore("observations").get(id)));
  return found && found.coach_id === me ? found : undefined;
}

// This coach's observation of the cycle that is still running and began today (device time).
export async function openObservationFor(cycleId) {
  const all = await read(["observations"], (tx) =>
    result(tx.objectStore("observations").index("cycle_id").getAll(cycleId)));
  const today = new Date().toDateString();
  return all
    .filter((o) => o.coach_id === me && !o.ended_at && o.pending !== NOT_ACCEPTED
      && new Date(o.started_at).toDateString() === today)
    .sort((a, b) => (a.started_at < b.started_at ? 1 : -1))[0];
}

export async function eventsOf(observationId) {
  const all = await read(["events"], (tx) =>
    result(tx.objectStore("events").index("observation_id").getAll(observationId)));
  return all.filter((e) => e.coach_id === me).sort((a, b) => a.seq - b.seq);
}

// What the next sync sends: this coach's waiting records, and records with no owner that
// this coach's server has not already refused.
export async function pending() {
  return read(["observations", "events"], async (tx) => {
    const take = async (name) => {
      const store = tx.objectStore(name);
      const [own, all] = await Promise.all([
        result(mine(store, WAITING)), result(store.index("pending").getAll(WAITING))]);
      const ownerless = all.filter((r) => r.coach_id == null && !(r.refused_by || []).includes(me));
      return [...own, ...ownerless];
    };
    const [observations, events] = await Promise.all([take("observations"), take("events")]);
    return { observations, events };
  });
}

async function countOf(state) {
  return read(["observations", "events"], async (tx) => {
    const [o, e] = await Promise.all([
      result(countMine(tx.objectStore("observations"), state)),
      result(countMine(tx.objectStore("events"), state))]);
    return o + e;
  });
}

// Counted with the owner index, so a burst of taps never waits on reading every record.
export const pendingCount = () => countOf(WAITING);
export const notAcceptedCount = () => countOf(NOT_ACCEPTED);

async function listOf(states) {
  return read(["observations", "events"], async (tx) => {
    const take = async (name) => (await Promise.all(
      states.map((state) => result(mine(tx.objectStore(name), state))))).flat();
    const [observations, events] = await Promise.all([take("observations"), take("events")]);
    return { observations, events };
  });
}

export const notAccepted = () => listOf([NOT_ACCEPTED]);
// Everything of this coach's that the server does not have: what "Export unsynced" saves.
export const unsynced = () => listOf([WAITING, NOT_ACCEPTED]);

// Apply the server's answer: an accepted record leaves the outbox only if it was not changed
// again while the request was in flight; a rejected one stays, with the server's reason,
// until it has been refused MAX_REJECTIONS times.
export function settle(sent, answer) {
  const sentObservations = new Map(sent.observations.map((o) => [o.id, o]));
  const sentEvents = new Map(sent.events.map((e) => [e.id, e]));
  return write(["observations", "events"], (tx) => {
    const settleStore = (name, sentMap, verdict, same) => {
      const store = tx.objectStore(name);
      const reasons = new Map((verdict.rejected || []).map((r) => [r.id, r.error]));
      for (const id of new Set([...(verdict.accepted || []), ...reasons.keys()])) {
        const request = store.get(id);
        request.onsuccess = () => {
          const record = request.result;
          if (!record || !sentMap.has(id) || !same(record, sentMap.get(id))) return;
          if (record.coach_id != null && record.coach_id !== me) return;
          if (!reasons.has(id)) {
            record.pending = 0;
            record.coach_id = me; // an ownerless record the server took is this coach's
            delete record.error;
            delete record.refused_by;
          } else if (record.coach_id == null) {
            record.refused_by = [...(record.refused_by || []), me];
          } else {
            record.error = reasons.get(id);
            record.rejections = (record.rejections || 0) + 1;
            if (record.rejections >= MAX_REJECTIONS) record.pending = NOT_ACCEPTED;
          }
          store.put(record);
        };
      }
    };
    settleStore("observations", sentObservations, answer.observations || {},
      (record, s) => record.ended_at === s.ended_at);
    settleStore("events", sentEvents, answer.events || {},
      (record, s) => record.version === s.version);
  });
}

function deleteWhere(store, index, range, keep = () => false) {
  const cursor = store.index(index).openCursor(range);
  cursor.onsuccess = () => {
    const at = cursor.result;
    if (!at) return;
    if (!keep(at.value)) at.delete();
    at.continue();
  };
}

// The coach gives up on what the server would not take.
export function discardNotAccepted() {
  return write(["observations", "events"], (tx) => {
    for (const name of ["observations", "events"]) {
      deleteWhere(tx.objectStore(name), "coach_pending", IDBKeyRange.only([me, NOT_ACCEPTED]));
    }
  });
}

// Signing out with nothing unsynced: nothing of this coach's stays on the device.
export function forgetCoach() {
  return write(["observations", "events"], (tx) => {
    for (const name of ["observations", "events"]) {
      deleteWhere(tx.objectStore(name), "coach_pending", allMine());
    }
  });
}

// An observation the coach deleted on the server: the device must not resume or resend it.
export function forgetObservation(id) {
  return write(["observations", "events"], (tx) => {
    const observations = tx.objectStore("observations");
    const request = observations.get(id);
    request.onsuccess = () => { if (request.result?.coach_id === me) observations.delete(id); };
    deleteWhere(tx.objectStore("events"), "observation_id", IDBKeyRange.only(id),
      (event) => event.coach_id !== me);
  });
}
