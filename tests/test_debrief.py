from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from app.debrief import services
from app.extensions import db
from app.models import Debrief, Event, NextStep, Observation
from app.share import services as share_services
from tests import helpers

TALLY, DURATION, NOTE = 0, 1, 2


def test_length_rate_and_duration_share(ctx, coach):
    # 40 minutes; 8 questions; teacher talk 10 + 14.8 minutes = 62% of the lesson.
    oid, _ = helpers.record_observation(coach, [
        *[(TALLY, 60 * m) for m in range(8)],
        (DURATION, 0, {"duration_ms": 600_000}),
        (DURATION, 900, {"duration_ms": 888_000}),
        (NOTE, 300, {"note": "T: Why do you think that?"}),
    ])
    evidence = services.gather_evidence(db.session.get(Observation, oid))
    rows = {r.label: r for r in evidence.rows}
    assert evidence.length_ms == 40 * 60_000
    assert rows["Student question"].count == 8
    assert rows["Student question"].rate_per_10 == pytest.approx(2.0)
    assert rows["Teacher talk"].duration_ms == 1_488_000
    assert rows["Teacher talk"].share == pytest.approx(0.62)
    assert [n.text for n in evidence.notes] == ["T: Why do you think that?"]


def test_length_of_an_observation_never_ended_runs_to_its_last_event(ctx, coach):
    oid, _ = helpers.record_observation(
        coach, [(TALLY, 30), (DURATION, 100, {"duration_ms": 200_000})], ended=None
    )
    evidence = services.gather_evidence(db.session.get(Observation, oid))
    assert evidence.length_ms == 300_000


def test_tombstones_are_left_out(ctx, coach):
    oid, ids = helpers.record_observation(coach, [(TALLY, 10), (TALLY, 20)])
    db.session.get(Event, ids[1]).deleted = True
    db.session.commit()
    evidence = services.gather_evidence(db.session.get(Observation, oid))
    assert {r.label: r.count for r in evidence.rows}["Student question"] == 1


def test_timeline_marks_sit_at_their_minute(ctx, coach):
    oid, ids = helpers.record_observation(
        coach, [(TALLY, 600), (DURATION, 1200, {"duration_ms": 600_000})]
    )
    evidence = services.gather_evidence(db.session.get(Observation, oid))
    marks = {m.id: m for r in evidence.rows for m in r.marks}
    assert marks[ids[0]].x == pytest.approx(25.0) and marks[ids[0]].width == 0
    assert marks[ids[1]].x == pytest.approx(50.0) and marks[ids[1]].width == pytest.approx(25.0)
    assert marks[ids[0]].clock == "10:00"


@pytest.mark.parametrize("text, words", [
    ("Good job, students engaged", ("good job", "engaged")),
    ("Students seemed BORED and lazy", ("bored", "lazy")),
    ("3 students raised hands at 12:05", ()),
    ("Goodness: the engagement data", ()),  # whole words only
])
def test_judgment_words(text, words):
    assert services.find_judgment_words(text) == words


def test_trend_across_the_cycle(ctx, coach):
    first, _ = helpers.record_observation(
        coach, [(TALLY, 10)] * 2, started="2026-03-02T09:00:00+00:00",
        ended="2026-03-02T09:20:00+00:00",
    )
    second, _ = helpers.record_observation(
        coach, [(TALLY, 10)] * 6, started="2026-03-09T09:00:00+00:00",
        ended="2026-03-09T09:20:00+00:00",
    )
    trend = services.debrief_of(db.session.get(Observation, second))["trend"]
    questions = next(s for s in trend if s.label == "Student question")
    assert (questions.metric, questions.unit) == ("per 10 minutes", "rate")
    assert [(p.value, p.is_current, p.number) for p in questions.points] == [
        (pytest.approx(1.0), False, 1), (pytest.approx(3.0), True, 2)
    ]
    talk = next(s for s in trend if s.label == "Teacher talk")
    assert (talk.metric, talk.unit) == ("share of the lesson", "percent")


def test_debrief_page_shows_evidence_goal_and_nudge(coach_client, coach, app):
    with app.app_context():
        oid, _ = helpers.record_observation(coach, [
            (TALLY, 65), (None, 125, {"note": "Great lesson, everyone engaged"}),
            (DURATION, 0, {"duration_ms": 60_000}),
        ])
    html = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert "Students ask more of the questions" in html  # goal
    assert "2 student questions per lesson" in html and "10 student questions per lesson" in html
    assert "<svg class=\"timeline\"" in html and "Timeline as a table" in html
    assert "01:05" in html and "02:05" in html
    assert "Low-inference check:" in html and "“great”" in html
    assert "Across this cycle" in html
    for stage in ("Goal", "Reality", "Options", "Will"):
        assert f"<h3>{stage}</h3>" in html
    for label in ("Keepers", "Polishers", "Private notes (never shared)", "Action", "Who",
                  "By when"):
        assert f">{label}</label>" in html
    assert "Share with teacher" in html and "Download CSV" in html


