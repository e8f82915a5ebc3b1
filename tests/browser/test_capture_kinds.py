"""Every kind on the capture screen, as a coach uses it on a phone: tally, duration and note as
before, category buttons, the scan pad, the interval panel and the timer. Each records online
and offline, survives a reload, syncs, and the server's events and summary.json hold exactly
the figures worked out here by hand from what was tapped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from statistics import median

import pytest
from playwright.sync_api import expect

from app.cycles.services import add_lookfor
from app.extensions import db
from app.models import Cycle
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    chromium_path,
    end_observation,
    heard_while_offline,
    lookfor_button,
    open_capture,
    read_outbox,
    ready_for_the_day,
    sign_in,
    stored_events,
    sync_status,
)
from tests.browser.test_accessibility import assert_accessible, assert_tall_enough
from tests.browser.test_phone_widths import assert_fits

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CODES = [{"code": "Lec", "label": "Lecturing"}, {"code": "CQ", "label": "Clicker question"},
         {"code": "Grp", "label": "Group work"}]


@dataclass(frozen=True)
class Kinds:
    """The coach's cycle with one look-for of every kind, by kind."""

    email: str
    password: str
    cycle_id: int
    ids: dict[str, int]


@pytest.fixture
def every_kind(app, coach) -> Kinds:
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        added = {
            "category": add_lookfor(cycle, "Questions", "category",
                                    {"categories": ["Recall", "Inference", "Evaluation"]}),
            "scan": add_lookfor(cycle, "On task", "scan", {"of": 28, "every_s": 60}),
            "interval": add_lookfor(cycle, "COPUS", "interval",
                                    {"interval_s": 10, "codes": CODES}),
            "timer": add_lookfor(cycle, "Wait time", "timer", {"threshold_s": 3}),
        }
        ids = dict(zip(("tally", "duration", "note"), coach.lookfor_ids, strict=True))
        ids.update({kind: lookfor.id for kind, lookfor in added.items()})
        db.session.remove()
    return Kinds(coach.email, coach.password, coach.cycle_id, ids)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def category(page, name: str):
    """A category's button, inside the group named by its look-for."""
    group = page.get_by_role("group", name="Questions")
    return group.get_by_role("button", name=re.compile(rf"^{name} \d+$"))


def scan_button(page):
    return page.get_by_role("button", name=re.compile(r"^On task\b"))


def timer_button(page):
    return page.get_by_role("button", name=re.compile(r"^Wait time\b"))


def toggle(page, code: str):
    label = next(c["label"] for c in CODES if c["code"] == code)
    return page.get_by_role("button", name=f"{code} {label}", exact=True)


def scan(page, not_on_task: int) -> None:
    """Open the pad and record a scan: "All on task", or that many not on task."""
    scan_button(page).click()
    pad = page.get_by_role("dialog", name="On task: scan")
    expect(pad).to_be_visible()
    if not_on_task == 0:
        pad.get_by_role("button", name="All on task").click()
    else:
        for _ in range(not_on_task):
            pad.get_by_role("button", name="One more not on task").click()
        expect(pad).to_contain_text(f"On task: {28 - not_on_task} of 28")
        pad.get_by_role("button", name="Record scan").click()
    expect(pad).to_be_hidden()


