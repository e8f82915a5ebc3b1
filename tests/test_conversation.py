"""The conversation across a cycle: notes beside each GROW step, next steps carried over to
the next debrief ("From last time": Done / Not yet), every step of the cycle with its state on
the cycle page, the teacher's reflection prompts, and the planning conference's notes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.cycles import services as cycles
from app.debrief import services
from app.extensions import db
from app.models import Cycle, Debrief, NextStep, Observation
from app.share import services as share
from tests import helpers

FIRST, SECOND, THIRD = "2026-03-02T09:00:00+00:00", "2026-03-09T09:00:00+00:00", \
    "2026-03-16T09:00:00+00:00"
GROW_FORM = {"grow_goal": "More students ask questions", "grow_reality": "2 of 24 asked",
             "grow_options": "Question stems on the wall", "grow_way_forward": "Try stems Monday"}


def htmx(client, url, data):
    token = helpers.csrf_token(client, "/")
    return client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})


def observe(world, started, steps=()):
    """An observation with one tally and these next steps; returns its id."""
    oid, _ = helpers.record_observation(world, [(0, 65)], started=started, ended=None)
    observation = db.session.get(Observation, oid)
    for action in steps:
        services.add_next_step(observation, action, None, None)
    return oid


# The GROW guide's notes.

def test_grow_notes_are_saved_with_the_conversation_and_shown_back(app, coach_client, coach):
    with app.app_context():
        oid = observe(coach, FIRST)
    response = htmx(coach_client, f"/observations/{oid}/conversation",
                    {"keepers": "K", "polishers": "P", "private_notes": "PRIVATE-X", **GROW_FORM})
    assert response.status_code == 200 and "Saved" in response.get_data(as_text=True)
    with app.app_context():
        record = db.session.get(Debrief, oid)
        assert record.grow_notes == {"goal": "More students ask questions",
                                     "reality": "2 of 24 asked",
                                     "options": "Question stems on the wall",
                                     "way_forward": "Try stems Monday"}
    html = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    for label, text in (("Goal notes", "More students ask questions"),
                        ("Reality notes", "2 of 24 asked"),
                        ("Options notes", "Question stems on the wall"),
                        ("Way forward notes", "Try stems Monday")):
        assert f">{label}</label>" in html
        assert re.search(rf'<textarea[^>]*form="conversation-form"[^>]*>\s*{text}</textarea>',
                         html), label
    assert '<form id="conversation-form"' in html


def test_blank_grow_notes_store_nothing_and_an_older_form_keeps_them(app, coach_client, coach):
    with app.app_context():
        oid = observe(coach, FIRST)
    htmx(coach_client, f"/observations/{oid}/conversation",
         {"keepers": "K", "grow_goal": "  ", "grow_reality": "", "grow_options": "",
          "grow_way_forward": ""})
    with app.app_context():
        assert db.session.get(Debrief, oid).grow_notes is None
    htmx(coach_client, f"/observations/{oid}/conversation", {"keepers": "K", **GROW_FORM})
    # A page from before the guide had notes sends none of the fields: the notes stay.
    htmx(coach_client, f"/observations/{oid}/conversation", {"keepers": "K2"})
    with app.app_context():
        record = db.session.get(Debrief, oid)
        assert record.keepers == "K2" and record.grow_notes["reality"] == "2 of 24 asked"


def test_a_refused_save_changes_nothing(app, coach_client, coach):
    with app.app_context():
        oid = observe(coach, FIRST)
    htmx(coach_client, f"/observations/{oid}/conversation", {"keepers": "Kept", **GROW_FORM})
    response = htmx(coach_client, f"/observations/{oid}/conversation",
                    {"keepers": "Changed", **GROW_FORM, "grow_options": "x" * 5001})
    assert response.status_code == 400
    with app.app_context():
        record = db.session.get(Debrief, oid)
        assert record.keepers == "Kept"
        assert record.grow_notes["options"] == "Question stems on the wall"


def test_the_teacher_sees_the_grow_notes_but_never_private_notes(app, coach_client, coach):
    """Decided: the GROW notes are the record of the conversation with the teacher, so the
    teacher's link shows them (the guide says so beside the fields); private notes stay private."""
    with app.app_context():
        oid = observe(coach, FIRST)
    htmx(coach_client, f"/observations/{oid}/conversation",
         {"keepers": "K", "private_notes": "PRIVATE-X", **GROW_FORM})
    with app.app_context():
        _, token = share.create_link(db.session.get(Observation, oid))
    html = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert "Way forward notes" in html and "Try stems Monday" in html
    assert "2 of 24 asked" in html
    assert "PRIVATE-X" not in html


