"""The look-for editor on a phone, with JavaScript on: each kind's config fields appear when
the "Kind" select changes, a bad config says why in place, the kind locks once events exist,
a library tool is added, and a cycle's tools are exported and imported into another cycle."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from app.cycles.services import create_cycle
from app.extensions import db
from app.models import Cycle, LookFor, Teacher
from tests import helpers
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough

pytestmark = pytest.mark.browser

LOCK_SENTENCE = "Recorded events keep this kind. To record it another way, add a new look-for."
MEASURE_WIDTH = """() => ({ scroll: document.documentElement.scrollWidth,
                            inner: window.innerWidth })"""


def saved(app, cycle_id: int) -> list[tuple[str, str, dict]]:
    with app.app_context():
        return [(lf.label, lf.kind, lf.config) for lf in db.session.get(Cycle, cycle_id).lookfors]


def assert_fits(page, where: str) -> None:
    measured = page.evaluate(MEASURE_WIDTH)
    assert measured["scroll"] <= measured["inner"], (where, measured)


def test_a_coach_sets_each_kind_adds_a_tool_and_moves_tools_between_cycles(
        phone_page, app, coach, live_server, tmp_path):
    page = phone_page
    first, second, third = coach.lookfor_ids
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")

    # Category: choosing it brings its field, no page load.
    row = page.locator(f"#lookfor-{first}")
    live_server.requests.clear()
    row.get_by_label("Kind").select_option(label="Category")
    categories = row.get_by_label("Categories (one per line)")
    expect(categories).to_be_visible()
    assert all(method == "GET" and "lookfor-fields" in path
               for method, path in live_server.requests if path.startswith("/cycles/"))
    # One category is not enough: the reason shows in the row, and nothing is saved.
    categories.fill("Recall")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_role("alert")).to_have_text("Category: give 2 to 12 categories.")
    assert saved(app, coach.cycle_id)[0] == ("Student question", "tally", {})
    row.get_by_label("Categories (one per line)").fill("Recall\nInference\nEvaluation")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_text("Saved")).to_be_visible()

    # Scan: the class size and a reminder in minutes.
    row = page.locator(f"#lookfor-{second}")
    row.get_by_label("Label").fill("Students on task")
    row.get_by_label("Kind").select_option(label="Scan")
    row.get_by_label("Students in the class").fill("28")
    row.get_by_label("Remind every (minutes)").fill("5")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_text("Saved")).to_be_visible()

    # Interval: 120 s is suggested; the codes with their meanings.
    row = page.locator(f"#lookfor-{third}")
    row.get_by_label("Label").fill("COPUS mini")
    row.get_by_label("Kind").select_option(label="Interval")
    expect(row.get_by_label("Interval (seconds)")).to_have_value("120")
    row.get_by_label("Codes (one per line: CODE = meaning)").fill(
        "Lec = Lecturing\nCQ = Comprehension question")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_text("Saved")).to_be_visible()

    # Timer: a new look-for with its threshold, from the add form.
    add = page.locator("form.add-lookfor")
    add.get_by_label("New look-for", exact=True).fill("Pause after questions")
    add.get_by_label("Kind of new look-for").select_option(label="Timer")
    add.get_by_label("Threshold (seconds)").fill("3")
    add.get_by_role("button", name="Add look-for").click()
    expect(page.locator("#lookfors ol > li")).to_have_count(4)
    expect(page.get_by_role("status").filter(has_text="Added Pause after questions.")
           ).to_be_visible()

    assert saved(app, coach.cycle_id) == [
        ("Student question", "category", {"categories": ["Recall", "Inference", "Evaluation"]}),
        ("Students on task", "scan", {"of": 28, "every_s": 300}),
        ("COPUS mini", "interval", {"interval_s": 120, "codes": [
            {"code": "Lec", "label": "Lecturing"},
            {"code": "CQ", "label": "Comprehension question"}]}),
        ("Pause after questions", "timer", {"threshold_s": 3}),
    ]

    # Once an event is recorded, the kind is fixed and the row says so.
    with app.app_context():
        helpers.record_observation(coach, [(0, 5, {"data": {"category": "Inference"}})])
    page.reload()
    row = page.locator(f"#lookfor-{first}")
    expect(row.get_by_label("Kind")).to_be_disabled()
    expect(row.get_by_text(LOCK_SENTENCE)).to_be_visible()
    expect(page.locator(f"#lookfor-{second}").get_by_label("Kind")).to_be_enabled()

    # Add from the library.
    page.get_by_text("Add from the library", exact=True).click()
    page.get_by_role("button", name="Add Wait time").click()
    expect(page.get_by_role("status").filter(has_text="Added Wait time: 1 look-for.")
           ).to_be_visible()
    rows = page.locator("#lookfors ol > li")
    expect(rows).to_have_count(5)
    expect(rows.nth(4).get_by_label("Label")).to_have_value("Wait time")
    expect(rows.nth(4).get_by_label("Kind")).to_have_value("timer")
    expect(rows.nth(4).get_by_label("Threshold (seconds)")).to_have_value("3")

    # Every kind's fields on show, the lock, the library open: readable and tappable.
    assert_accessible(page, "cycle page, library open")
    assert_tall_enough(page, "cycle page, library open")
    page.set_viewport_size({"width": 360, "height": 740})
    assert_fits(page, "cycle page, library open")
    page.set_viewport_size(PHONE)

    # Export tools: a .json download of every live look-for.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export tools").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["format"] == "lookfor-tools" and exported["version"] == 1
    assert [(i["label"], i["kind"], i["config"]) for i in exported["lookfors"]] == saved(
        app, coach.cycle_id)

    # Import tools into another cycle, through the "Tool file" field and "Import".
    with app.app_context():
        other = create_cycle(db.session.get(Teacher, coach.teacher_id), goal="Next term's goal",
                             focus_area="student_outcomes").id
    page.goto(f"/cycles/{other}")
    page.get_by_label("Tool file").set_input_files(path)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Imported 5 look-fors.")).to_be_visible()
    expect(page.locator("#lookfors ol > li")).to_have_count(5)
    assert saved(app, other) == saved(app, coach.cycle_id)

    # A file that is not a tool file: the reason, in place, and nothing added.
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "something else"}')
    page.get_by_label("Tool file").set_input_files(bad)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#tools").get_by_role("alert")).to_contain_text(
        "That file is not a Lookfor tool file")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LookFor)
                                 .where(LookFor.cycle_id == other)) == 5


def test_the_new_cycle_form_with_the_library_fits_a_phone(phone_page, app, coach):
    page = phone_page
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, coach.email, coach.password)
    page.goto(f"/teachers/{coach.teacher_id}/cycles/new")
    page.get_by_text("Add from the library", exact=True).click()
    expect(page.get_by_role("checkbox", name="COPUS students")).to_be_visible()
    assert_fits(page, "new cycle, library open")
    assert_accessible(page, "new cycle, library open")
    assert_tall_enough(page, "new cycle, library open")

    page.get_by_label("Goal").fill("More inference questions than recall questions")
    page.get_by_label("Look-fors", exact=True).fill("Cold call")
    page.get_by_role("checkbox", name="Questioning levels").check()
    page.get_by_role("checkbox", name="Wait time").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="More inference questions")).to_be_visible()
    cycle_id = int(page.url.rsplit("/", 1)[1])
    assert saved(app, cycle_id) == [
        ("Cold call", "tally", {}),
        ("Teacher question", "category", {"categories": ["Recall", "Inference", "Evaluation"]}),
        ("Wait time", "timer", {"threshold_s": 3}),
    ]
    assert_fits(page, "cycle page")
