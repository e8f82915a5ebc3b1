// Every signed-in page: register the service worker, show the sync status, sync the outbox,
// and, on the dashboard, make every open cycle's capture screen ready for a day offline.
import { mountStatus } from "./status.js";
import { startAutoSync } from "./sync.js";
import * as outbox from "./outbox.js";

const PAGES_CACHE = "lookfor-pages";

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch (error) {
    console.warn("service worker not registered", error);
  }
}

// Cache each open cycle's page and capture screen, so any of them opens with no network.
async function warmCaptureScreens() {
  if (!navigator.onLine || !("caches" in self)) return;
  const response = await fetch("/api/v1/cycles", { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const { cycles } = await response.json();
  const cache = await caches.open(PAGES_CACHE);
  const urls = cycles.flatMap((c) => [`/cycles/${c.id}`, `/cycles/${c.id}/capture`]);
  const cached = await Promise.all(urls.map(async (url) => {
    const page = await fetch(url, { credentials: "same-origin" });
    if (!page.ok || page.redirected) return false;
    await cache.put(url, page);
    return true;
  }));
  document.documentElement.dataset.offlineReady = String(cycles.length);
  // Said on the page, so the coach knows before leaving the Wi-Fi that capture will open.
  const ready = urls.filter((url, i) => cached[i] && url.endsWith("/capture")).length;
  if (ready) {
    const note = document.createElement("p");
    note.id = "offline-ready";
    note.className = "sync-status";
    note.textContent = `Ready for the day: ${ready === 1 ? "1 capture screen works"
      : `${ready} capture screens work`} offline.`;
    document.querySelector("header.site")?.append(note);
  }
}

// Signing out leaves nothing readable behind in the page cache; unsynced taps stay in the
// outbox (and the coach is warned), since they cannot be collected again.
function guardSignOut() {
  const form = document.querySelector('form[action="/logout"]');
  form?.addEventListener("submit", async (event) => {
    if (form.dataset.confirmed) return;
    event.preventDefault();
    const waiting = await outbox.pendingCount().catch(() => 0);
    if (waiting && !confirm(`${waiting} changes have not synced yet. They stay on this device `
        + "and sync when you sign in again. Sign out anyway?")) return;
    if ("caches" in self) await caches.delete(PAGES_CACHE);
    form.dataset.confirmed = "1";
    form.submit();
  });
}

mountStatus();
startAutoSync();
guardSignOut();
registerWorker();
if (location.pathname === "/") warmCaptureScreens().catch(() => {});
