// Scan: a momentary time sample. "<label>" opens a one-hand pad: the class size N (from the
// config, − and + for absences) and the students NOT on task (counting the few is faster).
// "All on task" records {on: N, of: N} in one tap; "Record scan" records {on: N − not, of: N}.
// The button shows the last scan's %; with every_s, "Scan due" (and a buzz) once it is time.
// The pad is a dialog opened with show(), marked aria-modal and keeping Tab and Escape to
// itself: a modal showModal() makes the rest of the page inert, and opening or closing it
// restyled the whole screen (10 ms on a mid phone) while the coach waited for the tap.
import { clock, h, setText, tapButton } from "../recorder.js";

const percent = (data) => `${Math.round((100 * data.on) / data.of)}%`;

export function mount(lf, rec) {
  const every = (lf.config.every_s || 0) * 1000;
  const control = tapButton(lf, "");
  const { button, figure, more } = control;
  const scans = new Set();
  let present = lf.config.of; // adjusted for absences, kept for the next scans
  let off = 0;
  let stamp = null;           // when the pad opened: the moment scanned
  let buzzed = -1;            // the scan (its offset) after which the reminder already buzzed

  const pad = h("dialog", { className: "scan-pad", "aria-labelledby": `scan-${lf.id}`, "aria-modal": "true" });
  pad.innerHTML = `<article><h2 id="scan-${lf.id}"></h2>
<p class="pad-row"><span>Present</span><button type="button" data-of="-1" aria-label="One fewer present">−</button><output></output><button type="button" data-of="1" aria-label="One more present">+</button></p>
<p class="pad-row"><span>Not on task</span><button type="button" data-off="-1" aria-label="One fewer not on task">−</button><output></output><button type="button" data-off="1" aria-label="One more not on task">+</button></p>
<p class="pad-sum"></p>
<div class="pad-actions"><button type="button" data-act="record">Record scan</button><button type="button" class="secondary" data-act="cancel">Cancel</button><button type="button" data-act="all" autofocus>All on task</button></div></article>`;
  pad.querySelector("h2").textContent = `${lf.label}: scan`;
  const [presentOut, offOut] = pad.querySelectorAll("output");
  const sum = pad.querySelector(".pad-sum");
  const el = h("div", { className: "tap-cell" }, button, pad);

  const last = () => [...scans].reduce((a, e) => (!a || e.seq > a.seq ? e : a), null);
  const since = () => last()?.offset_ms ?? 0;
  function paint() {
    const scan = last();
    figure.textContent = scan ? percent(scan.data) : "";
    setText(presentOut, String(present));
    setText(offOut, String(off));
    setText(sum, `On task: ${present - off} of ${present}`);
  }
  // Focus goes back to the button first, so closing has no focus to restore (a layout).
  function close() {
    button.focus({ preventScroll: true });
    pad.close();
  }
  pad.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
    else if (event.key === "Tab") { // round the pad's buttons, never to the page behind it
      const all = [...pad.querySelectorAll("button")];
      all.at((all.indexOf(document.activeElement) + (event.shiftKey ? -1 : 1)) % all.length).focus();
    } else return;
    event.preventDefault();
  });
  function due(at) {
    const now = every > 0 && at - since() >= every;
    setText(more, now ? "Scan due" : "");
    button.classList.toggle("due", now);
    if (now && buzzed !== since()) {
      buzzed = since();
      navigator.vibrate?.([80, 60, 80]);
    }
  }
  paint();

  // The pad closes first, then the figure changes and the scan is written: one task, so one
  // frame shows both, and neither waits for the write's own work.
  function save(on) {
    close();
    const event = rec.newEvent(lf.id, { ...stamp, data: { on, of: present } });
    rec.record(event, `${lf.label}: ${on} of ${present} at ${clock(event.offset_ms)}`);
    due(rec.offsetNow());
  }

  return {
    el,
    tap(target) {
      const d = target.dataset;
      if (target === button) {
        stamp = { offset_ms: rec.offsetNow(), recorded_at: new Date().toISOString() };
        off = 0;
        paint();
        pad.show();
        return;
      }
      if (d.act === "all") save(present);
      else if (d.act === "record") save(present - off);
      else if (d.act) close();
      else if (d.of) {
        present = Math.min(200, Math.max(1, present + Number(d.of)));
        off = Math.min(off, present);
      } else if (d.off) off = Math.min(present, Math.max(0, off + Number(d.off)));
      if (!d.act) paint(); // a save's figure is painted as it is recorded
    },
    add(event) {
      scans.add(event);
      if (last() === event) present = event.data.of;
      paint();
    },
    remove(event) { scans.delete(event); paint(); },
    tick: due,
    count: () => scans.size,
  };
}