def htmx(client, url, data):
    token = helpers.csrf_token(client, "/")
    return client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})


def test_conversation_and_next_steps(coach_client, coach, app):
    with app.app_context():
        oid, _ = helpers.record_observation(coach, [(TALLY, 5)])
    response = htmx(coach_client, f"/observations/{oid}/conversation",
                    {"keepers": "Wait time after questions", "polishers": "Cold calls",
                     "private_notes": "Seemed tired today"})
    assert response.status_code == 200 and "Saved" in response.get_data(as_text=True)
    response = htmx(coach_client, f"/observations/{oid}/next-steps",
                    {"action": "Use think-pair-share twice", "who": "Ms. T",
                     "by_when": "2026-03-16"})
    assert response.status_code == 200
    assert "Use think-pair-share twice" in response.get_data(as_text=True)
    response = htmx(coach_client, f"/observations/{oid}/next-steps", {"action": ""})
    assert response.status_code == 400
    with app.app_context():
        record = db.session.get(Debrief, oid)
        assert (record.keepers, record.polishers, record.private_notes) == (
            "Wait time after questions", "Cold calls", "Seemed tired today")
        step = db.session.scalar(select(NextStep))
        assert step.by_when.isoformat() == "2026-03-16" and step.who == "Ms. T"
        step_id = step.id
    htmx(coach_client, f"/observations/{oid}/next-steps/{step_id}/delete", {})
    with app.app_context():
        assert db.session.scalar(select(NextStep)) is None


def test_corrections_go_through_versioned_sync(coach_client, coach, app):
    with app.app_context():
        oid, ids = helpers.record_observation(coach, [
            (TALLY, 5), (TALLY, 6), (NOTE, 7, {"note": "typo"}),
        ])
    token = helpers.csrf_token(coach_client, "/")
    url = f"/observations/{oid}/events"
    response = coach_client.post(f"{url}/{ids[0]}", data={"action": "delete", "csrf_token": token})
    assert response.status_code == 303
    coach_client.post(f"{url}/{ids[2]}", data={"action": "note", "note": "fixed",
                                                 "csrf_token": token})
    # Teacher talk is a duration: a tally cannot move there.
    response = coach_client.post(f"{url}/{ids[1]}", data={
        "action": "move", "lookfor_id": str(coach.lookfor_ids[DURATION]), "csrf_token": token})
    assert "Not corrected" in coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    with app.app_context():
        rows = {e.id: e for e in db.session.scalars(select(Event))}
        assert rows[ids[0]].deleted and rows[ids[0]].version == 2
        assert rows[ids[2]].note == "fixed" and rows[ids[2]].version == 2
        assert rows[ids[1]].lookfor_id == coach.lookfor_ids[TALLY] and rows[ids[1]].version == 1
        # A late resend of the original from the phone does not undo the correction.
        from app.models import Coach
        from app.sync.services import apply_sync_batch
        apply_sync_batch(db.session.get(Coach, coach.coach_id), {"observations": [], "events": [{
            "id": ids[0], "observation_id": oid, "lookfor_id": coach.lookfor_ids[TALLY],
            "offset_ms": 5000, "recorded_at": "2026-03-02T09:00:00+00:00", "version": 1}]})
        db.session.expire_all()
        assert db.session.get(Event, ids[0]).deleted


def test_corrections_of_another_observations_event_are_refused(coach_client, coach, app):
    with app.app_context():
        oid, _ = helpers.record_observation(coach, [(TALLY, 5)])
        _, other_ids = helpers.record_observation(coach, [(TALLY, 9)])
    token = helpers.csrf_token(coach_client, "/")
    coach_client.post(f"/observations/{oid}/events/{other_ids[0]}",
                      data={"action": "delete", "csrf_token": token})
    with app.app_context():
        assert not db.session.get(Event, other_ids[0]).deleted


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.hit)

    def hit(self, *args):
        self.count += 1


def test_debrief_renders_in_a_constant_number_of_queries(coach_client, coach, app):
    with app.app_context():
        small, _ = helpers.record_observation(coach, [(TALLY, 5), (NOTE, 6, {"note": "a"})])
        events = [(i % 3, i * 1.8, {"duration_ms": 1000} if i % 3 == 1 else
                   {"note": f"n{i}"} if i % 3 == 2 else {}) for i in range(2000)]
        large, _ = helpers.record_observation(
            coach, events, started="2026-03-03T09:00:00+00:00", ended="2026-03-03T10:00:00+00:00")
    coach_client.get(f"/observations/{small}")  # warm the session and template caches
    counts = []
    for oid in (small, large):
        with app.app_context(), QueryCounter(db.engine) as counter:
            response = coach_client.get(f"/observations/{oid}")
            assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    html = response.get_data(as_text=True)
    assert len(re.findall(r'class="tl-(?:bar|note|tick-mark)"', html)) == 2000


