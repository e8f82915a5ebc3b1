"""The participation map on the server: its config and events, and every figure of the issue
computed here by hand from the raw taps (absent seats out of every denominator), per
observation and pooled over the cycle, through the real sync API and summary.json."""

from __future__ import annotations

import uuid
from fractions import Fraction

import pytest

from app import kinds
from app.extensions import db
from app.kinds import KindError
from app.models import LookFor

# 8 seats, two dimensions. s7 and s8 are the only "Table 3" students.
SEATS = [
    ("s1", "AB", 1, 1, "EL", "1"), ("s2", "CD", 1, 2, "non-EL", "1"),
    ("s3", "EF", 1, 3, "non-EL", "2"), ("s4", "GH", 2, 1, "EL", "2"),
    ("s5", "IJ", 2, 2, "non-EL", "2"), ("s6", "KL", 2, 3, "non-EL", "1"),
    ("s7", "MN", 3, 1, "EL", "3"), ("s8", "OP", 3, 2, "non-EL", "3"),
]
CONFIG = {
    "seats": [{"id": i, "label": label, "row": r, "col": c,
               "groups": {"Language": lang, "Table": table}}
              for i, label, r, c, lang, table in SEATS],
    "dimensions": ["Language", "Table"],
    "codes": [{"code": "Q", "label": "Asked a question"}, {"code": "A", "label": "Answered"}],
}
GROUPS = {i: {"Language": lang, "Table": table} for i, _, _, _, lang, table in SEATS}