def record_every_kind(page, every_kind: Kinds) -> None:
    """What the coach taps, in time (the page's clock is installed and jumped forward).
    Before the reload: interval 1 and 2 (untouched), half of 3; a timer left running."""
    clock = page.clock
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Student question").click()
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 2")
    lookfor_button(page, "Teacher talk").click()  # runs until the end, across the reload
    expect(lookfor_button(page, "Teacher talk")).to_have_attribute("aria-pressed", "true")
    lookfor_button(page, "Quote").click()
    page.get_by_label("Note text").fill("Why does ice float?")
    page.get_by_role("button", name="Save note").click()

    category(page, "Recall").click()
    category(page, "Recall").click()
    category(page, "Inference").click()
    category(page, "Evaluation").click()
    expect(category(page, "Evaluation")).to_have_accessible_name("Evaluation 1")
    page.get_by_role("button", name="Undo").click()  # a tombstone of the last tap
    expect(category(page, "Evaluation")).to_have_accessible_name("Evaluation 0")
    expect(category(page, "Recall")).to_have_accessible_name("Recall 2")

    # Interval 1: Lec and CQ; Grp ticked by mistake, then undone (a version, not a delete).
    expect(page.locator(".interval-now")).to_contain_text("Interval 1")
    for code in ("Lec", "CQ", "Grp"):
        toggle(page, code).click()
        expect(toggle(page, code)).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Undo").click()
    expect(toggle(page, "Grp")).to_have_attribute("aria-pressed", "false")
    expect(toggle(page, "Lec")).to_have_attribute("aria-pressed", "true")

    scan(page, 0)
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    scan(page, 3)
    expect(scan_button(page)).to_have_accessible_name("On task 89%")  # 25 of 28

    timer_button(page).click()
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")
    # Timers run alongside the talk-time durations: neither stops the other.
    expect(lookfor_button(page, "Teacher talk")).to_have_attribute("aria-pressed", "true")
    clock.fast_forward(3500)
    timer_button(page).click()
    expect(timer_button(page)).to_have_attribute("aria-pressed", "false")
    expect(timer_button(page)).to_have_accessible_name(
        re.compile(r"^Wait time 3\.\d s 1 of 1 at 3 s or more$"))

    # Past the boundary: the toggles clear, interval 1 is listed; interval 2 stays untouched.
    clock.fast_forward(10_000)
    expect(page.locator(".interval-now")).to_contain_text("Interval 2")
    for code in ("Lec", "CQ", "Grp"):
        expect(toggle(page, code)).to_have_attribute("aria-pressed", "false")
    past = page.get_by_role("list", name="COPUS: past intervals")
    expect(past).to_have_text("Interval 1: Lec, CQ")
    clock.fast_forward(10_000)
    expect(page.locator(".interval-now")).to_contain_text("Interval 3")
    expect(past.get_by_role("listitem")).to_have_text(
        ["Interval 2: nothing ticked", "Interval 1: Lec, CQ"])
    toggle(page, "Grp").click()
    timer_button(page).click()  # left running across the reload
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")


def check_restored(page) -> None:
    """After a reload: every figure, the running duration and timer, the interval's codes."""
    expect(page.locator("#capture")).to_have_attribute("data-state", "running")
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 2")
    expect(lookfor_button(page, "Teacher talk")).to_have_attribute("aria-pressed", "true")
    expect(lookfor_button(page, "Quote")).to_have_accessible_name("Quote 1")
    expect(category(page, "Recall")).to_have_accessible_name("Recall 2")
    expect(category(page, "Inference")).to_have_accessible_name("Inference 1")
    expect(category(page, "Evaluation")).to_have_accessible_name("Evaluation 0")
    expect(scan_button(page)).to_have_accessible_name("On task 89%")
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")
    expect(timer_button(page)).to_contain_text("1 of 1 at 3 s or more")
    expect(page.locator(".interval-now")).to_contain_text("Interval 3")
    expect(toggle(page, "Grp")).to_have_attribute("aria-pressed", "true")
    expect(toggle(page, "Lec")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("list", name="COPUS: past intervals").get_by_role("listitem")
           ).to_have_text(["Interval 2: nothing ticked", "Interval 1: Lec, CQ"])


def finish_and_end(page) -> None:
    """After the reload: the timer stops short, one more tally, then the end (mid-interval 3)."""
    page.clock.fast_forward(1000)
    timer_button(page).click()
    expect(timer_button(page)).to_contain_text("of 2 at 3 s or more")
    lookfor_button(page, "Student question").click()
    page.clock.fast_forward(2000)
    end_observation(page)


def ms(iso: str) -> Fraction:
    return Fraction(round(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000))


