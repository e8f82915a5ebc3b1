"""The participation map on the capture screen, as a coach uses it on a phone and on a tablet,
online and offline: a 32-seat map with two dimensions; seats marked absent before the lesson
(one taken back in Absent mode, one by Undo), contributions with sticky code chips, Undo, a
reload in the middle that brings back every count and absence, then the end and the sync.
summary.json must hold exactly the figures worked out here by hand from the taps."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from playwright.sync_api import expect

from app.cycles.services import add_lookfor
from app.extensions import db
from app.models import Cycle
from tests.browser.conftest import (
    PHONE,
    end_observation,
    heard_while_offline,
    open_capture,
    ready_for_the_day,
    sign_in,
    stored_events,
    sync_status,
)

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
ROWS, COLS = 4, 8
CODES = [{"code": "Q", "label": "Asked a question"}, {"code": "A", "label": "Answered"},
         {"code": "C", "label": "Called on"}, {"code": "V", "label": "Volunteered"}]


def seat_map(rows: int, cols: int) -> dict:
    """A map of rows × cols seats labelled 1, 2, …: every third seat EL, two columns a table."""
    seats = []
    for n in range(1, rows * cols + 1):
        row, col = (n - 1) // cols + 1, (n - 1) % cols + 1
        seats.append({"id": f"s{n}", "label": str(n), "row": row, "col": col, "groups": {
            "Language": "EL" if n % 3 == 0 else "non-EL", "Table": str((col - 1) // 2 + 1)}})
    return {"seats": seats, "dimensions": ["Language", "Table"], "codes": CODES}


def add_seat_map(app, cycle_id: int, rows: int = ROWS, cols: int = COLS) -> int:
    with app.app_context():
        lookfor = add_lookfor(db.session.get(Cycle, cycle_id), "Who talks", "seatmap",
                              seat_map(rows, cols))
        lookfor_id = lookfor.id
        db.session.remove()
    return lookfor_id


def seat(page, n: int):
    """Seat n's button, named "Seat <label>, <count or absent>"."""
    return page.get_by_role("button", name=re.compile(rf"^Seat {n}, "))


def chip(page, code: str):
    label = next(c["label"] for c in CODES if c["code"] == code)
    return page.get_by_role("button", name=f"{code} {label}", exact=True)


def absent_mode(page):
    return page.get_by_role("button", name="Absent", exact=True)


def named(n: int, count: int | None) -> str:
    if count is None:
        return f"Seat {n}, absent"
    return f"Seat {n}, {count} contribution{'' if count == 1 else 's'}"


# What the coach taps, as (seat, codes); the last of the first part is undone.
BEFORE_RELOAD = [(1, ["Q"]), (1, ["Q"]), (2, ["Q"]), (9, ["Q"]), (3, ["A"]), (1, ["A"]),
                 (17, ["Q", "A"]), (25, [])]
AFTER_RELOAD = [(30, ["V"]), (31, ["V"]), (2, ["V"]), (6, ["C"])]
ABSENT = {5, 12}


def tap_with(page, taps, chosen: set[str]) -> set[str]:
    """Tap each seat with its codes, pressing only the chips that change (they are sticky)."""
    for n, codes in taps:
        for code in chosen ^ set(codes):
            chip(page, code).click()
        chosen = set(codes)
        for code in (c["code"] for c in CODES):
            expect(chip(page, code)).to_have_attribute("aria-pressed", str(code in chosen).lower())
        seat(page, n).click()
    return chosen


def by_hand(taps, absent: set[int]) -> dict:
    """summary.json's figures for the map from the taps (32 seats, EL every third)."""
    counts = dict.fromkeys(range(1, ROWS * COLS + 1), 0)
    for n, _ in taps:
        counts[n] += 1
    away = {n for n in absent if not counts[n]}
    present = [n for n in counts if n not in away]
    contributions = sum(counts.values())
    contributed = sum(1 for n in present if counts[n])
    el = [n for n in present if n % 3 == 0]
    el_talk = sum(counts[n] for n in el)
    return {
        "present": len(present), "contributions": contributions, "contributed": contributed,
        "contributed_share": float(Fraction(contributed, len(present))),
        "per_seat": {f"s{n}": c for n, c in counts.items()},
        "absent": sorted(f"s{n}" for n in away),
        "el_equity_ratio": float(Fraction(el_talk, contributions)
                                 / Fraction(len(el), len(present))),
    }


@pytest.fixture(params=[(PHONE, True), (PHONE, False), (TABLET, True), (TABLET, False)],
                ids=["phone-online", "phone-offline", "tablet-online", "tablet-offline"])
def device(request, browser, live_server):
    viewport, online = request.param
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(10_000)
    yield context, online
    context.close()


