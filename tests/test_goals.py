"""The goal, measured: for each family of measures, observations with known data go through
POST /api/v1/sync, the coach chooses the measure with the cycle page's "Goal measure" form, and
the value is checked on summary.json (both endpoints), the debrief's sentence, the cycle's
progress list and `met`. Expected figures are computed here by hand, as exact fractions (the
app computes percents exactly, so values compare with ==)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime
from fractions import Fraction

import pytest

from app import kinds
from app.extensions import db
from app.goals import services
from app.models import Cycle, LookFor
from app.timezones import format_local
from tests import helpers

MINUTE = 60_000


# ---- seeding -----------------------------------------------------------------------------------
def add_lookfor(app, cycle_id: int, label: str, kind: str, config: dict | None = None) -> int:
    with app.app_context():
        lookfor = LookFor(cycle_id=cycle_id, label=label, kind=kind,
                          config=kinds.get(kind).parse_config(config or None),
                          position=20 + len(label))
        db.session.add(lookfor)
        db.session.commit()
        return lookfor.id


def lesson(cycle_id: int, day: int, minutes: int) -> dict:
    started = datetime(2026, 3, day, 9, tzinfo=UTC)
    return {"id": str(uuid.uuid4()), "cycle_id": cycle_id,
            "started_at": started.isoformat().replace("+00:00", "Z"),
            "ended_at": f"2026-03-{day:02d}T{9 + minutes // 60:02d}:{minutes % 60:02d}:00Z"}


def ev(obs: dict, lookfor_id: int, offset_ms: int = 0, **fields) -> dict:
    return {"id": str(uuid.uuid4()), "observation_id": obs["id"], "lookfor_id": lookfor_id,
            "offset_ms": offset_ms, "recorded_at": obs["started_at"], **fields}


def taps(obs: dict, lookfor_id: int, count: int) -> list[dict]:
    return [ev(obs, lookfor_id, i * 1000) for i in range(count)]


def sync(client, lessons: list[tuple[dict, list[dict]]]) -> list[str]:
    """Every lesson (observation, events) through the real sync API; their ids in order."""
    token = client.get("/api/v1/csrf").json["csrf_token"]
    answer = client.post("/api/v1/sync", json={
        "observations": [o for o, _ in lessons], "events": [e for _, es in lessons for e in es],
    }, headers={"X-CSRFToken": token}).json
    assert answer["observations"]["rejected"] == [] and answer["events"]["rejected"] == []
    return [o["id"] for o, _ in lessons]


# ---- the form ----------------------------------------------------------------------------------
def options(client, cycle_id: int) -> dict[str, tuple[str, str]]:
    """The "Measure" select's options on the cycle page: text → (value, data-unit)."""
    page = client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="goal-measure-select".*?</select>', page, re.S).group(0)
    found = {}
    for attrs, text in re.findall(r"<option([^>]*)>([^<]*)</option>", select):
        value = html.unescape(re.search(r'value="([^"]*)"', attrs).group(1))
        unit = re.search(r'data-unit="([^"]*)"', attrs)
        found[html.unescape(text)] = (value, unit.group(1) if unit else "")
    return found


def choose(client, cycle_id: int, label: str, baseline=None, target=None, from_first=False,
           htmx: bool = False):
    """Press "Save measure" with the option whose text is `label`."""
    data = {"measure": options(client, cycle_id)[label][0] if label else "",
            "baseline_value": "" if baseline is None else str(baseline),
            "target_value": "" if target is None else str(target),
            "csrf_token": helpers.csrf_token(client, f"/cycles/{cycle_id}")}
    if from_first:
        data["baseline_from_first"] = "y"
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"/cycles/{cycle_id}/measure", data=data, headers=headers)
    return response


def save(client, cycle_id: int, label: str, **kwargs):
    response = choose(client, cycle_id, label, **kwargs)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/cycles/{cycle_id}#goal-measure")


