// "Not accepted": what the server refused MAX_REJECTIONS times, no longer sent, for the coach
// to read, export and discard (after a confirmation). Loaded only once there is such a change.
import * as outbox from "./outbox.js";

const mmss = (ms) => {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};
const plural = (n) => (n === 1 ? "1 change" : `${n} changes`);

// What the coach recorded, in words: enough to recognise it before exporting or discarding.
function describe(record) {
  if (record.cycle_id !== undefined) {
    return `Observation started ${new Date(record.started_at).toLocaleString()}`;
  }
  const what = record.note ? `Note “${record.note}”` : record.deleted ? "An undo" : "A tap";
  return `${what} at ${mmss(record.offset_ms)}`;
}

const HTML = `<h2 id="not-accepted-heading">Not accepted</h2>
  <p>The server refused these changes ${outbox.MAX_REJECTIONS} times, so they are no longer
    sent. Export them to keep a copy, then discard them.</p>
  <ul id="not-accepted-list"></ul>
  <div class="row-actions">
    <button type="button" class="secondary" id="export-not-accepted">Export not accepted</button>
    <button type="button" class="secondary" id="discard-not-accepted">Discard not accepted</button>
  </div>
  <dialog id="discard-dialog" aria-labelledby="discard-heading">
    <article>
      <h2 id="discard-heading">Discard what was not accepted?</h2>
      <p id="discard-count"></p>
      <form method="dialog" class="row-actions">
        <button value="discard" class="contrast">Discard</button>
        <button value="keep" class="secondary" autofocus>Keep them</button>
      </form>
    </article>
  </dialog>`;

// The section at the top of the page's content (out of the capture screen's header row).
export function mount(download) {
  const section = document.createElement("section");
  section.id = "not-accepted";
  section.className = "not-accepted";
  section.hidden = true;
  section.setAttribute("aria-labelledby", "not-accepted-heading");
  section.innerHTML = HTML;
  (document.querySelector("main") || document.body).prepend(section);
  const $ = (id) => section.querySelector(`#${id}`);
  $("export-not-accepted").addEventListener("click",
    async () => download(await outbox.notAccepted(), "not-accepted"));
  const dialog = $("discard-dialog");
  $("discard-not-accepted").addEventListener("click", async () => {
    $("discard-count").textContent = `${plural(await outbox.notAcceptedCount())} will be `
      + "deleted from this device for good. Export them first if you may need them.";
    dialog.returnValue = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "discard") outbox.discardNotAccepted();
  });
  return {
    async show(refused) {
      const { observations, events } = refused ? await outbox.notAccepted()
        : { observations: [], events: [] };
      $("not-accepted-list").replaceChildren(...[...observations, ...events].map((r) => {
        const item = document.createElement("li");
        item.textContent = `${describe(r)}: ${r.error}`;
        return item;
      }));
      section.hidden = refused === 0;
    },
  };
}
