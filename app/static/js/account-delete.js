// Deleting the account leaves nothing of this coach's on the device: their records (unsynced
// ones could never sync now) and their cached pages go before the form is sent. Only when the
// typed email is theirs: a refused delete (the server checks again) must not cost them data.
import * as outbox from "./outbox.js";

const form = document.querySelector("form[data-delete-account]");
form?.addEventListener("submit", async (event) => {
  if (form.dataset.confirmed) return;
  const typed = form.elements.confirm_email.value.trim().toLowerCase();
  if (typed !== form.dataset.deleteAccount.trim().toLowerCase()) return;
  event.preventDefault();
  await outbox.forgetCoach().catch(() => {});
  if ("caches" in self && outbox.me !== null) {
    await caches.delete(`lookfor-pages-${outbox.me}`).catch(() => {});
  }
  form.dataset.confirmed = "1";
  form.submit();
});
