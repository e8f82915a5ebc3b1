"""Ownership, walked over every URL: anonymous visitors are sent to sign in (pages) or get
401 JSON (the API); another coach gets 404, as if the thing did not exist."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import (
    Event,
    LogEntry,
    NextStep,
    Observation,
    OfferLink,
    OfferSlot,
    TimeOffer,
    Visit,
)
from tests import helpers

OBSERVATION_ID = "5f0c8d9e-2b1a-4c3d-8e9f-0a1b2c3d4e5f"
EVENT_ID = "0b7e6a52-7f43-4f7e-9a5e-0d7f6f1c2b3a"
STEP_ID = 4242
ENTRY_ID = 4646
VISIT_ID, OFFER_ID, OFFER_LINK_ID = 4343, 4444, 4545

# Every URL that shows or changes one coach's data: (method, template, form data).
PRIVATE_URLS = [
    ("GET", "/teachers/{teacher}", None),
    ("GET", "/teachers/{teacher}/cycles/new", None),
    ("POST", "/teachers/{teacher}/cycles/new", {"goal": "x", "focus_area": "student_outcomes"}),
    ("GET", "/cycles/{cycle}", None),
    ("POST", "/cycles/{cycle}/status", {"status": "closed"}),
    ("POST", "/cycles/{cycle}/lookfors", {"new-label": "x", "new-kind": "tally"}),
    ("POST", "/cycles/{cycle}/lookfors/{lookfor}", {"lf-label": "x"}),
    ("POST", "/cycles/{cycle}/lookfors/{lookfor}/move", {"direction": "down"}),
    ("POST", "/cycles/{cycle}/lookfors/{lookfor}/delete", {}),
    ("GET", "/cycles/{cycle}/lookfor-fields?prefix=lf{lookfor}&lf{lookfor}-kind=scan", None),
    ("POST", "/cycles/{cycle}/library", {"tool": "wait-time"}),
    ("GET", "/cycles/{cycle}/tools.json", None),
    ("POST", "/cycles/{cycle}/tools", {"tool_file": "x"}),
    ("GET", "/cycles/{cycle}/capture", None),
    ("POST", "/cycles/{cycle}/measure", {"measure": "", "target_value": "3"}),
    ("POST", "/cycles/{cycle}/goal-met", {}),
    ("POST", "/cycles/{cycle}/close", {}),
    ("POST", "/cycles/{cycle}/next-goal", {"goal": "x"}),
    ("GET", "/observations/{observation}", None),
    ("GET", "/observations/{observation}/events.csv", None),
    ("GET", "/observations/{observation}/summary.json", None),
    ("GET", "/cycles/{cycle}/summary.json", None),
    ("GET", "/observations/{observation}/events/edit?event={event}", None),
    ("POST", "/observations/{observation}/events/{event}", {"action": "delete"}),
    ("POST", "/observations/{observation}/conversation", {"keepers": "x"}),
    ("POST", "/observations/{observation}/next-steps", {"action": "x"}),
    ("POST", "/observations/{observation}/next-steps/{step}/delete", {}),
    ("POST", "/observations/{observation}/share", {"days": "30"}),
    ("POST", "/observations/{observation}/share/revoke", {}),
    ("POST", "/observations/{observation}/delete", {}),
    ("GET", "/log/{entry}/edit", None),
    ("POST", "/log/{entry}", {"minutes": "5"}),
    ("POST", "/log/{entry}/delete", {}),
    ("POST", "/observations/{observation}/last-steps/{step}/status", {"status": "done"}),
    ("POST", "/cycles/{cycle}/planning", {"planning_notes": "x"}),
    ("POST", "/cycles/{cycle}/share", {"days": "30"}),
    ("POST", "/cycles/{cycle}/share/revoke", {}),
    ("GET", "/cycles/{cycle}/report", None),
    ("POST", "/cycles/{cycle}/report/overview", {"overview-text": "x"}),
    ("POST", "/cycles/{cycle}/report/reflection", {"reflection-text": "x"}),
    ("GET", "/cycles/{cycle}/data.zip", None),
]
# The schedule (app/schedule): a visit, an offer of times and one of its teachers' links.
PRIVATE_URLS += [
    ("GET", "/visits/{visit}/edit", None),
    ("POST", "/visits/{visit}", {"kind": "debrief"}),
    ("POST", "/visits/{visit}/delete", {}),
    ("GET", "/visits/{visit}.ics", None),
    ("GET", "/offers/{offer}", None),
    ("POST", "/offers/{offer}/links/{offer_link}/revoke", {}),
]
# Managing (app/teachers, app/cycles/manage_views.py): a teacher and a cycle.
PRIVATE_URLS += [
    ("GET", "/teachers/{teacher}/edit", None),
    ("POST", "/teachers/{teacher}/edit", {"name": "x"}),
    ("POST", "/teachers/{teacher}/archive", {}),
    ("POST", "/teachers/{teacher}/restore", {}),
    ("POST", "/cycles/{cycle}/edit", {"goal": "x"}),
    ("POST", "/cycles/{cycle}/status/close", {}),
    ("POST", "/cycles/{cycle}/status/reopen", {}),
]
# The teacher's link: opened by its token only (see test_share.py and the tests below).
SHARE_URLS = [
    ("GET", "/s/{token}", None),
    ("POST", "/s/{token}/reflection", {"reflection": "x"}),
    ("POST", "/s/{token}/next-steps/{step}/agree", {}),
]
# The teacher's cycle link: opened by its token only (see test_cycle_link.py and below).
CYCLE_SHARE_URLS = [
    ("GET", "/c/{token}", None),
]
# Pages every signed-in coach has, showing only their own data.
OWN_PAGES = [("GET", "/", None), ("POST", "/teachers", {"name": "x"}), ("POST", "/logout", {}),
             ("GET", "/account", None),
             ("POST", "/account/details", {"name": "x", "time_zone": "UTC"}),
             ("POST", "/account/password", {"current_password": "x", "new_password": "y"}),
             ("POST", "/account/sign-out-everywhere", {}),
             ("GET", "/log", None), ("POST", "/log", {"minutes": "5"}), ("GET", "/log.csv", None),
             ("POST", "/account/export", {}), ("POST", "/account/delete", {"confirm_email": "x"})]
OWN_PAGES += [("GET", "/schedule", None), ("GET", "/visits/new", None),
              ("POST", "/visits", {"kind": "x"}), ("GET", "/offers/new", None),
              ("POST", "/offers", {"kind": "x"}), ("POST", "/account/calendar-link", {}),
              ("POST", "/account/calendar-link/revoke", {})]
OWN_PAGES += [("GET", "/teachers/archived", None), ("GET", "/cycles/closed", None)]
# A teacher's booking link (test_booking.py), and a coach's calendar feed (test_calendar.py):
# opened by their token only, never by a session.
BOOKING_URLS = [("GET", "/b/{token}", None), ("POST", "/b/{token}", {"slot": "1"})]
FEED_URLS = [("GET", "/calendar/{token}.ics", None)]
# The JSON API: every call answers for the signed-in coach only.
API_URLS = [("POST", "/api/v1/sync"), ("GET", "/api/v1/csrf"), ("GET", "/api/v1/cycles")]
PUBLIC = {"/login", "/signup", "/sw.js", "/manifest.webmanifest", "/offline",
          "/static/<path:filename>"}


@pytest.fixture
def world(app, coach, other_coach):
    with app.app_context():
        db.session.add(Observation(id=OBSERVATION_ID, cycle_id=coach.cycle_id,
                                   started_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.add(Event(id=EVENT_ID,
                             observation_id=OBSERVATION_ID, lookfor_id=coach.lookfor_ids[0],
                             offset_ms=1000, recorded_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.add(NextStep(id=STEP_ID, observation_id=OBSERVATION_ID, action="Try it"))
        db.session.add(LogEntry(id=ENTRY_ID, coach_id=coach.coach_id, teacher_id=coach.teacher_id,
                                kind="co_planning", on_date=date(2026, 3, 2), minutes=45))
        db.session.add(Visit(id=VISIT_ID, uid="visit-uid", coach_id=coach.coach_id,
                             teacher_id=coach.teacher_id, kind="observation", minutes=45,
                             starts_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.add(TimeOffer(id=OFFER_ID, coach_id=coach.coach_id, kind="debrief",
                                 minutes=30, slots=[OfferSlot(starts_at=datetime(2099, 1, 5,
                                                                                 tzinfo=UTC))]))
        db.session.add(OfferLink(id=OFFER_LINK_ID, offer_id=OFFER_ID, teacher_id=coach.teacher_id,
                                 token_hash="0" * 64, expires_at=datetime(2099, 2, 1, tzinfo=UTC)))
        db.session.commit()
    return coach


def fill(template: str, world) -> str:
    return template.format(teacher=world.teacher_id, cycle=world.cycle_id,
                           lookfor=world.lookfor_ids[0], observation=OBSERVATION_ID,
                           event=EVENT_ID, step=STEP_ID, token="{token}", visit=VISIT_ID,
                           entry=ENTRY_ID,
                           offer=OFFER_ID, offer_link=OFFER_LINK_ID)


def test_every_route_is_covered_by_this_file(app):
    covered = {t.split("?")[0]
               for _, t, _ in PRIVATE_URLS + OWN_PAGES + SHARE_URLS + CYCLE_SHARE_URLS
               + BOOKING_URLS + FEED_URLS}
    covered |= {p for _, p in API_URLS} | PUBLIC
    normalised = {
        rule.rule.replace("<int:teacher_id>", "{teacher}").replace("<int:cycle_id>", "{cycle}")
        .replace("<int:lookfor_id>", "{lookfor}").replace("<observation_id>", "{observation}")
        .replace("<event_id>", "{event}").replace("<int:step_id>", "{step}")
        .replace("<int:entry_id>", "{entry}")
        .replace("<token>", "{token}").replace("<int:visit_id>", "{visit}")
        .replace("<int:offer_id>", "{offer}").replace("<int:link_id>", "{offer_link}")
        for rule in app.url_map.iter_rules()
    }
    assert normalised - covered == set(), "add new routes to the access tables"


@pytest.mark.parametrize("method, template, data", PRIVATE_URLS + OWN_PAGES)
def test_anonymous_is_sent_to_sign_in(client, world, method, template, data):
    token = helpers.csrf_token(client, "/login")
    response = client.open(fill(template, world), method=method, data=data,
                           headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method, path", API_URLS)
def test_anonymous_api_call_gets_401_json(client, world, method, path):
    # Even with a token in hand: sign-in is checked first, so the device learns to sign in.
    token = helpers.csrf_token(client, "/login")
    for headers in ({"X-CSRFToken": token}, {"X-CSRFToken": "stale"}, {}):
        response = client.open(path, method=method, json={"observations": [], "events": []},
                               headers=headers)
        assert response.status_code == 401
        assert response.json == {"error": "not_signed_in", "message": "Sign in again to sync."}


@pytest.mark.parametrize("method, template, data", PRIVATE_URLS)
def test_another_coach_gets_404(app, world, other_coach, method, template, data):
    client = app.test_client()
    helpers.login(client, other_coach.email, other_coach.password)
    token = helpers.csrf_token(client, "/")
    response = client.open(fill(template, world), method=method, data=data,
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 404
    assert "Students ask more" not in response.get_data(as_text=True)


def test_dashboard_shows_only_own_teachers(app, world, other_coach):
    client = app.test_client()
    helpers.login(client, other_coach.email, other_coach.password)
    html = client.get("/").get_data(as_text=True)
    assert "Teacher of Olive Other" in html
    assert "Teacher of Casey Coach" not in html


def test_owner_reaches_every_private_get(coach_client, world):
    for method, template, _ in PRIVATE_URLS:
        if method == "GET":
            response = coach_client.get(fill(template, world))
            assert response.status_code == 200, template


def live_token(app, observation_id: str) -> str:
    from app.share.services import create_link

    with app.app_context():
        _, token = create_link(db.session.get(Observation, observation_id))
    return token


@pytest.mark.parametrize("method, template, data", SHARE_URLS)
def test_share_urls_with_a_revoked_token_answer_410(app, world, method, template, data):
    from app.share.services import revoke_links

    token = live_token(app, OBSERVATION_ID)
    with app.app_context():
        revoke_links(db.session.get(Observation, OBSERVATION_ID))
    teacher = app.test_client()
    csrf = helpers.csrf_token(teacher, "/login")
    response = teacher.open(fill(template, world).format(token=token), method=method, data=data,
                            headers={"X-CSRFToken": csrf})
    assert response.status_code == 410
    assert "Students ask more" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method, template, data", SHARE_URLS)
def test_share_urls_with_an_unknown_token_answer_404(app, world, method, template, data):
    teacher = app.test_client()
    csrf = helpers.csrf_token(teacher, "/login")
    response = teacher.open(fill(template, world).format(token="x" * 43), method=method,
                            data=data, headers={"X-CSRFToken": csrf})
    assert response.status_code == 404


def test_a_link_opens_only_its_own_observation(app, world, other_coach):
    """A live link to another coach's observation cannot reach this one's next steps."""
    other_id = "6a1d9e8f-3c2b-4d4e-9f5a-6b7c8d9e0f11"
    with app.app_context():
        db.session.add(Observation(id=other_id, cycle_id=other_coach.cycle_id,
                                   started_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.commit()
    token = live_token(app, other_id)
    teacher = app.test_client()
    csrf = helpers.csrf_token(teacher, f"/s/{token}")
    response = teacher.post(f"/s/{token}/next-steps/{STEP_ID}/agree",
                            data={"csrf_token": csrf})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(NextStep, STEP_ID).agreed_at is None
    page = teacher.get(f"/s/{token}").get_data(as_text=True)
    assert "Teacher of Olive Other" in page and "Teacher of Casey Coach" not in page


def live_cycle_token(app, cycle_id: int) -> str:
    from app.models import Cycle
    from app.share.services import create_link

    with app.app_context():
        _, token = create_link(db.session.get(Cycle, cycle_id))
    return token


@pytest.mark.parametrize("method, template, data", CYCLE_SHARE_URLS)
def test_cycle_share_urls_open_with_the_token_only(app, world, method, template, data):
    from app.models import Cycle
    from app.share.services import revoke_links

    token = live_cycle_token(app, world.cycle_id)
    teacher = app.test_client()
    response = teacher.open(fill(template, world).format(token=token), method=method, data=data)
    assert response.status_code == 200
    assert "Students ask more" in response.get_data(as_text=True)
    unknown = teacher.open(fill(template, world).format(token="x" * 43), method=method,
                           data=data)
    assert unknown.status_code == 404
    with app.app_context():
        revoke_links(db.session.get(Cycle, world.cycle_id))
    gone = teacher.open(fill(template, world).format(token=token), method=method, data=data)
    assert gone.status_code == 410
    assert "Students ask more" not in gone.get_data(as_text=True)


def test_a_cycle_token_opens_only_its_own_cycle(app, world, other_coach):
    token = live_cycle_token(app, other_coach.cycle_id)
    page = app.test_client().get(f"/c/{token}").get_data(as_text=True)
    assert "Teacher of Olive Other" in page and "Teacher of Casey Coach" not in page
    assert "Try it" not in page  # the world's next step, on the other coach's cycle


def live_booking_token(app) -> str:
    from app.models import Coach
    from app.schedule.offers import OfferInput, create_offer

    with app.app_context():
        coach = db.session.scalar(db.select(Coach).order_by(Coach.id))
        made = create_offer(coach, OfferInput(
            [coach.teachers[0].id], "debrief", 30,
            [(datetime(2099, 1, 5).date(), datetime(2099, 1, 5, 9).time()),
             (datetime(2099, 1, 6).date(), datetime(2099, 1, 6, 9).time())]))
        return made.links[0][1]


@pytest.mark.parametrize("method, template, data", BOOKING_URLS)
def test_booking_urls_open_with_the_token_only(app, world, method, template, data):
    """A live token opens (200, or 400 for a slot not of its offer); revoked 410; unknown 404."""
    from app.schedule.offers import resolve_token, revoke_link

    token = live_booking_token(app)
    teacher = app.test_client()
    csrf = helpers.csrf_token(teacher, "/login")
    path = fill(template, world)
    live = teacher.open(path.format(token=token), method=method, data=data,
                        headers={"X-CSRFToken": csrf})
    assert live.status_code == (200 if method == "GET" else 400)
    unknown = teacher.open(path.format(token="x" * 43), method=method, data=data,
                           headers={"X-CSRFToken": csrf})
    assert unknown.status_code == 404
    with app.app_context():
        revoke_link(resolve_token(token).link)
    gone = teacher.open(path.format(token=token), method=method, data=data,
                        headers={"X-CSRFToken": csrf})
    assert gone.status_code == 410
    assert "Students ask more" not in gone.get_data(as_text=True)


@pytest.mark.parametrize("method, template, data", FEED_URLS)
def test_feed_urls_open_with_the_token_only(app, world, method, template, data):
    """A coach's session does not open a feed: only its token does; revoked is 404."""
    from app.models import Coach
    from app.schedule.calendar import make_calendar_token, revoke_calendar_token

    with app.app_context():
        token = make_calendar_token(db.session.get(Coach, world.coach_id))
    subscriber = app.test_client()
    assert subscriber.open(fill(template, world).format(token=token)).status_code == 200
    coach_client = app.test_client()
    helpers.login(coach_client, world.email, world.password)
    assert coach_client.open(fill(template, world).format(token="x" * 43)).status_code == 404
    with app.app_context():
        revoke_calendar_token(db.session.get(Coach, world.coach_id))
    assert subscriber.open(fill(template, world).format(token=token)).status_code == 404
