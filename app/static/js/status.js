// The sync status line on every page: "All changes synced", "N changes waiting to sync",
// "N changes not accepted" or "Sign in again to sync", with "Export unsynced" (the signed-in
// coach's own changes only; see outbox.js) and, when there are some, the "Not accepted" list.
import * as outbox from "./outbox.js";
import { currentState, onState } from "./sync.js";

function plural(n) { return n === 1 ? "1 change" : `${n} changes`; }

export function statusText(count, state, refused = 0) {
  if (state.kind === "signin") return "Sign in again to sync";
  if (count) return `${plural(count)} waiting to sync`;
  if (refused) return `${plural(refused)} not accepted`;
  return "All changes synced";
}

function download(records, name) {
  const blob = new Blob([JSON.stringify(records, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `lookfor-${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
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
    <a id="sync-signin" hidden>Sign in</a>`;
  status.after(tools);
  tools.querySelector("#export-unsynced").addEventListener("click",
    async () => download(await outbox.unsynced(), "unsynced"));
  const signin = tools.querySelector("#sync-signin");
  signin.href = `/login?next=${encodeURIComponent(location.pathname)}`;
  let notAccepted = null; // the list's module, loaded the first time it has something to show

  // One refresh at a time; a change that lands during one (another tab's write can commit
  // after our read began) runs one more, so the line never stays on a stale count. Counting
  // uses an index, so a burst of taps never waits on reading records.
  let refreshing = null;
  let again = false;
  const refresh = () => {
    if (refreshing) { again = true; return; }
    refreshing = (async () => {
      try {
        const state = currentState();
        const [count, refused] = await Promise.all([
          outbox.pendingCount(), outbox.notAcceptedCount()]);
        status.textContent = statusText(count, state, refused);
        status.dataset.state = state.kind === "signin" ? "signin"
          : count ? (state.kind === "rejected" ? "rejected" : "waiting")
            : refused ? "rejected" : "synced";
        tools.hidden = count === 0 && refused === 0 && state.kind !== "signin";
        signin.hidden = state.kind !== "signin";
        if (refused || notAccepted) {
          notAccepted ??= import("./not-accepted.js").then((m) => m.mount(download));
          await (await notAccepted).show(refused);
        }
      } finally {
        refreshing = null;
        if (again) { again = false; refresh(); }
      }
    })();
  };
  outbox.onChange(refresh);
  onState(refresh);
}