def test_csv_leaves_out_tombstones_and_private_notes(coach_client, coach, app):
    with app.app_context():
        oid, ids = helpers.record_observation(coach, [(TALLY, 65), (TALLY, 3725)])
        db.session.get(Event, ids[0]).deleted = True
        db.session.add(Debrief(observation_id=oid, private_notes="SECRET"))
        db.session.commit()
    body = coach_client.get(f"/observations/{oid}/events.csv").get_data(as_text=True)
    lines = body.strip().splitlines()
    assert lines[0] == ("observation_id,event_id,clock,offset_seconds,lookfor,kind,count,"
                        "duration_seconds,note,recorded_at,category,on,of,codes,seat")
    assert len(lines) == 2 and ",62:05," in lines[1] and "SECRET" not in body


def test_observation_started_field_is_aware(ctx, coach):
    oid, _ = helpers.record_observation(coach, [])
    assert db.session.get(Observation, oid).started_at == datetime(2026, 3, 2, 9, tzinfo=UTC)


# Device clocks: an observation's times come from the coach's phone and cannot be corrected.
CLOCKS = {
    "1876 to 2026": ("1876-03-02T09:00:00+00:00", "2026-03-02T09:40:00+00:00"),
    "1970 to 2026": ("1970-01-01T00:00:00+00:00", "2026-03-02T09:40:00+00:00"),
}
AXIS_LABEL = re.compile(r'<text class="tl-tick[ "]')


def axis_labels(html: str) -> int:
    return len(AXIS_LABEL.findall(html))


@pytest.mark.parametrize("started, ended", CLOCKS.values(), ids=CLOCKS.keys())
def test_a_wrong_device_clock_still_gives_a_debrief(coach_client, coach, app, started, ended):
    with app.app_context():
        oid, _ = helpers.record_observation(
            coach, [(TALLY, 60), (DURATION, 120, {"duration_ms": 600_000}),
                    (NOTE, 1500, {"note": "T: Why?"})],
            started=started, ended=ended)
        normal, _ = helpers.record_observation(coach, [(TALLY, 60)])
        link, token = share_services.create_link(db.session.get(Observation, oid))
    response = coach_client.get(f"/observations/{oid}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This device's clock looked wrong" in html
    # The length is taken from the events: the note at 25:00 is the last one.
    assert '<span id="length">25:00 long</span>' in html
    assert 1 <= axis_labels(html) <= 12
    # The same cycle's other debriefs carry it in their trend.
    response = coach_client.get(f"/observations/{normal}")
    assert response.status_code == 200 and 1 <= axis_labels(response.get_data(as_text=True)) <= 12
    teacher = app.test_client().get(f"/s/{token}")
    assert teacher.status_code == 200
    assert "clock looked wrong" in teacher.get_data(as_text=True)
    assert 1 <= axis_labels(teacher.get_data(as_text=True)) <= 12


def test_an_observation_of_zero_length_with_events(coach_client, coach, app):
    with app.app_context():
        oid, _ = helpers.record_observation(
            coach, [(TALLY, 30), (TALLY, 90)], started="2026-03-02T09:00:00+00:00",
            ended="2026-03-02T09:00:00+00:00")
    response = coach_client.get(f"/observations/{oid}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 1 <= axis_labels(html) <= 12
    assert '<span id="length">01:30 long</span>' in html


def test_a_plausible_clock_is_believed(ctx, coach):
    oid, _ = helpers.record_observation(coach, [(TALLY, 60)], started="2026-03-02T09:00:00+00:00",
                                        ended="2026-03-02T20:59:00+00:00")
    evidence = services.gather_evidence(db.session.get(Observation, oid))
    assert evidence.length_ms == (11 * 60 + 59) * 60_000 and not evidence.clock_looked_wrong


@pytest.mark.parametrize("minutes", [0, 0.5, 1, 7, 40, 59, 61, 179, 12 * 60, 25 * 60, 48 * 60])
def test_the_timeline_axis_has_at_most_twelve_labels(minutes):
    ticks = services.axis_ticks(int(minutes * 60_000))
    assert 1 <= len(ticks) <= 12 and ticks[0] == (0.0, "00:00")
    assert all(0 <= x <= 100 for x, _ in ticks)


def test_a_clock_at_the_ends_of_time_still_gives_a_debrief(coach_client, coach, app):
    # Year 1 has no local time west of UTC, nor 9999 east of it: those are shown in UTC.
    from app.models import Coach

    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = "America/New_York"
        db.session.commit()
        first, _ = helpers.record_observation(coach, [(TALLY, 60)],
                                              started="0001-01-01T00:00:00+00:00",
                                              ended="9999-12-31T23:59:59+00:00")
        last, _ = helpers.record_observation(coach, [(TALLY, 60)],
                                             started="9999-12-31T23:59:59+00:00", ended=None)
    for oid in (first, last):
        response = coach_client.get(f"/observations/{oid}")
        assert response.status_code == 200, oid
        assert 1 <= axis_labels(response.get_data(as_text=True)) <= 12
        assert coach_client.get(f"/observations/{oid}/events.csv").status_code == 200
    assert coach_client.get(f"/cycles/{coach.cycle_id}").status_code == 200
    assert coach_client.get("/").status_code == 200
