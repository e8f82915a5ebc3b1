// The coach's debrief: two small behaviours, listened for on the document so they also work
// in the fragments htmx swaps in.

// "Correct": every row's button submits one shared form (#event-pick) from outside it, so a
// 2,000-row table carries no per-row wiring. htmx sends such a submitter's name and value only
// when it has processed each button (type="submit" in its markup), which costs tens of
// milliseconds per 2,000 rows; the submit event itself says which button it was.
document.addEventListener("htmx:configRequest", (event) => {
  const { elt, triggeringEvent, parameters } = event.detail;
  const submitter = triggeringEvent && triggeringEvent.submitter;
  if (elt.id === "event-pick" && submitter && submitter.name) {
    parameters[submitter.name] = submitter.value;
  }
});

// "Copy link": the share link is shown once, so copying it must not be fiddly on a phone.
async function copy(button) {
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[role=status]");
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch {
    // No clipboard API (a page not served over HTTPS) or no permission: the old way.
    field.focus();
    field.select();
    copied = document.execCommand && document.execCommand("copy");
  }
  if (status) status.textContent = copied ? "Copied" : "Select the link above and copy it.";
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (button) copy(button);
});
document.documentElement.dataset.canCopy = "";
