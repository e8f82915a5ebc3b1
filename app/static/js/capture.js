// The capture screen: one big button per look-for. A tap changes the count in the same frame,
// then goes to the outbox (IndexedDB) at once; sync follows when there is a network.
import * as outbox from "./outbox.js";
import { onState, syncNow, syncSoon } from "./sync.js";

const config = JSON.parse(document.getElementById("capture-config").textContent);
const $ = (id) => document.getElementById(id);
const root = $("capture");
const clockEl = $("clock");
const savedMark = $("saved-mark");
const alertEl = $("capture-alert");
const lastAction = $("last-action");
const notePanel = $("note-panel");
const noteText = $("note-text");
const buttons = new Map(
  [...document.querySelectorAll("button.tap")].map((b) => [Number(b.dataset.lookforId), b]));
const countEls = new Map([...buttons].map(([id, b]) => [id, b.querySelector(".tap-count")]));
const counts = new Map(); // look-for id -> live count, kept as events come and go
const lookfors = new Map(config.lookfors.map((lf) => [lf.id, lf]));

let observation = null;
let startedMs = 0;
let live = [];          // this observation's live events, oldest first
let running = null;     // the duration event now running, if any
let noteDraft = null;   // where and when "Note" was tapped
let unsaved = 0;
let seq = 0;
let wakeLock = null;

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

const offsetNow = () => Math.max(0, Date.now() - startedMs);
const nextSeq = () => Date.now() * 1000 + (seq++ % 1000);
const labelOf = (event) => (event.lookfor_id == null ? "Note" : lookfors.get(event.lookfor_id)?.label ?? "Look-for");

function countOf(id) {
  return counts.get(id) ?? 0;
}

// Every change to `live` goes through here, so the counts never need recounting on a tap.
function tally(event, sign) {
  if (event.lookfor_id != null) counts.set(event.lookfor_id, countOf(event.lookfor_id) + sign * event.count);
}

function showCount(id) {
  const el = countEls.get(id);
  if (el) el.textContent = String(countOf(id));
}

function showRunning() {
  for (const [id, button] of buttons) {
    if (button.dataset.kind === "duration") {
      button.setAttribute("aria-pressed", String(running?.lookfor_id === id));
    }
  }
}

function shout(message) {
  alertEl.textContent = message;
  alertEl.hidden = false;
}

// Every write is shown as unsaved until IndexedDB has it on disk; a failed write is loud and
// its change is put back, so the screen never shows a tap that is not stored.
function store(promise, undo) {
  unsaved += 1;
  if (unsaved === 1) {
    savedMark.dataset.saved = "false";
    savedMark.textContent = "Saving…";
  }
  promise.then(() => {
    unsaved -= 1;
    if (unsaved === 0) {
      savedMark.dataset.saved = "true";
      savedMark.textContent = "Saved on this device";
    }
    syncSoon();
  }, (error) => {
    unsaved -= 1;
    undo();
    savedMark.dataset.saved = "false";
    savedMark.textContent = "NOT SAVED";
    shout(`Could not save on this device (${error?.name || "storage error"}). `
      + "That tap was taken back: record it again, or use Export unsynced.");
  });
}

function newEvent(lookforId, extra = {}) {
  return {
    id: uuid(), observation_id: observation.id, lookfor_id: lookforId,
    offset_ms: offsetNow(), recorded_at: new Date().toISOString(), count: 1,
    duration_ms: null, note: null, deleted: false, version: 1, seq: nextSeq(), ...extra,
  };
}

function record(event) {
  live.push(event);
  tally(event, 1);
  if (event.lookfor_id != null) showCount(event.lookfor_id);
  store(outbox.putEvent(event), () => {
    live = live.filter((e) => e !== event);
    tally(event, -1);
    if (running === event) running = null;
    if (event.lookfor_id != null) showCount(event.lookfor_id);
    showRunning();
  });
  navigator.vibrate?.(12);
  $("undo-button").disabled = false;
}

function stopRunning(at) {
  const event = running;
  running = null;
  const before = { ...event };
  event.duration_ms = Math.max(0, at - event.offset_ms);
  event.version += 1;
  store(outbox.putEvent(event), () => { Object.assign(event, before); running = event; showRunning(); });
  showRunning();
}

function tap(id) {
  const lookfor = lookfors.get(id);
  if (lookfor.kind === "tally") {
    record(newEvent(id));
    lastAction.textContent = `${lookfor.label} at ${clock(offsetNow())}`;
  } else if (lookfor.kind === "duration") {
    const at = offsetNow();
    const wasMine = running?.lookfor_id === id;
    if (running) stopRunning(at);
    if (wasMine) {
      lastAction.textContent = `${lookfor.label} stopped at ${clock(at)}`;
      return;
    }
    running = newEvent(id, { offset_ms: at });
    showRunning();
    record(running);
    lastAction.textContent = `${lookfor.label} started at ${clock(at)}`;
  } else {
    openNote(id);
  }
}

function openNote(lookforId) {
  // Stamped when "Note" is tapped: the moment seen, not the moment typing ended.
  noteDraft = { lookfor_id: lookforId, offset_ms: offsetNow(), recorded_at: new Date().toISOString() };
  $("note-stamp").textContent = `${lookforId == null ? "Note" : lookfors.get(lookforId).label} at ${clock(noteDraft.offset_ms)}`;
  notePanel.hidden = false;
  noteText.value = "";
  noteText.focus();
}

