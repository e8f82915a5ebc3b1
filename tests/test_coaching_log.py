"""The coaching log: activities logged by hand, observations (their length) and debriefs in the
log by themselves, minutes by role and by teacher over a range of days read in the coach's
time zone, and "Download log" as a formula-safe CSV."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime

import pytest

from app.coaching_log import activities as log
from app.coaching_log import services
from app.coaching_log.services import DateRange, LogError
from app.debrief.conversation import save_conversation, save_reflection
from app.extensions import db
from app.models import Coach, Debrief, LogEntry, Observation, Visit
from app.teachers.services import add_teacher
from tests import helpers

MARCH = DateRange(date(2026, 3, 1), date(2026, 3, 31))


def coach_of(world) -> Coach:
    return db.session.get(Coach, world.coach_id)


def set_zone(world, zone: str) -> None:
    coach_of(world).time_zone = zone
    db.session.commit()


def log_entry(world, role="co_planning", on=date(2026, 3, 3), minutes=45, note=None,
              teacher_id=None) -> LogEntry:
    return services.add_entry(coach_of(world), teacher_id=teacher_id or world.teacher_id,
                              role=role, on_date=on, minutes=minutes, note=note)


def observe(world, started: str, ended: str | None, events=()) -> str:
    oid, _ = helpers.record_observation(world, list(events), started=started, ended=ended)
    return oid


def debrief(observation_id: str, saved_at: datetime, **notes) -> None:
    observation = db.session.get(Observation, observation_id)
    save_conversation(observation, keepers=notes.get("keepers", "Wait time grew"),
                      polishers=None, private_notes=None)
    db.session.get(Debrief, observation_id).updated_at = saved_at
    db.session.commit()


def summary(found) -> list[tuple]:
    return [(a.on_date.isoformat(), a.role, a.minutes, a.source) for a in found]


# --- Entries ---------------------------------------------------------------------------------

def test_a_logged_entry_is_in_the_log_with_its_minutes_and_note(ctx, coach):
    log_entry(coach, "co_planning", date(2026, 3, 3), 45, "  Planned the fractions unit ")
    found = log.activities(coach_of(coach), MARCH)
    assert summary(found) == [("2026-03-03", "co_planning", 45, "logged")]
    assert found[0].note == "Planned the fractions unit"
    assert found[0].teacher_name == "Teacher of Casey Coach" and found[0].entry_id


@pytest.mark.parametrize("change, message", [
    ({"role": "gossip"}, "Choose a role"),
    ({"minutes": 0}, "from 1 to 720"),
    ({"minutes": 721}, "from 1 to 720"),
    ({"minutes": None}, "Enter the minutes"),
    ({"on": None}, "Enter the date"),
    ({"on": date(1066, 10, 14)}, "Enter the date"),
    ({"note": "x" * 501}, "under 500"),
    ({"teacher_id": 2**31 - 1}, "Choose one of your teachers"),
])
def test_a_bad_entry_is_refused_and_nothing_is_stored(ctx, coach, change, message):
    with pytest.raises(LogError, match=message):
        log_entry(coach, **change)
    assert db.session.query(LogEntry).count() == 0


def test_another_coachs_teacher_cannot_be_logged(ctx, coach, other_coach):
    with pytest.raises(LogError, match="Choose one of your teachers"):
        log_entry(coach, teacher_id=other_coach.teacher_id)


def test_an_entry_is_changed_and_deleted(ctx, coach):
    entry = log_entry(coach)
    services.update_entry(coach_of(coach), entry, teacher_id=coach.teacher_id,
                          role="modeling", on_date=date(2026, 3, 9), minutes=30, note="Demo")
    assert summary(log.activities(coach_of(coach), MARCH)) == [
        ("2026-03-09", "modeling", 30, "logged")]
    with pytest.raises(LogError):  # a refused change leaves the entry as it was
        services.update_entry(coach_of(coach), entry, teacher_id=coach.teacher_id,
                              role="modeling", on_date=date(2026, 3, 9), minutes=-5, note="")
    assert db.session.get(LogEntry, entry.id).minutes == 30
    services.delete_entry(entry)
    assert log.activities(coach_of(coach), MARCH) == []


# --- Observations and debriefs, by themselves ------------------------------------------------

def test_observations_count_for_their_length_in_whole_minutes(ctx, coach):
    observe(coach, "2026-03-02T09:00:00+00:00", "2026-03-02T09:40:29+00:00")  # 40:29 -> 40
    observe(coach, "2026-03-03T09:00:00+00:00", "2026-03-03T09:40:30+00:00")  # 40:30 -> 41
    # Never ended: up to the end of its last event (a 60 s duration from 100 s: 2:40 -> 3).
    observe(coach, "2026-03-04T09:00:00+00:00", None,
            [(1, 100, {"duration_ms": 60_000}), (0, 20)])
    # A clock that jumped a century: the events say how long (5 s -> 0 min).
    observe(coach, "2026-03-05T09:00:00+00:00", "2126-03-05T09:00:00+00:00", [(0, 5)])
    found = log.activities(coach_of(coach), MARCH)
    assert summary(found) == [
        ("2026-03-02", "observation", 40, "observation"),
        ("2026-03-03", "observation", 41, "observation"),
        ("2026-03-04", "observation", 3, "observation"),
        ("2026-03-05", "observation", 0, "observation"),
    ]
    assert all(a.observation_id for a in found)
    assert db.session.query(LogEntry).count() == 0  # read from the observations, not copied


def test_a_deleted_observation_leaves_the_log(ctx, coach):
    from app.observations.services import delete_observation

    oid = observe(coach, "2026-03-02T09:00:00+00:00", "2026-03-02T09:30:00+00:00")
    debrief(oid, datetime(2026, 3, 2, 15, tzinfo=UTC))
    assert len(log.activities(coach_of(coach), MARCH)) == 2
    delete_observation(db.session.get(Observation, oid))
    assert log.activities(coach_of(coach), MARCH) == []


def test_an_observation_counts_on_its_start_date_in_the_coachs_zone(ctx, coach):
    set_zone(coach, "America/Chicago")
    # 1 Mar 03:00 UTC is 28 Feb 21:00 in Chicago: February's, not March's.
    observe(coach, "2026-03-01T03:00:00+00:00", "2026-03-01T03:30:00+00:00")
    assert log.activities(coach_of(coach), MARCH) == []
    feb = log.activities(coach_of(coach), services.month_of(date(2026, 2, 1)))
    assert summary(feb) == [("2026-02-28", "observation", 30, "observation")]


def test_a_saved_debrief_counts_with_a_planned_debrief_visits_minutes(ctx, coach):
    set_zone(coach, "America/New_York")
    first = observe(coach, "2026-03-02T14:00:00+00:00", "2026-03-02T14:45:00+00:00")
    second = observe(coach, "2026-03-09T14:00:00+00:00", "2026-03-09T14:45:00+00:00")
    reflected = observe(coach, "2026-03-16T14:00:00+00:00", "2026-03-16T14:45:00+00:00")
    # Saved on 3 Mar at 20:00 New York time (4 Mar 01:00 UTC), with a 25-minute debrief visit
    # planned with that teacher that (local) day; a visit with another kind does not count.
    debrief(first, datetime(2026, 3, 4, 1, tzinfo=UTC))
    db.session.add_all([
        Visit(uid=str(uuid.uuid4()), coach_id=coach.coach_id, teacher_id=coach.teacher_id,
              kind="debrief", starts_at=datetime(2026, 3, 3, 19, tzinfo=UTC), minutes=25),
        Visit(uid=str(uuid.uuid4()), coach_id=coach.coach_id, teacher_id=coach.teacher_id,
              kind="modeling", starts_at=datetime(2026, 3, 10, 19, tzinfo=UTC), minutes=50),
    ])
    db.session.commit()
    debrief(second, datetime(2026, 3, 10, 18, tzinfo=UTC))  # no debrief visit: not known
    # A teacher's reflection alone is not a debrief the coach held.
    save_reflection(db.session.get(Observation, reflected), "I tried it")
    db.session.get(Debrief, reflected).updated_at = datetime(2026, 3, 17, 15, tzinfo=UTC)
    db.session.commit()
    found = [a for a in log.activities(coach_of(coach), MARCH) if a.source == "debrief"]
    assert [(a.on_date.isoformat(), a.minutes, a.observation_id) for a in found] == [
        ("2026-03-03", 25, first), ("2026-03-10", None, second)]
    totals = log.totals(found)
    assert [(t.label, t.minutes, t.count) for t in totals.by_role] == [("Debrief", 25, 2)]


# --- Ranges and totals -----------------------------------------------------------------------

def test_a_range_across_a_month_boundary_in_a_non_utc_zone(ctx, coach):
    set_zone(coach, "America/Los_Angeles")
    log_entry(coach, "co_teaching", date(2026, 2, 28), 50)
    log_entry(coach, "modeling", date(2026, 3, 1), 20)
    log_entry(coach, "other", date(2026, 3, 3), 10)
    # 1 Mar 07:30 UTC is 28 Feb 23:30 in Los Angeles; 2 Mar 07:30 UTC is 1 Mar 23:30 there.
    observe(coach, "2026-03-01T07:30:00+00:00", "2026-03-01T08:00:00+00:00")
    observe(coach, "2026-03-02T07:30:00+00:00", "2026-03-02T08:10:00+00:00")
    coach_row = coach_of(coach)
    across = services.parse_range(coach_row, "2026-02-28", "2026-03-01")
    assert summary(log.activities(coach_row, across)) == [
        ("2026-02-28", "co_teaching", 50, "logged"),
        ("2026-02-28", "observation", 30, "observation"),
        ("2026-03-01", "modeling", 20, "logged"),
        ("2026-03-01", "observation", 40, "observation"),
    ]
    # "This month" is the coach's: at 07:30 UTC on 1 Mar it is still February in LA.
    now = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
    assert services.this_month(coach_row, now) == DateRange(date(2026, 2, 1), date(2026, 2, 28))
    assert services.this_month(coach_row, datetime(2026, 3, 1, 8, 30, tzinfo=UTC)) == MARCH
    march = log.activities(coach_row, MARCH)
    assert [a.minutes for a in march] == [20, 40, 10]


def test_a_range_over_a_dst_change_keeps_its_local_midnights(ctx, coach):
    set_zone(coach, "America/New_York")  # clocks go forward on 8 Mar 2026
    first, after = DateRange(date(2026, 3, 8), date(2026, 3, 8)).utc_bounds("America/New_York")
    assert (first.astimezone(UTC).hour, after.astimezone(UTC).hour) == (5, 4)
    observe(coach, "2026-03-09T03:59:00+00:00", "2026-03-09T04:09:00+00:00")  # 8 Mar 23:59
    assert summary(log.activities(coach_of(coach), DateRange(date(2026, 3, 8), date(2026, 3, 8)))
                   ) == [("2026-03-08", "observation", 10, "observation")]


@pytest.mark.parametrize("start, end, message", [
    ("2026-13-01", "", "From: enter a date"),
    ("", "yesterday", "To: enter a date"),
    ("2026-03-10", "2026-03-01", "From must be on or before To"),
    ("0001-01-01", "2026-03-01", "between 1900 and 2999"),
])
def test_a_bad_range_is_refused(ctx, coach, start, end, message):
    with pytest.raises(LogError, match=message):
        services.parse_range(coach_of(coach), start, end)


def test_one_end_of_a_range_fills_in_the_other_from_its_month(ctx, coach):
    row = coach_of(coach)
    assert services.parse_range(row, "2026-02-10", "") == DateRange(
        date(2026, 2, 10), date(2026, 2, 28))
    assert services.parse_range(row, None, "2026-03-05") == DateRange(
        date(2026, 3, 1), date(2026, 3, 5))
    assert services.parse_range(row, "", "") == services.this_month(row)


def test_minutes_by_role_and_by_teacher(ctx, coach):
    row = coach_of(coach)
    second = add_teacher(row, "Bea Second", None, None)
    log_entry(coach, "co_planning", minutes=45)
    log_entry(coach, "co_planning", minutes=15, teacher_id=second.id)
    log_entry(coach, "data_conversation", minutes=30, teacher_id=second.id)
    observe(coach, "2026-03-02T09:00:00+00:00", "2026-03-02T09:40:00+00:00")
    totals = log.totals(log.activities(row, MARCH))
    assert (totals.minutes, totals.count) == (130, 4)
    assert [(t.label, t.minutes, t.count) for t in totals.by_role] == [
        ("Co-planning", 60, 2), ("Observation", 40, 1), ("Data conversation", 30, 1)]
    assert [(t.label, t.minutes, t.count) for t in totals.by_teacher] == [
        ("Teacher of Casey Coach", 85, 2), ("Bea Second", 45, 2)]


def test_another_coachs_activities_are_not_in_the_log(ctx, coach, other_coach):
    log_entry(other_coach)
    observe(other_coach, "2026-03-02T09:00:00+00:00", "2026-03-02T09:40:00+00:00")
    assert log.activities(coach_of(coach), MARCH) == []


# --- Pages and the CSV -----------------------------------------------------------------------

def post(client, path: str, data: dict):
    token = helpers.csrf_token(client, "/log")
    return client.post(path, data={**data, "csrf_token": token})


def entry_form(world, **change) -> dict:
    return {"teacher": str(world.teacher_id), "role": "co_planning", "on_date": "2026-03-03",
            "minutes": "45", "note": "Planned", **change}


def test_the_log_page_has_the_form_and_this_month(coach_client):
    html = coach_client.get("/log").get_data(as_text=True)
    for label in ("Teacher", "Role", "Date", "Minutes", "Note", "From", "To"):
        assert re.search(rf"<label for=\"[^\"]+\">{label}</label>", html), label
    assert 'value="Save"' in html and ">Show</button>" in html
    assert ">This month</h2>" in html and ">Download log</a>" in html
    assert '<a href="/log">Coaching log</a>' in html  # in the top nav
    roles = re.findall(r'<option (?:selected )?value="([a-z_]+)">', html)
    assert roles == list(services.ROLES)


def test_logging_an_entry_shows_it_in_its_month(app, coach, coach_client):
    response = post(coach_client, "/log", entry_form(coach))
    assert response.status_code == 303
    assert response.headers["Location"] == "/log?from=2026-03-01&to=2026-03-31"
    html = coach_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Logged: Co-planning with Teacher of Casey Coach, 45 min." in html
    assert "1 Mar 2026 – 31 Mar 2026" in html and "<strong>45 minutes</strong>" in html
    assert '<svg class="log-bars log-bars-role"' in html and "Planned" in html


@pytest.mark.parametrize("change, message", [
    ({"minutes": "0"}, "from 1 to 720"),
    ({"minutes": "lots"}, "Minutes"),
    ({"on_date": "soon"}, "Date"),
    ({"role": "gossip"}, "Role"),
    ({"teacher": "99999999999999999999"}, "Choose one of your teachers"),
    ({"note": "n" * 501}, "Note"),
])
def test_a_bad_entry_answers_400_with_the_reason(app, coach, coach_client, change, message):
    response = post(coach_client, "/log", entry_form(coach, **change))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(LogEntry).count() == 0


def test_edit_and_delete_an_entry_through_the_pages(app, coach, coach_client):
    post(coach_client, "/log", entry_form(coach))
    with app.app_context():
        entry_id = db.session.query(LogEntry.id).scalar()
    page = coach_client.get(f"/log/{entry_id}/edit").get_data(as_text=True)
    assert 'value="45"' in page and 'value="Delete entry"' in page
    response = post(coach_client, f"/log/{entry_id}", entry_form(coach, minutes="50"))
    assert response.status_code == 303
    assert post(coach_client, f"/log/{entry_id}", entry_form(coach, minutes="")
                ).status_code == 400
    with app.app_context():
        assert db.session.get(LogEntry, entry_id).minutes == 50
    assert post(coach_client, f"/log/{entry_id}/delete", {}).status_code == 303
    with app.app_context():
        assert db.session.get(LogEntry, entry_id) is None


@pytest.mark.parametrize("query", ["from=2026-02-30", "from=2026-03-09&to=2026-03-01",
                                   "to=%00"])
def test_a_bad_range_answers_400_on_the_page_and_the_csv(coach_client, query):
    for path in ("/log", "/log.csv"):
        response = coach_client.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert response.mimetype == "text/html"


def test_download_log_is_a_formula_safe_csv_of_the_range(app, coach, coach_client):
    with app.app_context():
        log_entry(coach, "resource_sharing", date(2026, 3, 3), 15, "=HYPERLINK(\"x\")")
        log_entry(coach, "other", date(2026, 4, 1), 5, "April")
        oid = observe(coach, "2026-03-02T09:00:00+00:00", "2026-03-02T09:40:00+00:00")
        debrief(oid, datetime(2026, 3, 2, 15, tzinfo=UTC))
    response = coach_client.get("/log.csv?from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert ('filename="coaching-log-2026-03-01-to-2026-03-31.csv"'
            in response.headers["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["date", "teacher", "role", "minutes", "note", "source"],
        ["2026-03-02", "Teacher of Casey Coach", "Observation", "40", "", "observation"],
        ["2026-03-02", "Teacher of Casey Coach", "Debrief", "", "", "debrief"],
        ["2026-03-03", "Teacher of Casey Coach", "Resource sharing", "15",
         "'=HYPERLINK(\"x\")", "logged"],
    ]
