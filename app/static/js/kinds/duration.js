// Duration: a chess clock across every duration look-for. A tap starts this one (stopping the
// one running, if any); a tap on the running one stops it. The running event is stored at once
// with no duration_ms, then versioned with it when stopped.
import { clock, counter } from "../recorder.js";

let running = null;
const paints = new Set();
const paintAll = () => { for (const paint of paints) paint(); };

export function mount(lf, rec) {
  const control = counter(lf);
  const { button } = control;
  const paint = () => button.setAttribute("aria-pressed", String(running?.lookfor_id === lf.id));
  paints.add(paint);
  paint();

  function stop(at) {
    const event = running;
    running = null;
    paintAll();
    return { event, changes: { duration_ms: Math.max(0, at - event.offset_ms) },
      back: () => { running = event; paintAll(); } };
  }

  return {
    ...control,
    add(event) {
      control.add(event);
      if (event.duration_ms == null) { running = event; paintAll(); }
    },
    remove(event) {
      control.remove(event);
      if (running === event) { running = null; paintAll(); }
    },
    tap() {
      const at = rec.offsetNow();
      const mine = running?.lookfor_id === lf.id;
      if (running) {
        const { event, changes, back } = stop(at);
        rec.update(event, changes, back);
      }
      if (mine) {
        rec.say(`${lf.label} stopped at ${clock(at)}`);
        return;
      }
      rec.record(rec.newEvent(lf.id, { offset_ms: at }), `${lf.label} started at ${clock(at)}`);
    },
    finish(at) {
      if (running?.lookfor_id !== lf.id) return null;
      const { event, changes, back } = stop(at);
      const restore = rec.change(event, changes);
      return { events: [event], restore: () => { restore(); back(); } };
    },
  };
}
