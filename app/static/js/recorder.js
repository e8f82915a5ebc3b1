// The capture screen's recording core. Each look-for's controls come from its kind's module
// (kinds/<kind>.js), which records through the functions here: a tap changes the figure in the
// same frame, then goes to the outbox (IndexedDB) at once; sync follows when there is a network.
// Every write is shown as unsaved until it is on disk; a failed write is loud and its change is
// put back, so the screen never shows something that is not stored.
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

// A small element builder for the kinds' controls: hyphenated keys and "role" are attributes.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.includes("-") || key === "role") el.setAttribute(key, value);
    else el[key] = value;
  }
  el.append(...children);
  return el;
}

// Text set only when it changes: the clock and the kinds' ticks run 4 times a second, and
// each needless write costs a style and layout pass that a tap could be waiting behind.
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// The big button most kinds are: its accessible name is "label figure" (then `more`, if any).
export function tapButton(lf, figureText = "0") {
  const figure = h("span", { className: "tap-count" }, figureText);
  const more = h("small", { className: "tap-more" });
  const button = h("button", { type: "button", className: `tap colour-${lf.colour}`, disabled: true },
    h("span", { className: "tap-label" }, lf.label), " ", figure, " ", more);
  return { el: button, button, figure, more };
}

// A button that counts its live events (tally, duration, note).
export function counter(lf) {
  const control = tapButton(lf);
  let n = 0;
  const show = () => { control.figure.textContent = String(n); };
  return {
    ...control,
    add(event) { n += event.count; show(); },
    remove(event) { n -= event.count; show(); },
    count: () => n,
  };
}

// For a kind this copy of the app does not know yet (the server is newer than the cache).
function unknown(lf) {
  return { el: h("p", { className: "tap-unknown" }, `${lf.label}: this tool needs the app updated (reload when online).`),
    add() {}, remove() {}, count: () => 0 };
}