def expected_summary(outbox: dict, ids: dict[str, int]) -> dict[str, dict]:
    """summary.json's figures per look-for, worked out from the device's own records."""
    (observation,) = outbox["observations"]
    length = ms(observation["ended_at"]) - ms(observation["started_at"])
    live = [e for e in outbox["events"] if not e["deleted"]]
    of = {kind: [e for e in live if e["lookfor_id"] == lookfor_id]
          for kind, lookfor_id in ids.items()}
    spans = sorted(e["duration_ms"] for e in of["timer"])
    scans = [Fraction(e["data"]["on"], e["data"]["of"]) for e in of["scan"]]
    intervals = [e["data"]["codes"] for e in of["interval"]]
    categories = [e["data"]["category"] for e in of["category"]]
    talk = sum(e["duration_ms"] for e in of["duration"])
    return {
        "tally": {"count": 3, "rate_per_10": float(3 * 600_000 / length)},
        "duration": {"count": 1, "total_ms": talk, "share": float(talk / length)},
        "note": {"count": 1},
        "category": {"count": 3, "categories": {
            name: {"count": categories.count(name), "share": float(Fraction(
                categories.count(name), 3))} for name in ("Recall", "Inference", "Evaluation")}},
        "scan": {"scans": 2, "mean_on_share": float(sum(scans) / 2),
                 "min_on_share": float(min(scans)), "max_on_share": 1.0},
        "interval": {"intervals": 3, "codes": {
            code: {"intervals": n, "share": float(Fraction(n, 3))}
            for code, n in (("Lec", 1), ("CQ", 1), ("Grp", 1))}},
        "timer": {"count": 2, "median_ms": float(median(spans)),
                  "mean_ms": float(Fraction(sum(spans), 2)),
                  "share_at_or_over_threshold": float(Fraction(
                      sum(1 for s in spans if s >= 3000), 2))},
    } | {"_check": {"categories": categories, "intervals": intervals}}


