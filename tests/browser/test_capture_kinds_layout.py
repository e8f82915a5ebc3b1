"""The capture screen with every kind (a 36-seat participation map included): it fits a tablet
and a 360 px phone, axe finds nothing serious (light and dark, the scan pad open), every target
is big enough, and what it loads stays within 30 KB gzipped."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    PHONE,
    category_button,
    chromium_path,
    code_toggle,
    lookfor_button,
    open_capture,
    record_scan,
    scan_button,
    sign_in,
    sync_status,
    timer_button,
)
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough
from tests.browser.test_capture_seatmap import absent_mode, add_seat_map, chip, seat
from tests.browser.test_phone_widths import assert_fits

pytestmark = pytest.mark.browser



TABLET = {"width": 820, "height": 1180}
SMALL_PHONE = {"width": 360, "height": 740}
# Every control of the kinds: big buttons at 64 px like a tally, the rest at 48 px or more.
BIG_BUTTONS = "button.tap, #note-button, #undo-button, #end-button, .scan-pad button"
KIND_CONTROLS = "#tap-grid button"


@pytest.fixture
def every_kind_and_map(app, every_kind):
    """Every kind, and a participation map of 36 seats (6 × 6)."""
    add_seat_map(app, every_kind.cycle_id, 6, 6)
    return every_kind


SEAT_SIZES = """() => [...document.querySelectorAll("[data-kind=seatmap] button.seat")]
  .map((b) => [b.getAttribute("aria-label"), b.getBoundingClientRect().width,
               b.getBoundingClientRect().height])"""


@pytest.fixture(scope="module")
def own_browser(playwright_instance):
    """A browser of this test's own, like test_accessibility's (axe leaves the page busy)."""
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.mark.parametrize(
    ("viewport", "color_scheme"),
    [(TABLET, "light"), (PHONE, "dark"), (SMALL_PHONE, "light")],
    ids=["tablet", "phone-dark", "360"],
)
def test_every_kind_fits_reads_and_is_big_enough(own_browser, live_server, every_kind_and_map,
                                                 viewport, color_scheme):
    every_kind = every_kind_and_map
    context = own_browser.new_context(base_url=live_server.url, viewport=viewport,
                                      color_scheme=color_scheme, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()  # left running, so its badge shows
    category_button(page, "Inference").click()
    code_toggle(page, "CQ").click()
    timer_button(page).click()  # running too
    record_scan(page, 3)
    chip(page, "Q").click()  # a pressed chip, in light and in dark
    seat(page, 1).click()
    absent_mode(page).click()  # left on, so the chart shows its Absent mode
    seat(page, 2).click()
    page.clock.install()
    page.clock.fast_forward(11_000)  # a past interval is listed, and its list scrolls
    expect(page.get_by_role("list", name="COPUS: past intervals")).to_be_visible()
    expect(sync_status(page)).to_have_text("All changes synced")
    where = f"capture with every kind ({viewport['width']} px, {color_scheme})"
    assert_fits(page, where)
    assert_accessible(page, where)
    assert_tall_enough(page, where, KIND_CONTROLS)
    assert_tall_enough(page, where, BIG_BUTTONS, least=64)
    seats = page.evaluate(SEAT_SIZES)
    assert len(seats) == 36 and all(w >= 44 and h >= 44 for _, w, h in seats), seats

    scan_button(page).click()
    pad = page.get_by_role("dialog", name="On task: scan")
    expect(pad).to_be_visible()
    assert_fits(page, f"{where}, scan pad")
    assert_accessible(page, f"{where}, scan pad")
    assert_tall_enough(page, f"{where}, scan pad", ".scan-pad button", least=64)
    pad.get_by_role("button", name="Cancel").click()
    context.close()


def test_the_capture_screen_stays_within_30_kb_with_every_kind(phone, every_kind_and_map):
    """Every script and stylesheet it loads, gzipped as a proxy would serve them."""
    import gzip

    every_kind = every_kind_and_map
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    urls = sorted(set(page.evaluate("""() => performance.getEntriesByType("resource")
        .map((e) => e.name).filter((u) => /\\.(js|css)(\\?|$)/.test(u))""")))
    assert any("/kinds/interval.js" in url for url in urls), urls
    assert any("/kinds/seatmap.js" in url for url in urls), urls
    sizes = {url.split("/static/")[1].split("?")[0]:
             len(gzip.compress(page.request.get(url).body(), 9)) for url in urls}
    assert sum(sizes.values()) <= 30 * 1024, sizes

