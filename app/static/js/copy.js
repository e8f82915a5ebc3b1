// "Copy link": a share link is shown once, so copying it must not be fiddly on a phone. Any
// button[data-copy] copies the field it names; listened for on the document, so it also works
// in the fragments htmx swaps in. Used by the debrief's link and the cycle's link.
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

if (!document.documentElement.hasAttribute("data-can-copy")) {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
  document.documentElement.dataset.canCopy = "";
}
