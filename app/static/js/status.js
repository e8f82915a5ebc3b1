// The sync status line on every page: "All changes synced", "N changes waiting to sync" or
// "Sign in again to sync", plus rejected items with their reasons and "Export unsynced".
import * as outbox from "./outbox.js";
import { currentState, onState } from "./sync.js";

function plural(n) { return n === 1 ? "1 change" : `${n} changes`; }

export function statusText(count, state) {
  if (state.kind === "signin") return "Sign in again to sync";
  if (count === 0) return "All changes synced";
  return `${plural(count)} waiting to sync`;
}

async function exportUnsynced() {
  const queued = await outbox.pending();
  const blob = new Blob([JSON.stringify(queued, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `lookfor-unsynced-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

export function mountStatus() {
  const status = document.getElementById("sync-status");
  if (!status) return;
  const tools = document.createElement("div");
  tools.className = "sync-tools";
  tools.hidden = true;
  tools.innerHTML = `<button type="button" class="secondary" id="export-unsynced">Export unsynced</button>
    <a id="sync-signin" hidden>Sign in</a><ul id="sync-problems"></ul>`;
  status.after(tools);
  tools.querySelector("#export-unsynced").addEventListener("click", exportUnsynced);
  const signin = tools.querySelector("#sync-signin");
  signin.href = `/login?next=${encodeURIComponent(location.pathname)}`;

  // One refresh at a time; a change that lands during one (another tab's write can commit
  // after our read began) runs one more, so the line never stays on a stale count. A refresh
  // counts with an index (cheap, whatever the backlog); it reads the rejected records only on
  // load and when a sync reported some, so a burst of taps never waits on it.
  let refreshing = null;
  let again = false;
  let problems = [];
  let loadProblems = true;
  const refresh = () => {
    if (refreshing) { again = true; return; }
    refreshing = (async () => {
      try {
        const state = currentState();
        const count = await outbox.pendingCount();
        if (loadProblems || state.kind === "rejected") problems = await outbox.rejected();
        if (count === 0) problems = [];
        loadProblems = false;
        status.textContent = statusText(count, state);
        status.dataset.state = state.kind === "signin" ? "signin"
          : problems.length ? "rejected" : count ? "waiting" : "synced";
        tools.hidden = count === 0 && state.kind !== "signin";
        signin.hidden = state.kind !== "signin";
        tools.querySelector("#sync-problems").replaceChildren(...problems.map((r) => {
          const item = document.createElement("li");
          item.textContent = `Not accepted: ${r.note || r.id} (${r.error})`;
          return item;
        }));
      } finally {
        refreshing = null;
        if (again) { again = false; refresh(); }
      }
    })();
  };
  outbox.onChange(refresh);
  onState(refresh);
}
