"""The participation map's editor on the cycle page, with JavaScript on, on a phone and on a
tablet (light and dark): a coach sets a look-for's kind to "Participation map", builds a
32-seat map with two dimensions by tapping cells and filling each seat's fields, saves it and
finds it kept after a reload; a bad edit says why in place; the page fits 360 px, axe finds
nothing serious and the grid's cells are at least 44 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import LookFor
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
ROWS, COLS = 4, 8
SEATS_LABEL = "Seats (one per line: row, column, label, then dimension=value…)"
MEASURE_WIDTH = """() => ({ scroll: document.documentElement.scrollWidth,
                            inner: window.innerWidth })"""
CELL_SIZES = """() => [...document.querySelectorAll(".seat-cell")].map((cell) => {
  const box = cell.getBoundingClientRect();
  return [cell.getAttribute("aria-label"), box.width, box.height];
})"""


@pytest.fixture(params=[(PHONE, "light"), (TABLET, "dark")], ids=["phone", "tablet-dark"])
def device(request, browser, live_server):
    viewport, scheme = request.param
    context = browser.new_context(base_url=live_server.url, viewport=viewport,
                                  color_scheme=scheme)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def saved(app, lookfor_id: int) -> tuple[str, dict]:
    with app.app_context():
        lookfor = db.session.get(LookFor, lookfor_id)
        return lookfor.kind, lookfor.config


def language(n: int) -> str:
    return "EL" if n % 3 == 0 else "non-EL"


def table(col: int) -> str:
    return str((col - 1) // 2 + 1)


def test_a_coach_builds_a_32_seat_map_with_two_dimensions(device, app, coach):
    page = device
    lid = coach.lookfor_ids[0]
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    row = page.locator(f"#lookfor-{lid}")
    row.get_by_label("Label", exact=True).fill("Who talks")
    row.get_by_label("Kind").select_option(label="Participation map")

    # The grid replaces the seat lines; dimensions with their values and codes above it.
    expect(row.get_by_role("button", name="Row 1, seat 1: empty")).to_be_visible()
    expect(row.get_by_label(SEATS_LABEL)).to_be_hidden()
    row.get_by_label("Dimensions (one per line)").fill("Language: EL, non-EL\nTable: 1, 2, 3, 4")
    row.get_by_label("Codes (one per line: CODE = meaning)").fill(
        "Q = Asked a question\nA = Answered\nC = Called on\nV = Volunteered")
    row.get_by_label("Rows").select_option(str(ROWS))
    row.get_by_label("Columns").select_option(str(COLS))
    expect(row.get_by_role("button", name=f"Row {ROWS}, seat {COLS}: empty")).to_be_visible()
    expect(row.get_by_role("button", name="Row 5, seat 1: empty")).to_have_count(0)

    # Tap each cell: a seat appears (the next sN, labelled with its number), then its fields.
    for n in range(1, ROWS * COLS + 1):
        r, c = (n - 1) // COLS + 1, (n - 1) % COLS + 1
        row.get_by_role("button", name=f"Row {r}, seat {c}: empty").click()
        cell = row.get_by_role("button", name=f"Row {r}, seat {c}: seat {n}")
        expect(cell).to_have_attribute("aria-pressed", "true")
        if n == 1:
            expect(row.get_by_text("Initials or a number: names are not needed")).to_be_visible()
            row.get_by_label("Seat label").fill("AB")
            expect(row.get_by_role("button", name="Row 1, seat 1: seat AB")).to_be_visible()
        row.get_by_label("Language", exact=True).select_option(language(n))
        row.get_by_label("Table", exact=True).select_option(table(c))
    expect(row.get_by_role("status").filter(has_text="32 seats")).to_be_visible()

    # Tap a seat twice: selected, then removed; tapped again, it comes back as it was.
    seat9 = row.get_by_role("button", name="Row 2, seat 1: seat 9")
    seat9.click()
    expect(row.get_by_label("Seat label")).to_have_value("9")
    seat9.click()
    expect(row.get_by_role("button", name="Row 2, seat 1: empty")).to_have_attribute(
        "aria-pressed", "false")
    row.get_by_role("button", name="Row 2, seat 1: empty").click()
    expect(row.get_by_label("Table", exact=True)).to_have_value("1")

    row.get_by_role("button", name="Save").click()
    expect(row.get_by_text("Saved")).to_be_visible()
    kind, config = saved(app, lid)
    assert kind == "seatmap"
    assert config["dimensions"] == ["Language", "Table"]
    assert [c["code"] for c in config["codes"]] == ["Q", "A", "C", "V"]
    assert config["seats"] == [
        {"id": f"s{n}", "label": "AB" if n == 1 else str(n), "row": (n - 1) // COLS + 1,
         "col": (n - 1) % COLS + 1,
         "groups": {"Language": language(n), "Table": table((n - 1) % COLS + 1)}}
        for n in range(1, ROWS * COLS + 1)]

    # Kept after a reload: the grid shows it, a seat's fields show its groups.
    page.reload()
    row = page.locator(f"#lookfor-{lid}")
    last = row.get_by_role("button", name=f"Row {ROWS}, seat {COLS}: seat 32")
    expect(last).to_have_attribute("aria-pressed", "true")
    expect(row.get_by_role("button", name="Row 1, seat 1: seat AB")).to_be_visible()
    last.click()
    expect(row.get_by_label("Language", exact=True)).to_have_value("non-EL")
    expect(row.get_by_label("Table", exact=True)).to_have_value("4")

    # Renaming a dimension or a value carries the seats' groups along.
    dimensions = row.get_by_label("Dimensions (one per line)")
    dimensions.fill("Language: ML, non-ML\nGroup: 1, 2, 3, 4")
    dimensions.blur()
    expect(row.get_by_label("Group", exact=True)).to_have_value("4")
    expect(row.get_by_label("Language", exact=True)).to_have_value("non-ML")

    # A bad edit: the reason in place, nothing saved; the coach's grid is still there.
    row.get_by_label("Codes (one per line: CODE = meaning)").fill("Q = Asked\nQ = Again")
    row.get_by_role("button", name="Row 1, seat 2: seat 2").click()
    row.get_by_role("button", name="Row 1, seat 2: seat 2").click()  # removed
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_role("alert")).to_have_text(
        "Participation map: each code must be different.")
    assert saved(app, lid) == (kind, config)
    expect(row.get_by_role("button", name="Row 1, seat 2: empty")).to_be_visible()
    expect(row.get_by_role("status").filter(has_text="31 seats")).to_be_visible()

    # Readable, tappable and no wider than a small phone.
    assert_accessible(page, "cycle page, participation map editor")
    assert_tall_enough(page, "cycle page, participation map editor")
    small = [(name, w, h) for name, w, h in page.evaluate(CELL_SIZES) if w < 44 or h < 44]
    assert not small, small
    page.set_viewport_size({"width": 360, "height": 740})
    measured = page.evaluate(MEASURE_WIDTH)
    assert measured["scroll"] <= measured["inner"], measured

    # The grid editor starts on a new look-for too (the add form's fields, swapped in).
    add = page.locator("form.add-lookfor")
    add.get_by_label("Kind of new look-for").select_option(label="Participation map")
    add.get_by_role("button", name="Row 1, seat 1: empty").click()
    add.get_by_label("New look-for", exact=True).fill("Who talks, group work")
    add.get_by_role("button", name="Add look-for").click()
    expect(page.get_by_role("status").filter(has_text="Added Who talks, group work.")
           ).to_be_visible()
    with app.app_context():
        added = db.session.scalars(db.select(LookFor).where(
            LookFor.cycle_id == coach.cycle_id).order_by(LookFor.position.desc())).first()
        assert (added.kind, added.config["seats"]) == ("seatmap", [
            {"id": "s1", "label": "1", "row": 1, "col": 1, "groups": {}}])


def test_without_javascript_the_map_is_typed_as_lines(browser, live_server, app, coach):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE,
                                  java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    lid = coach.lookfor_ids[0]
    sign_in(page, coach.email, coach.password)
    page.goto(f"/cycles/{coach.cycle_id}")
    row = page.locator(f"#lookfor-{lid}")
    row.get_by_label("Kind").select_option(label="Participation map")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Fill in the settings for Participation map below, then press Save."
                            )).to_be_visible()
    row = page.locator(f"#lookfor-{lid}")
    expect(row.get_by_role("button", name="Row 1, seat 1: empty")).to_have_count(0)
    row.get_by_label("Dimensions (one per line)").fill("Language: EL, non-EL")
    row.get_by_label("Codes (one per line: CODE = meaning)").fill("Q = Asked a question")
    row.get_by_label(SEATS_LABEL).fill("1, 1, AB, Language=EL\n1, 2, CD, Language=non-EL")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#lookfor-{lid}").get_by_label(SEATS_LABEL)).to_have_value(
        "1, 1, AB, Language=EL\n1, 2, CD, Language=non-EL")
    assert saved(app, lid) == ("seatmap", {
        "seats": [{"id": "s1", "label": "AB", "row": 1, "col": 1, "groups": {"Language": "EL"}},
                  {"id": "s2", "label": "CD", "row": 1, "col": 2,
                   "groups": {"Language": "non-EL"}}],
        "dimensions": ["Language"], "codes": [{"code": "Q", "label": "Asked a question"}]})
    context.close()
