// Every htmx form: htmx leaves 4xx answers unswapped, but ours are fragments carrying what the
// coach must read (a field to correct, a config that does not fit its kind, a file too large):
// show them in place. A whole error page (an expired form, a request too large for the server)
// or no network gets a line under the form instead of silence. Loaded with htmx, so not on the
// capture screen, which uses neither.

function isFragment(xhr) {
  return !/^\s*<!doctype/i.test(xhr.responseText || "");
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr } = event.detail;
  if (xhr.status >= 400 && xhr.status < 500 && isFragment(xhr)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

function say(elt, message) {
  const form = elt.closest("form");
  if (!form) return;
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
