"""The cycle report in Chromium: the word counter as the coach types (and the server's own
"Keep it to 300 words"), and a 3-observation cycle's report printed to PDF on A4 and Letter
with few pages and none near-empty; the report fits a 360 px phone."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from playwright.sync_api import expect

from app.debrief import services as debrief
from app.extensions import db
from app.goals import services as goals
from app.models import Cycle, Debrief, Observation
from tests.browser.conftest import sign_in
from tests.helpers import record_observation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PRIVATE = "PRIVATE-COACH-ONLY"
STARTS = ("2026-03-02T09:00:00+00:00", "2026-03-09T09:00:00+00:00",
          "2026-03-16T09:00:00+00:00")
SENTENCE = ("Students cited the text more often when the question named the page, and the "
            "wait after each question gave quieter students time to find their evidence. ")


def words(n: int) -> str:
    """n words of plain prose."""
    pool = SENTENCE.split()
    return " ".join(pool[i % len(pool)] for i in range(n))


def report_cycle(app, coach) -> None:
    """A full cycle as a coach would have it at the end: planning notes, a measure, three
    debriefed observations (notes, GROW notes, two next steps, a reflection, private notes)
    and both written parts."""
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        cycle.planning_notes = words(120)
        measure = goals.available_measures(cycle.lookfors)[0]
        goals.set_measure(cycle, measure.key, 2.0, 6.0, False)
        for number, started in enumerate(STARTS, start=1):
            oid, _ = record_observation(coach, [
                *[(0, 45 * k) for k in range(1, 4 + 3 * number)],
                (1, 600, {"duration_ms": 90_000 * number}),
                (2, 900, {"note": "T: Where in the text does it say that?"}),
            ], started=started, ended=started.replace("T09:00", "T09:40"))
            db.session.add(Debrief(
                observation_id=oid, keepers=words(30), polishers=words(25),
                grow_notes={"reality": words(20), "way_forward": words(15)},
                private_notes=f"{PRIVATE} {number}", teacher_reflection=words(40)))
            db.session.commit()
            observation = db.session.get(Observation, oid)
            debrief.add_next_step(observation, f"Name the page in every question ({number})",
                                  "Teacher", date(2026, 3, 6 + 7 * number))
            debrief.add_next_step(observation, f"Count to five after asking ({number})",
                                  "Teacher", None)
        cycle.report_overview = words(250)
        cycle.report_reflection = words(250)
        db.session.commit()
        db.session.remove()


def test_the_word_counter_and_the_servers_limit(page, app, coach):
    page.set_viewport_size(PHONE)
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    page.get_by_role("link", name="Cycle report").click()
    expect(page.get_by_role("heading", name="Coaching cycle report")).to_be_visible()
    overview = page.get_by_label("Overview", exact=True)
    counter = page.locator("#overview-words")
    expect(counter).to_have_text("0 of 300 words")
    overview.fill(words(12))
    expect(counter).to_have_text("12 of 300 words")
    overview.fill(words(301))
    expect(counter).to_have_text("301 of 300 words: Keep it to 300 words")
    expect(overview).to_have_attribute("aria-invalid", "true")
    # The server refuses it too (a page without the counter, or a paste past it).
    page.get_by_role("button", name="Save overview").click()
    expect(page.locator("#overview").get_by_role("alert")).to_contain_text("Keep it to 300 words")
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).report_overview is None
    page.get_by_label("Overview", exact=True).fill(words(300))
    expect(page.locator("#overview-words")).to_have_text("300 of 300 words")
    page.get_by_role("button", name="Save overview").click()
    expect(page.locator("#overview").get_by_role("status")).to_have_text("Saved")
    page.get_by_label("Reflection", exact=True).fill("I learned to wait.")
    expect(page.locator("#reflection-words")).to_have_text("4 of 300 words")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator("#reflection").get_by_role("status")).to_have_text("Saved")
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        assert cycle.report_overview == words(300)
        assert cycle.report_reflection == "I learned to wait."


def filled_to(page) -> float:
    """How far down the page its lowest line of text sits, as a share of the page's height (a
    page whose text ends a fifth of the way down is near-empty, however much that fifth holds)."""
    height = float(page.mediabox.height)
    lowest = [height]

    def visit(text, cm, tm, font, size):
        if text.strip():
            # The text matrix, then the current transformation: the line's y in page units.
            lowest[0] = min(lowest[0], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return (height - lowest[0]) / height


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_three_observation_report_prints_on_few_full_pages(page, app, coach, paper):
    """Printed from the coach's browser, the report is a few pages, each well filled.

    The criterion, on the PDF Chromium makes: every page but the last is filled at least 60% of
    the way down (a forced break, or a big section kept whole, leaves the page above it half
    empty), the last at least a quarter (not a stray line or two), and each holds a real
    amount of text (500 characters: a page of only a heading is near-empty). The content is
    about three and a half pages; five would mean a page was wasted."""
    from pypdf import PdfReader

    report_cycle(app, coach)
    page.set_viewport_size(PHONE)
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}/report")
    expect(page.locator("#observation-3")).to_be_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format=paper)))
    pages = pdf.pages
    # NFKC: the PDF's text has ligatures ("ﬁ") where the page had two letters.
    texts = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in pages]
    filled = [filled_to(p) for p in pages]
    summary = [(len(t), round(f, 2)) for t, f in zip(texts, filled, strict=True)]
    assert 3 <= len(pages) <= 4, summary
    assert all(f >= 0.6 for f in filled[:-1]), summary
    assert filled[-1] >= 0.25, summary
    assert all(len(t) >= 500 for t in texts), summary
    printed = "\n".join(texts)
    # The document, in order, and none of the controls or the coach's private notes.
    order = [printed.index(h) for h in ("Coaching cycle report", "Part 1. Overview",
                                        "Part 2. Artifacts", "Observation 3",
                                        "Part 3. Reflection")]
    assert order == sorted(order)
    for text in ("Name the page in every question (2)", "Keepers", "Teacher’s reflection"):
        assert text in printed
    for text in (PRIVATE, "Save overview", "Download cycle data", "Print or save as PDF",
                 "Dashboard", "words"):
        assert text not in printed, text


def test_the_report_fits_a_360_px_phone(browser, live_server, app, coach):
    from tests.browser.test_phone_widths import assert_fits

    report_cycle(app, coach)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360,
                                                                     "height": 740})
    try:
        phone = context.new_page()
        sign_in(phone, coach.email, coach.password)
        phone.goto(f"/cycles/{coach.cycle_id}/report")
        expect(phone.locator("#observation-3")).to_be_visible()
        assert_fits(phone, "cycle report")
    finally:
        context.close()
