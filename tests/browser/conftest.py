"""Browser fixtures: the real app served on a local port, driven by Playwright in headless
Chromium (Debian's `chromium` when present; see ../shared/MACHINE_NOTES.md)."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import threading
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from app.cycles.services import add_lookfor
from app.extensions import db
from app.models import Cycle, Event

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)
    # Set to an int status to make /api/v1/sync fail that way (fault injection).
    sync_fault: list[int] = field(default_factory=list)
    # The JSON body of every POST /api/v1/sync that reached the app (faulted ones did not), so a
    # test can count how many times each item was sent.
    sync_batches: list[dict] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [path for _, path in self.requests]

    def sent_event_ids(self) -> list[str]:
        """Every event id the app received, once per time it was sent."""
        return [event["id"] for batch in self.sync_batches for event in batch["events"]]


class RecordingMiddleware:
    """Records every request, so offline tests can assert the server saw nothing."""

    def __init__(self, app, server: LiveServer):
        self.app, self.server = app, server

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        self.server.requests.append((environ["REQUEST_METHOD"], path))
        if path == "/api/v1/sync" and self.server.sync_fault:
            status = self.server.sync_fault.pop(0)
            body = b'{"error": "injected", "message": "injected fault"}'
            start_response(f"{status} Injected", [("Content-Type", "application/json")])
            return [body]
        if path == "/api/v1/sync" and environ["REQUEST_METHOD"] == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            self.server.sync_batches.append(json.loads(body))
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def live_server(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = LiveServer(url="")
    httpd = make_server("127.0.0.1", 0, RecordingMiddleware(app, server), threaded=True)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()


@pytest.fixture(autouse=True)
def fresh_request_log(live_server):
    live_server.requests.clear()
    live_server.sync_fault.clear()
    live_server.sync_batches.clear()


def heard_while_offline(server: LiveServer) -> list[tuple[str, str]]:
    """What the server received while the test had the browser offline.

    The browser's own service-worker update check (GET /sw.js, made by the browser process on
    navigation) can slip past Playwright's offline emulation; a device really offline could not
    make it, and it carries no coaching data, so it is not counted."""
    return [(method, path) for method, path in server.requests if path != "/sw.js"]


def chromium_path() -> str | None:
    """Debian's chromium if installed; None lets Playwright use its own download."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def ready_for_the_day(page) -> None:
    """Open the dashboard online and wait until the service worker controls the page and every
    open cycle's pages are cached, as a coach would before walking into a classroom.

    Predicates are written as functions: a bare expression would be eval'd in the page, which
    the app's Content-Security-Policy (rightly) refuses."""
    page.goto("/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    try:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=3_000)
    except PlaywrightTimeoutError:
        page.reload()  # clients.claim() normally makes this unneeded
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => document.documentElement.dataset.offlineReady !== undefined")


def open_capture(page, cycle_id: int) -> None:
    """Go to a cycle's capture screen and, as a coach would, press "Start observation" unless an
    unfinished observation of today resumed by itself; wait until it is running."""
    page.goto(f"/cycles/{cycle_id}/capture")
    page.wait_for_selector("#capture[data-state=ready], #capture[data-state=running]")
    if page.locator("#capture").get_attribute("data-state") == "ready":
        page.get_by_role("button", name="Start observation").click()
    page.wait_for_selector("#capture[data-state=running]")


def end_observation(page) -> None:
    """Press "End observation", then "End" in the dialog that asks once."""
    page.get_by_role("button", name="End observation").click()
    page.get_by_role("dialog").get_by_role("button", name="End", exact=True).click()


# Reads the outbox straight from IndexedDB, not through the app's own module.
READ_OUTBOX = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("lookfor");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (name) => new Promise((resolve, reject) => {
    const request = db.transaction(name).objectStore(name).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const outbox = { observations: await all("observations"), events: await all("events") };
  db.close();
  return outbox;
}"""


def read_outbox(page) -> dict:
    """{"observations": [...], "events": [...]}, every record with its pending flag."""
    return page.evaluate(READ_OUTBOX)


def pending_ids(outbox: dict) -> set[str]:
    return {r["id"] for r in outbox["observations"] + outbox["events"] if r["pending"] == 1}


def lookfor_button(page, label: str):
    """A capture button, whose accessible name is its label then its count."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(label)} \d+$"))