# ---- what the coach and the files read back ----------------------------------------------------
def sentence_on_debrief(client, observation_id: str) -> str:
    page = client.get(f"/observations/{observation_id}").get_data(as_text=True)
    found = re.search(r'<p id="goal-sentence" class="goal-sentence">(.*?)</p>', page, re.S)
    assert found, "no sentence on the debrief"
    return html.unescape(found.group(1))


def check(client, cycle_id: int, ids: list[str], *, label: str, unit: str, values: list,
          baseline, target, met: bool, sentences: dict[int, str]) -> None:
    """summary.json (observation and cycle), the progress list, met and the sentences."""
    cycle = client.get(f"/cycles/{cycle_id}/summary.json").json
    assert [o["observation"]["id"] for o in cycle["observations"]] == ids
    for i, oid in enumerate(ids):
        measure = {"label": label, "unit": unit, "value": values[i], "baseline": baseline,
                   "target": target}
        assert client.get(f"/observations/{oid}/summary.json").json["measure"] == measure
        assert cycle["observations"][i]["measure"] == measure
    assert cycle["progress"] == [
        {"observation_id": o["observation"]["id"], "started_at": o["observation"]["started_at"],
         "value": values[i]} for i, o in enumerate(cycle["observations"])]
    assert cycle["met"] is met
    for i, expected in sentences.items():
        assert sentence_on_debrief(client, ids[i]) == expected


def pct(numerator: int, denominator: int) -> float:
    return float(Fraction(numerator, denominator) * 100)


# ---- each family of measures ------------------------------------------------------------------
def test_tally_rate_with_a_short_observation_marked(coach_client, coach):
    question = coach.lookfor_ids[0]
    one, two, short = (lesson(coach.cycle_id, d, m) for d, m in ((2, 40), (9, 25), (16, 8)))
    ids = sync(coach_client, [(one, taps(one, question, 6)), (two, taps(two, question, 5)),
                              (short, taps(short, question, 2))])
    save(coach_client, coach.cycle_id, "Student question: per 10 minutes", baseline=1, target=2)
    # 6 in 40 minutes, 5 in 25, 2 in 8: per 10 minutes.
    values = [float(Fraction(6 * 10, 40)), float(Fraction(5 * 10, 25)), float(Fraction(2 * 10, 8))]
    assert values == [1.5, 2.0, 2.5]
    check(coach_client, coach.cycle_id, ids, label="Student question: per 10 minutes",
          unit="rate", values=values, baseline=1.0, target=2.0, met=True, sentences={
              0: "This lesson: 1.5 “Student question” per 10 minutes. Baseline 1.0, target 2.0.",
              1: "This lesson: 2.0 “Student question” per 10 minutes. Baseline 1.0, target 2.0.",
          })
    page = coach_client.get(f"/observations/{ids[2]}").get_data(as_text=True)
    # The 8-minute lesson is marked on the chart and in its table; it is this lesson.
    assert re.search(rf'<circle class="pg-point current short" data-observation="{ids[2]}"',
                     page)
    assert len(re.findall(r'class="pg-point[^"]*short', page)) == 1
    assert "(under 10 minutes) (this lesson)" in page
    assert "&lt;10 min</text>" in page


def test_two_tallies_ratio_with_the_baseline_from_the_first_observation_and_share(
        app, coach_client, coach):
    cites = add_lookfor(app, coach.cycle_id, "Student cites evidence", "tally")
    asked = add_lookfor(app, coach.cycle_id, "Inference question", "tally")
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 40)
    ids = sync(coach_client, [(one, taps(one, cites, 2) + taps(one, asked, 6)),
                              (two, taps(two, cites, 3) + taps(two, asked, 4))])

    ratio = "Student cites evidence per Inference question (ratio)"
    save(coach_client, coach.cycle_id, ratio, baseline=99, target=0.5, from_first=True)
    values = [float(Fraction(2, 6)), float(Fraction(3, 4))]
    check(coach_client, coach.cycle_id, ids, label=ratio, unit="ratio", values=values,
          baseline=values[0], target=0.5, met=True, sentences={
              1: "This lesson: 0.75 “Student cites evidence” per “Inference question”. "
                 "Baseline 0.33, target 0.5."})
    with app.app_context():
        # The typed baseline is not kept: it comes from the first observation.
        assert db.session.get(Cycle, coach.cycle_id).baseline_value is None

    share = "Student cites evidence as a share of Student cites evidence + Inference question"
    save(coach_client, coach.cycle_id, share, baseline=20, target=50)
    values = [pct(2, 2 + 6), pct(3, 3 + 4)]
    check(coach_client, coach.cycle_id, ids, label=share, unit="percent", values=values,
          baseline=20.0, target=50.0, met=False, sentences={
              1: "This lesson: 43% of “Student cites evidence” and “Inference question” "
                 "together were “Student cites evidence”. Baseline 20%, target 50%."})