function saveNote() {
  const text = noteText.value.trim();
  if (!noteDraft) return;
  if (!text) { noteText.focus(); return; }
  record(newEvent(noteDraft.lookfor_id, {
    offset_ms: noteDraft.offset_ms, recorded_at: noteDraft.recorded_at, note: text.slice(0, 2000),
  }));
  lastAction.textContent = `Note saved at ${clock(noteDraft.offset_ms)}`;
  noteDraft = null;
  notePanel.hidden = true;
}

function undo() {
  const event = live.at(-1);
  if (!event) {
    lastAction.textContent = "Nothing to undo";
    return;
  }
  // A tombstone, not a silent delete: the server keeps the deletion, and no late resend
  // from another tab can bring the event back.
  live.pop();
  tally(event, -1);
  if (running === event) running = null;
  const before = { ...event };
  event.deleted = true;
  event.version += 1;
  if (event.lookfor_id != null) showCount(event.lookfor_id);
  showRunning();
  store(outbox.putEvent(event), () => {
    Object.assign(event, before);
    live.push(event);
    tally(event, 1);
    live.sort((a, b) => a.seq - b.seq);
    if (event.lookfor_id != null) showCount(event.lookfor_id);
  });
  lastAction.textContent = `Undone: ${labelOf(event)} at ${clock(event.offset_ms)}`;
  $("undo-button").disabled = live.length === 0;
}

async function keepAwake() {
  try {
    wakeLock = await navigator.wakeLock?.request("screen");
  } catch {
    wakeLock = null; // refused (battery saver, not visible): capture works without it
  }
}

async function end() {
  if (running) stopRunning(offsetNow());
  observation.ended_at = new Date().toISOString();
  await outbox.putObservation(observation).catch(() => shout("Could not save the end time."));
  await showEnded();
}

// Also reached when another tab ended this observation: this tab stops recording into it.
async function showEnded() {
  wakeLock?.release?.();
  clearInterval(ticker);
  root.dataset.state = document.body.dataset.captureState = "ended";
  for (const b of document.querySelectorAll(".tap, .capture-actions button")) b.disabled = true;
  const debriefUrl = `/observations/${observation.id}`;
  $("ended-debrief").href = debriefUrl;
  $("ended-counts").replaceChildren(...config.lookfors.map((lf) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = lf.label;
    const count = document.createElement("td");
    count.textContent = String(countOf(lf.id));
    row.append(name, count);
    return row;
  }));
  $("ended-panel").hidden = false;
  if (navigator.onLine) {
    await syncNow();
    if (await synced(observation.id)) {
      location.assign(debriefUrl);
      return;
    }
  }
  $("ended-sync").textContent = "Saved on this device. It will sync, and the debrief will open, once you are back online.";
  // Keep that promise whichever sync gets it there: this tab's when the network returns or a
  // retry succeeds, or another tab's (which may have held the sync lock just now).
  let leaving = false;
  const openWhenSynced = async () => {
    if (!leaving && await synced(observation.id)) {
      leaving = true;
      location.assign(debriefUrl);
    }
  };
  onState(openWhenSynced);
  outbox.onChange(openWhenSynced);
}

async function synced(id) {
  const stored = await outbox.getObservation(id);
  const events = await outbox.eventsOf(id);
  return stored?.pending === 0 && events.every((e) => e.pending === 0);
}

let ticker = null;
function run() {
  root.dataset.state = document.body.dataset.captureState = "running";
  root.dataset.observationId = observation.id;
  for (const b of document.querySelectorAll(".tap, .capture-actions button")) b.disabled = false;
  $("undo-button").disabled = live.length === 0;
  for (const id of buttons.keys()) showCount(id);
  showRunning();
  const tick = () => { clockEl.textContent = clock(offsetNow()); };
  tick();
  ticker = setInterval(tick, 250);
  keepAwake();
}

async function begin() {
  const open = await outbox.openObservationFor(config.cycle_id);
  if (open) {
    observation = open;
    startedMs = Date.parse(open.started_at);
    live = (await outbox.eventsOf(open.id)).filter((e) => !e.deleted);
    for (const event of live) tally(event, 1);
    running = live.find((e) => lookfors.get(e.lookfor_id)?.kind === "duration" && e.duration_ms == null) || null;
    lastAction.textContent = `Resumed the observation started at ${new Date(startedMs).toLocaleTimeString()}`;
  } else {
    // The id is made here, so an observation can start with no network at all.
    startedMs = Date.now();
    observation = { id: uuid(), cycle_id: config.cycle_id, started_at: new Date(startedMs).toISOString(), ended_at: null };
    await outbox.putObservation(observation);
    navigator.storage?.persist?.().catch(() => {});
    syncSoon();
  }
  run();
}

document.getElementById("tap-grid").addEventListener("click", (event) => {
  const button = event.target.closest("button.tap");
  if (button && !button.disabled) tap(Number(button.dataset.lookforId));
});
$("note-button").addEventListener("click", () => openNote(null));
$("undo-button").addEventListener("click", undo);
$("end-button").addEventListener("click", end);
notePanel.addEventListener("submit", (event) => { event.preventDefault(); saveNote(); });
noteText.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); saveNote(); }
});
$("cancel-note").addEventListener("click", () => { noteDraft = null; notePanel.hidden = true; });
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && root.dataset.state === "running") keepAwake();
});
outbox.onChange(async (remote) => {
  if (!remote || root.dataset.state !== "running") return;
  const stored = await outbox.getObservation(observation.id);
  if (stored?.ended_at) {
    observation.ended_at = stored.ended_at;
    running = null;
    await showEnded();
  }
});

begin().catch((error) => shout(`This device could not open its storage (${error?.name}). Capture cannot start.`));