@pytest.mark.parametrize("online", [True, False], ids=["online", "offline"])
def test_every_kind_records_survives_a_reload_and_syncs(
    phone, app, every_kind, live_server, online
):
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    ready_for_the_day(page)
    if not online:
        live_server.requests.clear()
        phone.set_offline(True)
    # The page's time stands still but for the test's jumps: offsets, spans and intervals are
    # exactly what the test says, however long the browser takes.
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)  # seconds, from Python
    open_capture(page, every_kind.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    record_every_kind(page, every_kind)

    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")
    page.reload()
    check_restored(page)
    finish_and_end(page)
    if not online:
        expect(page.locator("#ended-panel")).to_be_visible()
        assert heard_while_offline(live_server) == [], "the server heard an offline device"
        phone.set_offline(False)
        page.clock.fast_forward(5000)  # the page's own retry timers run on its clock
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(sync_status(page)).to_have_text("All changes synced")

    outbox = read_outbox(page)
    ids = every_kind.ids
    expected = expected_summary(outbox, ids)
    check = expected.pop("_check")
    assert sorted(check["categories"]) == ["Inference", "Recall", "Recall"]
    assert check["intervals"] == [["Lec", "CQ"], [], ["Grp"]]

    # What the server stored: each event as the device wrote it, data included.
    stored = stored_events(app, observation_id)
    by_kind = {kind: sorted((e for e in stored.values()
                             if e["lookfor_id"] == lookfor_id and not e["deleted"]),
                            key=lambda e: e["offset_ms"]) for kind, lookfor_id in ids.items()}
    assert sorted((e["data"] for e in by_kind["scan"]), key=lambda d: d["on"]) == [
        {"on": 25, "of": 28}, {"on": 28, "of": 28}]
    assert sorted(e["data"]["category"] for e in by_kind["category"]) == [
        "Inference", "Recall", "Recall"]
    # The undone Evaluation is a tombstone on the server.
    assert [e["data"] for e in stored.values()
            if e["lookfor_id"] == ids["category"] and e["deleted"]] == [{"category": "Evaluation"}]
    first, untouched, last = by_kind["interval"]
    assert (first["offset_ms"], first["duration_ms"], first["data"]) == (
        0, 10_000, {"codes": ["Lec", "CQ"]})
    assert first["version"] == 4  # Lec, +CQ, +Grp, undo
    assert (untouched["offset_ms"], untouched["duration_ms"], untouched["data"]) == (
        10_000, 10_000, {"codes": []})
    (device_obs,) = outbox["observations"]
    end_offset = ms(device_obs["ended_at"]) - ms(device_obs["started_at"])
    assert last["offset_ms"] == 20_000 and last["data"] == {"codes": ["Grp"]}
    assert 0 < last["duration_ms"] < 10_000
    assert abs(last["duration_ms"] - (end_offset - 20_000)) <= 5
    assert all(e["data"] is None and e["duration_ms"] is not None for e in by_kind["timer"])
    assert all(e["data"] is None for kind in ("tally", "duration", "note")
               for e in by_kind[kind])

    summary = page.request.get(f"/observations/{observation_id}/summary.json").json()
    figures = {f["id"]: f for f in summary["lookfors"]}
    for kind, lookfor_id in ids.items():
        got = {key: value for key, value in figures[lookfor_id].items()
               if key not in ("id", "label", "kind")}
        assert _same(got, expected[kind]), (kind, got, expected[kind])


def _same(got, want) -> bool:
    """Equal, floats to 1e-9 relative (both sides compute exact fractions, then round)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(
            _same(got[k], want[k]) for k in want)
    if isinstance(want, float):
        return got == pytest.approx(want, rel=1e-9)
    return got == want


# Calls to navigator.vibrate, kept where the test can read them.
RECORD_BUZZES = """() => {
  window.__buzzes = [];
  navigator.vibrate = (pattern) => { window.__buzzes.push(pattern); return true; };
}"""


def test_a_scan_due_shows_and_buzzes_once_until_the_next_scan(phone, every_kind):
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    page.add_init_script(f"({RECORD_BUZZES})()")
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)
    open_capture(page, every_kind.cycle_id)
    expect(scan_button(page)).to_have_accessible_name("On task")  # no scan yet, none due
    page.clock.fast_forward(59_000)
    expect(scan_button(page)).not_to_contain_text("Scan due")

    # every_s is 60: a minute after the start, a scan is due.
    page.clock.fast_forward(1500)
    expect(scan_button(page)).to_have_accessible_name("On task Scan due")
    page.clock.fast_forward(2000)
    assert page.evaluate("() => window.__buzzes") == [[80, 60, 80]]  # once, not every tick

    scan(page, 0)
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    page.clock.fast_forward(30_000)
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    page.clock.fast_forward(31_000)  # a minute after that scan
    expect(scan_button(page)).to_have_accessible_name("On task 100% Scan due")
    buzzes = page.evaluate("() => window.__buzzes")
    assert buzzes.count([80, 60, 80]) == 2


def test_the_scan_pad_adjusts_for_absences_and_keeps_them(phone, app, every_kind):
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    scan_button(page).click()
    pad = page.get_by_role("dialog", name="On task: scan")
    for _ in range(2):
        pad.get_by_role("button", name="One fewer present").click()
    pad.get_by_role("button", name="One more not on task").click()
    expect(pad).to_contain_text("On task: 25 of 26")
    pad.get_by_role("button", name="Record scan").click()
    expect(scan_button(page)).to_have_accessible_name("On task 96%")  # 25/26

    # The next scan starts from the class as it is today (26), with nobody off task yet.
    page.reload()
    scan_button(page).click()
    expect(pad).to_contain_text("On task: 26 of 26")
    pad.get_by_role("button", name="Cancel").click()
    expect(pad).to_be_hidden()
    expect(sync_status(page)).to_have_text("All changes synced")
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    scans = [e["data"] for e in stored_events(app, observation_id).values()]
    assert scans == [{"on": 25, "of": 26}]


# An outbox as version 2 of the app made it (records with owners, no `data`): made by hand on
# the sign-in page, which runs none of the app's code.
MAKE_V2_OUTBOX = """async (records) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("lookfor", 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of ["observations", "events"]) {
        const store = db.createObjectStore(name, { keyPath: "id" });
        store.createIndex("pending", "pending");
        store.createIndex(name === "events" ? "observation_id" : "cycle_id",
                          name === "events" ? "observation_id" : "cycle_id");
        store.createIndex("coach_pending", ["coach_id", "pending"]);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction(["observations", "events"], "readwrite");
  tx.objectStore("observations").put(records.observation);
  for (const event of records.events) tx.objectStore("events").put(event);
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""

DB_VERSION = """() => new Promise((resolve) => {
  const request = indexedDB.open("lookfor");
  request.onsuccess = () => { resolve(request.result.version); request.result.close(); };
})"""


def test_a_version_2_outbox_upgrades_to_3_with_nothing_lost(phone, app, coach):
    import uuid

    oid = str(uuid.uuid4())
    started = "2026-03-02T09:00:00.000Z"
    base = {"observation_id": oid, "recorded_at": started, "count": 1, "duration_ms": None,
            "note": None, "deleted": False, "version": 1, "coach_id": coach.coach_id,
            "pending": 1}
    events = [
        {**base, "id": str(uuid.uuid4()), "lookfor_id": coach.lookfor_ids[0], "offset_ms": 1000,
         "seq": 1},
        {**base, "id": str(uuid.uuid4()), "lookfor_id": coach.lookfor_ids[1], "offset_ms": 2000,
         "duration_ms": 5000, "version": 2, "seq": 2},
        {**base, "id": str(uuid.uuid4()), "lookfor_id": None, "offset_ms": 3000,
         "note": "Asked why ice floats", "seq": 3},
        # Already synced: kept as it is, not sent again.
        {**base, "id": str(uuid.uuid4()), "lookfor_id": coach.lookfor_ids[0], "offset_ms": 4000,
         "seq": 4, "pending": 0},
    ]
    records = {"observation": {"id": oid, "cycle_id": coach.cycle_id, "started_at": started,
                               "ended_at": "2026-03-02T09:40:00.000Z", "coach_id": coach.coach_id,
                               "pending": 1},
               "events": events}
    page = phone.new_page()
    page.goto("/login")
    page.evaluate(MAKE_V2_OUTBOX, records)
    assert page.evaluate(DB_VERSION) == 2

    sign_in(page, coach.email, coach.password)
    expect(sync_status(page)).to_have_text("All changes synced")
    assert page.evaluate(DB_VERSION) == 3
    outbox = read_outbox(page)
    assert {e["id"] for e in outbox["events"]} == {e["id"] for e in events}
    assert all("data" in e and e["data"] is None for e in outbox["events"])
    stored = stored_events(app, oid)
    assert set(stored) == {e["id"] for e in events[:3]}
    assert stored[events[1]["id"]]["duration_ms"] == 5000
    assert stored[events[2]["id"]]["note"] == "Asked why ice floats"


TABLET = {"width": 820, "height": 1180}
SMALL_PHONE = {"width": 360, "height": 740}
# Every control of the kinds: big buttons at 64 px like a tally, the rest at 48 px or more.
BIG_BUTTONS = "button.tap, #note-button, #undo-button, #end-button, .scan-pad button"
KIND_CONTROLS = "#tap-grid button"


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
def test_every_kind_fits_reads_and_is_big_enough(own_browser, live_server, every_kind,
                                                 viewport, color_scheme):
    context = own_browser.new_context(base_url=live_server.url, viewport=viewport,
                                      color_scheme=color_scheme, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()  # left running, so its badge shows
    category(page, "Inference").click()
    toggle(page, "CQ").click()
    timer_button(page).click()  # running too
    scan(page, 3)
    page.clock.install()
    page.clock.fast_forward(11_000)  # a past interval is listed, and its list scrolls
    expect(page.get_by_role("list", name="COPUS: past intervals")).to_be_visible()
    expect(sync_status(page)).to_have_text("All changes synced")
    where = f"capture with every kind ({viewport['width']} px, {color_scheme})"
    assert_fits(page, where)
    assert_accessible(page, where)
    assert_tall_enough(page, where, KIND_CONTROLS)
    assert_tall_enough(page, where, BIG_BUTTONS, least=64)

    scan_button(page).click()
    pad = page.get_by_role("dialog", name="On task: scan")
    expect(pad).to_be_visible()
    assert_fits(page, f"{where}, scan pad")
    assert_accessible(page, f"{where}, scan pad")
    assert_tall_enough(page, f"{where}, scan pad", ".scan-pad button", least=64)
    pad.get_by_role("button", name="Cancel").click()
    context.close()


def test_the_capture_screen_stays_within_30_kb_with_every_kind(phone, every_kind):
    """Every script and stylesheet it loads, gzipped as a proxy would serve them."""
    import gzip

    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    urls = sorted(set(page.evaluate("""() => performance.getEntriesByType("resource")
        .map((e) => e.name).filter((u) => /\\.(js|css)(\\?|$)/.test(u))""")))
    assert any("/kinds/interval.js" in url for url in urls), urls
    sizes = {url.split("/static/")[1].split("?")[0]:
             len(gzip.compress(page.request.get(url).body(), 9)) for url in urls}
    assert sum(sizes.values()) <= 30 * 1024, sizes


def test_intervals_missed_while_away_close_empty_once_across_tabs(phone, app, every_kind):
    """Decided: an interval that passed while no screen was open (the observation still ran)
    gets its {"codes": []} record on resume, like any interval that closes untouched; each
    interval has one id, so two tabs never make two records of it."""
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)
    open_capture(page, every_kind.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    toggle(page, "Lec").click()
    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")
    page.goto("/")  # the screen is closed for intervals 2 and 3
    page.clock.fast_forward(25_000)

    open_capture(page, every_kind.cycle_id)  # resumes, in interval 3
    other = phone.new_page()
    open_capture(other, every_kind.cycle_id)  # a second tab on the same observation
    for tab in (page, other):
        expect(tab.locator(".interval-now")).to_contain_text("Interval 3")
        expect(tab.get_by_role("list", name="COPUS: past intervals").get_by_role("listitem")
               ).to_have_text(["Interval 2: nothing ticked", "Interval 1: Lec"])
    page.clock.fast_forward(10_000)  # both tabs see interval 3 close untouched
    for tab in (page, other):
        expect(tab.locator(".interval-now")).to_contain_text("Interval 4")
    end_observation(page)
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(sync_status(page)).to_have_text("All changes synced")

    records = sorted((e["offset_ms"], e["duration_ms"], e["data"]["codes"])
                     for e in stored_events(app, observation_id).values()
                     if e["lookfor_id"] == every_kind.ids["interval"])
    assert records[:3] == [(0, 10_000, ["Lec"]), (10_000, 10_000, []), (20_000, 10_000, [])]
    # The end came inside interval 4: its partial record, and no interval twice.
    assert [offset for offset, _, _ in records] == [0, 10_000, 20_000, 30_000]
    assert 1 <= records[3][1] < 10_000 and records[3][2] == []


def test_undo_takes_back_a_running_timer(phone, app, every_kind):
    """A running timer is a draft on the device (not sent: it has no span yet); Undo makes it a
    tombstone, which the server keeps as deleted."""
    page = phone.new_page()
    sign_in(page, every_kind.email, every_kind.password)
    open_capture(page, every_kind.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    timer_button(page).click()
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#saved-mark")).to_have_text("Saved on this device")
    (draft,) = read_outbox(page)["events"]
    assert draft["pending"] == 3 and draft["duration_ms"] is None
    expect(sync_status(page)).to_have_text("All changes synced")  # nothing of it waits
    page.get_by_role("button", name="Undo").click()
    expect(timer_button(page)).to_have_attribute("aria-pressed", "false")
    expect(timer_button(page)).to_contain_text("0 of 0 at 3 s or more")
    expect(sync_status(page)).to_have_text("All changes synced")
    (stored,) = stored_events(app, observation_id).values()
    assert stored["deleted"] is True
