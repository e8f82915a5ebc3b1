// The participation map's grid editor on the cycle page (cycle.js starts it on the map's
// config partial; the capture screen never loads it). It replaces the "Seats" lines with a
// grid of up to 10×10 cells: tap an empty cell to place a seat, tap a seat to edit its label
// and groups, tap it again to remove it. The whole map goes to the server as JSON in the
// hidden "map" field, rewritten on every change; the server checks it (parse_config).
// Recorded events name seats by id, so a seat keeps its id, and a new one takes the next "sN".

const MAX_SIDE = 10;
const DEFAULT_SIDE = 6;
const MAX_LABEL = 8;
const CODE_LINE = /^\s*(\S+)\s*[=:]\s*(.*?)\s*$/;

function nonEmptyLines(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean);
}

// "Language: EL, non-EL" → { name: "Language", values: ["EL", "non-EL"] }
export function readDimensions(text) {
  return nonEmptyLines(text).map((line) => {
    const [name, values = ""] = line.split(/:(.*)/s);
    return { name: name.trim(), values: values.split(",").map((v) => v.trim()).filter(Boolean) };
  });
}

// As the server reads them: "CODE = meaning" or "CODE: meaning", else the line is the code.
export function readCodes(text) {
  return nonEmptyLines(text).map((line) => {
    const match = CODE_LINE.exec(line);
    const [code, label] = match ? [match[1], match[2]] : [line, ""];
    return { code, label: label || code };
  });
}

function loadSeats(sent) {
  let map;
  try {
    map = JSON.parse(sent || "{}");
  } catch {
    return [];
  }
  const inside = (n) => Number.isInteger(n) && n >= 1 && n <= MAX_SIDE;
  return (Array.isArray(map?.seats) ? map.seats : [])
    .filter((s) => s && typeof s.id === "string" && inside(s.row) && inside(s.col))
    .map((s) => ({
      id: s.id, row: s.row, col: s.col,
      label: typeof s.label === "string" ? s.label : "",
      groups: s.groups && typeof s.groups === "object" ? { ...s.groups } : {},
    }));
}

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key in node && !key.includes("-")) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function sideSelect(id, label, value) {
  const select = element("select", { id });
  for (let n = 1; n <= MAX_SIDE; n += 1) select.append(element("option", { value: n, text: n }));
  select.value = String(value);
  return [element("label", { htmlFor: id, text: label }), select];
}

