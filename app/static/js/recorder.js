// The capture screen's recording: one big button per look-for. A tap changes the count in the
// same frame, then goes to the outbox (IndexedDB) at once; sync follows when there is a network.
// Every write is shown as unsaved until it is on disk; a failed write is loud and its change
// is put back, so the screen never shows something that is not stored.
import * as outbox from "./outbox.js";
import { syncSoon } from "./sync.js";

const $ = (id) => document.getElementById(id);

export function uuid() {
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

// session: { observation, startedMs }, set by the screen when the observation starts.
export function createRecorder(config, session) {
  const savedMark = $("saved-mark");
  const alertEl = $("capture-alert");
  const lastAction = $("last-action");
  const notePanel = $("note-panel");
  const noteText = $("note-text");
  const undoButton = $("undo-button");
  const buttons = new Map(
    [...document.querySelectorAll("button.tap")].map((b) => [Number(b.dataset.lookforId), b]));
  const countEls = new Map([...buttons].map(([id, b]) => [id, b.querySelector(".tap-count")]));
  const counts = new Map(); // look-for id -> live count, kept as events come and go
  const lookfors = new Map(config.lookfors.map((lf) => [lf.id, lf]));

  let live = [];          // this observation's live events, oldest first
  let running = null;     // the duration event now running, if any
  let noteDraft = null;   // where and when "Note" was tapped
  let unsaved = 0;
  let seq = 0;

  const offsetNow = () => Math.max(0, Date.now() - session.startedMs);
  const nextSeq = () => Date.now() * 1000 + (seq++ % 1000);
  const labelOf = (event) => (event.lookfor_id == null ? "Note"
    : lookfors.get(event.lookfor_id)?.label ?? "Look-for");
  const countOf = (id) => counts.get(id) ?? 0;

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

  // Resolves true once stored, false (after undo() and a loud message) if the write failed.
  function store(promise, undo, failed = "That tap was taken back: record it again, or use Export unsynced.") {
    unsaved += 1;
    if (unsaved === 1) {
      savedMark.dataset.saved = "false";
      savedMark.textContent = "Saving…";
    }
    return promise.then(() => {
      unsaved -= 1;
      if (unsaved === 0) {
        savedMark.dataset.saved = "true";
        savedMark.textContent = "Saved on this device";
      }
      syncSoon();
      return true;
    }, (error) => {
      unsaved -= 1;
      undo();
      savedMark.dataset.saved = "false";
      savedMark.textContent = "NOT SAVED";
      shout(`Could not save on this device (${error?.name || "storage error"}). ${failed}`);
      return false;
    });
  }

  function newEvent(lookforId, extra = {}) {
    return {
      id: uuid(), observation_id: session.observation.id, lookfor_id: lookforId,
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
    undoButton.disabled = false;
  }

  // Stops the running duration in memory; returns the stopped event and how to put it back.
  function stop(at) {
    const event = running;
    const before = { ...event };
    running = null;
    event.duration_ms = Math.max(0, at - event.offset_ms);
    event.version += 1;
    showRunning();
    return { event, restore: () => { Object.assign(event, before); running = event; showRunning(); } };
  }

  function stopRunning(at) {
    const { event, restore } = stop(at);
    store(outbox.putEvent(event), restore);
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

  function cancelNote() {
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
    undoButton.disabled = live.length === 0;
  }

  // The end and the duration it stops are stored together, or neither: a failed write puts
  // the screen back as it was, still running, like a failed tap.
  function storeEnd(save) {
    const stopped = running ? stop(offsetNow()) : null;
    const observation = session.observation;
    observation.ended_at = new Date().toISOString();
    return store(save(observation, stopped ? [stopped.event] : []), () => {
      observation.ended_at = null;
      stopped?.restore();
    }, "The observation is still running: press End observation again, or use Export unsynced.");
  }

  // An observation resumed from the outbox: its live events, counts and running duration.
  function resume(events) {
    live = events.filter((e) => !e.deleted);
    for (const event of live) tally(event, 1);
    running = live.find((e) => lookfors.get(e.lookfor_id)?.kind === "duration" && e.duration_ms == null) || null;
  }

  function show() {
    undoButton.disabled = live.length === 0;
    for (const id of buttons.keys()) showCount(id);
    showRunning();
  }

  return {
    tap, openNote, saveNote, cancelNote, undo, storeEnd, resume, show, shout, countOf, offsetNow,
    endedElsewhere: () => { running = null; },
  };
}