def test_category_share(app, coach_client, coach):
    level = add_lookfor(app, coach.cycle_id, "Question level", "category",
                        {"categories": ["Recall", "Inference", "Evaluation"]})
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 40)
    plan = {0: ["Recall", "Recall", "Inference", "Recall"], 1: ["Inference", "Evaluation",
                                                                 "Inference"]}
    ids = sync(coach_client, [
        (o, [ev(o, level, i * 1000, data={"category": c}) for i, c in enumerate(plan[n])])
        for n, o in enumerate((one, two))])
    label = "Question level: share Inference"
    save(coach_client, coach.cycle_id, label, baseline=25, target=60)
    values = [pct(1, 4), pct(2, 3)]
    check(coach_client, coach.cycle_id, ids, label=label, unit="percent", values=values,
          baseline=25.0, target=60.0, met=True, sentences={
              0: "This lesson: 25% of “Question level” were Inference. Baseline 25%, target 60%.",
              1: "This lesson: 67% of “Question level” were Inference. Baseline 25%, target 60%.",
          })


def test_scan_mean(app, coach_client, coach):
    on_task = add_lookfor(app, coach.cycle_id, "On task", "scan", {"of": 28, "every_s": 300})
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 40)
    scans = {0: [(20, 28), (25, 28), (27, 27)], 1: [(14, 25)]}
    ids = sync(coach_client, [
        (o, [ev(o, on_task, i * 5 * MINUTE, data={"on": on, "of": of})
             for i, (on, of) in enumerate(scans[n])])
        for n, o in enumerate((one, two))])
    label = "On task: average % on task"
    save(coach_client, coach.cycle_id, label, target=90, from_first=True)
    # The mean of each scan's share: (20/28 + 25/28 + 27/27) / 3, then 14/25.
    first = (Fraction(20, 28) + Fraction(25, 28) + Fraction(27, 27)) / 3 * 100
    values = [float(first), pct(14, 25)]
    check(coach_client, coach.cycle_id, ids, label=label, unit="percent", values=values,
          baseline=values[0], target=90.0, met=False, sentences={
              1: "This lesson: On average 56% of students were on task (“On task”). "
                 "Baseline 87%, target 90%."})


def test_interval_code_share_and_an_observation_without_data(app, coach_client, coach):
    copus = add_lookfor(app, coach.cycle_id, "COPUS", "interval", {
        "interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"},
                                     {"code": "CQ", "label": "Clicker question"}]})
    one, two, none = (lesson(coach.cycle_id, d, 40) for d in (2, 9, 16))
    intervals = {0: [["Lec"], ["Lec", "CQ"], [], ["CQ"]], 1: [["Lec"]]}
    ids = sync(coach_client, [
        (o, [ev(o, copus, i * 2 * MINUTE, duration_ms=120_000, data={"codes": codes})
             for i, codes in enumerate(intervals[n])])
        for n, o in enumerate((one, two))] + [(none, taps(none, coach.lookfor_ids[0], 1))])
    label = "COPUS: % of intervals with CQ (Clicker question)"
    save(coach_client, coach.cycle_id, label, baseline=10, target=40)
    values = [pct(2, 4), pct(0, 1), None]
    check(coach_client, coach.cycle_id, ids, label=label, unit="percent", values=values,
          baseline=10.0, target=40.0, met=False, sentences={
              0: "This lesson: 50% of intervals had CQ (Clicker question). "
                 "Baseline 10%, target 40%.",
              2: "This lesson has no data yet for COPUS: % of intervals with CQ (Clicker "
                 "question). Baseline 10%, target 40%."})
    page = coach_client.get(f"/observations/{ids[2]}").get_data(as_text=True)
    assert "no data</text>" in page
    assert "This lesson reached the target." not in page


