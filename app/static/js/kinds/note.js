// Note: a tap opens the note panel, stamped at that moment; saving records it.
import { counter } from "../recorder.js";

export function mount(lf, rec) {
  return { ...counter(lf), tap: () => rec.openNote(lf.id) };
}
