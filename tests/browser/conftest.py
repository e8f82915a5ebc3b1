"""Browser fixtures: the real app served on a local port, driven by Playwright in headless
Chromium (Debian's `chromium` when present; see ../shared/MACHINE_NOTES.md)."""

from __future__ import annotations

import logging
import shutil
import threading
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

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

    def paths(self) -> list[str]:
        return [path for _, path in self.requests]


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