def sync_status(page):
    return page.locator("#sync-status[role=status]")


def stored_events(app, observation_id: str) -> dict[str, dict]:
    """The server's rows for one observation's events, tombstones included, keyed by id."""
    with app.app_context():
        rows = db.session.scalars(select(Event).where(Event.observation_id == observation_id))
        return {
            e.id: {
                "lookfor_id": e.lookfor_id,
                "count": e.count,
                "duration_ms": e.duration_ms,
                "note": e.note,
                "deleted": e.deleted,
                "version": e.version,
                "offset_ms": e.offset_ms,
                "data": e.data,
            }
            for e in rows
        }


# The export's columns, exactly as the issue specifies them.
CSV_HEADER = [
    "observation_id",
    "event_id",
    "clock",
    "offset_seconds",
    "lookfor",
    "kind",
    "count",
    "duration_seconds",
    "note",
    "recorded_at",
    "category",
    "on",
    "of",
    "codes",
    "seat",
]


def events_csv(page, observation_id: str) -> list[dict]:
    """The observation's CSV export, fetched with the page's session, as dicts."""
    response = page.request.get(f"/observations/{observation_id}/events.csv")
    assert response.ok, response.status
    reader = csv.DictReader(io.StringIO(response.text()))
    assert reader.fieldnames == CSV_HEADER
    return list(reader)


# A cycle with a look-for of every kind, and each kind's controls on the capture screen.
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    """A fresh browser context on a phone (a test file may define its own `phone`)."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def phone_page(phone):
    """A page in that fresh phone-sized context."""
    return phone.new_page()
CODES = [{"code": "Lec", "label": "Lecturing"}, {"code": "CQ", "label": "Clicker question"},
         {"code": "Grp", "label": "Group work"}]


@dataclass(frozen=True)
class Kinds:
    """The coach's cycle with one look-for of every kind, by kind."""

    email: str
    password: str
    cycle_id: int
    ids: dict[str, int]


@pytest.fixture
def every_kind(app, coach) -> Kinds:
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        added = {
            "category": add_lookfor(cycle, "Questions", "category",
                                    {"categories": ["Recall", "Inference", "Evaluation"]}),
            "scan": add_lookfor(cycle, "On task", "scan", {"of": 28, "every_s": 60}),
            "interval": add_lookfor(cycle, "COPUS", "interval",
                                    {"interval_s": 10, "codes": CODES}),
            "timer": add_lookfor(cycle, "Wait time", "timer", {"threshold_s": 3}),
        }
        ids = dict(zip(("tally", "duration", "note"), coach.lookfor_ids, strict=True))
        ids.update({kind: lookfor.id for kind, lookfor in added.items()})
        db.session.remove()
    return Kinds(coach.email, coach.password, coach.cycle_id, ids)


def category_button(page, name: str):
    """A category's button, inside the group named by its look-for."""
    group = page.get_by_role("group", name="Questions")
    return group.get_by_role("button", name=re.compile(rf"^{name} \d+$"))


def scan_button(page):
    return page.get_by_role("button", name=re.compile(r"^On task\b"))


def timer_button(page):
    return page.get_by_role("button", name=re.compile(r"^Wait time\b"))


def code_toggle(page, code: str):
    label = next(c["label"] for c in CODES if c["code"] == code)
    return page.get_by_role("button", name=f"{code} {label}", exact=True)


def record_scan(page, not_on_task: int) -> None:
    """Open the pad and record a scan: "All on task", or that many not on task."""
    scan_button(page).click()
    pad = page.get_by_role("dialog", name="On task: scan")
    expect(pad).to_be_visible()
    if not_on_task == 0:
        pad.get_by_role("button", name="All on task").click()
    else:
        for _ in range(not_on_task):
            pad.get_by_role("button", name="One more not on task").click()
        expect(pad).to_contain_text(f"On task: {28 - not_on_task} of 28")
        pad.get_by_role("button", name="Record scan").click()
    expect(pad).to_be_hidden()

