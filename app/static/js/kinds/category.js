// Category: one button per category, grouped under the look-for's label; a tap records one
// occurrence of that category ({"category": name}), counted like a tally.
import { clock, h } from "../recorder.js";

export function mount(lf, rec) {
  const counts = new Map();
  const figures = new Map();
  const buttons = lf.config.categories.map((name) => {
    const figure = h("span", { className: "tap-count" }, "0");
    figures.set(name, figure);
    counts.set(name, 0);
    const button = h("button", { type: "button", className: "tap", disabled: true },
      h("span", { className: "tap-label" }, name), " ", figure);
    button.dataset.category = name;
    return button;
  });
  // A fieldset: a group named by its legend, the look-for's label.
  const el = h("fieldset", { className: `tap-group colour-${lf.colour}` },
    h("legend", { className: "group-label" }, lf.label), ...buttons);
  const bump = (event, sign) => {
    const name = event.data?.category;
    if (!counts.has(name)) return;
    counts.set(name, counts.get(name) + sign * event.count);
    figures.get(name).textContent = String(counts.get(name));
  };
  return {
    el,
    tap(button) {
      const category = button.dataset.category;
      if (!category) return;
      const event = rec.newEvent(lf.id, { data: { category } });
      rec.record(event, `${category} (${lf.label}) at ${clock(event.offset_ms)}`);
    },
    add: (event) => bump(event, 1),
    remove: (event) => bump(event, -1),
    count: () => [...counts.values()].reduce((a, b) => a + b, 0),
  };
}
