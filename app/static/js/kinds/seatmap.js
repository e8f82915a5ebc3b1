// Participation map: the seat chart fills the screen, one button per seat (its label and
// count). A tap is one contribution {"seat", "codes"} with the code chips selected now; the
// chips stay selected until changed (EQUIP's sticky toggles). In "Absent" mode a tap marks a
// seat absent {"seat", "absent": true}, and a tap on an absent seat takes the absence back
// (its tombstone). As on the server, a seat that contributed counts as present. After a
// reload the counts and absences come back; the chips and the mode start cleared, so a code
// is never attached to taps without the coach having chosen it on this screen.
import { clock, h, setText } from "../recorder.js";

const said = (n) => (n === 1 ? "1 contribution" : n + " contributions");

export function mount(lf, rec) {
  const { seats = [], codes = [] } = lf.config;
  const counts = new Map();   // seat id -> live contributions
  const absences = new Map(); // seat id -> its live absence events
  const buttons = new Map();  // seat id -> [button, name, figure]
  const selected = new Set();
  let absentMode = false;

  const head = h("h2", { id: `seatmap-${lf.id}` }, lf.label);
  const now = h("span");
  const chips = codes.map(({ code, label }) => {
    const chip = h("button", { type: "button", className: "toggle", disabled: true, "aria-pressed": "false" },
      h("b", {}, code), ...(label && label !== code ? [" ", h("span", {}, label)] : []));
    chip.dataset.code = code;
    return chip;
  });
  const absent = h("button", { type: "button", className: "toggle absent-toggle", disabled: true,
    "aria-pressed": "false" }, "Absent");
  const rows = Math.max(1, ...seats.map((s) => s.row));
  const cols = Math.max(1, ...seats.map((s) => s.col));
  const cells = Array.from({ length: rows * cols }, () => h("span"));
  for (const seat of seats) {
    const name = seat.label || seat.id;
    const figure = h("b", {}, "0");
    const button = h("button", { type: "button", className: "seat", disabled: true },
      h("span", {}, name), " ", figure);
    button.dataset.seat = seat.id;
    buttons.set(seat.id, [button, name, figure]);
    counts.set(seat.id, 0);
    absences.set(seat.id, new Set());
    cells[(seat.row - 1) * cols + seat.col - 1] = button;
  }
  const grid = h("div", { className: "seat-grid" }, ...cells);
  grid.style.setProperty("--cols", cols);
  grid.style.setProperty("--rows", rows);
  const el = h("section", { className: `seatmap-panel colour-${lf.colour}`, "aria-labelledby": head.id },
    h("p", { className: "seatmap-head" }, head, now),
    h("div", { className: "seat-codes" }, ...chips, absent), h("div", { className: "seat-box" }, grid));

  const away = (id) => absences.get(id).size > 0 && counts.get(id) === 0;
  function paint(id) {
    const [button, name, figure] = buttons.get(id);
    const n = counts.get(id);
    const gone = away(id);
    setText(figure, gone ? "absent" : String(n));
    button.setAttribute("aria-label", "Seat " + name + ", " + (gone ? "absent" : said(n)));
    button.classList.toggle("absent", gone);
    button.classList.toggle("spoke", n > 0);
  }
  // The live figure: of the seats present (not absent), how many have contributed.
  function total() {
    let present = 0;
    let spoken = 0;
    for (const [seat, n] of counts) {
      if (!away(seat)) present += 1;
      if (n) spoken += 1;
    }
    setText(now, `${spoken} of ${present} ${spoken === 1 ? "has" : "have"} spoken`);
  }
  const bump = (event, sign) => {
    const { seat, absent: gone } = event.data || {};
    if (!counts.has(seat)) return;
    if (gone) absences.get(seat)[sign > 0 ? "add" : "delete"](event);
    else counts.set(seat, counts.get(seat) + sign * event.count);
    paint(seat);
    total();
  };
  const describe = (event) => {
    const { seat, absent: gone, codes: coded = [] } = event.data;
    return [`${lf.label}: ${buttons.get(seat)[1]}`, ...(gone ? ["absent"] : coded)].join(" ")
      + " at " + clock(event.offset_ms);
  };
  for (const id of buttons.keys()) paint(id);
  total();

  function tapSeat(id) {
    const name = buttons.get(id)[1];
    if (!absentMode) {
      const event = rec.newEvent(lf.id, { data: { seat: id, codes: codes.map((c) => c.code).filter((c) => selected.has(c)) } });
      rec.record(event, describe(event));
    } else if (absences.get(id).size) {
      for (const event of [...absences.get(id)]) rec.tombstone(event);
      rec.say(`${lf.label}: ${name} present`);
    } else if (counts.get(id)) {
      rec.say(`${lf.label}: ${name} has contributed, so is present`);
    } else {
      const event = rec.newEvent(lf.id, { data: { seat: id, absent: true } });
      rec.record(event, describe(event));
    }
  }

  return {
    el,
    tap(button) {
      const { seat, code } = button.dataset;
      if (seat) tapSeat(seat);
      else if (code) {
        if (!selected.delete(code)) selected.add(code);
        button.setAttribute("aria-pressed", String(selected.has(code)));
      } else if (button === absent) {
        absentMode = !absentMode;
        absent.setAttribute("aria-pressed", String(absentMode));
        el.classList.toggle("absent-mode", absentMode);
        rec.say(absentMode ? `${lf.label}: tap the seats of absent students (again: present)`
          : `${lf.label}: a tap counts a contribution`);
      }
    },
    undo(event) {
      rec.tombstone(event);
      return describe(event);
    },
    add: (event) => bump(event, 1),
    remove: (event) => bump(event, -1),
    count: () => [...counts.values()].reduce((a, b) => a + b, 0),
  };
}
