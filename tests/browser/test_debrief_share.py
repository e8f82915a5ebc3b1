"""The debrief, end to end in Chromium: a coach ends an observation, fills the guide and shares
the link; the teacher, in a fresh browser, opens it, reads the evidence and reflects; the coach
revokes it and the link answers 410."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import lookfor_button, open_capture, ready_for_the_day, sign_in

pytestmark = pytest.mark.browser


def test_debrief_share_reflect_revoke(browser, page, coach, live_server):
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    open_capture(page, coach.cycle_id)
    for _ in range(3):
        lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()
    page.get_by_role("button", name="Note", exact=True).click()
    page.get_by_label("Note text").fill("Great energy, students engaged")
    page.get_by_role("button", name="Save note").click()
    lookfor_button(page, "Teacher talk").click()  # stop the running duration
    page.get_by_role("button", name="End observation").click()
    page.get_by_role("dialog").get_by_role("button", name="End", exact=True).click()
    page.wait_for_url(re.compile(r"/observations/[0-9a-f-]{36}$"))
    debrief_url = page.url

    # The evidence against the goal, with the low-inference nudge for the coach only.
    expect(page.locator("#goal")).to_have_text("Students ask more of the questions")
    counts = page.locator("#counts")
    expect(counts.get_by_role("row", name=re.compile("Student question"))).to_contain_text("3")
    expect(page.locator("svg.timeline .tl-tick-mark")).to_have_count(3)
    expect(page.locator("svg.timeline .tl-bar")).to_have_count(1)
    expect(page.get_by_text("Low-inference check:")).to_be_visible()
    expect(page.get_by_role("heading", name="Across this cycle")).to_be_visible()

    # The conversation: keepers, polishers, private notes, a next step.
    page.get_by_label("Keepers").fill("Wait time after each question")
    page.get_by_label("Polishers").fill("Ask students to cite the page")
    page.get_by_label("Private notes (never shared)").fill("PRIVATE: seemed tired")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#conversation").get_by_text("Saved")).to_be_visible()
    page.get_by_label("Action").fill("Use think-pair-share twice")
    page.get_by_label("Who").fill("Ms. Teacher")
    page.get_by_label("By when").fill("2026-12-01")
    page.get_by_role("button", name="Add next step").click()
    expect(page.locator("#next-steps")).to_contain_text("Use think-pair-share twice")

    page.get_by_role("button", name="Share with teacher").click()
    link = page.get_by_label("Share link").input_value()
    assert re.fullmatch(rf"{live_server.url}/s/[A-Za-z0-9_-]{{43,}}", link), link

    # The coach's own browser opens the link too: its service worker must not keep a copy.
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile("Debrief"))).to_be_visible()
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        }
        return urls;
    }""")
    assert not [u for u in cached if "/s/" in u], cached

    # The teacher: a fresh browser, no account.
    teacher_context = browser.new_context()
    try:
        teacher = teacher_context.new_page()
        response = teacher.goto(link)
        assert response.status == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(teacher.locator("#goal")).to_have_text("Students ask more of the questions")
        expect(teacher.locator("svg.timeline .tl-tick-mark")).to_have_count(3)
        expect(teacher.locator(".notes")).to_contain_text("Great energy, students engaged")
        expect(teacher.get_by_text("Wait time after each question")).to_be_visible()
        expect(teacher.get_by_text("Use think-pair-share twice")).to_be_visible()
        body = teacher.content()
        assert "PRIVATE: seemed tired" not in body and "Low-inference check" not in body

        teacher.get_by_label("Your reflection").fill("I will wait longer after questions.")
        teacher.get_by_role("button", name="Save reflection").click()
        expect(teacher.get_by_text("Saved. Your coach will see it.")).to_be_visible()
        teacher.get_by_role("button", name=re.compile("Mark agreed")).click()
        # The step's own cell, not the table's "Agreed" header; and the button is gone.
        expect(teacher.locator("#next-steps tbody tr td").nth(3)).to_have_text("Agreed")
        expect(teacher.get_by_role("button", name=re.compile("Mark agreed"))).to_have_count(0)

        # The coach sees the reflection, then revokes the link.
        page.goto(debrief_url)
        expect(page.locator("#reflection")).to_contain_text("I will wait longer after questions.")
        expect(page.locator("#next-steps tbody tr td").nth(3)).to_have_text("Agreed")
        page.get_by_role("button", name="Revoke link").click()
        expect(page.locator("#share")).not_to_contain_text("A link is open until")

        gone = teacher.reload()
        assert gone.status == 410
        expect(teacher.get_by_role("heading", name="This link has ended")).to_be_visible()
        assert "Students ask more" not in teacher.content()
    finally:
        teacher_context.close()


def test_print_stylesheet_keeps_the_document_and_drops_the_controls(page, coach, app):
    from tests import helpers

    with app.app_context():
        oid, _ = helpers.record_observation(coach, [(0, 65), (2, 90, {"note": "T: Why?"})])
    sign_in(page, coach.email, coach.password)
    page.goto(f"/observations/{oid}")
    page.get_by_label("Keepers").fill("Cold calls by name")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#conversation").get_by_text("Saved")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in ("#guide", "#share", "header.site", "form.conversation"):
        expect(page.locator(hidden)).to_be_hidden()
    for shown in ("#goal", "#counts", "svg.timeline", "#next-steps"):
        expect(page.locator(shown).first).to_be_visible()
    expect(page.locator("#conversation .print-only")).to_contain_text("Cold calls by name")
    expect(page.locator("#events table")).to_be_visible()
    assert page.pdf()[:4] == b"%PDF"
