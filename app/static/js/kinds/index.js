// The client's registry of observation kinds: a kind's name -> its module. A cycle's capture
// screen loads only the kinds it uses. Each module exports mount(lookfor, api), which renders
// the look-for's controls and returns its control: { el, tap(button), add(event),
// remove(event), count(), and optionally tick(offset), finish(offset), undo(event) }.
const KINDS = {
  tally: () => import("./tally.js"),
  duration: () => import("./duration.js"),
  note: () => import("./note.js"),
  category: () => import("./category.js"),
  scan: () => import("./scan.js"),
  interval: () => import("./interval.js"),
  timer: () => import("./timer.js"),
  seatmap: () => import("./seatmap.js"),
};

export async function load(names) {
  const wanted = [...new Set(names)].filter((name) => Object.hasOwn(KINDS, name));
  const modules = await Promise.all(wanted.map((name) => KINDS[name]()));
  return Object.fromEntries(wanted.map((name, i) => [name, modules[i]]));
}
