"""The account page (/account): details, time zone, change password, sign out everywhere; and
every date and time shown in the zone of the coach who owns the data."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Coach, CoachSession, Debrief
from app.timezones import format_local, valid_zone
from tests import helpers


def signed_in(app, coach):
    client = app.test_client()
    assert helpers.login(client, coach.email, coach.password).status_code == 302
    return client


def post(client, path: str, data: dict):
    token = helpers.csrf_token(client, "/account")
    return client.post(path, data={**data, "csrf_token": token})


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def stored_zone(app, coach) -> str:
    with app.app_context():
        return db.session.get(Coach, coach.coach_id).time_zone


def test_account_page_has_its_forms_each_with_a_csrf_token(coach_client, coach):
    html = coach_client.get("/account").get_data(as_text=True)
    assert coach.email in html and "Casey Coach" in html
    for label in ("Name", "Time zone", "Current password", "New password",
                  "New password again"):
        assert f">{label}</label>" in html, label
    assert 'value="Change password"' in html and 'value="Sign out everywhere"' in html
    forms = re.findall(r"<form .*?</form>", html, re.S)
    account_forms = [f for f in forms if 'action="/account' in f]
    actions = {re.search(r'action="([^"]+)"', f).group(1) for f in account_forms}
    assert actions >= {"/account/details", "/account/password", "/account/sign-out-everywhere",
                       "/account/export", "/account/delete"}
    assert all('name="csrf_token"' in f for f in account_forms)
    assert '<option selected value="UTC">UTC</option>' in html
    assert '<a href="/account">Account</a>' in html  # reachable from every page's nav


def test_change_password_ends_every_other_session_and_keeps_this_one(app, coach):
    here, elsewhere = signed_in(app, coach), signed_in(app, coach)
    response = post(here, "/account/password", {
        "current_password": coach.password, "new_password": "a new long password",
        "new_password_again": "a new long password"})
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert "Every other device is signed out" in here.get("/account").get_data(as_text=True)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert helpers.login(app.test_client(), coach.email, coach.password).status_code == 401
    assert helpers.login(app.test_client(), coach.email, "a new long password").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(CoachSession)) == 2


@pytest.mark.parametrize("data, message", [
    ({"current_password": "wrong", "new_password": "a new long password",
      "new_password_again": "a new long password"}, "The current password is not right."),
    ({"current_password": helpers.PASSWORD, "new_password": "a new long password",
      "new_password_again": "a different one"}, "The new passwords do not match."),
    ({"current_password": helpers.PASSWORD, "new_password": "short",
      "new_password_again": "short"}, "8 to 200 characters"),
])
def test_a_refused_password_change_changes_nothing(app, coach, data, message):
    here, elsewhere = signed_in(app, coach), signed_in(app, coach)
    response = post(here, "/account/password", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert is_signed_in(here) and is_signed_in(elsewhere)
    assert helpers.login(app.test_client(), coach.email, coach.password).status_code == 302


def test_guessing_the_current_password_is_throttled(app, coach):
    here = signed_in(app, coach)
    wrong = {"current_password": "guess", "new_password": "a new long password",
             "new_password_again": "a new long password"}
    statuses = [post(here, "/account/password", wrong).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    right = {**wrong, "current_password": coach.password}
    refused = post(here, "/account/password", right)
    assert refused.status_code == 429 and "Too many wrong passwords" in refused.get_data(
        as_text=True)


def test_sign_out_everywhere_ends_every_session(app, coach, other_coach):
    here, elsewhere = signed_in(app, coach), signed_in(app, coach)
    someone_else = signed_in(app, other_coach)
    cookies = {n: here.get_cookie(n).value for n in ("session", "remember_token")}
    response = post(here, "/account/sign-out-everywhere", {})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert not is_signed_in(here) and not is_signed_in(elsewhere)
    assert is_signed_in(someone_else)
    replayed = app.test_client()
    for name, value in cookies.items():
        replayed.set_cookie(name, value)
    assert replayed.get("/api/v1/cycles").status_code == 401


def test_account_forms_need_csrf(app, coach):
    here = signed_in(app, coach)
    assert here.post("/account/sign-out-everywhere").status_code == 403
    assert is_signed_in(here)


# Time zones (issue 8, C18).


def test_the_filter_shows_a_utc_time_in_the_zone_with_its_abbreviation():
    nine_utc = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert format_local(nine_utc, "America/New_York") == "2 Mar 2026, 04:00 EST"
    assert format_local(datetime(2026, 7, 2, 9, tzinfo=UTC), "America/New_York") == (
        "2 Jul 2026, 05:00 EDT")
    assert format_local(nine_utc, "UTC") == "2 Mar 2026, 09:00 UTC"
    assert format_local(nine_utc, "America/Sao_Paulo") == "2 Mar 2026, 06:00 UTC-03"
    assert format_local(datetime(2026, 3, 2, 3, tzinfo=UTC), "America/New_York", "date") == (
        "1 Mar 2026")
    assert format_local(nine_utc, "Not/AZone") == "2 Mar 2026, 09:00 UTC"
    assert valid_zone("../../etc/passwd") == "UTC" and valid_zone("Europe/Paris") == "Europe/Paris"


@pytest.fixture
def new_york_world(app, coach):
    """The coach works in New York; an observation at 09:00 UTC, shared with the teacher."""
    from app.models import Observation
    from app.share.services import create_link

    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = "America/New_York"
        db.session.commit()
        oid, _ = helpers.record_observation(coach, [(0, 65)])
        db.session.add(Debrief(observation_id=oid, teacher_reflection="It went well",
                               reflection_at=datetime(2026, 3, 3, 14, 30, tzinfo=UTC)))
        db.session.commit()
        _, token = create_link(db.session.get(Observation, oid))
    return oid, token


def test_a_new_york_coach_reads_new_york_times(app, coach, coach_client, new_york_world):
    oid, token = new_york_world
    debrief = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert "2 Mar 2026, 04:00 EST" in debrief and "09:00 UTC" not in debrief
    assert "3 Mar 2026, 09:30 EST" in debrief  # the teacher's reflection
    cycle = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert "2 Mar 2026, 04:00 EST" in cycle and "UTC" not in cycle
    teacher = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert "2 Mar 2026, 04:00 EST" in teacher and "09:00 UTC" not in teacher


def test_the_teachers_view_uses_the_observations_coach_not_whoever_is_signed_in(
        app, other_coach, new_york_world):
    _, token = new_york_world
    with app.app_context():
        db.session.get(Coach, other_coach.coach_id).time_zone = "Asia/Tokyo"
        db.session.commit()
    tokyo = signed_in(app, other_coach)
    assert "2 Mar 2026, 04:00 EST" in tokyo.get(f"/s/{token}").get_data(as_text=True)


def test_a_date_is_the_local_date(app, coach, coach_client):
    """03:00 UTC on 2 March is still 1 March in New York."""
    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = "America/New_York"
        db.session.commit()
        helpers.record_observation(coach, [(0, 5)], started="2026-03-02T03:00:00+00:00",
                                   ended="2026-03-02T03:40:00+00:00")
    assert "1 Mar 2026" in coach_client.get("/").get_data(as_text=True)


def sign_in_with_zone(client, coach, zone: str):
    token = helpers.csrf_token(client, "/login")
    return client.post("/login", data={"email": coach.email, "password": coach.password,
                                       "time_zone": zone, "csrf_token": token})


def test_sign_in_takes_the_browsers_zone(app, coach):
    assert sign_in_with_zone(app.test_client(), coach, "America/Chicago").status_code == 302
    assert stored_zone(app, coach) == "America/Chicago"
    # A zone the coach has (chosen on the account page, or taken before) is kept.
    assert sign_in_with_zone(app.test_client(), coach, "Europe/Paris").status_code == 302
    assert stored_zone(app, coach) == "America/Chicago"


@pytest.mark.parametrize("zone", ["Not/AZone", "../../../etc/passwd", "x" * 5000, "",
                                  "America/New_York\n", "Europe/Paris/../Berlin", "localtime"])
def test_an_invalid_zone_from_a_browser_is_ignored(app, coach, zone):
    response = sign_in_with_zone(app.test_client(), coach, zone)
    assert response.status_code == 302
    assert stored_zone(app, coach) in {"UTC", "America/New_York"}


def test_sign_up_takes_the_browsers_zone_and_ignores_a_bad_one(app):
    for email, zone, expected in [("a@school.test", "Asia/Kolkata", "Asia/Kolkata"),
                                  ("b@school.test", "Mars/Olympus", "UTC")]:
        client = app.test_client()
        token = helpers.csrf_token(client, "/signup")
        response = client.post("/signup", data={
            "name": "New", "email": email, "password": "long enough", "time_zone": zone,
            "csrf_token": token})
        assert response.status_code == 302
        with app.app_context():
            coach = db.session.scalar(select(Coach).where(Coach.email == email))
            assert coach.time_zone == expected


def test_the_account_page_changes_name_and_zone(app, coach, coach_client):
    response = post(coach_client, "/account/details",
                    {"name": "Casey C.", "time_zone": "Europe/Paris"})
    assert response.status_code == 303
    assert stored_zone(app, coach) == "Europe/Paris"
    html = coach_client.get("/account").get_data(as_text=True)
    assert "Saved." in html and '<option selected value="Europe/Paris">' in html
    assert "Casey C." in html


def test_a_legacy_zone_from_a_browser_keeps_its_place_in_the_select(app, coach, coach_client):
    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = "Asia/Calcutta"
        db.session.commit()
    html = coach_client.get("/account").get_data(as_text=True)
    assert '<option selected value="Asia/Calcutta">' in html
    response = post(coach_client, "/account/details", {"name": "C", "time_zone": "Asia/Calcutta"})
    assert response.status_code == 303


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../../etc/passwd", "localtime"])
def test_the_account_page_refuses_an_unknown_zone_with_400(app, coach, coach_client, zone):
    response = post(coach_client, "/account/details", {"name": "Casey", "time_zone": zone})
    assert response.status_code == 400
    assert "Time zone" in response.get_data(as_text=True)
    assert stored_zone(app, coach) == "UTC"
