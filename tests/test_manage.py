"""Managing: edit a teacher, archive and restore one; edit a cycle's goal, baseline, target and
norms (each change dated and listed under Changes, in the coach's zone); close and reopen."""

from __future__ import annotations

from datetime import UTC, datetime

from app.cycles import manage
from app.cycles.services import CycleError
from app.extensions import db
from app.models import Coach, Cycle, CycleChange, CycleStatus, Teacher
from tests import helpers


def post(client, url: str, data: dict | None = None, page: str = "/"):
    token = helpers.csrf_token(client, page)
    return client.post(url, data={**(data or {}), "csrf_token": token})


# Teachers ------------------------------------------------------------------------------------

def test_edit_a_teacher(coach_client, app, coach):
    url = f"/teachers/{coach.teacher_id}/edit"
    form = coach_client.get(url).get_data(as_text=True)
    for label in ("Name", "Grade", "Subject", "School"):
        assert f">{label}</label>" in form
    assert 'value="Teacher of Casey Coach"' in form
    response = post(coach_client, url, {"name": " Ana López ", "grade": "Grade 6",
                                        "subject": "", "school": "North School"}, url)
    assert response.status_code == 303
    with app.app_context():
        teacher = db.session.get(Teacher, coach.teacher_id)
        assert (teacher.name, teacher.grade, teacher.subject, teacher.school) == (
            "Ana López", "Grade 6", None, "North School")
    page = coach_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Grade 6 · North School" in page


def test_a_teacher_edit_that_cannot_be_saved_is_400_and_changes_nothing(coach_client, app,
                                                                          coach):
    url = f"/teachers/{coach.teacher_id}/edit"
    for data in ({"name": ""}, {"name": "x" * 121}, {"name": "Ok", "school": "s" * 121}):
        response = post(coach_client, url, data, url)
        assert response.status_code == 400
        assert 'class="error" role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Teacher, coach.teacher_id).name == "Teacher of Casey Coach"


def test_add_a_teacher_with_a_school(coach_client, app, coach):
    response = post(coach_client, "/teachers", {"name": "Bea", "school": "East School"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Teacher).filter_by(name="Bea").one().school == "East School"


def test_archive_and_restore_a_teacher(coach_client, app, coach):
    teacher_page = f"/teachers/{coach.teacher_id}"
    response = post(coach_client, f"{teacher_page}/archive", page=teacher_page)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    with app.app_context():
        archived_at = db.session.get(Teacher, coach.teacher_id).archived_at
        assert archived_at is not None
        # Everything is kept.
        assert db.session.get(Cycle, coach.cycle_id).teacher_id == coach.teacher_id
    dashboard = coach_client.get("/").get_data(as_text=True)
    assert "Teacher of Casey Coach is archived" in dashboard  # the flash
    assert f'href="/teachers/{coach.teacher_id}"' not in dashboard
    assert "Archived teachers (1)" in dashboard
    assert coach_client.get("/api/v1/cycles").json == {"cycles": []}
    page = coach_client.get(teacher_page).get_data(as_text=True)
    assert "Restore teacher" in page and "New coaching cycle" not in page
    # Archiving again keeps the first date.
    post(coach_client, f"{teacher_page}/archive", page=teacher_page)
    with app.app_context():
        assert db.session.get(Teacher, coach.teacher_id).archived_at == archived_at

    response = post(coach_client, f"{teacher_page}/restore", page="/teachers/archived")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Teacher, coach.teacher_id).archived_at is None
    dashboard = coach_client.get("/").get_data(as_text=True)
    assert f'href="/teachers/{coach.teacher_id}"' in dashboard
    assert "Students ask more of the questions" in dashboard
    assert [c["id"] for c in coach_client.get("/api/v1/cycles").json["cycles"]] == [
        coach.cycle_id]


# Cycles --------------------------------------------------------------------------------------

def cycle_of(world) -> Cycle:
    return db.session.get(Cycle, world.cycle_id)


def test_cycle_edits_are_dated_field_by_field(ctx, coach):
    at = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    changed = manage.edit_cycle(cycle_of(coach), {
        "goal": "Students ask most of the questions", "baseline": "2 student questions per lesson",
        "target": "", "norms": "Debrief within 48 hours"}, now=at)
    assert [(c.field, c.old_value, c.new_value) for c in changed] == [
        ("goal", "Students ask more of the questions", "Students ask most of the questions"),
        ("target", "10 student questions per lesson", None),
        ("norms", None, "Debrief within 48 hours")]
    cycle = cycle_of(coach)
    assert (cycle.goal, cycle.target, cycle.norms) == (
        "Students ask most of the questions", None, "Debrief within 48 hours")
    listed = manage.changes_of(cycle)
    assert [c.label for c in listed] == ["Norms", "Target", "Goal"]  # newest first, same time
    assert {c.changed_at for c in listed} == {at}
    # Saving the same values again records nothing.
    assert manage.edit_cycle(cycle, {"goal": cycle.goal, "baseline": cycle.baseline,
                                     "target": None, "norms": cycle.norms}) == []


