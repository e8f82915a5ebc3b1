// Lookfor's service worker. Served from /sw.js so its scope is the whole site.
// The shell (CSS, JS, htmx, icons, offline page) is precached under a name derived from the
// files' contents. Of the pages, it keeps only what offline capture needs: the dashboard and
// each open cycle's page and capture screen (an allow-list; never a debrief, a teacher's page,
// a share link or anything else with private notes), in one cache per coach, network-first.
// It empties that cache when the server answers as signed out (401, or the sign-in page) and
// when another coach's page arrives. Pending taps live in IndexedDB, which it never touches.
const VERSION = {{ version|tojson }};
const SHELL_CACHE = `lookfor-shell-${VERSION}`;
const PAGES_PREFIX = "lookfor-pages";
const SHELL = {{ shell|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const OFFLINE_PAGES = [/^\/$/, /^\/cycles\/\d+$/, /^\/cycles\/\d+\/capture$/];
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
      // The single shared page cache of earlier versions: its pages name no coach.
      if (name === PAGES_PREFIX) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

const keptOffline = (url) => OFFLINE_PAGES.some((pattern) => pattern.test(url.pathname));

async function pageCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(`${PAGES_PREFIX}-`));
}

// Every coach's cached pages but `keep`'s.
async function dropPages(keep = null) {
  for (const name of await pageCaches()) if (name !== keep) await caches.delete(name);
}

async function cachedPage(url) {
  for (const name of await pageCaches()) {
    const hit = await (await caches.open(name)).match(url, { ignoreSearch: true });
    if (hit) return hit;
  }
  return undefined;
}

// The coach a signed-in page was rendered for (its coach-id meta), or null.
async function coachOf(response) {
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return null;
  const match = /<meta name="coach-id" content="(\d+)">/.exec(await response.clone().text());
  return match ? match[1] : null;
}

// What a page from the network says about who is signed in, and keeping it if allowed.
async function learn(request, response, keep) {
  if (response.status === 401) return dropPages();
  if (!response.ok || response.type !== "basic") return undefined;
  const url = new URL(request.url);
  if (url.pathname === "/login") return dropPages(); // the server shows it only when signed out
  const coach = await coachOf(response);
  if (coach === null) return undefined;
  const mine = `${PAGES_PREFIX}-${coach}`;
  await dropPages(mine); // another coach's pages go the moment this coach's first page comes
  if (keep) await (await caches.open(mine)).put(url.pathname, response);
  return undefined;
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

async function offlinePage() {
  const shell = await caches.open(SHELL_CACHE);
  return (await shell.match(OFFLINE_URL)) || Response.error();
}

async function page(event) {
  const { request } = event;
  const keep = keptOffline(new URL(request.url));
  let learning;
  const network = fetch(request).then((response) => {
    learning = learn(request, response.clone(), keep);
    return response;
  });
  event.waitUntil(network.then(() => learning, () => {}).catch(() => {}));
  const cached = keep ? await cachedPage(request.url) : undefined;
  try {
    // Classroom Wi-Fi can hang rather than fail: fall back to the cached copy after a while.
    return cached ? await withTimeout(network, NETWORK_TIMEOUT_MS) : await network;
  } catch {
    return cached || offlinePage();
  }
}

// The API is never cached; a 401 from it still says the device is signed out.
function api(event) {
  const network = fetch(event.request);
  event.waitUntil(network.then((r) => (r.status === 401 ? dropPages() : undefined), () => {}));
  return network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromShell(request));
  } else if (url.pathname.startsWith("/api/")) {
    event.respondWith(api(event));
  } else if (request.mode === "navigate" && !url.pathname.startsWith("/s/")) {
    event.respondWith(page(event));
  }
});
