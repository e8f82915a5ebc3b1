"""Every kind on the capture screen, as a coach uses it on a phone: tally, duration and note as
before, category buttons, the scan pad, the interval panel and the timer. Each records online
and offline, survives a reload, syncs, and the server's events and summary.json hold exactly
the figures worked out here by hand from what was tapped."""


from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from statistics import median

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    Kinds,
    category_button,
    code_toggle,
    end_observation,
    heard_while_offline,
    lookfor_button,
    open_capture,
    read_outbox,
    ready_for_the_day,
    record_scan,
    scan_button,
    sign_in,
    stored_events,
    sync_status,
    timer_button,
)

pytestmark = pytest.mark.browser


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

    category_button(page, "Recall").click()
    category_button(page, "Recall").click()
    category_button(page, "Inference").click()
    category_button(page, "Evaluation").click()
    expect(category_button(page, "Evaluation")).to_have_accessible_name("Evaluation 1")
    page.get_by_role("button", name="Undo").click()  # a tombstone of the last tap
    expect(category_button(page, "Evaluation")).to_have_accessible_name("Evaluation 0")
    expect(category_button(page, "Recall")).to_have_accessible_name("Recall 2")

    # Interval 1: Lec and CQ; Grp ticked by mistake, then undone (a version, not a delete).
    expect(page.locator(".interval-now")).to_contain_text("Interval 1")
    for code in ("Lec", "CQ", "Grp"):
        code_toggle(page, code).click()
        expect(code_toggle(page, code)).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Undo").click()
    expect(code_toggle(page, "Grp")).to_have_attribute("aria-pressed", "false")
    expect(code_toggle(page, "Lec")).to_have_attribute("aria-pressed", "true")

    record_scan(page, 0)
    expect(scan_button(page)).to_have_accessible_name("On task 100%")
    record_scan(page, 3)
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
        expect(code_toggle(page, code)).to_have_attribute("aria-pressed", "false")
    past = page.get_by_role("list", name="COPUS: past intervals")
    expect(past).to_have_text("Interval 1: Lec, CQ")
    clock.fast_forward(10_000)
    expect(page.locator(".interval-now")).to_contain_text("Interval 3")
    expect(past.get_by_role("listitem")).to_have_text(
        ["Interval 2: nothing ticked", "Interval 1: Lec, CQ"])
    code_toggle(page, "Grp").click()
    timer_button(page).click()  # left running across the reload
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")


def check_restored(page) -> None:
    """After a reload: every figure, the running duration and timer, the interval's codes."""
    expect(page.locator("#capture")).to_have_attribute("data-state", "running")
    expect(lookfor_button(page, "Student question")).to_have_accessible_name("Student question 2")
    expect(lookfor_button(page, "Teacher talk")).to_have_attribute("aria-pressed", "true")
    expect(lookfor_button(page, "Quote")).to_have_accessible_name("Quote 1")
    expect(category_button(page, "Recall")).to_have_accessible_name("Recall 2")
    expect(category_button(page, "Inference")).to_have_accessible_name("Inference 1")
    expect(category_button(page, "Evaluation")).to_have_accessible_name("Evaluation 0")
    expect(scan_button(page)).to_have_accessible_name("On task 89%")
    expect(timer_button(page)).to_have_attribute("aria-pressed", "true")
    expect(timer_button(page)).to_contain_text("1 of 1 at 3 s or more")
    expect(page.locator(".interval-now")).to_contain_text("Interval 3")
    expect(code_toggle(page, "Grp")).to_have_attribute("aria-pressed", "true")
    expect(code_toggle(page, "Lec")).to_have_attribute("aria-pressed", "false")
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