def test_the_coachs_print_shows_the_grow_notes(app, coach_client, coach):
    with app.app_context():
        oid = observe(coach, FIRST)
    response = htmx(coach_client, f"/observations/{oid}/conversation", {"keepers": "K",
                                                                         **GROW_FORM})
    printed = re.search(r'<section class="print-only".*?</section>',
                        response.get_data(as_text=True), re.S).group(0)
    assert "Options notes" in printed and "Question stems on the wall" in printed


# Next steps carried over: "From last time".

def test_from_last_time_lists_the_previous_debriefs_steps(app, coach_client, coach):
    with app.app_context():
        first = observe(coach, FIRST, ["Use question stems", "Wait 3 seconds"])
        second = observe(coach, SECOND, ["Cold call by name"])
        third = observe(coach, THIRD)
    html = coach_client.get(f"/observations/{second}").get_data(as_text=True)
    section = re.search(r'<section id="from-last-time".*?</section>', html, re.S).group(0)
    assert "Use question stems" in section and "Wait 3 seconds" in section
    assert "Cold call by name" not in section
    assert section.count(">Done</button>") == 2 and section.count(">Not yet</button>") == 2
    # Only the previous debrief's steps: the third sees the second's, the first sees none.
    third_html = coach_client.get(f"/observations/{third}").get_data(as_text=True)
    assert "Cold call by name" in re.search(r'<section id="from-last-time".*?</section>',
                                            third_html, re.S).group(0)
    assert 'id="from-last-time"' not in coach_client.get(f"/observations/{first}").get_data(
        as_text=True)


