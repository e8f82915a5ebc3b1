// The offline page: links to the pages this device holds for offline use (the dashboard and
// the capture screens), found in the service worker's page cache. Never a link to the page
// being shown, which is the one that could not be opened.
const PAGES_PREFIX = "lookfor-pages-";
const CAPTURE = /^\/cycles\/\d+\/capture$/;

async function savedPages() {
  const pages = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith(PAGES_PREFIX)) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path === location.pathname || (path !== "/" && !CAPTURE.test(path))) continue;
      const html = await (await cache.match(request)).text();
      const title = new DOMParser().parseFromString(html, "text/html").title.replace(/ · Lookfor$/, "");
      pages.push({ path, title: path === "/" ? "Dashboard" : title });
    }
  }
  return pages.sort((a, b) => (a.path === "/" ? -1 : b.path === "/" ? 1 : a.title.localeCompare(b.title)));
}

async function show() {
  const pages = "caches" in self ? await savedPages() : [];
  const nav = document.getElementById("offline-pages");
  nav.querySelector("ul").replaceChildren(...pages.map(({ path, title }) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = path;
    link.textContent = title;
    item.append(link);
    return item;
  }));
  nav.hidden = pages.length === 0;
  document.getElementById("offline-nothing").hidden = pages.length > 0;
}

show();