def test_a_coach_records_who_talks_seat_by_seat(device, app, coach, live_server):
    context, online = device
    lookfor_id = add_seat_map(app, coach.cycle_id)
    page = context.new_page()
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    if not online:
        live_server.requests.clear()
        context.set_offline(True)
    open_capture(page, coach.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    figure = page.locator("[data-kind=seatmap] .seatmap-head span")
    expect(figure).to_have_text("0 of 32 have spoken")
    expect(seat(page, 7)).to_have_accessible_name(named(7, 0))

    # Every seat a target of at least 44 px each way (48 px tall).
    sizes = page.locator("[data-kind=seatmap] button.seat").evaluate_all(
        "(all) => all.map((b) => b.getBoundingClientRect()).map((r) => [r.width, r.height])")
    assert len(sizes) == ROWS * COLS
    assert all(w >= 44 and h >= 48 for w, h in sizes), sizes

    # Before the lesson: 5, 12, 20 and 7 marked absent; 20 is there after all (a second tap in
    # Absent mode), and 7 was a slip (Undo).
    absent_mode(page).click()
    expect(absent_mode(page)).to_have_attribute("aria-pressed", "true")
    for n in (5, 12, 20, 7):
        seat(page, n).click()
        expect(seat(page, n)).to_have_accessible_name(named(n, None))
    expect(figure).to_have_text("0 of 28 have spoken")
    seat(page, 20).click()
    expect(seat(page, 20)).to_have_accessible_name(named(20, 0))
    page.get_by_role("button", name="Undo").click()
    expect(seat(page, 7)).to_have_accessible_name(named(7, 0))
    expect(figure).to_have_text("0 of 30 have spoken")
    absent_mode(page).click()
    expect(absent_mode(page)).to_have_attribute("aria-pressed", "false")

    # The lesson: each tap one contribution with the chips selected; the last one undone.
    chosen = tap_with(page, BEFORE_RELOAD, set())
    expect(seat(page, 25)).to_have_accessible_name(named(25, 1))
    page.get_by_role("button", name="Undo").click()
    expect(seat(page, 25)).to_have_accessible_name(named(25, 0))
    taps = BEFORE_RELOAD[:-1]
    expect(seat(page, 1)).to_have_accessible_name(named(1, 3))
    expect(seat(page, 17)).to_have_accessible_name(named(17, 1))
    expect(figure).to_have_text("5 of 30 have spoken")  # 1, 2, 3, 9, 17
    expect(page.locator("#last-action")).to_contain_text("Undone: Who talks: 25 at")
    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")

    # A reload in the middle: the counts and absences come back; the chips start cleared.
    page.reload()
    expect(page.locator("#capture")).to_have_attribute("data-state", "running")
    for n in range(1, ROWS * COLS + 1):
        count = sum(1 for m, _ in taps if m == n)
        expect(seat(page, n)).to_have_accessible_name(named(n, None if n in ABSENT else count))
    expect(figure).to_have_text("5 of 30 have spoken")
    for code in ("Q", "A", "C", "V"):
        expect(chip(page, code)).to_have_attribute("aria-pressed", "false")
    assert chosen == set()
    tap_with(page, AFTER_RELOAD, set())
    taps += AFTER_RELOAD
    expect(seat(page, 2)).to_have_accessible_name(named(2, 2))
    expect(figure).to_have_text("8 of 30 have spoken")

    end_observation(page)
    if not online:
        expect(page.locator("#ended-panel")).to_be_visible()
        assert heard_while_offline(live_server) == [], "the server heard an offline device"
        context.set_offline(False)
    page.wait_for_url(f"**/observations/{observation_id}", timeout=20_000)
    expect(sync_status(page)).to_have_text("All changes synced")

    # The server's events: each tap as tapped, the undone ones as tombstones.
    stored = [e for e in stored_events(app, observation_id).values()
              if e["lookfor_id"] == lookfor_id]
    live = [e["data"] for e in stored if not e["deleted"]]
    assert sorted((d["seat"], d.get("codes"), d.get("absent")) for d in live) == sorted(
        [(f"s{n}", codes, None) for n, codes in taps]
        + [(f"s{n}", None, True) for n in ABSENT])
    assert sorted((e["data"]["seat"], e["data"].get("absent", False)) for e in stored
                  if e["deleted"]) == [("s20", True), ("s25", False), ("s7", True)]

    want = by_hand(taps, ABSENT)
    summary = page.request.get(f"/observations/{observation_id}/summary.json").json()
    got = next(f for f in summary["lookfors"] if f["id"] == lookfor_id)
    assert {key: got[key] for key in ("present", "contributions", "contributed", "per_seat",
                                      "absent")} == {
        key: want[key] for key in ("present", "contributions", "contributed", "per_seat",
                                   "absent")}
    assert got["contributed_share"] == pytest.approx(want["contributed_share"], rel=1e-9)
    assert got["groups"]["Language"]["EL"]["equity_ratio"] == pytest.approx(
        want["el_equity_ratio"], rel=1e-9)
    # Worked out once more in plain numbers: 30 present (5 and 12 absent), 11 contributions by
    # 8 seats; EL seats present 9 of 30 (3, 6, 9, …, 30 but not 12), and they spoke 4 times
    # (3, 9, 30, 6): (4/11) / (9/30) = 40/33.
    assert (want["present"], want["contributions"], want["contributed"]) == (30, 11, 8)
    assert want["el_equity_ratio"] == pytest.approx(40 / 33, rel=1e-12)


REFUSE_WRITES = """() => {
  IDBObjectStore.prototype.put = function () {
    throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
  };
}"""


def test_a_failed_write_takes_the_seat_tap_back_loudly(browser, live_server, app, coach):
    add_seat_map(app, coach.cycle_id)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    seat(page, 4).click()
    absent_mode(page).click()
    seat(page, 6).click()
    expect(seat(page, 6)).to_have_accessible_name(named(6, None))
    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")
    page.evaluate(REFUSE_WRITES)  # the device's storage starts refusing writes
    seat(page, 6).click()  # present again: its tombstone cannot be written
    alert = page.locator("#capture-alert")
    expect(alert).to_contain_text("Could not save")
    expect(seat(page, 6)).to_have_accessible_name(named(6, None))
    absent_mode(page).click()
    seat(page, 4).click()
    expect(seat(page, 4)).to_have_accessible_name(named(4, 1))
    expect(page.locator("[data-kind=seatmap] .seatmap-head span")).to_have_text(
        "1 of 31 has spoken")
    expect(page.locator("#saved-mark")).to_have_text("NOT SAVED")
    context.close()
