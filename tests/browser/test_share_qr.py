"""Sharing across the table, on a phone with JavaScript on: the coach shares, presses "Copy link"
(the clipboard holds the link and the page says "Copied"), and a QR code of the same link is on
screen, large enough to scan, for the teacher to open on their own phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough
from tests.helpers import record_observation
from tests.test_share import qr_modules, segno_modules

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_copy_link_and_qr_code(phone, app, coach, browser, live_server):
    with app.app_context():
        oid, _ = record_observation(coach, [(0, 65), (2, 90, {"note": "T: Why?"})])
    page = phone
    sign_in(page, coach.email, coach.password)
    page.goto(f"/observations/{oid}")
    page.get_by_role("button", name="Share with teacher").click()  # htmx swaps the panel
    link = page.get_by_label("Share link").input_value()
    assert re.fullmatch(rf"{live_server.url}/s/[A-Za-z0-9_-]{{43,}}", link), link

    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#share").get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == link

    qr = page.get_by_role("img", name=re.compile(r"^QR code of the link"))
    expect(qr).to_be_visible()
    qr.scroll_into_view_if_needed()
    box = qr.bounding_box()
    modules = len(segno_modules(link)) + 8  # with the quiet zone
    # Scannable from a phone held across the table: at least 4 px a module, on screen.
    assert box["width"] / modules >= 4 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert qr_modules(qr.evaluate("(svg) => svg.outerHTML")) == segno_modules(link)
    assert_accessible(page, "debrief with the link, its Copy link and its QR code")
    assert_tall_enough(page, "debrief with the link, its Copy link and its QR code")

    # The teacher's phone opens what the code says.
    teacher = browser.new_context()
    try:
        assert teacher.new_page().goto(link).status == 200
    finally:
        teacher.close()