def test_a_cycle_edit_that_cannot_be_saved_changes_nothing(ctx, coach):
    for values, message in (({"goal": "  "}, "Write the one measurable goal."),
                            ({"goal": "x" * 2001}, "Keep the goal under 2,000 characters."),
                            ({"goal": "ok", "norms": "n" * 2001},
                             "Keep the norms under 2,000 characters.")):
        try:
            manage.edit_cycle(cycle_of(coach), values)
        except CycleError as exc:
            assert str(exc) == message
        else:
            raise AssertionError("saved")
    assert cycle_of(coach).goal == "Students ask more of the questions"
    assert db.session.query(CycleChange).count() == 0


def test_edit_goal_on_the_cycle_page_lists_the_change_in_the_coachs_zone(coach_client, app,
                                                                         coach):
    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = "America/New_York"
        db.session.commit()
    page = f"/cycles/{coach.cycle_id}"
    html = coach_client.get(page).get_data(as_text=True)
    assert "Edit goal" in html and 'id="cycle-changes"' not in html
    response = post(coach_client, f"{page}/edit", {
        "goal": "Students ask most of the questions", "baseline": "2 student questions per lesson",
        "target": "10 student questions per lesson", "norms": "Debrief within 48 hours"}, page)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{page}#cycle-changes"
    html = coach_client.get(page).get_data(as_text=True)
    changes = html[html.index('id="cycle-changes"'):]
    assert "<strong>Goal</strong> from “Students ask more of the questions”" in changes
    assert "to “Students ask most of the questions”" in changes
    assert "<strong>Norms</strong> from <em>none</em>" in changes
    assert " EST</time>" in changes or " EDT</time>" in changes


def test_a_refused_cycle_edit_is_400_on_the_page_with_the_form_open(coach_client, coach):
    page = f"/cycles/{coach.cycle_id}"
    response = post(coach_client, f"{page}/edit", {"goal": "", "norms": "kept"}, page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<details id="edit-cycle" open>' in html
    assert "Write the one measurable goal." in html
    assert "\nkept</textarea>" in html  # as sent back


def test_close_and_reopen_a_cycle(coach_client, app, coach):
    page = f"/cycles/{coach.cycle_id}"
    with app.app_context():
        cycle_of(coach).status = CycleStatus.DEBRIEFING
        db.session.commit()
    assert "Close cycle" in coach_client.get(page).get_data(as_text=True)
    response = post(coach_client, f"{page}/status/close", page=page)
    assert response.status_code == 303
    with app.app_context():
        assert cycle_of(coach).status == CycleStatus.CLOSED
    html = coach_client.get(page).get_data(as_text=True)
    assert "Reopen cycle" in html and "Start observation" not in html
    assert "<strong>Status</strong> from “Debriefing”" in html
    dashboard = coach_client.get("/").get_data(as_text=True)
    assert "Closed cycles (1)" in dashboard and 'class="observe"' not in dashboard

    post(coach_client, f"{page}/status/reopen", page=page)
    with app.app_context():
        assert cycle_of(coach).status == CycleStatus.DEBRIEFING  # as it was before closing
    html = coach_client.get(page).get_data(as_text=True)
    assert "Close cycle" in html and "Start observation" in html
    assert 'class="observe"' in coach_client.get("/").get_data(as_text=True)


def test_the_status_select_and_close_the_cycle_are_dated_changes_that_reopen_restores(
        coach_client, app, coach):
    page = f"/cycles/{coach.cycle_id}"
    for status in ("debriefing", "closed"):
        response = post(coach_client, f"{page}/status", {"status": status}, page)
        assert response.status_code == 200
    html = coach_client.get(page).get_data(as_text=True)
    assert "<strong>Status</strong> from “Debriefing”" in html
    post(coach_client, f"{page}/status/reopen", page=page)
    with app.app_context():
        assert cycle_of(coach).status == CycleStatus.DEBRIEFING  # as it was before closing
        from app.goals import services as goals

        goals.close_cycle(cycle_of(coach))
        changes = [(c.old, c.new) for c in manage.changes_of(cycle_of(coach))]
        assert changes[0] == ("Debriefing", "Closed")
        assert ("Planning", "Debriefing") in changes


def test_reopening_a_cycle_closed_elsewhere(ctx, coach):
    cycle = cycle_of(coach)
    cycle.status = CycleStatus.CLOSED  # closed before status changes were recorded
    db.session.commit()
    manage.reopen_cycle(cycle)
    assert cycle.status == CycleStatus.PLANNING  # no observations yet
    manage.reopen_cycle(cycle)  # open already: nothing
    assert [c.new for c in manage.changes_of(cycle)] == ["Planning"]
    cycle.status = CycleStatus.CLOSED
    db.session.commit()
    helpers.record_observation(coach, [(0, 5)])
    manage.reopen_cycle(cycle)
    assert cycle.status == CycleStatus.OBSERVING
