// The coach's debrief: two small behaviours, listened for on the document so they also work
// in the fragments htmx swaps in. "Copy link" lives in its own module: the cycle page uses it too.
import "./copy.js";

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
