from __future__ import annotations

import pytest

from app.cycles import services
from app.extensions import db
from app.models import Cycle, LookFor
from tests import helpers


def test_new_cycle_form_has_contract_fields(coach_client, coach):
    html = coach_client.get(f"/teachers/{coach.teacher_id}/cycles/new").get_data(as_text=True)
    for label in ("Goal", "Focus area", "Baseline", "Target", "Norms", "Look-fors"):
        assert f">{label}</label>" in html
    assert "Debrief within 24 hours of each observation" in html
    for area in ("Student outcomes", "Instructional practice", "Classroom management"):
        assert area in html
    assert 'value="Save"' in html


def test_create_cycle_from_textarea(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/teachers/{coach.teacher_id}/cycles/new",
        data={
            "goal": "80% cite text evidence",
            "focus_area": "instructional_practice",
            "baseline": "40%",
            "target": "80%",
            "norms": "Debrief within 24 hours of each observation",
            "lookfors": "Open question\n\n  Wait time  \n- Cold call\nopen question\n",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    cycle_id = int(response.headers["Location"].rsplit("/", 1)[1])
    cycle = db.session.get(Cycle, cycle_id)
    assert [(lf.label, lf.kind) for lf in cycle.lookfors] == [
        ("Open question", "tally"), ("Wait time", "tally"), ("Cold call", "tally"),
    ]
    assert cycle.status == "planning" and cycle.focus_area == "instructional_practice"
    page = coach_client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "80% cite text evidence" in page and "Start observation" in page


def test_create_cycle_requires_goal(coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/teachers/{coach.teacher_id}/cycles/new",
        data={"goal": "", "focus_area": "student_outcomes", "csrf_token": token},
    )
    assert response.status_code == 400


def htmx_post(client, url, data):
    token = helpers.csrf_token(client, "/")
    return client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})


def test_rename_and_change_kind_with_htmx(coach_client, coach, ctx):
    lid = coach.lookfor_ids[0]
    response = htmx_post(
        coach_client,
        f"/cycles/{coach.cycle_id}/lookfors/{lid}",
        {f"lf{lid}-label": "Student-initiated question", f"lf{lid}-kind": "duration"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="lookfor-{lid}"')
    assert "Saved" in html
    lookfor = db.session.get(LookFor, lid)
    assert (lookfor.label, lookfor.kind) == ("Student-initiated question", "duration")


def test_htmx_write_without_token_is_refused(coach_client, coach):
    lid = coach.lookfor_ids[0]
    response = coach_client.post(
        f"/cycles/{coach.cycle_id}/lookfors/{lid}",
        data={f"lf{lid}-label": "x", f"lf{lid}-kind": "tally"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403


def test_bad_kind_is_a_400_with_message(coach_client, coach):
    lid = coach.lookfor_ids[0]
    response = htmx_post(
        coach_client, f"/cycles/{coach.cycle_id}/lookfors/{lid}",
        {f"lf{lid}-label": "x", f"lf{lid}-kind": "sociogram"},
    )
    assert response.status_code == 400
    assert "Choose a kind: Tally, Duration, Note" in response.get_data(as_text=True)


def labels(cycle_id):
    db.session.expire_all()
    return [lf.label for lf in db.session.get(Cycle, cycle_id).lookfors]


def test_reorder_add_and_remove(coach_client, coach, ctx):
    first, second, third = coach.lookfor_ids
    base = f"/cycles/{coach.cycle_id}/lookfors"
    assert htmx_post(coach_client, f"{base}/{third}/move", {"direction": "up"}).status_code == 200
    assert labels(coach.cycle_id) == ["Student question", "Quote", "Teacher talk"]
    response = htmx_post(coach_client, f"{base}/{first}/move", {"direction": "up"})
    assert response.status_code == 200  # already first: nothing moves
    assert labels(coach.cycle_id) == ["Student question", "Quote", "Teacher talk"]
    response = htmx_post(coach_client, base, {"new-label": "Wait time", "new-kind": "duration"})
    assert response.get_data(as_text=True).lstrip().startswith('<section id="lookfors"')
    assert labels(coach.cycle_id)[-1] == "Wait time"
    htmx_post(coach_client, f"{base}/{second}/delete", {})
    assert labels(coach.cycle_id) == ["Student question", "Quote", "Wait time"]
    # Removed look-fors are archived: their row stays for the events recorded against them.
    assert db.session.get(LookFor, second).archived


def test_status_change(coach_client, coach, ctx):
    response = htmx_post(coach_client, f"/cycles/{coach.cycle_id}/status", {"status": "closed"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Cycle, coach.cycle_id).status == "closed"
    assert "No open cycle" in coach_client.get("/").get_data(as_text=True)


def test_non_htmx_post_redirects_back_to_the_cycle(coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    lid = coach.lookfor_ids[1]
    response = coach_client.post(
        f"/cycles/{coach.cycle_id}/lookfors/{lid}/move",
        data={"direction": "down", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cycles/{coach.cycle_id}"


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("a\nb\n", ["a", "b"]),
    ("* a\n• b\n  - c ", ["a", "b", "c"]),
    ("A\na\n", ["A"]),
])
def test_parse_lookfor_lines(text, expected):
    assert services.parse_lookfor_lines(text) == expected