def test_config_rules():
    seatmap = kinds.get("seatmap")
    assert seatmap.parse_config(CONFIG)["seats"][0] == {
        "id": "s1", "label": "AB", "row": 1, "col": 1,
        "groups": {"Language": "EL", "Table": "1"}}
    bad = [
        ({"seats": []}, "1 to 100"),
        ({"seats": [{"id": f"s{i}", "row": i // 10 + 1, "col": i % 10 + 1} for i in range(101)]},
         "1 to 100"),
        ({"seats": [{"id": "a", "row": 1, "col": 1}, {"id": "a", "row": 1, "col": 2}]},
         "different"),
        ({"seats": [{"id": "a", "row": 1, "col": 1}, {"id": "b", "row": 1, "col": 1}]},
         "share a place"),
        ({"seats": [{"id": "a", "row": 11, "col": 1}]}, "row"),
        ({"seats": [{"id": "a", "row": 1, "col": 1, "label": "TOO LONG NAME"}]}, "8"),
        ({"seats": [{"id": "a", "row": 1, "col": 1, "groups": {"Gender": "F"}}],
          "dimensions": ["Language"]}, "unknown dimension"),
        ({"seats": [{"id": "a", "row": 1, "col": 1}],
          "codes": [{"code": c} for c in "ABCDEFGHIJKLM"]}, "at most 12"),
    ]
    for config, reason in bad:
        with pytest.raises(KindError, match=reason):
            seatmap.parse_config(config)


def test_event_rules():
    seatmap = kinds.get("seatmap")
    assert seatmap.parse_data(CONFIG, {"data": {"seat": "s3", "codes": ["Q"]}}) == {
        "seat": "s3", "codes": ["Q"]}
    assert seatmap.parse_data(CONFIG, {"data": {"seat": "s3"}}) == {"seat": "s3", "codes": []}
    assert seatmap.parse_data(CONFIG, {"data": {"seat": "s3", "absent": True}}) == {
        "seat": "s3", "absent": True}
    for data, reason in [({"seat": "s99"}, "unknown seat"), ({"seat": "s1", "codes": ["X"]},
                         "unknown code"), ({"seat": "s1", "absent": False}, "absence")]:
        with pytest.raises(KindError, match=reason):
            seatmap.parse_data(CONFIG, {"data": data})


def by_hand(lessons):
    """Every figure of the issue from lessons given as (contributions [(seat, codes)], absent
    seats), pooled when there are several: summed before dividing."""
    present = contributions = contributed = 0
    students = {d: {} for d in ("Language", "Table")}
    spoken = {d: {} for d in ("Language", "Table")}
    for seat in GROUPS:
        for d, v in GROUPS[seat].items():
            students[d].setdefault(v, 0)
            spoken[d].setdefault(v, 0)
    codes = {c: {"count": 0, "by_group": {d: dict.fromkeys(students[d], 0) for d in students}}
             for c in ("Q", "A")}
    per_seat = dict.fromkeys(GROUPS, 0)
    for taps, absent in lessons:
        counts = dict.fromkeys(GROUPS, 0)
        for seat, tap_codes in taps:
            counts[seat] += 1
            for code in tap_codes:
                codes[code]["count"] += 1
                for d, v in GROUPS[seat].items():
                    codes[code]["by_group"][d][v] += 1
        for seat in GROUPS:
            per_seat[seat] += counts[seat]
            if seat in absent and not counts[seat]:
                continue
            present += 1
            contributed += bool(counts[seat])
            for d, v in GROUPS[seat].items():
                students[d][v] += 1
                spoken[d][v] += counts[seat]
        contributions += sum(counts.values())

    def share(a, b):
        return float(Fraction(a, b)) if b else None

    groups = {
        d: {v: {"students": students[d][v], "contributions": spoken[d][v],
                "student_share": share(students[d][v], present),
                "contribution_share": share(spoken[d][v], contributions),
                "equity_ratio": (float(Fraction(spoken[d][v], contributions)
                                       / Fraction(students[d][v], present))
                                 if students[d][v] and contributions else None)}
            for v in students[d]}
        for d in students
    }
    return {"present": present, "contributions": contributions, "contributed": contributed,
            "contributed_share": share(contributed, present), "per_seat": per_seat,
            "groups": groups, "codes": codes, "count": contributions}


# Lesson 1: s7 and s8 (all of Table 3) absent; s2 never speaks; Table 2 students speak a lot.
LESSON_1 = ([("s1", ["Q"]), ("s3", ["A"]), ("s3", []), ("s4", ["Q", "A"]), ("s5", ["A"]),
             ("s5", ["Q"]), ("s6", [])], {"s7", "s8"})
# Lesson 2: s1 absent (but s7 marked absent and then spoke: present after all); EL seats do
# not contribute at all apart from s7.
LESSON_2 = ([("s2", ["A"]), ("s3", ["Q"]), ("s7", ["A"]), ("s8", [])], {"s1", "s7"})


@pytest.fixture
def seatmap_cycle(app, coach):
    with app.app_context():
        lookfor = LookFor(cycle_id=coach.cycle_id, label="Who talks", kind="seatmap",
                          config=CONFIG, position=9)
        db.session.add(lookfor)
        db.session.commit()
        return lookfor.id


def sync_lesson(client, cycle_id, lookfor_id, lesson, start):
    taps, absent = lesson
    obs = {"id": str(uuid.uuid4()), "cycle_id": cycle_id,
           "started_at": f"2026-03-0{start}T09:00:00Z", "ended_at": f"2026-03-0{start}T09:40:00Z"}
    events = [{"id": str(uuid.uuid4()), "observation_id": obs["id"], "lookfor_id": lookfor_id,
               "offset_ms": 0, "recorded_at": obs["started_at"],
               "data": {"seat": seat, "absent": True}} for seat in sorted(absent)]
    events += [{"id": str(uuid.uuid4()), "observation_id": obs["id"], "lookfor_id": lookfor_id,
                "offset_ms": 1000 * (i + 1), "recorded_at": obs["started_at"],
                "data": {"seat": seat, "codes": codes}} for i, (seat, codes) in enumerate(taps)]
    token = client.get("/api/v1/csrf").json["csrf_token"]
    answer = client.post("/api/v1/sync", json={"observations": [obs], "events": events},
                         headers={"X-CSRFToken": token}).json
    assert answer["events"]["rejected"] == []
    return obs["id"]


def seatmap_figures(lookfors):
    found = next(lf for lf in lookfors if lf["kind"] == "seatmap")
    return {k: v for k, v in found.items() if k not in ("id", "label", "kind")}


def test_figures_per_observation_and_pooled(coach_client, coach, seatmap_cycle):
    first = sync_lesson(coach_client, coach.cycle_id, seatmap_cycle, LESSON_1, 2)
    second = sync_lesson(coach_client, coach.cycle_id, seatmap_cycle, LESSON_2, 9)

    one = seatmap_figures(coach_client.get(f"/observations/{first}/summary.json").json["lookfors"])
    assert one == {**by_hand([LESSON_1]), "absent": ["s7", "s8"]}
    # A group with no present student: Table 3, all absent: no ratio.
    assert one["groups"]["Table"]["3"]["students"] == 0
    assert one["groups"]["Table"]["3"]["equity_ratio"] is None

    two = seatmap_figures(coach_client.get(f"/observations/{second}/summary.json").json[
        "lookfors"])
    assert two == {**by_hand([LESSON_2]), "absent": ["s1"]}
    # A group with no contributions: Table 1's present students (s2 aside) said nothing but s2.
    assert two["groups"]["Language"]["EL"]["contributions"] == 1

    cycle = coach_client.get(f"/cycles/{coach.cycle_id}/summary.json").json
    assert seatmap_figures(cycle["observations"][0]["lookfors"]) == one
    assert seatmap_figures(cycle["pooled"]["lookfors"]) == by_hand([LESSON_1, LESSON_2])
    # Pooled: a seat absent in one observation counts as present in the other.
    assert seatmap_figures(cycle["pooled"]["lookfors"])["present"] == 6 + 7


def test_a_group_without_contributions_has_ratio_zero_and_none_without_any(coach_client, coach,
                                                                           seatmap_cycle):
    lesson = ([("s2", []), ("s3", [])], set())  # only non-EL students speak
    oid = sync_lesson(coach_client, coach.cycle_id, seatmap_cycle, lesson, 3)
    figures = seatmap_figures(coach_client.get(f"/observations/{oid}/summary.json").json[
        "lookfors"])
    assert figures["groups"]["Language"]["EL"]["equity_ratio"] == 0.0
    silent = sync_lesson(coach_client, coach.cycle_id, seatmap_cycle, ([], set()), 4)
    figures = seatmap_figures(coach_client.get(f"/observations/{silent}/summary.json").json[
        "lookfors"])
    assert figures["contributions"] == 0 and figures["contributed_share"] == 0.0
    assert figures["groups"]["Language"]["EL"]["equity_ratio"] is None


def test_debrief_shows_heat_map_silent_seats_and_equity_in_words(coach_client, coach,
                                                                 seatmap_cycle):
    oid = sync_lesson(coach_client, coach.cycle_id, seatmap_cycle, LESSON_1, 2)
    html = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert 'aria-label="Seat chart: contributions per seat, darker for more"' in html
    assert "Present but did not contribute: CD." in html
    expected = by_hand([LESSON_1])["groups"]["Language"]["EL"]
    assert (f"EL students: {expected['student_share'] * 100:.0f}% of the class, "
            f"{expected['contribution_share'] * 100:.0f}% of contributions — "
            f"ratio {round(expected['equity_ratio'], 2)}") in html
    assert "Table 3 students: 0% of the class, 0% of contributions — no student of this group " \
        "present" in html
    assert "Who talks</strong>, students who contributed:" in html
    csv_text = coach_client.get(f"/observations/{oid}/events.csv").get_data(as_text=True)
    header = csv_text.splitlines()[0].split(",")
    assert header[-2:] == ["codes", "seat"]
    assert any(line.endswith(",Q A,s4") for line in csv_text.splitlines())
