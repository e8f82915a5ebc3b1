// Lookfor's service worker. Served from /sw.js so its scope is the whole site.
// The shell (CSS, JS, htmx, icons, offline page) is precached under a name derived from the
// files' contents; pages are network-first with a cached fallback. /api/ and share links
// (/s/) are never cached. Pending taps live in IndexedDB, which an update never touches.
const VERSION = {{ version|tojson }};
const SHELL_CACHE = `lookfor-shell-${VERSION}`;
const PAGES_CACHE = "lookfor-pages";
const SHELL = {{ shell|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const NEVER_CACHED = ["/api/", "/s/", "/login", "/logout", "/signup", "/sw.js"];
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("lookfor-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isNeverCached(url) {
  return NEVER_CACHED.some((prefix) => url.pathname.startsWith(prefix));
}

async function fromShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  // An older cached page may ask for an older ?v= of a file: serve the current one.
  const hit = (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true }));
  return hit || fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

async function page(request) {
  const cache = await caches.open(PAGES_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const network = fetch(request).then((response) => {
    // Keep only real pages: a redirect (e.g. to sign in) must not replace a good copy.
    if (response.ok && !response.redirected && response.type === "basic") {
      cache.put(request.url.split("?")[0], response.clone());
    }
    return response;
  });
  try {
    // Classroom Wi-Fi can hang rather than fail: fall back to the cached copy after a while.
    return cached ? await withTimeout(network, NETWORK_TIMEOUT_MS) : await network;
  } catch {
    if (cached) return cached;
    const shell = await caches.open(SHELL_CACHE);
    return (await shell.match(OFFLINE_URL)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isNeverCached(url)) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromShell(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
});
