// The outbox: every observation and event lives in IndexedDB on this device until the server
// has accepted it. Writes use strict durability, so "saved" means on disk, not in a buffer.
// Records carry pending = 1 while the server has not accepted their latest version.

const DB_NAME = "lookfor";
const DB_VERSION = 1;
let opening = null;

export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      const observations = db.createObjectStore("observations", { keyPath: "id" });
      observations.createIndex("pending", "pending");
      observations.createIndex("cycle_id", "cycle_id");
      const events = db.createObjectStore("events", { keyPath: "id" });
      events.createIndex("pending", "pending");
      events.createIndex("observation_id", "observation_id");
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
  const value = fn(tx);
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

export function putObservation(observation) {
  return write(["observations"], (tx) => {
    tx.objectStore("observations").put({ ...observation, pending: 1 });
  });
}

export function putEvent(event) {
  return write(["events"], (tx) => {
    tx.objectStore("events").put({ ...event, pending: 1 });
  });
}

export async function getObservation(id) {
  return read(["observations"], (tx) => result(tx.objectStore("observations").get(id)));
}

export async function openObservationFor(cycleId) {
  const all = await read(["observations"], (tx) =>
    result(tx.objectStore("observations").index("cycle_id").getAll(cycleId)));
  return all.filter((o) => !o.ended_at).sort((a, b) => (a.started_at < b.started_at ? 1 : -1))[0];
}

export async function eventsOf(observationId) {
  const all = await read(["events"], (tx) =>
    result(tx.objectStore("events").index("observation_id").getAll(observationId)));
  return all.sort((a, b) => a.seq - b.seq);
}

export async function pending() {
  return read(["observations", "events"], async (tx) => {
    const [observations, events] = await Promise.all([
      result(tx.objectStore("observations").index("pending").getAll(1)),
      result(tx.objectStore("events").index("pending").getAll(1)),
    ]);
    return { observations, events };
  });
}

export async function pendingCount() {
  return read(["observations", "events"], async (tx) => {
    const [o, e] = await Promise.all([
      result(tx.objectStore("observations").index("pending").count(1)),
      result(tx.objectStore("events").index("pending").count(1)),
    ]);
    return o + e;
  });
}

// Apply the server's answer: an accepted record leaves the outbox only if it was not changed
// again while the request was in flight; a rejected one stays, with the server's reason.
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
          if (reasons.has(id)) {
            record.error = reasons.get(id);
          } else {
            record.pending = 0;
            delete record.error;
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

export async function rejected() {
  const { observations, events } = await pending();
  return [...observations, ...events].filter((r) => r.error);
}
