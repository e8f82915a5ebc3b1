// The cycle page's look-for editor and tools. htmx leaves 4xx answers unswapped, but ours are
// fragments carrying what the coach must read (a config that does not fit its kind, a tool
// file that cannot be imported, a file too large): show them in place. A whole error page
// (an expired form, a request too large for the server) or no network gets a line under the
// form instead of silence.

const EDITOR = "#lookfors, #tools, #goal-measure";

function isFragment(xhr) {
  return !/^\s*<!doctype/i.test(xhr.responseText || "");
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, elt } = event.detail;
  if (xhr.status >= 400 && xhr.status < 500 && elt.closest(EDITOR) && isFragment(xhr)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

function say(elt, message) {
  const form = elt.closest("form");
  if (!form || !form.closest(EDITOR)) return;
  let line = form.querySelector(":scope > .problem");
  if (!line) {
    line = document.createElement("p");
    line.className = "error problem";
    line.setAttribute("role", "alert");
    form.append(line);
  }
  line.textContent = message;
}

document.addEventListener("htmx:responseError", (event) => {
  const { xhr, elt } = event.detail;
  const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const heading = page.querySelector("main h1");
  say(elt, heading ? heading.textContent.trim() : "That did not work. Reload the page and try again.");
});

document.addEventListener("htmx:sendError", (event) => {
  say(event.detail.elt, "No network: nothing was saved. Try again when you are online.");
});

// A kind whose settings need more than form fields (the participation map's grid) names its
// own editor module on its config partial; it is loaded only when such a partial is shown,
// and started again on each partial htmx swaps in.
function startKindEditors(root) {
  const found = [...root.querySelectorAll("[data-kind-editor]")];
  if (root.matches?.("[data-kind-editor]")) found.unshift(root);
  for (const mount of found) {
    if (mount.dataset.started) continue;
    mount.dataset.started = "yes";
    import(mount.dataset.kindEditor).then((editor) => editor.start(mount));
  }
}

document.addEventListener("htmx:load", (event) => startKindEditors(event.detail.elt));
startKindEditors(document);
