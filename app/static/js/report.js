// The cycle report: a live word counter under each written part (the server keeps the same
// 300-word limit and says so), and "Print or save as PDF".
const countWords = (text) => text.trim().split(/\s+/).filter(Boolean).length;

function updateCounter(field) {
  const limit = Number(field.dataset.wordLimit);
  const words = countWords(field.value);
  const over = words > limit;
  const counter = document.getElementById(field.dataset.counter);
  if (!counter) return;
  // Plain concatenation: the served file is minified, and a template literal nested in
  // another one lost its spaces there.
  const text = words + " of " + limit + " words";
  counter.textContent = over ? text + ": Keep it to " + limit + " words" : text;
  counter.classList.toggle("over", over);
  field.setAttribute("aria-invalid", over ? "true" : "false");
}

document.addEventListener("input", (event) => {
  if (event.target.matches("textarea[data-word-limit]")) updateCounter(event.target);
});
document.addEventListener("click", (event) => {
  if (event.target.closest("button[data-print]")) window.print();
});
// Count what is there already: text typed (or restored by the browser) before this module ran.
for (const field of document.querySelectorAll("textarea[data-word-limit]")) updateCounter(field);
document.documentElement.dataset.canPrint = "";