def test_duration_share_of_the_lesson_decreasing_and_of_a_group(app, coach_client, coach):
    teacher = coach.lookfor_ids[1]
    student = add_lookfor(app, coach.cycle_id, "Student talk", "duration")
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 30)
    ids = sync(coach_client, [
        (one, [ev(one, teacher, 0, duration_ms=24 * MINUTE),
               ev(one, student, 25 * MINUTE, duration_ms=6 * MINUTE)]),
        (two, [ev(two, teacher, 0, duration_ms=9 * MINUTE),
               ev(two, student, 10 * MINUTE, duration_ms=9 * MINUTE)])])

    # A goal to lower the measure: the target is below the baseline.
    label = "Teacher talk: share of the lesson"
    save(coach_client, coach.cycle_id, label, baseline=60, target=40)
    values = [pct(24, 40), pct(9, 30)]
    assert values == [60.0, 30.0]
    check(coach_client, coach.cycle_id, ids, label=label, unit="percent", values=values,
          baseline=60.0, target=40.0, met=True, sentences={
              0: "This lesson: “Teacher talk” took 60% of the lesson. Baseline 60%, target 40%.",
              1: "This lesson: “Teacher talk” took 30% of the lesson. Baseline 60%, target 40%."})
    assert "This lesson reached the target." not in coach_client.get(
        f"/observations/{ids[0]}").get_data(as_text=True)
    assert "This lesson reached the target." in coach_client.get(
        f"/observations/{ids[1]}").get_data(as_text=True)

    group = "Student talk ÷ all of Student talk, Teacher talk"
    save(coach_client, coach.cycle_id, group, target=40, from_first=True)
    values = [pct(6, 6 + 24), pct(9, 9 + 9)]
    check(coach_client, coach.cycle_id, ids, label=group, unit="percent", values=values,
          baseline=values[0], target=40.0, met=True, sentences={
              1: "This lesson: “Student talk” was 50% of the time in Student talk, Teacher talk."
                 " Baseline 20%, target 40%."})


def test_timer_share_at_the_threshold_and_median(app, coach_client, coach):
    wait = add_lookfor(app, coach.cycle_id, "Wait time", "timer", {"threshold_s": 3})
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 40)
    spans = {0: [1000, 3000, 4500, 2999], 1: [3000, 3001, 500]}
    ids = sync(coach_client, [
        (o, [ev(o, wait, i * 7000, duration_ms=s) for i, s in enumerate(spans[n])])
        for n, o in enumerate((one, two))])

    label = "Wait time: % at or over 3 s"
    save(coach_client, coach.cycle_id, label, baseline=40, target=80)
    values = [pct(2, 4), pct(2, 3)]
    check(coach_client, coach.cycle_id, ids, label=label, unit="percent", values=values,
          baseline=40.0, target=80.0, met=False, sentences={
              0: "This lesson: 50% of “Wait time” lasted at least 3 s. Baseline 40%, target 80%.",
              1: "This lesson: 67% of “Wait time” lasted at least 3 s. Baseline 40%, target 80%."})

    median = "Wait time: median (seconds)"
    save(coach_client, coach.cycle_id, median, baseline=2, target=3)
    # Sorted 1000, 2999, 3000, 4500: the middle two's mean; then 500, 3000, 3001: 3000.
    values = [float(Fraction(2999 + 3000, 2) / 1000), 3.0]
    check(coach_client, coach.cycle_id, ids, label=median, unit="seconds", values=values,
          baseline=2.0, target=3.0, met=True, sentences={
              1: "This lesson: The median “Wait time” was 3.0 s. Baseline 2.0 s, target 3.0 s."})