export function start(mount) {
  const form = mount.closest("form");
  const prefix = mount.dataset.prefix;
  const field = (name) => form.querySelector(`[name="${prefix}-${name}"]`);
  const mapField = field("map");
  const dimsField = field("dimensions");
  const codesField = field("codes");
  const lines = mount.parentElement.querySelector(".seatmap-lines");
  const id = (name) => `${prefix}-seatmap-${name}`;

  let seats = loadSeats(mount.dataset.map);
  const removed = new Map(); // "row,col" → a seat removed while editing, put back if re-placed
  let selected = null;
  let dims = readDimensions(dimsField.value);
  let rows = Math.max(0, ...seats.map((s) => s.row)) || DEFAULT_SIDE;
  let cols = Math.max(0, ...seats.map((s) => s.col)) || DEFAULT_SIDE;
  let focusRow = 1;
  let focusCol = 1;
  const number = (seatId) => Number((/^s([1-9][0-9]*)$/.exec(seatId) || [])[1] || 0);
  let next = 1 + Math.max(0, ...seats.map((s) => number(s.id)));

  const [rowsLabel, rowsSelect] = sideSelect(id("rows"), "Rows", rows);
  const [colsLabel, colsSelect] = sideSelect(id("cols"), "Columns", cols);
  const hint = element("small", {
    id: id("hint"),
    text: "Tap an empty cell to place a seat; tap a seat to edit it, and tap it again to remove it.",
  });
  const status = element("p", { className: "seatmap-status", role: "status" });
  const grid = element("div", {
    className: "seatmap-grid", role: "group", "aria-label": "Seating chart",
    "aria-describedby": id("hint"),
  });
  const panel = element("div", { className: "seat-fields" });
  mount.append(
    element("div", { className: "seatmap-size" },
      element("div", {}, rowsLabel, rowsSelect), element("div", {}, colsLabel, colsSelect)),
    hint, status, element("div", { className: "seatmap-grid-box" }, grid), panel,
  );

  const at = (row, col) => seats.find((s) => s.row === row && s.col === col);
  const named = (seat) => seat.label || seat.id;
  const place = (row, col) => `Row ${row}, seat ${col}`;

  function write() {
    // The names as typed so far: a dimension added but not yet left is sent too.
    const listed = readDimensions(dimsField.value).map((d) => d.name);
    const ordered = [...seats].sort((a, b) => a.row - b.row || a.col - b.col);
    mapField.value = JSON.stringify({
      seats: ordered.map((s) => ({
        id: s.id, label: s.label.trim(), row: s.row, col: s.col,
        groups: Object.fromEntries(Object.entries(s.groups)
          .filter(([d, v]) => listed.includes(d) && v)),
      })),
      dimensions: listed,
      codes: readCodes(codesField.value),
    });
  }

  function say(message) {
    status.textContent = message;
  }

  function drawCells() {
    grid.style.setProperty("--cols", cols);
    grid.replaceChildren();
    for (let row = 1; row <= rows; row += 1) {
      for (let col = 1; col <= cols; col += 1) {
        grid.append(element("button", {
          type: "button", className: "seat-cell", "data-row": row, "data-col": col,
        }));
      }
    }
    focusRow = Math.min(focusRow, rows);
    focusCol = Math.min(focusCol, cols);
    paintCells();
  }

  function paintCells() {
    for (const cell of grid.children) {
      const row = Number(cell.dataset.row);
      const col = Number(cell.dataset.col);
      const seat = at(row, col);
      cell.setAttribute("aria-pressed", seat ? "true" : "false");
      cell.setAttribute("aria-label", `${place(row, col)}: ${seat ? `seat ${named(seat)}` : "empty"}`);
      cell.textContent = seat ? named(seat) : "";
      if (seat && seat.id === selected) cell.setAttribute("aria-current", "true");
      else cell.removeAttribute("aria-current");
      cell.tabIndex = row === focusRow && col === focusCol ? 0 : -1;
    }
  }

  function groupControl(seat, dimension, index) {
    const controlId = id(`dim-${index}`);
    const value = seat.groups[dimension.name] || "";
    const label = element("label", { htmlFor: controlId, text: dimension.name || "(unnamed)" });
    let control;
    if (dimension.values.length) {
      control = element("select", { id: controlId }, element("option", { value: "", text: "(none)" }));
      const values = value && !dimension.values.includes(value)
        ? [...dimension.values, value] : dimension.values;
      for (const v of values) control.append(element("option", { value: v, text: v }));
      control.value = value;
    } else {
      control = element("input", { id: controlId, value, maxLength: 40, autocomplete: "off" });
    }
    control.addEventListener(control.localName === "select" ? "change" : "input", () => {
      const chosen = control.value.trim();
      if (chosen) seat.groups[dimension.name] = chosen;
      else delete seat.groups[dimension.name];
      write();
    });
    return [label, control];
  }

  function drawPanel() {
    const seat = seats.find((s) => s.id === selected);
    if (!seat) {
      panel.replaceChildren(element("p", {}, element("small", {
        text: seats.length ? "Tap a seat to give it a label and groups." : "No seats yet.",
      })));
      return;
    }
    const labelInput = element("input", {
      id: id("label"), value: seat.label, maxLength: MAX_LABEL, autocomplete: "off",
      "aria-describedby": id("label-about"),
    });
    labelInput.addEventListener("input", () => {
      seat.label = labelInput.value.trim();
      paintCells();
      write();
    });
    const remove = element("button", { type: "button", className: "secondary", text: "Remove seat" });
    remove.addEventListener("click", () => {
      const cell = grid.querySelector(`[data-row="${seat.row}"][data-col="${seat.col}"]`);
      removeSeat(seat);
      cell?.focus();
    });
    panel.replaceChildren(element("fieldset", {},
      element("legend", { text: `Seat ${named(seat)} (${place(seat.row, seat.col).toLowerCase()})` }),
      element("label", { htmlFor: id("label"), text: "Seat label" }),
      labelInput,
      element("small", {
        id: id("label-about"),
        text: `Optional, at most ${MAX_LABEL} characters. Initials or a number: names are not needed.`,
      }),
      ...dims.flatMap((dimension, index) => groupControl(seat, dimension, index)),
      remove,
    ));
  }

  function count() {
    say(`${seats.length} ${seats.length === 1 ? "seat" : "seats"}`);
  }

  function removeSeat(seat) {
    seats = seats.filter((s) => s !== seat);
    removed.set(`${seat.row},${seat.col}`, seat);
    if (selected === seat.id) selected = null;
    paintCells();
    drawPanel();
    write();
    say(`Removed seat ${named(seat)}. ${seats.length} seats.`);
  }

  function tap(row, col) {
    focusRow = row;
    focusCol = col;
    const seat = at(row, col);
    if (seat && seat.id === selected) {
      removeSeat(seat);
      return;
    }
    if (seat) {
      selected = seat.id;
    } else {
      // A seat removed from this cell a moment ago comes back as it was (its id too).
      const again = removed.get(`${row},${col}`);
      const fresh = again && !seats.some((s) => s.id === again.id)
        ? again : { id: `s${next}`, label: String(next), row, col, groups: {} };
      if (fresh !== again) next += 1;
      seats.push(fresh);
      selected = fresh.id;
      count();
    }
    paintCells();
    drawPanel();
    write();
  }

  function resize(select, side, which) {
    const wanted = Number(select.value);
    const beyond = seats.filter((s) => s[side] > wanted);
    if (beyond.length) {
      const far = Math.max(...beyond.map((s) => s[side]));
      select.value = String(side === "row" ? rows : cols);
      say(`Seats stand in ${which} ${far}: remove them first, then make the grid smaller.`);
      return;
    }
    if (side === "row") rows = wanted;
    else cols = wanted;
    drawCells();
  }

  // Renamed dimensions and values carry the seats' groups along; a reordered list changes
  // nothing. Only names that are gone, in the same position as a new one, count as renamed.
  function renameGroups(before, after) {
    if (before.length !== after.length) return;
    const oldNames = before.map((d) => d.name);
    const newNames = after.map((d) => d.name);
    const everySeat = [...seats, ...removed.values()];
    before.forEach((old, i) => {
      const now = after[i];
      if (old.name !== now.name && !newNames.includes(old.name) && !oldNames.includes(now.name)) {
        for (const seat of everySeat) {
          if (old.name in seat.groups) {
            seat.groups[now.name] = seat.groups[old.name];
            delete seat.groups[old.name];
          }
        }
      }
      if (old.values.length !== now.values.length) return;
      old.values.forEach((value, j) => {
        const renamed = now.values[j];
        if (value === renamed || now.values.includes(value) || old.values.includes(renamed)) return;
        for (const seat of everySeat) {
          if (seat.groups[now.name] === value) seat.groups[now.name] = renamed;
        }
      });
    });
  }

  grid.addEventListener("click", (event) => {
    const cell = event.target.closest(".seat-cell");
    if (cell) tap(Number(cell.dataset.row), Number(cell.dataset.col));
  });
  // Arrow keys move between cells (one tab stop for the whole grid).
  grid.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    focusRow = Math.min(rows, Math.max(1, focusRow + move[0]));
    focusCol = Math.min(cols, Math.max(1, focusCol + move[1]));
    paintCells();
    grid.querySelector(`[data-row="${focusRow}"][data-col="${focusCol}"]`).focus();
  });
  rowsSelect.addEventListener("change", () => resize(rowsSelect, "row", "row"));
  colsSelect.addEventListener("change", () => resize(colsSelect, "col", "column"));
  dimsField.addEventListener("input", write);
  dimsField.addEventListener("change", () => {
    const after = readDimensions(dimsField.value);
    renameGroups(dims, after);
    dims = after;
    drawPanel();
    write();
  });
  codesField.addEventListener("input", write);

  // The grid takes over from the lines: they are no longer sent, the JSON is.
  const seatLines = lines.querySelector("textarea");
  seatLines.disabled = true;
  lines.hidden = true;
  mount.hidden = false;
  drawCells();
  drawPanel();
  count();
  write();
}
