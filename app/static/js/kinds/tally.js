// Tally: one tap, one occurrence.
import { counter } from "../recorder.js";

export function mount(lf, rec) {
  return { ...counter(lf), tap: () => rec.record(rec.newEvent(lf.id)) };
}
