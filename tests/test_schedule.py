"""The schedule: planning visits in the coach's zone (DST both ways), This week, the debrief's
norm and the debrief page's offer to plan it, and the forms' answers to bad input."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Coach, Cycle, Observation, Teacher, Visit, utcnow
from app.schedule import services
from app.schedule.services import VisitInput, debrief_norm_hours
from tests import helpers

NEW_YORK = "America/New_York"


def set_zone(coach_id: int, zone: str) -> Coach:
    coach = db.session.get(Coach, coach_id)
    coach.time_zone = zone
    db.session.commit()
    return coach


def visit_input(world, day: date, start: time, **extra) -> VisitInput:
    return VisitInput(teacher_id=world.teacher_id, kind=extra.pop("kind", "observation"),
                      day=day, start=start, minutes=extra.pop("minutes", 45), **extra)


@pytest.mark.parametrize("norms, hours", [
    (None, 24), ("", 24), ("Debrief within 24 hours of each observation", 24),
    ("We debrief within 48 hours.", 48), ("debrief WITHIN 2 days", 48),
    ("within 36 hrs of the lesson", 36), ("Confidential. Within 12h.", 12),
    ("Meet weekly", 24), ("within 0 hours", 24), ("within 9999 hours", 24),
])
def test_debrief_norm_hours(norms, hours):
    assert debrief_norm_hours(norms) == hours


def test_nine_in_new_york_is_stored_in_utc_in_winter_and_summer(ctx, coach):
    """09:00 in New York is 14:00 UTC in January (EST) and 13:00 UTC in July (EDT)."""
    owner = set_zone(coach.coach_id, NEW_YORK)
    winter = services.plan_visit(owner, visit_input(coach, date(2027, 1, 12), time(9)))
    summer = services.plan_visit(owner, visit_input(coach, date(2027, 7, 13), time(9)))
    assert winter.starts_at == datetime(2027, 1, 12, 14, tzinfo=UTC)
    assert summer.starts_at == datetime(2027, 7, 13, 13, tzinfo=UTC)
    # And back: both read 09:00 in the coach's zone, with the right abbreviation.
    for visit in (winter, summer):
        local = services.to_local(visit.starts_at, NEW_YORK)
        assert (local.hour, local.minute) == (9, 0)
    assert services.when(winter.starts_at, 45, NEW_YORK) == "Tue 12 Jan 2027, 09:00–09:45 EST"
    assert services.when(summer.starts_at, 45, NEW_YORK) == "Tue 13 Jul 2027, 09:00–09:45 EDT"


def test_times_a_dst_change_skips_or_repeats(ctx, coach):
    skipped = services.to_utc(date(2027, 3, 14), time(2, 30), NEW_YORK)
    assert skipped == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert services.when(skipped, 30, NEW_YORK) == "Sun 14 Mar 2027, 03:30–04:00 EDT"
    repeated = services.to_utc(date(2027, 11, 7), time(1, 30), NEW_YORK)
    assert repeated == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # the first 01:30, EDT


def test_other_zones_and_a_span_past_midnight(ctx, coach):
    assert services.to_utc(date(2027, 3, 2), time(9), "Asia/Kolkata") == datetime(
        2027, 3, 2, 3, 30, tzinfo=UTC)
    assert services.to_utc(date(2027, 3, 2), time(9), "UTC") == datetime(2027, 3, 2, 9,
                                                                        tzinfo=UTC)
    late = datetime(2027, 3, 2, 23, 30, tzinfo=UTC)
    assert services.when(late, 60, "UTC") == "Tue 2 Mar 2027, 23:30–Wed 3 Mar, 00:30 UTC"


def test_a_visit_needs_the_coachs_own_live_teacher_and_sane_values(ctx, coach, other_coach):
    owner = db.session.get(Coach, coach.coach_id)
    day = date(2027, 1, 12)
    bad = [
        VisitInput(other_coach.teacher_id, "observation", day, time(9), 45),
        VisitInput(None, "observation", day, time(9), 45),
        VisitInput(coach.teacher_id, "lunch", day, time(9), 45),
        VisitInput(coach.teacher_id, "observation", day, time(9), 0),
        VisitInput(coach.teacher_id, "observation", date(1, 1, 1), time(0), 45),
        VisitInput(coach.teacher_id, "observation", day, time(9), 45, place="x" * 121),
    ]
    for data in bad:
        with pytest.raises(services.ScheduleError):
            services.plan_visit(owner, data)
    db.session.rollback()
    db.session.get(Teacher, coach.teacher_id).archived_at = utcnow()
    db.session.commit()
    with pytest.raises(services.ScheduleError, match="archived"):
        services.plan_visit(owner, visit_input(coach, day, time(9)))
    assert db.session.scalars(select(Visit)).all() == []


def test_editing_keeps_the_uid(ctx, coach):
    owner = db.session.get(Coach, coach.coach_id)
    visit = services.plan_visit(owner, visit_input(coach, date(2027, 1, 12), time(9)))
    uid = visit.uid
    services.update_visit(owner, visit, visit_input(coach, date(2027, 1, 13), time(10),
                                                    kind="co_planning", place="Room 4"))
    assert visit.uid == uid and visit.kind == "co_planning" and visit.place == "Room 4"
    assert visit.starts_at == datetime(2027, 1, 13, 10, tzinfo=UTC)


def test_this_week_is_monday_to_sunday_in_the_coachs_zone(ctx, coach):
    """Wednesday 13 Jan 2027 in New York: the week runs Mon 11 00:00 to Mon 18 00:00 EST."""
    owner = set_zone(coach.coach_id, NEW_YORK)
    now = datetime(2027, 1, 13, 17, tzinfo=UTC)
    times = {
        "sunday before, 23:30": (date(2027, 1, 10), time(23, 30)),
        "monday 00:00": (date(2027, 1, 11), time(0)),
        "sunday 23:59": (date(2027, 1, 17), time(23, 59)),
        "next monday 00:00": (date(2027, 1, 18), time(0)),
    }
    for place, (day, start) in times.items():
        services.plan_visit(owner, visit_input(coach, day, start, place=place))
    week = services.week_of(owner, now)
    assert week.monday == date(2027, 1, 11)
    assert week.starts == datetime(2027, 1, 11, 5, tzinfo=UTC)
    assert [v.place for v in week.visits] == ["monday 00:00", "sunday 23:59"]
    # Sunday 23:00 in New York is already Monday in UTC: still this week for the coach.
    assert services.week_of(owner, datetime(2027, 1, 18, 4, tzinfo=UTC)).monday == week.monday


def test_another_coachs_visits_are_not_in_this_week(ctx, coach, other_coach):
    mine = db.session.get(Coach, coach.coach_id)
    theirs = db.session.get(Coach, other_coach.coach_id)
    today = utcnow().date()
    services.plan_visit(theirs, visit_input(other_coach, today, time(12)))
    assert services.week_of(mine).visits == []


def observation_ended(world, hours_ago: float, norms: str | None = None) -> Observation:
    ended = utcnow() - timedelta(hours=hours_ago)
    oid, _ = helpers.record_observation(
        world, [], started=(ended - timedelta(minutes=40)).isoformat(),
        ended=ended.isoformat())
    if norms is not None:
        db.session.get(Cycle, world.cycle_id).norms = norms
        db.session.commit()
    return db.session.get(Observation, oid)


def test_debrief_offer_within_the_norm_only(ctx, coach):
    fresh = observation_ended(coach, 2)
    before = utcnow()
    offer = services.debrief_offer(fresh)
    assert offer is not None and offer.hours == 24 and offer.teacher_id == coach.teacher_id
    assert offer.due == fresh.ended_at + timedelta(hours=24)
    assert before + timedelta(hours=1) <= offer.suggested <= offer.due
    assert offer.suggested.minute % 15 == 0
    assert services.debrief_offer(observation_ended(coach, 25)) is None
    # The cycle's own norm: 48 hours.
    assert services.debrief_offer(observation_ended(coach, 25, "within 48 hours")).hours == 48


def test_the_suggested_time_is_the_next_quarter_hour():
    at = datetime(2027, 1, 12, 10, 15, 30, tzinfo=UTC)
    assert services._quarter_hour_after(at) == datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
    assert services._quarter_hour_after(at.replace(second=0)) == at.replace(second=0)
    assert services._quarter_hour_after(at.replace(minute=52)) == datetime(2027, 1, 12, 11,
                                                                           tzinfo=UTC)


def test_debrief_offer_near_the_deadline_suggests_a_time_before_it(ctx, coach):
    observation = observation_ended(coach, 23.8)
    offer = services.debrief_offer(observation)
    assert offer is not None and offer.suggested <= offer.due


def test_no_debrief_offer_once_one_is_planned_or_before_the_end(ctx, coach):
    observation = observation_ended(coach, 1)
    owner = db.session.get(Coach, coach.coach_id)
    local = services.to_local(utcnow() + timedelta(hours=3), owner.time_zone)
    services.plan_visit(owner, visit_input(coach, local.date(), local.time(), kind="debrief"))
    assert services.debrief_offer(observation) is None
    observation.ended_at = None
    assert services.debrief_offer(observation) is None


def test_debrief_page_offers_plan_the_debrief_prefilled(app, coach, coach_client):
    with app.app_context():
        oid = observation_ended(coach, 1).id
    html = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert "Plan the debrief" in html and "debrief within 24 hours" in html
    url = re.search(r'href="(/visits/new\?[^"]+)"[^>]*>Plan the debrief', html).group(1)
    form = coach_client.get(url.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(rf'<option selected value="{coach.teacher_id}">', form)
    assert '<option selected value="debrief">Debrief</option>' in form
    assert re.search(r'name="date" required type="date" value="\d{4}-\d\d-\d\d"', form)
    assert re.search(r'name="start_time" required type="time" value="\d\d:\d\d"', form)


def test_debrief_page_says_nothing_after_the_norm(app, coach, coach_client):
    with app.app_context():
        oid = observation_ended(coach, 30).id
    assert "Plan the debrief" not in coach_client.get(f"/observations/{oid}").get_data(
        as_text=True)


def post(client, path, data):
    token = helpers.csrf_token(client, "/")
    return client.post(path, data={**data, "csrf_token": token})


def form_data(world, **extra):
    return {"teacher": world.teacher_id, "kind": "observation", "date": "2027-01-12",
            "start_time": "09:00", "minutes": "45", "place": "Room 12", "note": "", **extra}


def test_plan_a_visit_from_the_form_in_the_coachs_zone(app, coach, coach_client):
    with app.app_context():
        set_zone(coach.coach_id, NEW_YORK)
    form = coach_client.get(f"/visits/new?teacher={coach.teacher_id}").get_data(as_text=True)
    for label in ("Teacher", "Kind", "Date", "Start time", "Minutes", "Place", "Note"):
        assert f">{label}</label>" in form
    kinds = re.findall(r'<option[^>]*value="([a-z_]+)"[^>]*>([^<]+)</option>', form)
    assert [label for value, label in kinds if not value.isdigit()][-8:] == [
        "Observation", "Debrief", "Co-planning", "Modeling", "Co-teaching",
        "Data conversation", "Resource sharing", "Other"]
    response = post(coach_client, "/visits", form_data(coach))
    assert response.status_code == 303 and response.headers["Location"] == "/#this-week"
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert visit.starts_at == datetime(2027, 1, 12, 14, tzinfo=UTC)
        assert visit.place == "Room 12" and visit.note is None


@pytest.mark.parametrize("change", [
    {"teacher": "abc"}, {"teacher": "999999"}, {"kind": "nap"}, {"date": "2027-13-40"},
    {"date": ""}, {"start_time": "25:00"}, {"minutes": "0"}, {"minutes": "-5"},
    {"minutes": "x"}, {"minutes": "99999999999999999999"}, {"place": "x" * 200},
    {"date": "0001-01-01"},
])
def test_bad_visit_forms_answer_400_and_save_nothing(app, coach, coach_client, change):
    response = post(coach_client, "/visits", form_data(coach, **change))
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Visit)) is None


def test_another_coachs_teacher_cannot_be_chosen(app, coach, other_coach, coach_client):
    response = post(coach_client, "/visits", form_data(coach, teacher=other_coach.teacher_id))
    assert response.status_code == 400


def test_edit_and_delete_a_visit(app, coach, coach_client):
    post(coach_client, "/visits", form_data(coach))
    with app.app_context():
        visit_id, uid = db.session.execute(select(Visit.id, Visit.uid)).one()
    page = coach_client.get(f"/visits/{visit_id}/edit").get_data(as_text=True)
    assert 'value="2027-01-12"' in page and 'value="09:00"' in page and "Delete visit" in page
    response = post(coach_client, f"/visits/{visit_id}",
                    form_data(coach, start_time="10:30", kind="modeling"))
    assert response.status_code == 303
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (visit.uid, visit.kind) == (uid, "modeling")
        assert visit.starts_at == datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
    assert post(coach_client, f"/visits/{visit_id}/delete", {}).status_code == 303
    with app.app_context():
        assert db.session.get(Visit, visit_id) is None


def test_the_dashboard_lists_this_weeks_visits_with_their_ics(app, coach, coach_client):
    with app.app_context():
        owner = db.session.get(Coach, coach.coach_id)
        visit = services.plan_visit(owner, visit_input(coach, utcnow().date(), time(12),
                                                       kind="co_teaching"))
        visit_id = visit.id
    html = coach_client.get("/").get_data(as_text=True)
    section = html[html.index('id="this-week"'):]
    assert "This week" in section and "Plan a visit" in section
    assert "Co-teaching with Teacher of Casey Coach" in section
    assert f'href="/visits/{visit_id}.ics" download' in section


def test_the_teacher_page_has_plan_a_visit(coach, coach_client):
    html = coach_client.get(f"/teachers/{coach.teacher_id}").get_data(as_text=True)
    assert f'href="/visits/new?teacher={coach.teacher_id}">Plan a visit</a>' in html


def test_schedule_page_lists_upcoming_visits(app, coach, coach_client):
    with app.app_context():
        owner = db.session.get(Coach, coach.coach_id)
        soon = utcnow() + timedelta(days=20)
        services.plan_visit(owner, visit_input(coach, soon.date(), time(8), kind="modeling"))
        services.plan_visit(owner, visit_input(coach, date(2020, 1, 6), time(8)))
    html = coach_client.get("/schedule").get_data(as_text=True)
    assert "Modeling with Teacher of Casey Coach" in html
    assert "2020" not in html


def test_no_debrief_offer_for_a_clock_at_the_ends_of_time(ctx, coach):
    oid, _ = helpers.record_observation(coach, [], started="9999-12-31T23:00:00+00:00",
                                        ended="9999-12-31T23:59:59+00:00")
    assert services.debrief_offer(db.session.get(Observation, oid)) is None
    oid, _ = helpers.record_observation(coach, [], started="0001-01-01T00:00:00+00:00",
                                        ended="0001-01-01T01:00:00+00:00")
    assert services.debrief_offer(db.session.get(Observation, oid)) is None
