"""Every kind end to end on the server: look-fors with their config, events with their data
through POST /api/v1/sync (misfits rejected per item), and the figures on summary.json for an
observation and for the cycle (pooled), the CSV's kind columns and the debrief. The expected
figures are computed here from the raw events, by hand, with exact fractions."""

from __future__ import annotations

import csv
import io
import uuid
from fractions import Fraction

import pytest

from app.extensions import db
from app.models import LookFor

CONFIGS = {
    "category": {"categories": ["Recall", "Inference", "Evaluation"]},
    "scan": {"of": 28, "every_s": 300},
    "interval": {"interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"},
                                              {"code": "CQ", "label": "Clicker question"}]},
    "timer": {"threshold_s": 3},
}
MINUTE = 60_000


@pytest.fixture
def kinds_cycle(app, coach):
    """The coach's cycle gains one look-for of each new kind; returns {kind: look-for id}."""
    with app.app_context():
        ids = {}
        for position, (kind, config) in enumerate(CONFIGS.items(), start=10):
            lookfor = LookFor(cycle_id=coach.cycle_id, label=f"My {kind}", kind=kind,
                              config=config, position=position)
            db.session.add(lookfor)
            db.session.flush()
            ids[kind] = lookfor.id
        db.session.commit()
        ids["tally"], ids["duration"], ids["note"] = coach.lookfor_ids
        return ids