SEATS = {"seats": [{"id": f"s{i}", "label": name, "row": 1, "col": i,
                    "groups": {"Language": group}}
                   for i, name, group in ((1, "AB", "EL"), (2, "CD", "EL"), (3, "EF", "non-EL"),
                                          (4, "GH", "non-EL"))],
         "dimensions": ["Language"]}


def test_seat_map_contributed_and_one_groups_equity_ratio(app, coach_client, coach):
    talk = add_lookfor(app, coach.cycle_id, "Who talks", "seatmap", SEATS)
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 40)

    def seat(obs, offset, seat_id, **more):
        return ev(obs, talk, offset, data={"seat": seat_id, **more})

    # Lesson 1: GH absent; AB speaks once, EF twice. Lesson 2: everyone present, each once.
    ids = sync(coach_client, [
        (one, [seat(one, 0, "s4", absent=True), seat(one, 1000, "s1"), seat(one, 2000, "s3"),
               seat(one, 3000, "s3")]),
        (two, [seat(two, 1000 * i, f"s{i}") for i in range(1, 5)])])

    contributed = "Who talks: % of students who contributed"
    save(coach_client, coach.cycle_id, contributed, target=90, from_first=True)
    values = [pct(2, 3), pct(4, 4)]  # 2 of the 3 present; then all 4
    check(coach_client, coach.cycle_id, ids, label=contributed, unit="percent", values=values,
          baseline=values[0], target=90.0, met=True, sentences={
              1: "This lesson: 100% of the students present contributed (“Who talks”). "
                 "Baseline 67%, target 90%."})

    equity = "Who talks: equity ratio of EL students (Language)"
    save(coach_client, coach.cycle_id, equity, baseline=0.5, target=1)
    # EL's share of contributions ÷ EL's share of the students present.
    values = [float(Fraction(1, 3) / Fraction(2, 3)), float(Fraction(2, 4) / Fraction(2, 4))]
    check(coach_client, coach.cycle_id, ids, label=equity, unit="ratio", values=values,
          baseline=0.5, target=1.0, met=True, sentences={
              0: "This lesson: The equity ratio of EL students (Language) was 0.5. "
                 "Baseline 0.5, target 1.",
              1: "This lesson: The equity ratio of EL students (Language) was 1. "
                 "Baseline 0.5, target 1."})


# ---- the form, its errors, and the page ------------------------------------------------------
def test_the_form_offers_each_measure_by_name_with_its_unit(app, coach_client, coach):
    add_lookfor(app, coach.cycle_id, "Wait time", "timer", {"threshold_s": 3})
    page = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert '<h2 id="goal-measure-heading">Goal measure</h2>' in page
    for name in ("Baseline value", "Target value"):
        field = name.lower().replace(" ", "-")
        assert f'<label for="{field}">{name}</label>' in page
        assert re.search(rf'<input [^>]*id="{field}"[^>]*type="number"', page) or re.search(
            rf'<input [^>]*type="number"[^>]*id="{field}"', page)
    assert re.search(r'<input [^>]*name="baseline_from_first"[^>]*type="checkbox"', page)
    assert "Take the baseline from the first observation" in page
    assert re.search(r'<button type="submit">Save measure</button>', page)
    offered = options(coach_client, coach.cycle_id)
    assert list(offered)[0].startswith("No measure")
    assert offered["Student question: per 10 minutes"][1] == "rate"
    assert offered["Teacher talk: share of the lesson"][1] == "percent"
    assert offered["Wait time: % at or over 3 s"][1] == "percent"
    assert offered["Wait time: median (seconds)"][1] == "seconds"
    assert not any("Quote" in text for text in offered)  # a note offers no measure


def test_the_latest_value_is_shown_beside_the_form(coach_client, coach):
    question = coach.lookfor_ids[0]
    one = lesson(coach.cycle_id, 2, 40)
    sync(coach_client, [(one, taps(one, question, 8))])
    save(coach_client, coach.cycle_id, "Student question: per 10 minutes", target=3)
    page = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    latest = re.search(r'<p id="measure-latest"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", latest) == (
        "Latest observation with data (1, 2 Mar 2026, 09:00 UTC): 2.0")
    assert '<svg class="progress-chart"' in page


