"""Ownership, walked over every URL: anonymous visitors are sent to sign in (pages) or get
401 JSON (the API); another coach gets 404, as if the thing did not exist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import Event, Observation
from tests import helpers

OBSERVATION_ID = "5f0c8d9e-2b1a-4c3d-8e9f-0a1b2c3d4e5f"

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
    ("GET", "/cycles/{cycle}/capture", None),
    ("GET", "/observations/{observation}", None),
    ("GET", "/observations/{observation}/events.csv", None),
]
# Pages every signed-in coach has, showing only their own data.
OWN_PAGES = [("GET", "/", None), ("POST", "/teachers", {"name": "x"}), ("POST", "/logout", {})]
PUBLIC = {"/login", "/signup", "/sw.js", "/manifest.webmanifest", "/offline",
          "/static/<path:filename>"}


@pytest.fixture
def world(app, coach, other_coach):
    with app.app_context():
        db.session.add(Observation(id=OBSERVATION_ID, cycle_id=coach.cycle_id,
                                   started_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.add(Event(id="0b7e6a52-7f43-4f7e-9a5e-0d7f6f1c2b3a",
                             observation_id=OBSERVATION_ID, lookfor_id=coach.lookfor_ids[0],
                             offset_ms=1000, recorded_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        db.session.commit()
    return coach


def fill(template: str, world) -> str:
    return template.format(teacher=world.teacher_id, cycle=world.cycle_id,
                           lookfor=world.lookfor_ids[0], observation=OBSERVATION_ID)


def test_every_route_is_covered_by_this_file(app):
    covered = {t for _, t, _ in PRIVATE_URLS + OWN_PAGES} | PUBLIC
    normalised = {
        rule.rule.replace("<int:teacher_id>", "{teacher}").replace("<int:cycle_id>", "{cycle}")
        .replace("<int:lookfor_id>", "{lookfor}").replace("<observation_id>", "{observation}")
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
