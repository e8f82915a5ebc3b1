// Interval: the lesson cut into fixed intervals from the start (COPUS: 2 minutes); the coach
// ticks each code seen in the current one. One record per interval: written at its first
// change (full length), versioned at each later change, {"codes": []} when it closes untouched
// (also for intervals that passed while the screen was away or asleep, as the observation ran
// on), and cut to its real length when the observation ends inside it. Undo puts back the
// codes before the last toggle (a new version), so a record is never deleted.
import { clock, h, setText } from "../recorder.js";

export function mount(lf, rec) {
  const length = lf.config.interval_s * 1000;
  const codes = lf.config.codes.map((c) => c.code);
  const records = new Map(); // interval index -> its live record
  let closed = 0;            // intervals before this one have a record (or one is being written)
  let current = -1;          // the interval the toggles show

  const head = h("h2", { id: `interval-${lf.id}` }, lf.label);
  const number = h("b", {}, "1");
  const left = h("span", {}, clock(length));
  const toggles = lf.config.codes.map(({ code, label }) => {
    const button = h("button", { type: "button", className: "toggle", disabled: true, "aria-pressed": "false" },
      h("b", {}, code), ...(label && label !== code ? [" ", h("span", {}, label)] : []));
    button.dataset.code = code;
    return button;
  });
  const past = h("ol", { className: "interval-past", tabIndex: 0, "aria-label": `${lf.label}: past intervals` });
  const el = h("section", { className: `interval-panel colour-${lf.colour}`, "aria-labelledby": head.id },
    head, h("p", { className: "interval-now" }, "Interval ", number, " · ", left, " left"),
    h("div", { className: "interval-codes" }, ...toggles), past);

  const indexOf = (event) => Math.round(event.offset_ms / length);
  // The same interval of a look-for always has the same id (the observation's, marked as a
  // version-8 UUID, ending in the look-for and the interval): two tabs or a reload never make
  // two records of one interval, and a v4 id from uuid() can never be one of these.
  const idOf = (index) => {
    const o = rec.session.observation.id;
    return `${o.slice(0, 14)}8${o.slice(15, 24)}${(lf.id * 16384 + index).toString(16).padStart(12, "0")}`;
  };
  const codesOf = (index) => records.get(index)?.data.codes ?? [];
  const empty = (index, ms) => rec.newEvent(lf.id, {
    id: idOf(index), offset_ms: index * length, duration_ms: ms, data: { codes: [] }, seq: 0, history: [] });

  function paintToggles() {
    const on = codesOf(current);
    for (const button of toggles) button.setAttribute("aria-pressed", String(on.includes(button.dataset.code)));
  }
  // Drawn once after a burst of changes (a resume adds every record in one go).
  let pastQueued = false;
  function paintPast() {
    if (pastQueued) return;
    pastQueued = true;
    queueMicrotask(() => {
      pastQueued = false;
      const items = [];
      for (let i = current - 1; i >= 0; i -= 1) {
        items.push(h("li", {}, `Interval ${i + 1}: ${codesOf(i).join(", ") || "nothing ticked"}`));
      }
      past.replaceChildren(...items);
      past.hidden = items.length === 0;
    });
  }

  function tick(at) {
    const index = Math.floor(at / length);
    for (; closed < index; closed += 1) if (!records.has(closed)) rec.record(empty(closed, length), null, "new");
    if (index !== current) {
      current = index;
      number.textContent = String(index + 1);
      paintToggles();
      paintPast();
    }
    setText(left, clock((index + 1) * length - at));
  }

  function paint(event) {
    if (indexOf(event) === current) paintToggles();
    else paintPast();
  }

  return {
    el,
    tick,
    tap(button) {
      const code = button.dataset.code;
      if (!code) return;
      const at = rec.offsetNow();
      tick(at); // a boundary just passed: the toggle belongs to the new interval
      const event = records.get(current);
      const before = codesOf(current);
      const next = codes.filter((c) => (c === code) !== before.includes(c));
      const said = `${lf.label}: ${code} ${next.includes(code) ? "on" : "off"} in interval ${current + 1}`;
      if (event) {
        rec.update(event, { data: { codes: next }, seq: rec.nextSeq(),
          history: [...event.history, { codes: before, seq: event.seq }] }, () => paint(event),
        paintToggles);
        rec.say(said);
      } else {
        rec.record({ ...empty(current, length), data: { codes: next }, seq: rec.nextSeq(),
          history: [{ codes: [], seq: 0 }] }, said);
      }
    },
    undo(event) {
      const { codes: back, seq } = event.history.at(-1);
      rec.update(event, { data: { codes: back }, seq, history: event.history.slice(0, -1) }, () => paint(event));
      paint(event);
      return `${lf.label} interval ${indexOf(event) + 1}: ${back.join(", ") || "nothing ticked"}`;
    },
    add(event) {
      event.history ??= [];
      records.set(indexOf(event), event);
      paint(event);
    },
    remove(event) {
      const index = indexOf(event);
      if (records.get(index) !== event) return;
      records.delete(index);
      closed = Math.min(closed, index); // a close that failed to write is tried again
      paint(event);
    },
    finish(at) {
      const index = Math.floor(at / length);
      const cut = at - index * length;
      const made = [];
      for (let i = closed; i < index; i += 1) if (!records.has(i)) made.push(empty(i, length));
      const event = records.get(index);
      let restore = () => {};
      if (event) restore = rec.change(event, { duration_ms: Math.max(1, cut) });
      else if (cut > 0) made.push(empty(index, cut));
      for (const e of made) records.set(indexOf(e), e);
      return { events: [...made, ...(event ? [event] : [])],
        restore: () => { restore(); for (const e of made) records.delete(indexOf(e)); } };
    },
    count: () => records.size,
  };
}