// session: { observation, startedMs }, set by the screen when the observation starts.
// kinds: kind name -> its module ({ mount(lookfor, api) -> control }).
export function createRecorder(config, session, kinds) {
  const savedMark = $("saved-mark");
  const alertEl = $("capture-alert");
  const lastAction = $("last-action");
  const notePanel = $("note-panel");
  const noteText = $("note-text");
  const undoButton = $("undo-button");
  const controls = new Map(); // look-for id -> its kind's control
  const lookfors = new Map(config.lookfors.map((lf) => [lf.id, lf]));

  let live = [];          // this observation's live events (drafts included)
  let noteDraft = null;   // where and when "Note" was tapped
  let unsaved = 0;
  let seq = 0;

  const offsetNow = () => Math.max(0, Date.now() - session.startedMs);
  const nextSeq = () => Date.now() * 1000 + (seq++ % 1000);
  const labelOf = (event) => (event.lookfor_id == null ? "Note"
    : lookfors.get(event.lookfor_id)?.label ?? "Look-for");
  const controlOf = (event) => controls.get(event.lookfor_id);
  const say = (text) => { lastAction.textContent = text; };
  // Undo takes back the coach's latest action: the live event changed last by a tap (seq 0
  // marks a record the screen made itself, such as an interval closing untouched).
  const latest = () => live.reduce((a, e) => (e.seq > 0 && (!a || e.seq > a.seq) ? e : a), null);
  const showUndo = () => { undoButton.disabled = !latest(); };

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
      showUndo();
      savedMark.dataset.saved = "false";
      savedMark.textContent = "NOT SAVED";
      shout(`Could not save on this device (${error?.name || "storage error"}). ${failed}`);
      return false;
    });
  }

  function newEvent(lookforId, extra = {}) {
    return {
      id: uuid(), observation_id: session.observation.id, lookfor_id: lookforId,
      offset_ms: offsetNow(), recorded_at: new Date().toISOString(), count: 1, duration_ms: null,
      note: null, data: null, deleted: false, version: 1, seq: nextSeq(), ...extra,
    };
  }

  // A new event: its figure changes now, then it is written (how: "draft" keeps it on the
  // device, "new" writes it only if no record has its id). `said` goes on the last-action
  // line; null for records the screen makes itself, which neither buzz nor speak.
  function record(event, said, how) {
    const control = controlOf(event);
    live.push(event);
    control?.add(event);
    const put = how === "draft" ? outbox.putDraft : how === "new" ? outbox.putNew : outbox.putEvent;
    store(put(event), () => {
      live = live.filter((e) => e !== event);
      control?.remove(event);
    });
    if (said !== null) {
      navigator.vibrate?.(12);
      say(said ?? `${labelOf(event)} at ${clock(event.offset_ms)}`);
    }
    showUndo();
  }

  // A stored event's next version, changed in memory only; returns how to put it back.
  function change(event, changes) {
    const before = { ...event };
    Object.assign(event, changes, { version: event.version + 1 });
    return () => Object.assign(event, before);
  }

  // A stored event's next version, written; `shown` repaints its control first (the tap's
  // feedback before the write's own work), `undo` repaints it if the write fails.
  function update(event, changes, undo, shown) {
    const restore = change(event, changes);
    shown?.();
    store(outbox.putEvent(event), () => { restore(); undo?.(); });
    showUndo();
  }

  // A tombstone, not a silent delete: the server keeps the deletion, and no late resend from
  // another tab can bring the event back.
  function tombstone(event) {
    const control = controlOf(event);
    live = live.filter((e) => e !== event);
    control?.remove(event);
    const restore = change(event, { deleted: true });
    store(outbox.putEvent(event), () => {
      restore();
      live.push(event);
      control?.add(event);
    });
    return `${labelOf(event)} at ${clock(event.offset_ms)}`;
  }

  function undo() {
    const event = latest();
    if (!event) {
      say("Nothing to undo");
      return;
    }
    // A kind may undo otherwise (an interval puts back its codes before the last toggle).
    say(`Undone: ${controlOf(event)?.undo?.(event) ?? tombstone(event)}`);
    showUndo();
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
    }), `Note saved at ${clock(noteDraft.offset_ms)}`);
    noteDraft = null;
    notePanel.hidden = true;
  }

  function cancelNote() {
    noteDraft = null;
    notePanel.hidden = true;
  }

  // The end and what it closes (a running duration or timer, the interval in progress) are
  // stored together, or neither: a failed write puts the screen back as it was, still running.
  function storeEnd(save) {
    const at = offsetNow();
    const closing = [...controls.values()].map((c) => c.finish?.(at)).filter(Boolean);
    const observation = session.observation;
    observation.ended_at = new Date().toISOString();
    return store(save(observation, closing.flatMap((c) => c.events)), () => {
      observation.ended_at = null;
      for (const c of closing) c.restore();
    }, "The observation is still running: press End observation again, or use Export unsynced.");
  }

  // An observation resumed from the outbox: each control takes back its live events (and so
  // its figures, a running duration or timer, the current interval's codes).
  function resume(events) {
    live = events.filter((e) => !e.deleted);
    for (const event of live) controlOf(event)?.add(event);
  }

  // tombstone: a kind may take back one of its live events itself (a seat marked present again).
  const api = { newEvent, record, update, change, say, offsetNow, nextSeq, openNote, session,
    tombstone: (event) => { const said = tombstone(event); showUndo(); return said; } };
  const grid = $("tap-grid");
  for (const lf of config.lookfors) {
    const control = kinds[lf.kind]?.mount(lf, api) ?? unknown(lf);
    control.el.dataset.lookforId = lf.id;
    control.el.dataset.kind = lf.kind;
    grid.append(control.el);
    controls.set(lf.id, control);
  }

  return {
    openNote, saveNote, cancelNote, undo, storeEnd, resume, shout, offsetNow,
    tap: (id, target) => controls.get(id)?.tap?.(target),
    tick() {
      const at = offsetNow();
      for (const control of controls.values()) control.tick?.(at);
    },
    show: showUndo,
    counts: () => config.lookfors.map((lf) => [lf.label, controls.get(lf.id).count()]),
  };
}
