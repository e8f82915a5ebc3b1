"""Installable as an app: Chromium finds no installability errors, the manifest says what the
issue asks, and the service worker keeps API responses out of its caches."""

from __future__ import annotations

import struct

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    chromium_path,
    lookfor_button,
    open_capture,
    ready_for_the_day,
    sign_in,
    sync_status,
)

pytestmark = pytest.mark.browser

CACHED_PATHS = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) out.push([name, new URL(request.url).pathname]);
  }
  return out;
}"""


@pytest.fixture
def installed_context(playwright_instance, live_server, tmp_path):
    """A real profile on disk: the default context is incognito-like and never installable."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        headless=True,
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", body[16:24])


def test_lookfor_is_installable_and_never_caches_the_api(installed_context, coach):
    page = installed_context.pages[0] if installed_context.pages else installed_context.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)

    cdp = installed_context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
    assert cdp.send("Page.getAppManifest")["errors"] == []

    response = page.request.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Lookfor"
    assert manifest["short_name"]
    assert (manifest["id"], manifest["start_url"], manifest["scope"]) == ("/", "/", "/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    icons = {}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        width, height = png_size(page.request.get(icon["src"]).body())
        assert icon["sizes"] == f"{width}x{height}"
        icons[(width, icon.get("purpose", "any"))] = icon
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= set(icons)

    # Use the API every way the app does (warming, a sync), and open it as a page too.
    open_capture(page, coach.cycle_id)
    lookfor_button(page, "Student question").click()
    expect(sync_status(page)).to_have_text("All changes synced")
    page.goto("/api/v1/cycles")
    page.goto(f"/teachers/{coach.teacher_id}")
    ready_for_the_day(page)

    cached = page.evaluate(CACHED_PATHS)
    assert [path for _, path in cached if path.startswith("/api/")] == []
    assert [path for _, path in cached if path in ("/login", "/logout")] == []
    paths = {path for _, path in cached}
    assert {f"/cycles/{coach.cycle_id}", f"/cycles/{coach.cycle_id}/capture"} <= paths
    assert {"/static/js/capture.js", "/static/js/outbox.js", "/offline"} <= paths
    # Pages: only what offline capture needs, in the signed-in coach's own cache.
    pages = {(name, path) for name, path in cached if not name.startswith("lookfor-shell-")}
    assert pages == {(f"lookfor-pages-{coach.coach_id}", path) for path in
                     ("/", f"/cycles/{coach.cycle_id}", f"/cycles/{coach.cycle_id}/capture")}


def test_the_offline_page_is_rendered_for_no_one(page, coach):
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    offline = page.evaluate("""async () => {
        for (const name of await caches.keys()) {
            const hit = await (await caches.open(name)).match("/offline");
            if (hit) return hit.text();
        }
    }""")
    assert "You are offline" in offline
    for private in ("coach-id", "csrf", "Sign out", "Teacher of", "app.js"):
        assert private not in offline, private


def test_the_service_worker_controls_the_whole_site(page, coach, live_server):
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    expect(sync_status(page)).to_have_text("All changes synced")
    assert page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)") == (
        f"{live_server.url}/"
    )
    response = page.request.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert "no-cache" in response.headers["cache-control"]
