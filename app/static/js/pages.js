// What every signed-in page but the capture screen adds (kept off the capture screen, which
// loads as little as it can): on the dashboard, readying the day offline; signing out with
// nothing left behind; and forgetting, on this device, an observation the coach deletes.
import * as outbox from "./outbox.js";

// One page cache per coach, named after them (the service worker uses the same names).
const PAGES_PREFIX = "lookfor-pages";
const MY_PAGES = `${PAGES_PREFIX}-${outbox.me}`;

// Every cached page but `keep`'s: another coach's, or (with no keep) everyone's.
async function dropPages(keep = null) {
  if (!("caches" in self)) return;
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX) && name !== keep) await caches.delete(name);
  }
}

// Cache the dashboard and each open cycle's page and capture screen, so the installed app
// opens on its dashboard (its start URL) and any capture screen opens with no network.
export async function warmCaptureScreens() {
  if (!navigator.onLine || !("caches" in self) || outbox.me === null) return;
  const response = await fetch("/api/v1/cycles", { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const { cycles } = await response.json();
  await dropPages(MY_PAGES);
  const cache = await caches.open(MY_PAGES);
  const urls = ["/", ...cycles.flatMap((c) => [`/cycles/${c.id}`, `/cycles/${c.id}/capture`])];
  const cached = await Promise.all(urls.map(async (url) => {
    const page = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!page.ok || page.redirected) return false;
    await cache.put(url, page);
    return true;
  }));
  // A cycle no longer on the list (closed, or its teacher archived) is not kept offline.
  for (const request of await cache.keys()) {
    if (!urls.includes(new URL(request.url).pathname)) await cache.delete(request);
  }
  document.documentElement.dataset.offlineReady = String(cycles.length);
  // Said on the page, so the coach knows before leaving the Wi-Fi that capture will open.
  const ready = urls.filter((url, i) => cached[i] && url.endsWith("/capture")).length;
  if (ready) {
    const note = document.createElement("p");
    note.id = "offline-ready";
    note.className = "sync-status";
    // No template inside another's ${}: the served copy is minified (see app/pwa/minify.py).
    const screens = ready === 1 ? "1 capture screen works" : `${ready} capture screens work`;
    note.textContent = `Ready for the day: ${screens} offline.`;
    document.querySelector("header.site")?.append(note);
  }
}

// Signing out leaves no page of this coach's in the cache. With nothing unsynced, their
// records go too; unsynced ones stay (the coach is warned), since they cannot be collected
// again, and no one else sees them: they sync when this coach signs in again.
export function guardSignOut() {
  const form = document.querySelector('form[action="/logout"]');
  form?.addEventListener("submit", async (event) => {
    if (form.dataset.confirmed) return;
    event.preventDefault();
    const counts = await Promise.all([outbox.pendingCount(), outbox.notAcceptedCount()])
      .catch(() => null);
    const unsynced = counts ? counts[0] + counts[1] : null; // null: storage could not say
    if (unsynced && !confirm(`${unsynced} changes have not synced yet. They stay on this `
        + "device and sync when you sign in again. Sign out anyway?")) return;
    if (unsynced === 0) await outbox.forgetCoach().catch(() => {});
    await dropPages().catch(() => {});
    // Nor does the page itself stay readable, should the browser keep it for "Back".
    document.querySelector("main")?.replaceChildren();
    form.dataset.confirmed = "1";
    form.submit();
  });
}

// A deleted observation must not be resumed or sent again from this device.
export function forgetDeleted() {
  for (const form of document.querySelectorAll("form[data-forget-observation]")) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      await outbox.forgetObservation(form.dataset.forgetObservation).catch(() => {});
      form.dataset.confirmed = "1";
      form.submit();
    });
  }
}
