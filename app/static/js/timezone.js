// Sign-in and sign-up send the browser's time zone, so every time reads in the coach's own
// zone. A module of its own: the Content-Security-Policy forbids inline scripts.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
for (const input of document.querySelectorAll("input[data-time-zone]")) input.value = zone;
