// The cycle page: a kind whose settings need more than form fields starts its own editor.
// (Error answers of every htmx form are shown by js/htmx-errors.js.)

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