def test_done_and_not_yet_set_the_steps_status_and_time(app, coach_client, coach):
    with app.app_context():
        observe(coach, FIRST, ["Use question stems", "Wait 3 seconds"])
        second = observe(coach, SECOND)
        stems, wait = db.session.scalars(select(NextStep.id).order_by(NextStep.id)).all()
    url = f"/observations/{second}/last-steps/{{}}/status"
    response = htmx(coach_client, url.format(stems), {"status": "done"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.startswith('\n<section id="from-last-time"') or \
        fragment.lstrip().startswith('<section id="from-last-time"')
    assert 'data-state="done"' in fragment
    response = htmx(coach_client, url.format(wait), {"status": "not_yet"})
    assert response.status_code == 200
    with app.app_context():
        done, not_yet = db.session.get(NextStep, stems), db.session.get(NextStep, wait)
        assert (done.status, not_yet.status) == ("done", "not_yet")
        assert done.status_at is not None and not_yet.status_at is not None
    # A second press changes it (a mis-tap is put right).
    htmx(coach_client, url.format(wait), {"status": "done"})
    with app.app_context():
        assert db.session.get(NextStep, wait).status == "done"


def test_without_htmx_the_status_form_comes_back_to_the_debrief(app, coach_client, coach):
    with app.app_context():
        observe(coach, FIRST, ["Use question stems"])
        second = observe(coach, SECOND)
        step_id = db.session.scalar(select(NextStep.id))
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/observations/{second}/last-steps/{step_id}/status",
                                 data={"status": "done", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/observations/{second}#from-last-time")


@pytest.mark.parametrize("status", ["", "finished", "agreed", "x" * 200])
def test_a_status_must_be_done_or_not_yet(app, coach_client, coach, status):
    with app.app_context():
        observe(coach, FIRST, ["Use question stems"])
        second = observe(coach, SECOND)
        step_id = db.session.scalar(select(NextStep.id))
    response = htmx(coach_client, f"/observations/{second}/last-steps/{step_id}/status",
                    {"status": status})
    assert response.status_code == 400
    assert "Mark the step done or not yet." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(NextStep, step_id).status is None


def test_only_the_previous_debriefs_steps_can_be_marked_from_a_debrief(app, coach_client,
                                                                       coach):
    with app.app_context():
        first = observe(coach, FIRST, ["Step one"])
        second = observe(coach, SECOND, ["Step two"])
        third = observe(coach, THIRD)
        one, two = db.session.scalars(select(NextStep.id).order_by(NextStep.id)).all()
    for oid, step in ((first, one), (second, two), (third, one), (first, two)):
        response = htmx(coach_client, f"/observations/{oid}/last-steps/{step}/status",
                        {"status": "done"})
        assert response.status_code == 404, (oid, step)
    with app.app_context():
        assert db.session.scalars(select(NextStep.status)).all() == [None, None]


def test_a_deleted_observation_is_not_last_time(app, coach_client, coach):
    from app.observations.services import delete_observation

    with app.app_context():
        first = observe(coach, FIRST, ["Step one"])
        second = observe(coach, SECOND, ["Step two"])
        third = observe(coach, THIRD)
        delete_observation(db.session.get(Observation, second))
    html = coach_client.get(f"/observations/{third}").get_data(as_text=True)
    section = re.search(r'<section id="from-last-time".*?</section>', html, re.S).group(0)
    assert "Step one" in section and "Step two" not in section
    assert first


def test_the_debrief_still_renders_in_a_constant_number_of_queries_with_last_time(
        app, coach_client, coach):
    from tests.test_debrief import QueryCounter

    with app.app_context():
        observe(coach, FIRST, ["One", "Two", "Three"])
        second = observe(coach, SECOND, [f"Step {i}" for i in range(8)])
        third = observe(coach, THIRD)
    counts = []
    coach_client.get(f"/observations/{second}")
    for oid in (second, third):
        with app.app_context(), QueryCounter(db.engine) as counter:
            assert coach_client.get(f"/observations/{oid}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


# Every step of the cycle, with its state, on the cycle page.

def test_the_cycle_page_lists_every_step_with_its_date_and_state(app, coach_client, coach):
    with app.app_context():
        observe(coach, FIRST, ["Open step", "Agreed step", "Done step", "Not yet step"])
        observe(coach, SECOND, ["Later step"])
        steps = {s.action: s for s in db.session.scalars(select(NextStep))}
        services.mark_agreed(steps["Agreed step"])
        services.set_step_status(steps["Done step"], "done")
        services.set_step_status(steps["Not yet step"], "not_yet")
        ids = {action: step.id for action, step in steps.items()}
    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    section = re.search(r'<section id="cycle-steps".*?</section>', html, re.S).group(0)
    expected = {"Open step": ("Open", "2 Mar 2026"), "Agreed step": ("Agreed", "2 Mar 2026"),
                "Done step": ("Done", "2 Mar 2026"), "Not yet step": ("Not yet", "2 Mar 2026"),
                "Later step": ("Open", "9 Mar 2026")}
    for action, (state, day) in expected.items():
        row = re.search(rf'<tr id="cycle-step-{ids[action]}"[^>]*>(.*?)</tr>', section,
                        re.S).group(1)
        assert action in row and day in row
        assert re.search(r'class="step-state">([^<]*)<', row).group(1) == state, action
    # In the order of the cycle's observations.
    assert section.index("Not yet step") < section.index("Later step")


def test_the_cycle_page_without_steps_says_so(coach_client, coach):
    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert "No next steps yet" in html


# The teacher's reflection prompts.

def test_the_teachers_view_offers_reflection_prompts(app, coach_client, coach):
    with app.app_context():
        oid = observe(coach, FIRST)
        _, token = share.create_link(db.session.get(Observation, oid))
    teacher = app.test_client()
    html = teacher.get(f"/s/{token}").get_data(as_text=True)
    section = re.search(r'<section id="reflect".*?</section>', html, re.S).group(0)
    assert "What do you notice in the data?" in section
    assert "What will you try next?" in section
    assert ">Your reflection</label>" in section
    assert re.search(r'<textarea[^>]*name="reflection"[^>]*placeholder="What do you notice in the '
                     r'data\? What will you try next\?"', section)
    csrf = helpers.csrf_token(teacher, f"/s/{token}")
    assert teacher.post(f"/s/{token}/reflection",
                        data={"reflection": "I noticed more hands.", "csrf_token": csrf}
                        ).status_code == 303
    with app.app_context():
        assert db.session.get(Debrief, oid).teacher_reflection == "I noticed more hands."


# The planning conference.

def test_planning_notes_on_the_new_cycle_form(app, coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    page = coach_client.get(f"/teachers/{coach.teacher_id}/cycles/new").get_data(as_text=True)
    assert ">Planning notes</label>" in page
    response = coach_client.post(f"/teachers/{coach.teacher_id}/cycles/new", data={
        "goal": "Students cite evidence", "focus_area": "student_outcomes",
        "planning_notes": "Exit tickets: 6 of 25 cited the text.", "csrf_token": token})
    assert response.status_code == 302
    cycle_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).planning_notes == \
            "Exit tickets: 6 of 25 cited the text."
    html = coach_client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    section = re.search(r'<section id="planning".*?</section>', html, re.S).group(0)
    assert "Exit tickets: 6 of 25 cited the text." in section
    assert ">Save planning notes<" in section or 'value="Save planning notes"' in section


def test_planning_notes_are_edited_on_the_cycle_page(app, coach_client, coach):
    url = f"/cycles/{coach.cycle_id}/planning"
    response = htmx(coach_client, url, {"planning_notes": "  Baseline from unit test: 40%  "})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert 'id="planning"' in fragment and "Saved" in fragment
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).planning_notes == \
            "Baseline from unit test: 40%"
    response = htmx(coach_client, url, {"planning_notes": "x" * 10_001})
    assert response.status_code == 400
    assert "Keep the planning notes under 10,000 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).planning_notes == \
            "Baseline from unit test: 40%"
    # Without htmx: back to the page; an error comes back as the page, 400.
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(url, data={"planning_notes": "", "csrf_token": token})
    assert response.status_code == 303
    response = coach_client.post(url, data={"planning_notes": "x" * 10_001, "csrf_token": token})
    assert response.status_code == 400 and "<h1>" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).planning_notes is None


def test_planning_notes_service(ctx, coach):
    cycle = db.session.get(Cycle, coach.cycle_id)
    cycles.save_planning_notes(cycle, "  Notes  ")
    assert cycle.planning_notes == "Notes"
    with pytest.raises(cycles.CycleError):
        cycles.save_planning_notes(cycle, "x" * 10_001)


def test_step_state_service(ctx, coach):
    oid = observe(coach, FIRST, ["A"])
    step = db.session.scalar(select(NextStep))
    assert services.step_state(step) == "open"
    services.mark_agreed(step)
    assert services.step_state(step) == "agreed"
    services.set_step_status(step, "not_yet")
    assert services.step_state(step) == "not_yet"
    services.set_step_status(step, "done")
    assert services.step_state(step) == "done"
    assert step.status_at.tzinfo is not None and step.status_at <= datetime.now(UTC)
    assert [s.observation_id for s in services.cycle_steps(coach.cycle_id)] == [oid]


def test_a_teachers_reflection_leaves_the_coachs_save_time_alone(ctx, coach):
    from datetime import timedelta

    from app.debrief import services
    from app.models import Debrief, Observation
    from tests import helpers as h

    oid, _ = h.record_observation(coach, [(0, 10)])
    observation = db.session.get(Observation, oid)
    services.save_conversation(observation, keepers="k", polishers=None, private_notes=None)
    saved = db.session.get(Debrief, oid)
    saved.updated_at = saved.updated_at - timedelta(days=2)
    db.session.commit()
    before = db.session.get(Debrief, oid).updated_at
    services.save_reflection(observation, "I noticed more questions.")
    db.session.expire_all()
    after = db.session.get(Debrief, oid)
    assert after.teacher_reflection == "I noticed more questions."
    assert after.updated_at == before
