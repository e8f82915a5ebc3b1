"""The Account page on a phone: change password (another browser's session ends), sign out
everywhere, and the time zone taken from the browser and changed with its select."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests import helpers
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import MEASURE, TAP_TARGETS, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    """A new phone-sized browser (its own cookies), as many as a test asks for."""
    contexts = []

    def open_phone(**options):
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def open_account(page) -> None:
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
    assert fits_the_screen(page)


def expect_signed_out(page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_change_password_signs_out_the_other_browser(phone, coach):
    mine, other = phone(), phone()
    sign_in(mine, coach.email, coach.password)
    sign_in(other, coach.email, coach.password)
    assert fits_the_screen(mine)  # the top bar, with its Account link, fits a phone

    open_account(mine)
    mine.get_by_label("Current password").fill(coach.password)
    mine.get_by_label("New password", exact=True).fill("a brand new password")
    mine.get_by_label("New password again").fill("a brand new password")
    mine.get_by_role("button", name="Change password").click()
    expect(mine.get_by_text("Password changed. Every other device is signed out.")).to_be_visible()

    expect_signed_out(other)
    mine.goto("/")
    expect(mine.get_by_role("heading", name="Your teachers")).to_be_visible()
    # The old password no longer signs in; the new one does.
    other.get_by_label("Email").fill(coach.email)
    other.get_by_label("Password").fill(coach.password)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_text("That email and password do not match.")).to_be_visible()
    sign_in(other, coach.email, "a brand new password")


def test_sign_out_everywhere(phone, coach):
    mine, other = phone(), phone()
    sign_in(mine, coach.email, coach.password)
    sign_in(other, coach.email, coach.password)
    open_account(mine)
    mine.get_by_role("button", name="Sign out everywhere").click()
    expect(mine).to_have_url(re.compile(r"/login"))
    expect(mine.get_by_text("Signed out on every device.")).to_be_visible()
    expect_signed_out(mine)
    expect_signed_out(other)


def test_time_zone_comes_from_the_browser_and_the_select_changes_it(app, phone, coach):
    with app.app_context():
        helpers.record_observation(coach, [(0, 65)])  # 2 Mar 2026, 09:00 UTC
        db.session.remove()
    page = phone(timezone_id="America/New_York")
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    expect(page.get_by_text("2 Mar 2026, 04:00 EST")).to_be_visible()

    open_account(page)
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("America/New_York")
    zone.select_option("Europe/Paris")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    page.goto(f"/cycles/{coach.cycle_id}")
    expect(page.get_by_text("2 Mar 2026, 10:00 CET")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_account_page_is_accessible(phone, coach, scheme):
    page = phone(color_scheme=scheme)
    sign_in(page, coach.email, coach.password)
    open_account(page)
    assert serious_violations(page) == []
    small = [(name, h) for name, h in page.evaluate(MEASURE, TAP_TARGETS) if h < 48]
    assert small == []
    page.context.clear_cookies()
    page.goto("/login")  # and the sign-in page, which now loads a module of its own
    assert serious_violations(page) == [] and fits_the_screen(page)