@pytest.mark.parametrize("fields, reason", [
    ({"baseline_value": "lots"}, "Baseline value must be a number."),
    ({"target_value": "1e999"}, "The target value is out of range."),
    ({"target_value": "nan"}, "The target value is out of range."),
    ({"target_value": "120"}, "The target value is a percent: write a number from 0 to 100 "
                              "(80 means 80%)."),
    ({"baseline_value": "-5"}, "The baseline value is a percent"),
    ({"measure": '["lesson_share", 999999]'}, "Choose a measure from the list."),
])
def test_a_bad_value_is_refused_with_its_reason(app, coach_client, coach, fields, reason):
    key = options(coach_client, coach.cycle_id)["Teacher talk: share of the lesson"][0]
    token = helpers.csrf_token(coach_client, f"/cycles/{coach.cycle_id}")
    data = {"measure": key, "baseline_value": "60", "target_value": "40", "csrf_token": token,
            **fields}
    for headers in ({"HX-Request": "true"}, {}):
        response = coach_client.post(f"/cycles/{coach.cycle_id}/measure", data=data,
                                     headers=headers)
        assert response.status_code == 400
        body = html.unescape(response.get_data(as_text=True))
        assert reason in body
        # htmx gets the section alone; without scripts the whole page comes back.
        assert ("<html" in body) is not bool(headers)
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        assert (cycle.measure, cycle.baseline_value, cycle.target_value) == (None, None, None)


def test_a_rate_cannot_be_negative_and_no_measure_clears_the_numbers(app, coach_client, coach):
    response = choose(coach_client, coach.cycle_id, "Student question: per 10 minutes",
                      baseline=-1, target=3, htmx=True)
    assert response.status_code == 400
    assert "The baseline value cannot be below 0." in response.get_data(as_text=True)
    response = choose(coach_client, coach.cycle_id, "Student question: per 10 minutes",
                      baseline=1, target=250, htmx=True)  # a rate has no 100 ceiling
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith('<section id="goal-measure"') and "Saved" in body
    save(coach_client, coach.cycle_id, "", baseline=5, target=6)
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        assert (cycle.measure, cycle.baseline_value, cycle.target_value) == (None, None, None)


@pytest.mark.parametrize("path", ["measure", "goal-met", "close", "next-goal"])
def test_every_form_needs_its_csrf_token(app, coach_client, coach, path):
    response = coach_client.post(f"/cycles/{coach.cycle_id}/{path}",
                                 data={"measure": "", "target_value": "3", "goal": "x"})
    assert response.status_code == 403  # the app's answer to a missing or stale token
    assert "This form expired" in response.get_data(as_text=True)
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        assert (cycle.goal_met_at, cycle.status) == (None, "planning")


def test_a_removed_look_for_leaves_no_measure_and_says_so(app, coach_client, coach):
    save(coach_client, coach.cycle_id, "Teacher talk: share of the lesson", target=40)
    with app.app_context():
        db.session.get(LookFor, coach.lookfor_ids[1]).archived = True
        db.session.commit()
    page = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert "The measure chosen before used a look-for that was removed" in page
    assert coach_client.get(f"/cycles/{coach.cycle_id}/summary.json").json["progress"] == []


# ---- the debrief and the teacher's view --------------------------------------------------------
def test_without_a_measure_the_coach_is_asked_and_the_teacher_sees_nothing(app, coach_client,
                                                                          coach):
    from app.models import Observation
    from app.share.services import create_link

    one = lesson(coach.cycle_id, 2, 40)
    [oid] = sync(coach_client, [(one, taps(one, coach.lookfor_ids[0], 4))])
    page = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert 'id="measure-prompt"' in page
    assert f'href="/cycles/{coach.cycle_id}#goal-measure"' in page
    assert "goal-sentence" not in page
    with app.app_context():
        _, token = create_link(db.session.get(Observation, oid))
    teacher = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert "measure-prompt" not in teacher and "goal-sentence" not in teacher

    save(coach_client, coach.cycle_id, "Student question: per 10 minutes", baseline=0.5,
         target=1)
    teacher = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert ("This lesson: 1.0 “Student question” per 10 minutes. Baseline 0.5, target 1.0."
            in teacher)
    assert '<svg class="progress-chart"' in teacher
    assert "This lesson reached the target." in teacher
    # The teacher reads; only the coach marks the goal met or sets the next one.
    assert "Mark goal met" not in teacher and "measure-prompt" not in teacher


