"""Visits as iCalendar: one visit's .ics and the coach's private feed parse with icalendar,
carry the coach's zone (TZID and a matching VTIMEZONE), a stable UID and DTSTAMP, and nothing
beyond teacher, kind, place and time. The feed's link is shown once, stored as a hash, and
revoking (or replacing) it makes the old URL a 404."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import Coach
from app.schedule import services
from app.schedule.services import VisitInput
from app.share.services import hash_token
from tests import helpers

NEW_YORK = "America/New_York"


@pytest.fixture
def planned(app, coach):
    """The coach in New York with a visit at 09:00 in January and one in July."""
    with app.app_context():
        owner = db.session.get(Coach, coach.coach_id)
        owner.time_zone = NEW_YORK
        db.session.commit()
        year = datetime.now(UTC).year + 1
        ids = []
        for month, kind, place in ((1, "observation", "Room 12"), (7, "co_planning", None)):
            visit = services.plan_visit(owner, VisitInput(
                coach.teacher_id, kind, date(year, month, 12), time(9), 45, place=place,
                note="PRIVATE NOTE about the lesson"))
            ids.append((visit.id, visit.uid))
    return year, ids


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0" and "Lookfor" in str(calendar["PRODID"])
    return calendar


def check_event(event, uid: str, start: datetime, summary: str):
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert event["DTSTART"].params["TZID"] == NEW_YORK
    assert event["DTEND"].params["TZID"] == NEW_YORK
    assert event.decoded("DTSTART") == start
    assert (event.decoded("DTSTART").hour, event.decoded("DTSTART").minute) == (9, 0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert str(event["SUMMARY"]) == summary


def test_one_visit_downloads_as_an_ics_in_the_coachs_zone(app, coach, coach_client, planned):
    year, [(visit_id, uid), _] = planned
    response = coach_client.get(f"/visits/{visit_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    assert f'filename="lookfor-observation-{year}-01-12.ics"' in response.headers[
        "Content-Disposition"]
    calendar = parse(response.data)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == NEW_YORK
    [event] = calendar.walk("VEVENT")
    check_event(event, uid, datetime(year, 1, 12, 14, tzinfo=UTC),
                "Observation with Teacher of Casey Coach")
    assert str(event["LOCATION"]) == "Room 12"
    assert b"PRIVATE NOTE" not in response.data and b"DESCRIPTION" not in response.data
    # The VTIMEZONE's rules give EST in January: the same instant a client computes.
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=-5)


def make_link(client) -> tuple[str, str]:
    """Press "Make calendar link" (htmx); the feed's URL and its webcal: twin."""
    token = helpers.csrf_token(client, "/account")
    response = client.post("/account/calendar-link", data={"csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    url = re.search(r'<input id="calendar-url" type="text" readonly value="([^"]+)">', html)
    webcal = re.search(r'href="(webcal://[^"]+)"', html)
    return url.group(1), webcal.group(1)


def test_the_feed_lists_the_coachs_visits_with_stable_uids(app, coach, coach_client, planned):
    year, [(_, winter_uid), (_, summer_uid)] = planned
    url, webcal = make_link(coach_client)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    assert webcal == "webcal://" + url.removeprefix("http://")
    path = url.removeprefix("http://localhost")
    subscriber = app.test_client()  # a calendar app: no session
    response = subscriber.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Cache-Control"] == "no-store"
    calendar = parse(response.data)
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == [NEW_YORK]
    winter, summer = calendar.walk("VEVENT")
    check_event(winter, winter_uid, datetime(year, 1, 12, 14, tzinfo=UTC),
                "Observation with Teacher of Casey Coach")
    # July: 09:00 EDT is 13:00 UTC.
    check_event(summer, summer_uid, datetime(year, 7, 12, 13, tzinfo=UTC),
                "Co-planning with Teacher of Casey Coach")
    assert "LOCATION" not in summer
    assert b"PRIVATE NOTE" not in response.data and b"Students ask more" not in response.data
    # Polled again: the same UIDs and DTSTAMPs, so a calendar app sees no change.
    again = parse(subscriber.get(path).data).walk("VEVENT")
    assert [(str(e["UID"]), e.decoded("DTSTAMP")) for e in again] == [
        (str(e["UID"]), e.decoded("DTSTAMP")) for e in (winter, summer)]


def test_an_edited_visit_keeps_its_uid_in_the_feed(app, coach, coach_client, planned):
    year, [(visit_id, uid), _] = planned
    url, _ = make_link(coach_client)
    token = helpers.csrf_token(coach_client, "/")
    coach_client.post(f"/visits/{visit_id}", data={
        "csrf_token": token, "teacher": coach.teacher_id, "kind": "debrief",
        "date": f"{year}-01-13", "start_time": "15:30", "minutes": "30"})
    events = parse(app.test_client().get(url.removeprefix("http://localhost")).data)
    event = next(e for e in events.walk("VEVENT") if str(e["UID"]) == uid)
    assert event.decoded("DTSTART") == datetime(year, 1, 13, 20, 30, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Debrief with Teacher of Casey Coach"


def test_the_token_is_stored_only_as_a_hash(app, coach, coach_client):
    url, _ = make_link(coach_client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43
    with app.app_context():
        stored = db.session.get(Coach, coach.coach_id).calendar_token_hash
        assert stored == hash_token(token) and token not in stored


def test_revoke_makes_the_feed_404(app, coach, coach_client):
    url, _ = make_link(coach_client)
    path = url.removeprefix("http://localhost")
    assert app.test_client().get(path).status_code == 200
    page = coach_client.get("/account").get_data(as_text=True)
    assert "Revoke calendar link" in page and url not in page  # shown once only
    token = helpers.csrf_token(coach_client, "/account")
    response = coach_client.post("/account/calendar-link/revoke", data={"csrf_token": token})
    assert response.status_code == 303
    assert app.test_client().get(path).status_code == 404
    assert "Revoke calendar link" not in coach_client.get("/account").get_data(as_text=True)


def test_a_new_link_replaces_the_old_one(app, coach, coach_client):
    old, _ = make_link(coach_client)
    new, _ = make_link(coach_client)
    assert old != new
    assert app.test_client().get(old.removeprefix("http://localhost")).status_code == 404
    assert app.test_client().get(new.removeprefix("http://localhost")).status_code == 200


def test_without_htmx_the_account_page_shows_the_link_once(app, coach, coach_client):
    token = helpers.csrf_token(coach_client, "/account")
    response = coach_client.post("/account/calendar-link", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Account</h1>" in html
    assert re.search(r'id="calendar-url" type="text" readonly value="http://localhost/calendar/',
                     html)


def test_the_feed_follows_the_requests_scheme(app, coach, coach_client):
    token = helpers.csrf_token(coach_client, "/account")
    html = coach_client.post("/account/calendar-link", data={"csrf_token": token},
                             headers={"HX-Request": "true", "Referer": "https://localhost/account"},
                             base_url="https://localhost").get_data(as_text=True)
    assert 'value="https://localhost/calendar/' in html
    assert 'href="webcal://localhost/calendar/' in html


def test_an_empty_feed_is_still_a_valid_calendar(app, coach, coach_client):
    url, _ = make_link(coach_client)
    calendar = parse(app.test_client().get(url.removeprefix("http://localhost")).data)
    assert calendar.walk("VEVENT") == [] and len(calendar.walk("VTIMEZONE")) == 1


def test_a_utc_coachs_times_are_in_utc(app, coach, coach_client):
    with app.app_context():
        owner = db.session.get(Coach, coach.coach_id)
        visit = services.plan_visit(owner, VisitInput(
            coach.teacher_id, "modeling", date(2027, 1, 12), time(9), 30))
        visit_id = visit.id
    event = parse(coach_client.get(f"/visits/{visit_id}.ics").data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2027, 1, 12, 9, tzinfo=UTC)


def test_another_coachs_visit_ics_is_404(app, coach, other_coach, planned):
    _, [(visit_id, _), _] = planned
    client = app.test_client()
    helpers.login(client, other_coach.email, other_coach.password)
    assert client.get(f"/visits/{visit_id}.ics").status_code == 404


def test_a_feed_holds_only_its_own_coachs_visits(app, coach, other_coach, planned):
    other = app.test_client()
    helpers.login(other, other_coach.email, other_coach.password)
    url, _ = make_link(other)
    body = app.test_client().get(url.removeprefix("http://localhost")).data
    assert b"Teacher of Casey Coach" not in body and parse(body).walk("VEVENT") == []


def test_unknown_feed_tokens_are_throttled_like_share_links(app, client):
    for _ in range(30):
        assert client.get(f"/calendar/{'x' * 43}.ics").status_code == 404
    assert client.get(f"/calendar/{'y' * 43}.ics").status_code == 429


def test_feed_and_booking_tokens_never_reach_a_log():
    from app import logs

    token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr"
    assert logs.redact(f'"GET /calendar/{token}.ics HTTP/1.1" 200') == (
        '"GET /calendar/… HTTP/1.1" 200')
    assert logs.redact(f"POST /b/{token} and /login?next=%2Fb%2F{token}") == (
        "POST /b/… and /login?next=%2Fb%2F…")
