from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.models import Coach, Observation
from app.teachers import dashboard
from tests import helpers


def test_dashboard_lists_teacher_with_open_cycle_and_last_observation(ctx, coach):
    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    last = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    for when, oid in ((first, "8e7d1a46-1d67-4c3c-9d51-3d3b7e0f0001"),
                      (last, "8e7d1a46-1d67-4c3c-9d51-3d3b7e0f0002")):
        db.session.add(Observation(id=oid, cycle_id=coach.cycle_id, started_at=when))
    db.session.commit()
    board = dashboard.dashboard(db.session.get(Coach, coach.coach_id))
    assert [g.teacher.id for g in board.groups] == [coach.teacher_id]
    [card] = board.groups[0].cycles
    assert card.cycle.id == coach.cycle_id
    assert card.last_observed_at == last


def test_dashboard_page_shows_goal_and_add_teacher_form(coach_client):
    html = coach_client.get("/").get_data(as_text=True)
    assert "Students ask more of the questions" in html
    assert "Add teacher" in html
    for label in ("Name", "Grade", "Subject"):
        assert f">{label}</label>" in html
    assert 'value="Save"' in html


def test_add_teacher(coach_client):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        "/teachers",
        data={"name": "Mr. Okafor", "grade": "Grade 3", "subject": "", "csrf_token": token},
    )
    assert response.status_code == 302
    page = coach_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mr. Okafor" in page and "New coaching cycle" in page
    assert "Mr. Okafor" in coach_client.get("/").get_data(as_text=True)


def test_add_teacher_needs_a_name(coach_client):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post("/teachers", data={"name": " ", "csrf_token": token})
    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True)