def test_the_chart_draws_every_point_the_lines_and_this_lesson(coach_client, coach):
    teacher_talk = coach.lookfor_ids[1]
    plan = ((2, 40, 24), (9, 40, 20), (16, 40, 12))
    lessons = [(lesson(coach.cycle_id, d, m), t) for d, m, t in plan]
    ids = sync(coach_client, [(o, [ev(o, teacher_talk, 0, duration_ms=t * MINUTE)])
                              for o, t in lessons])
    save(coach_client, coach.cycle_id, "Teacher talk: share of the lesson", baseline=60,
         target=40)
    page = coach_client.get(f"/observations/{ids[1]}").get_data(as_text=True)
    chart = re.search(r'<svg class="progress-chart".*?</svg>', page, re.S).group(0)
    assert 'viewBox' not in chart  # text keeps its CSS size at any width
    assert len(re.findall(r"<circle ", chart)) == 3
    assert re.findall(r'class="pg-point current" data-observation="([^"]+)"', chart) == [ids[1]]
    # The plot is 150 px tall from y=24: 60% sits 40% down, 40% sits 60% down.
    assert ('class="pg-baseline" x1="2.0%" x2="98.0%" y1="84.0" y2="84.0"><title>Baseline 60%'
            in chart)
    assert ('class="pg-target" x1="2.0%" x2="98.0%" y1="114.0" y2="114.0"><title>Target 40%'
            in chart)
    legend = re.search(r'<ul class="pg-legend">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li[^>]*>(.*?)</li>", legend) == ["Baseline 60%", "Target 40%"]
    for number, day in ((1, "2 Mar"), (2, "9 Mar"), (3, "16 Mar")):
        assert f">{number}</text>" in chart and f">{day}</text>" in chart
    table = re.search(r'<details class="progress-table".*?</details>', page, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S)
    assert [(n, re.sub(r"<[^>]+>", "", when), value) for n, when, value in rows] == [
        ("1", "2 Mar 2026, 09:00 UTC", "60%"), ("2", "9 Mar 2026, 09:00 UTC (this lesson)", "50%"),
        ("3", "16 Mar 2026, 09:00 UTC", "30%")]


# ---- goal met and the next step ----------------------------------------------------------------
def test_mark_goal_met_then_close_or_set_the_next_goal(app, coach_client, coach):
    teacher_talk = coach.lookfor_ids[1]
    wait = add_lookfor(app, coach.cycle_id, "Wait time", "timer", {"threshold_s": 3})
    gone = add_lookfor(app, coach.cycle_id, "Old idea", "tally")
    with app.app_context():
        db.session.get(LookFor, gone).archived = True
        db.session.commit()
    one, two = lesson(coach.cycle_id, 2, 40), lesson(coach.cycle_id, 9, 40)
    ids = sync(coach_client, [(one, [ev(one, teacher_talk, 0, duration_ms=24 * MINUTE)]),
                              (two, [ev(two, teacher_talk, 0, duration_ms=12 * MINUTE)])])
    save(coach_client, coach.cycle_id, "Teacher talk: share of the lesson", baseline=60,
         target=40)
    first = coach_client.get(f"/observations/{ids[0]}").get_data(as_text=True)
    assert "Mark goal met" not in first  # 60% has not reached 40% or below
    second = coach_client.get(f"/observations/{ids[1]}").get_data(as_text=True)
    assert "This lesson reached the target." in second
    assert '<button type="submit">Mark goal met</button>' in second

    token = helpers.csrf_token(coach_client, f"/observations/{ids[1]}")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/goal-met",
                                 data={"csrf_token": token, "observation_id": ids[1]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/observations/{ids[1]}#goal-progress")
    with app.app_context():
        met_at = db.session.get(Cycle, coach.cycle_id).goal_met_at
        assert met_at is not None
    # Pressed again (another tab): the first date is kept.
    coach_client.post(f"/cycles/{coach.cycle_id}/goal-met", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).goal_met_at == met_at
    page = coach_client.get(f"/observations/{ids[1]}").get_data(as_text=True)
    assert f"Goal met on <time datetime=\"{met_at.isoformat()}\">" \
           f"{format_local(met_at, 'UTC', 'date')}</time>." in page
    assert "Mark goal met" not in page
    assert '<button type="submit" class="secondary">Close the cycle</button>' in page
    assert '<button type="submit">Set the next goal</button>' in page
    assert "Goal met on" in coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)

    # An empty next goal: 400 with the reason, on the page it was sent from.
    response = coach_client.post(f"/cycles/{coach.cycle_id}/next-goal", data={
        "csrf_token": token, "goal": "  ", "observation_id": ids[1]})
    assert response.status_code == 400
    assert "Write the next goal." in response.get_data(as_text=True)

    response = coach_client.post(f"/cycles/{coach.cycle_id}/next-goal", data={
        "csrf_token": token, "goal": "Students talk to each other more",
        "observation_id": ids[1]})
    assert response.status_code == 303
    with app.app_context():
        old = db.session.get(Cycle, coach.cycle_id)
        new = db.session.scalars(db.select(Cycle).where(
            Cycle.previous_cycle_id == coach.cycle_id)).one()
        assert response.headers["Location"].endswith(f"/cycles/{new.id}")
        assert (new.teacher_id, new.goal, new.status) == (
            coach.teacher_id, "Students talk to each other more", "planning")
        assert old.status == "closed"
        assert [(lf.label, lf.kind, lf.config) for lf in new.lookfors] == [
            (lf.label, lf.kind, lf.config) for lf in old.lookfors]
        assert "Old idea" not in [lf.label for lf in new.lookfors]
        assert [lf.kind for lf in new.lookfors][-1] == "timer" and wait not in [
            lf.id for lf in new.lookfors]
        assert new.measure is None and new.goal_met_at is None
        new_id = new.id
    # Pressed twice: still one next cycle, and the page links to it.
    response = coach_client.post(f"/cycles/{coach.cycle_id}/next-goal", data={
        "csrf_token": token, "goal": "Again"})
    assert response.headers["Location"].endswith(f"/cycles/{new_id}")
    page = coach_client.get(f"/observations/{ids[1]}").get_data(as_text=True)
    assert f'Next goal: <a href="/cycles/{new_id}">Students talk to each other more</a>' in page
    assert "This cycle is closed." in page


def test_close_the_cycle(app, coach_client, coach):
    token = helpers.csrf_token(coach_client, f"/cycles/{coach.cycle_id}")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/close", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cycles/{coach.cycle_id}#goal-measure")
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).status == "closed"


def test_a_button_never_returns_to_another_cycles_debrief(app, coach_client, coach,
                                                          other_coach):
    from app.models import Observation

    with app.app_context():
        db.session.add(Observation(id="6a1d9e8f-3c2b-4d4e-9f5a-6b7c8d9e0f11",
                                   cycle_id=other_coach.cycle_id,
                                   started_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.commit()
    token = helpers.csrf_token(coach_client, f"/cycles/{coach.cycle_id}")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/goal-met", data={
        "csrf_token": token, "observation_id": "6a1d9e8f-3c2b-4d4e-9f5a-6b7c8d9e0f11"})
    assert response.headers["Location"].endswith(f"/cycles/{coach.cycle_id}#goal-measure")


def test_progress_direction_and_reached(ctx, coach):
    cycle = db.session.get(Cycle, coach.cycle_id)
    services.set_measure(cycle, services.available_measures(cycle.lookfors)[0].key, 5, 2,
                         False)
    progress = services.progress_of(cycle)
    assert progress.direction == -1
    assert progress.reached(2.0) and progress.reached(1.0) and not progress.reached(2.5)
    assert not progress.reached(None) and not progress.met  # no observations yet
