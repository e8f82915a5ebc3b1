// Sync: sends the signed-in coach's outbox to POST /api/v1/sync and settles it with the
// server's answer. One sync at a time across tabs (Web Locks); retried on load, on `online`, on
// becoming visible, shortly after taps, and on a backoff timer. A failure never touches the
// outbox. A page rendered for one coach never sends while another coach is signed in.
import * as outbox from "./outbox.js";

const MAX_EVENTS = 5000;
const listeners = new Set();
let state = { kind: "idle" };
let retryTimer = null;
let backoff = 0;
let soonTimer = null;

export function onState(fn) { listeners.add(fn); fn(state); }
function setState(next) {
  state = next;
  for (const fn of listeners) fn(state);
}
export function currentState() { return state; }

const SERVER_FIELDS = {
  observations: ["id", "cycle_id", "started_at", "ended_at"],
  events: ["id", "observation_id", "lookfor_id", "offset_ms", "recorded_at", "count",
    "duration_ms", "note", "data", "deleted", "version"],
};
function pick(record, fields) {
  const out = {};
  for (const field of fields) out[field] = record[field] ?? null;
  return out;
}

async function fetchToken() {
  // Fetched at send time: a page opened hours ago still syncs, and a cross-site page,
  // which cannot read this response, still cannot write.
  const response = await fetch("/api/v1/csrf", { credentials: "same-origin", cache: "no-store" });
  if (response.status === 401) throw new SyncError("signin");
  if (!response.ok) throw new SyncError("server", response.status);
  const body = await response.json();
  // Another coach signed in since this page loaded: this page's records wait for their own.
  if (body.coach_id !== undefined && body.coach_id !== outbox.me) throw new SyncError("signin");
  return body.csrf_token;
}

class SyncError extends Error {
  constructor(kind, status) { super(kind); this.kind = kind; this.status = status; }
}

async function sendBatch(batch, token) {
  let response;
  try {
    response = await fetch("/api/v1/sync", {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(batch),
    });
  } catch {
    throw new SyncError("network");
  }
  if (response.status === 401) throw new SyncError("signin");
  if (response.status === 403) throw new SyncError("csrf");
  if (!response.ok) throw new SyncError("server", response.status);
  return response.json();
}

// Observations go with the first chunk, so every later chunk's events find theirs stored.
function chunks({ observations, events }) {
  const out = [];
  for (let i = 0; i < Math.max(events.length, 1); i += MAX_EVENTS) {
    out.push({ observations: i === 0 ? observations : [], events: events.slice(i, i + MAX_EVENTS) });
  }
  return out;
}

async function runSync() {
  const queued = await outbox.pending();
  if (!queued.observations.length && !queued.events.length) {
    setState({ kind: "synced" });
    return true;
  }
  setState({ kind: "syncing" });
  let token = await fetchToken();
  for (const chunk of chunks(queued)) {
    const batch = {
      observations: chunk.observations.map((o) => pick(o, SERVER_FIELDS.observations)),
      events: chunk.events.map((e) => pick(e, SERVER_FIELDS.events)),
    };
    let answer;
    try {
      answer = await sendBatch(batch, token);
    } catch (error) {
      if (error.kind !== "csrf") throw error;
      token = await fetchToken(); // the session changed under us: one fresh try
      answer = await sendBatch(batch, token);
    }
    await outbox.settle(batch, answer);
    // Deleted by the coach, on another device: never resumed nor sent again (a capture screen
    // recording into one stops when it sees it gone).
    for (const id of answer.deleted_observations || []) await outbox.forgetObservation(id);
  }
  const left = await outbox.pending();
  const all = [...left.observations, ...left.events].filter((r) => r.coach_id === outbox.me);
  // Changed while the request was in flight: send the newer version soon. A refused one waits
  // for the next occasion (a tap, a reload, the network back) until it is moved aside.
  if (all.some((r) => !r.error)) syncSoon(500);
  setState({ kind: all.some((r) => r.error) ? "rejected" : all.length ? "waiting" : "synced" });
  return all.length === 0;
}

export async function syncNow() {
  clearTimeout(retryTimer);
  if (!navigator.onLine) {
    setState({ kind: "offline" });
    return false;
  }
  const attempt = async () => {
    try {
      const ok = await runSync();
      backoff = 0;
      return ok;
    } catch (error) {
      if (error instanceof SyncError && error.kind === "signin") {
        setState({ kind: "signin" });
        return false;
      }
      setState({ kind: "failed" });
      scheduleRetry();
      return false;
    }
  };
  if (navigator.locks) {
    // ifAvailable: another tab already syncing does the work; this tab just reports.
    return navigator.locks.request("lookfor-sync", { ifAvailable: true }, async (lock) => {
      if (!lock) { scheduleRetry(1000); return false; }
      return attempt();
    });
  }
  return attempt();
}

function scheduleRetry(delay) {
  clearTimeout(retryTimer);
  backoff = Math.min(backoff ? backoff * 2 : 2000, 60000);
  retryTimer = setTimeout(syncNow, delay ?? backoff);
}

// Shortly after taps, so a burst of taps goes in one request.
export function syncSoon(delay = 1500) {
  clearTimeout(soonTimer);
  soonTimer = setTimeout(() => { if (navigator.onLine) syncNow(); }, delay);
}

export function startAutoSync() {
  window.addEventListener("online", () => syncNow());
  window.addEventListener("offline", () => setState({ kind: "offline" }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  syncNow();
}