def sync(client, observations, events):
    token = client.get("/api/v1/csrf").json["csrf_token"]
    response = client.post("/api/v1/sync", json={"observations": observations,
                                                 "events": events},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def observation(cycle_id, start_minute, length_minutes):
    started = f"2026-03-02T09:{start_minute:02d}:00Z"
    end_total = start_minute + length_minutes
    ended = f"2026-03-02T{9 + end_total // 60:02d}:{end_total % 60:02d}:00Z"
    return {"id": str(uuid.uuid4()), "cycle_id": cycle_id, "started_at": started,
            "ended_at": ended}


def event(obs, lookfor_id, offset_ms, **fields):
    return {"id": str(uuid.uuid4()), "observation_id": obs["id"], "lookfor_id": lookfor_id,
            "offset_ms": offset_ms, "recorded_at": obs["started_at"], **fields}


def lesson(obs, ids, plan):
    """Events for one lesson from a plan: {kind: [values]}."""
    events = []
    for i, category in enumerate(plan["category"]):
        events.append(event(obs, ids["category"], i * 1000, data={"category": category}))
    for i, (on, of) in enumerate(plan["scan"]):
        events.append(event(obs, ids["scan"], i * 5 * MINUTE, data={"on": on, "of": of}))
    for i, (codes, length) in enumerate(plan["interval"]):
        events.append(event(obs, ids["interval"], i * 2 * MINUTE, duration_ms=length,
                            data={"codes": codes}))
    for i, span in enumerate(plan["timer"]):
        events.append(event(obs, ids["timer"], i * 7000, duration_ms=span))
    for i in range(plan["tally"]):
        events.append(event(obs, ids["tally"], i * 3000))
    for i, span in enumerate(plan["duration"]):
        events.append(event(obs, ids["duration"], i * MINUTE, duration_ms=span))
    return events


FIRST = {
    "category": ["Recall", "Recall", "Inference", "Recall"],
    "scan": [(20, 28), (25, 28), (27, 27)],
    "interval": [(["Lec"], 120_000), (["Lec", "CQ"], 120_000), ([], 120_000), (["CQ"], 45_000)],
    "timer": [1000, 3000, 4500, 2999],
    "tally": 5,
    "duration": [90_000, 30_500],
}
SECOND = {
    "category": ["Evaluation", "Inference"],
    "scan": [(14, 25)],
    "interval": [(["Lec"], 120_000)],
    "timer": [3000, 3001, 500],
    "tally": 1,
    "duration": [],
}


def expected(plan, length_ms):
    """The issue's figures, computed from the plan by hand."""
    def share(a, b):
        return float(Fraction(a, b)) if b else None

    categories = plan["category"]
    scans = [Fraction(on, of) for on, of in plan["scan"]]
    intervals = [codes for codes, _ in plan["interval"]]
    spans = sorted(plan["timer"])
    middle = len(spans) // 2
    median = (spans[middle] if len(spans) % 2 else Fraction(spans[middle - 1] + spans[middle], 2))
    return {
        "tally": {"count": plan["tally"],
                  "rate_per_10": share(plan["tally"] * 10 * MINUTE, length_ms)},
        "duration": {"count": len(plan["duration"]), "total_ms": sum(plan["duration"]),
                     "share": share(sum(plan["duration"]), length_ms)},
        "note": {"count": 0},
        "category": {"count": len(categories), "categories": {
            name: {"count": categories.count(name), "share": share(categories.count(name),
                                                                   len(categories))}
            for name in ["Recall", "Inference", "Evaluation"]}},
        "scan": {"scans": len(scans),
                 "mean_on_share": float(sum(scans) / len(scans)) if scans else None,
                 "min_on_share": float(min(scans)) if scans else None,
                 "max_on_share": float(max(scans)) if scans else None},
        "interval": {"intervals": len(intervals), "codes": {
            code: {"intervals": sum(code in c for c in intervals),
                   "share": share(sum(code in c for c in intervals), len(intervals))}
            for code in ["Lec", "CQ"]}},
        "timer": {"count": len(spans), "median_ms": float(median),
                  "mean_ms": share(sum(spans), len(spans)),
                  "share_at_or_over_threshold": share(sum(s >= 3000 for s in spans),
                                                      len(spans))},
    }


def figures_by_kind(lookfors):
    return {lf["kind"]: {k: v for k, v in lf.items() if k not in ("id", "label", "kind")}
            for lf in lookfors}


def test_every_kind_syncs_and_summarises(coach_client, coach, kinds_cycle):
    first = observation(coach.cycle_id, 0, 35)
    second = observation(coach.cycle_id, 40, 8)
    answer = sync(coach_client, [first, second],
                  lesson(first, kinds_cycle, FIRST) + lesson(second, kinds_cycle, SECOND))
    assert answer["events"]["rejected"] == []

    summary = coach_client.get(f"/observations/{first['id']}/summary.json").json
    assert summary["observation"] == {
        "id": first["id"], "cycle_id": coach.cycle_id, "started_at": "2026-03-02T09:00:00Z",
        "ended_at": "2026-03-02T09:35:00Z", "length_ms": 35 * MINUTE}
    assert figures_by_kind(summary["lookfors"]) == expected(FIRST, 35 * MINUTE)
    assert {lf["label"] for lf in summary["lookfors"]} >= {"My scan", "Student question"}

    cycle = coach_client.get(f"/cycles/{coach.cycle_id}/summary.json").json
    assert cycle["cycle"] == {"id": coach.cycle_id, "goal": "Students ask more of the questions"}
    assert [o["observation"]["id"] for o in cycle["observations"]] == [first["id"], second["id"]]
    assert figures_by_kind(cycle["observations"][1]["lookfors"]) == expected(SECOND, 8 * MINUTE)
    pooled_plan = {kind: (FIRST[kind] + SECOND[kind]) if kind != "tally"
                   else FIRST[kind] + SECOND[kind] for kind in FIRST}
    assert figures_by_kind(cycle["pooled"]["lookfors"]) == expected(pooled_plan, 43 * MINUTE)


def test_misfits_are_rejected_per_item_and_neighbours_stored(coach_client, coach, kinds_cycle):
    obs = observation(coach.cycle_id, 0, 30)
    ids = kinds_cycle
    good = event(obs, ids["category"], 0, data={"category": "Recall"})
    bad = [
        event(obs, ids["category"], 0, data={"category": "Synthesis"}),
        event(obs, ids["category"], 0),
        event(obs, ids["scan"], 0, data={"on": 29, "of": 28}),
        event(obs, ids["interval"], 0, data={"codes": ["XX"]}, duration_ms=1000),
        event(obs, ids["interval"], 0, data={"codes": []}),
        event(obs, ids["timer"], 0),
        event(obs, ids["tally"], 0, data={"category": "Recall"}),
        event(obs, None, 0, note="free", data={"x": 1}),
        event(obs, ids["tally"], 0, data=[1, 2]),
    ]
    answer = sync(coach_client, [obs], [bad[0], good, *bad[1:]])
    assert answer["events"]["accepted"] == [good["id"]]
    reasons = {r["id"]: r["error"] for r in answer["events"]["rejected"]}
    assert [reasons[e["id"]] for e in bad] == [
        "unknown category", "data must be an object", "on must be a whole number from 0 to 28",
        "codes must be a list of the look-for's codes",
        "duration_ms must be the interval's length, 1 to 120000",
        "duration_ms is required for a timer", "data must be absent for this kind",
        "data must be absent for a free note", "data must be an object or null",
    ]


def test_a_tombstone_is_accepted_even_after_the_config_changed(coach_client, coach, kinds_cycle,
                                                                app):
    obs = observation(coach.cycle_id, 0, 30)
    tap = event(obs, kinds_cycle["category"], 0, data={"category": "Evaluation"})
    sync(coach_client, [obs], [tap])
    with app.app_context():
        lookfor = db.session.get(LookFor, kinds_cycle["category"])
        lookfor.config = {"categories": ["Recall", "Inference"]}
        db.session.commit()
    answer = sync(coach_client, [], [{**tap, "deleted": True, "version": 2}])
    assert answer["events"]["accepted"] == [tap["id"]]
    summary = coach_client.get(f"/observations/{obs['id']}/summary.json").json
    assert figures_by_kind(summary["lookfors"])["category"]["count"] == 0


def test_csv_carries_each_kinds_columns(coach_client, coach, kinds_cycle):
    obs = observation(coach.cycle_id, 0, 30)
    events = [
        event(obs, kinds_cycle["category"], 1000, data={"category": "Inference"}),
        event(obs, kinds_cycle["scan"], 2000, data={"on": 23, "of": 28}),
        event(obs, kinds_cycle["interval"], 0, duration_ms=120_000,
              data={"codes": ["Lec", "CQ"]}),
        event(obs, kinds_cycle["timer"], 3000, duration_ms=2500),
    ]
    sync(coach_client, [obs], events)
    body = coach_client.get(f"/observations/{obs['id']}/events.csv").get_data(as_text=True)
    rows = {r["kind"]: r for r in csv.DictReader(io.StringIO(body))}
    assert list(rows["scan"])[-5:] == ["category", "on", "of", "codes", "seat"]
    assert rows["category"]["category"] == "Inference"
    assert (rows["scan"]["on"], rows["scan"]["of"]) == ("23", "28")
    assert rows["interval"]["codes"] == "Lec CQ"
    assert rows["timer"]["duration_seconds"] == "2.500" and rows["timer"]["codes"] == ""


def test_debrief_and_trend_show_each_kinds_figures(coach_client, coach, kinds_cycle):
    first = observation(coach.cycle_id, 0, 35)
    second = observation(coach.cycle_id, 40, 8)
    sync(coach_client, [first, second],
         lesson(first, kinds_cycle, FIRST) + lesson(second, kinds_cycle, SECOND))
    html = coach_client.get(f"/observations/{second['id']}").get_data(as_text=True)
    # category: each category's share; scan: the mean; interval: the grid; timer: median.
    assert "My category</strong>: 2 in all" in html and "Evaluation: 1 (50%)" in html
    assert "on average 56% on task over 1 scan" in html
    assert 'aria-label="My interval: codes by interval"' in html
    assert "median 3.0 s" in html and "67% at or over 3 s" in html
    # The trend plots each kind's own metric; the 8-minute lesson's rate is marked, not drawn.
    assert "My scan</strong>, average on task:" in html
    assert "My duration" not in html  # the look-for is "Teacher talk"
    assert "Teacher talk</strong>, share of the lesson:" in html
    assert "Student question</strong>, per 10 minutes:" in html
    assert "(under 10 minutes)" in html
    assert "My interval</strong>, % of intervals with Lec:" in html
