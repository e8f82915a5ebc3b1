// The capture screen: the look-for buttons wait until "Start observation" is pressed (nothing
// starts by accident); an unfinished observation of today resumes on reload with no press.
// "End observation" asks once, in an in-page dialog, then stores the end and opens the debrief.
// Each look-for's controls belong to its kind's module (kinds/), loaded for the kinds in use.
import { load } from "./kinds/index.js";
import * as outbox from "./outbox.js";
import { clock, createRecorder, setText, uuid } from "./recorder.js";
import { onState, syncNow, syncSoon } from "./sync.js";

const config = JSON.parse(document.getElementById("capture-config").textContent);
const $ = (id) => document.getElementById(id);
const root = $("capture");
const clockEl = $("clock");
const startButton = $("start-button");
const endDialog = $("end-dialog");
const session = { observation: null, startedMs: 0 };
// A kind that failed to load shows as such; the others still record.
const kinds = await load(config.lookfors.map((lf) => lf.kind)).catch(() => ({}));
const rec = createRecorder(config, session, kinds);

let wakeLock = null;
let ticker = null;

function setState(state) {
  root.dataset.state = document.body.dataset.captureState = state;
}

function enable(on) {
  for (const b of document.querySelectorAll("#tap-grid button, .capture-actions button")) b.disabled = !on;
}

async function keepAwake() {
  try {
    wakeLock = await navigator.wakeLock?.request("screen");
  } catch {
    wakeLock = null; // refused (battery saver, not visible): capture works without it
  }
}

function run() {
  setState("running");
  root.dataset.observationId = session.observation.id;
  startButton.hidden = true;
  enable(true);
  rec.show();
  const tick = () => {
    setText(clockEl, clock(rec.offsetNow()));
    rec.tick();
  };
  tick();
  ticker = setInterval(tick, 250);
  keepAwake();
}

// Ready: the buttons are there to see, and nothing is recorded until Start is pressed.
function ready() {
  setState("ready");
  enable(false);
  startButton.hidden = false;
  startButton.disabled = false;
  startButton.focus();
}

async function start() {
  startButton.disabled = true;
  // The id is made here, so an observation can start with no network at all.
  const startedMs = Date.now();
  const observation = {
    id: uuid(), cycle_id: config.cycle_id, started_at: new Date(startedMs).toISOString(), ended_at: null,
  };
  try {
    await outbox.putObservation(observation);
  } catch (error) {
    rec.shout(`Could not save on this device (${error?.name || "storage error"}). `
      + "The observation has not started: try Start observation again.");
    startButton.disabled = false;
    return;
  }
  session.observation = observation;
  session.startedMs = startedMs;
  navigator.storage?.persist?.().catch(() => {});
  syncSoon();
  run();
}

async function end() {
  if (root.dataset.state !== "running") return;
  if (await rec.storeEnd(outbox.putObservationWithEvents)) await showEnded();
}

// Also reached when another tab ended this observation: this tab stops recording into it.
async function showEnded() {
  if (endDialog.open) endDialog.close();
  wakeLock?.release?.();
  clearInterval(ticker);
  setState("ended");
  enable(false);
  const { observation } = session;
  const debriefUrl = `/observations/${observation.id}`;
  $("ended-debrief").href = debriefUrl;
  $("ended-counts").replaceChildren(...rec.counts().map(([label, n]) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = label;
    const count = document.createElement("td");
    count.textContent = String(n);
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

// The observation left the outbox while it ran: the coach deleted it on another device (a sync
// said so). Taps would be kept nowhere, so the screen stops and offers a fresh start.
async function stopIfGone() {
  if (root.dataset.state !== "running") return;
  const stored = await outbox.getObservation(session.observation.id);
  if (stored || root.dataset.state !== "running") return; // still there, or already stopped
  clearInterval(ticker);
  wakeLock?.release?.();
  setState("deleted");
  enable(false);
  rec.shout("This observation was deleted on another device, so taps here are not kept. ");
  const again = document.createElement("a");
  again.href = location.pathname;
  again.textContent = "Start a new observation";
  $("capture-alert").append(again);
}

async function synced(id) {
  const stored = await outbox.getObservation(id);
  const events = await outbox.eventsOf(id);
  return stored?.pending === 0 && events.every((e) => e.pending === 0);
}

async function begin() {
  const open = await outbox.openObservationFor(config.cycle_id);
  if (!open) {
    ready();
    return;
  }
  session.observation = open;
  session.startedMs = Date.parse(open.started_at);
  rec.resume(await outbox.eventsOf(open.id));
  $("last-action").textContent = `Resumed the observation started at ${new Date(session.startedMs).toLocaleTimeString()}`;
  run();
}

// A tap goes to the control of the look-for it is in, whatever its kind.
$("tap-grid").addEventListener("click", (event) => {
  const button = event.target.closest("button");
  const cell = button?.closest("[data-lookfor-id]");
  if (cell && !button.disabled) rec.tap(Number(cell.dataset.lookforId), button);
});
startButton.addEventListener("click", start);
$("note-button").addEventListener("click", () => rec.openNote(null));
$("undo-button").addEventListener("click", rec.undo);
$("end-button").addEventListener("click", () => {
  endDialog.returnValue = "";
  endDialog.showModal();
});
endDialog.addEventListener("close", () => { if (endDialog.returnValue === "end") end(); });
const notePanel = $("note-panel");
const noteText = $("note-text");
notePanel.addEventListener("submit", (event) => { event.preventDefault(); rec.saveNote(); });
noteText.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); rec.saveNote(); }
});
$("cancel-note").addEventListener("click", rec.cancelNote);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && root.dataset.state === "running") keepAwake();
});
outbox.onChange(async (remote) => {
  if (!remote) return;
  // Another tab pressed Start for this cycle: record into the same observation, not a second.
  if (root.dataset.state === "ready") {
    if (await outbox.openObservationFor(config.cycle_id)) await begin();
    return;
  }
  if (root.dataset.state !== "running") return;
  const stored = await outbox.getObservation(session.observation.id);
  if (!stored) {
    await stopIfGone();
  } else if (stored.ended_at) {
    session.observation.ended_at = stored.ended_at;
    await showEnded();
  }
});

onState((state) => { if (state.kind !== "syncing") stopIfGone(); });

begin().catch((error) => rec.shout(`This device could not open its storage (${error?.name}). Capture cannot start.`));
