// Every signed-in page: register the service worker, show the sync status and sync the
// outbox. Every page but the capture screen also loads pages.js (the dashboard's readying for
// a day offline, a clean sign-out, forgetting a deleted observation).
import { mountStatus } from "./status.js";
import { startAutoSync } from "./sync.js";

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch (error) {
    console.warn("service worker not registered", error);
  }
}

// A page restored from the back/forward cache was not asked of the server again: reload it,
// so "Back" after signing out shows the sign-in page, never a copy of coaching data.
window.addEventListener("pageshow", (event) => { if (event.persisted) location.reload(); });

mountStatus();
startAutoSync();
registerWorker();
if (!document.body.classList.contains("capture")) {
  import("./pages.js").then((pages) => {
    pages.guardSignOut();
    pages.forgetDeleted();
    if (location.pathname === "/") pages.warmCaptureScreens().catch(() => {});
  });
}
