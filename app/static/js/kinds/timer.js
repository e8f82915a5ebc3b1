// Timer: a stopwatch for short spans (wait time). A tap starts it, the next stops it; timers
// run alongside durations. A running timer is kept on the device as a draft (a reload restores
// it) and is sent once stopped, as an event with the span in duration_ms.
import { clock, tapButton } from "../recorder.js";

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

export function mount(lf, rec) {
  const threshold = lf.config.threshold_s;
  const control = tapButton(lf, "");
  const { button, figure, more } = control;
  const spans = new Set(); // live stopped timings
  let running = null;
  let last = null;

  function paint() {
    button.setAttribute("aria-pressed", String(running !== null));
    figure.textContent = last ? seconds(last.duration_ms) : "";
    const all = [...spans].map((e) => e.duration_ms);
    more.textContent = threshold == null ? `${all.length} timed`
      : `${all.filter((ms) => ms >= threshold * 1000).length} of ${all.length} at ${threshold} s or more`;
  }
  const latest = () => [...spans].reduce((a, e) => (!a || e.seq > a.seq ? e : a), null);
  paint();

  function stop(at) {
    const event = running;
    running = null;
    return { event, changes: { duration_ms: Math.max(0, at - event.offset_ms) } };
  }
  const stopped = (event) => { spans.add(event); last = event; paint(); };
  const back = (event) => { spans.delete(event); running = event; last = latest(); paint(); };

  return {
    el: button,
    add(event) {
      if (event.duration_ms == null) running = event;
      else { spans.add(event); last = latest(); }
      paint();
    },
    remove(event) {
      if (running === event) running = null;
      spans.delete(event);
      last = latest();
      paint();
    },
    tap() {
      if (!running) {
        running = rec.newEvent(lf.id);
        rec.record(running, `${lf.label} started at ${clock(running.offset_ms)}`, "draft");
        return;
      }
      const { event, changes } = stop(rec.offsetNow());
      rec.update(event, changes, () => back(event), () => stopped(event));
      rec.say(`${lf.label}: ${seconds(event.duration_ms)}`);
    },
    finish(at) {
      if (!running) return null;
      const { event, changes } = stop(at);
      const restore = rec.change(event, changes);
      stopped(event);
      return { events: [event], restore: () => { restore(); back(event); } };
    },
    count: () => spans.size,
  };
}
