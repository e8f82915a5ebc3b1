"""What is next (the dashboard): every open cycle grouped by teacher, the measure against its
target, the next visit, the flags (Debrief due across the norm, New reflection since the coach
last opened the debrief), closed cycles and archived teachers one click away, the search box,
and a constant number of queries whatever the number of teachers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.cycles.services import create_cycle
from app.debrief.conversation import (
    add_next_step,
    mark_agreed,
    note_debrief_seen,
    save_conversation,
    save_reflection,
)
from app.extensions import db
from app.goals.services import available_measures, set_measure
from app.models import Coach, Cycle, CycleStatus, Debrief, NextStep, Observation, Teacher, Visit
from app.share.services import create_link
from app.sync.services import open_cycles
from app.teachers import dashboard as board_of
from app.teachers.services import add_teacher, archive_teacher
from tests import helpers

ENDED = datetime(2026, 3, 2, 9, 40, tzinfo=UTC)  # record_observation's default end


def coach_row(world) -> Coach:
    return db.session.get(Coach, world.coach_id)


def board(world, now=None, query=None):
    return board_of.dashboard(coach_row(world), query, now=now)


def flags(world, now):
    [card] = [c for g in board(world, now).groups for c in g.cycles
              if c.cycle.id == world.cycle_id]
    return [f.observation_id for f in card.debrief_due], [
        f.observation_id for f in card.new_reflection]


def observe(world, **kwargs) -> str:
    oid, _ = helpers.record_observation(world, [(0, 60), (0, 120)], **kwargs)
    return oid


def set_norms(world, text: str | None) -> None:
    db.session.get(Cycle, world.cycle_id).norms = text
    db.session.commit()


# Debrief due ---------------------------------------------------------------------------------

def test_debrief_due_once_the_default_24_hours_have_passed(ctx, coach):
    oid = observe(coach)
    assert flags(coach, ENDED + timedelta(hours=23, minutes=59))[0] == []
    assert flags(coach, ENDED + timedelta(hours=24))[0] == [oid]
    assert flags(coach, ENDED + timedelta(days=9))[0] == [oid]


def test_debrief_due_follows_the_norms_the_cycle_named(ctx, coach):
    oid = observe(coach)
    set_norms(coach, "Debrief within 48 hours")
    assert flags(coach, ENDED + timedelta(hours=30))[0] == []  # past 24, inside 48
    assert flags(coach, ENDED + timedelta(hours=47, minutes=59))[0] == []
    assert flags(coach, ENDED + timedelta(hours=48, minutes=1))[0] == [oid]
    [card] = board(coach, ENDED).groups[0].cycles
    assert card.norm_hours == 48
    set_norms(coach, "We meet after every lesson")  # names no hours: 24
    assert flags(coach, ENDED + timedelta(hours=30))[0] == [oid]


def test_a_saved_debrief_or_a_next_step_ends_debrief_due(ctx, coach):
    with_notes, with_step, reflected_only = observe(coach), observe(coach), observe(coach)
    later = ENDED + timedelta(days=3)
    assert sorted(flags(coach, later)[0]) == sorted([with_notes, with_step, reflected_only])
    save_conversation(db.session.get(Observation, with_notes), keepers="Wait time",
                      polishers=None, private_notes=None)
    add_next_step(db.session.get(Observation, with_step), "Cold call", None, None)
    # The teacher's reflection alone is not a debrief the coach held.
    save_reflection(db.session.get(Observation, reflected_only), "I tried it")
    assert flags(coach, later)[0] == [reflected_only]


def test_unended_deleted_and_closed_observations_are_never_due(ctx, coach):
    observe(coach, ended=None)
    gone = observe(coach)
    db.session.get(Observation, gone).deleted_at = ENDED
    db.session.commit()
    observe(coach, ended="9999-12-31T23:59:00+00:00")  # a device clock gone wild
    assert flags(coach, ENDED + timedelta(days=5))[0] == []
    due = observe(coach)
    db.session.get(Cycle, coach.cycle_id).status = CycleStatus.CLOSED
    db.session.commit()
    assert board(coach, ENDED + timedelta(days=5)).groups[0].cycles == []
    assert due  # its cycle is closed: off the dashboard, flags and all


# New reflection ------------------------------------------------------------------------------

def test_new_reflection_until_the_coach_opens_the_debrief(ctx, coach):
    oid = observe(coach)
    now = ENDED + timedelta(hours=1)
    assert flags(coach, now)[1] == []
    save_reflection(db.session.get(Observation, oid), "The wait time felt long")
    assert flags(coach, now)[1] == [oid]
    note_debrief_seen(oid)
    assert flags(coach, now)[1] == []
    # Writing again after the coach looked is new again.
    save_reflection(db.session.get(Observation, oid), "Longer now")
    assert flags(coach, now)[1] == [oid]


def test_an_agreed_next_step_since_the_coach_looked_is_new(ctx, coach):
    oid = observe(coach)
    step = add_next_step(db.session.get(Observation, oid), "Wait five seconds", None, None)
    note_debrief_seen(oid)  # no debrief row yet: the view makes one
    now = ENDED + timedelta(hours=1)
    assert flags(coach, now)[1] == []
    mark_agreed(db.session.get(NextStep, step.id))
    assert flags(coach, now)[1] == [oid]
    note_debrief_seen(oid)
    assert flags(coach, now)[1] == []


def test_an_emptied_reflection_is_not_new(ctx, coach):
    oid = observe(coach)
    save_reflection(db.session.get(Observation, oid), "   ")
    assert flags(coach, ENDED)[1] == []


def test_opening_the_debrief_stamps_it_but_the_teachers_link_does_not(app, coach, coach_client):
    with app.app_context():
        oid = observe(coach)
        save_conversation(db.session.get(Observation, oid), keepers="Cold calls", polishers=None,
                          private_notes=None)
        _, token = create_link(db.session.get(Observation, oid))
    teacher = app.test_client()
    assert teacher.get(f"/s/{token}").status_code == 200
    with app.app_context():
        assert db.session.get(Debrief, oid).coach_seen_at is None
    teacher_token = helpers.csrf_token(teacher, f"/s/{token}")
    assert teacher.post(f"/s/{token}/reflection", data={
        "reflection": "I waited longer", "csrf_token": teacher_token}).status_code in (200, 303)
    with app.app_context():
        assert flags(coach, ENDED)[1] == [oid]
        saved_at = db.session.get(Debrief, oid).updated_at
    assert "New reflection" in coach_client.get("/").get_data(as_text=True)

    assert coach_client.get(f"/observations/{oid}").status_code == 200
    with app.app_context():
        debrief = db.session.get(Debrief, oid)
        assert debrief.coach_seen_at is not None
        # The coaching log dates a debrief by its last save: a visit does not move it.
        assert debrief.updated_at == saved_at
        assert debrief.teacher_reflection == "I waited longer"
        assert flags(coach, ENDED)[1] == []
    assert "New reflection" not in coach_client.get("/").get_data(as_text=True)


# Grouping, measure, next visit, closed and archived ------------------------------------------

def second_cycle(world, goal="Every student speaks", norms=None):
    teacher = db.session.get(Teacher, world.teacher_id)
    cycle = create_cycle(teacher, goal=goal, focus_area="student_outcomes", norms=norms,
                         lookfor_lines="Student talk")
    return cycle


def test_every_open_cycle_grouped_by_teacher(ctx, coach, other_coach):
    me = coach_row(coach)
    newer = second_cycle(coach)
    bea = add_teacher(me, "Bea Adams", None, "Maths", "North School")
    only_closed = add_teacher(me, "Cy Closed", None, None)
    closed = create_cycle(only_closed, goal="Done and dusted", focus_area="student_outcomes")
    closed.status = CycleStatus.CLOSED
    gone = add_teacher(me, "Dee Gone", None, None)
    create_cycle(gone, goal="Archived goal", focus_area="student_outcomes")
    archive_teacher(gone)

    result = board(coach)
    names = [g.teacher.name for g in result.groups]
    assert names == ["Bea Adams", "Cy Closed", "Teacher of Casey Coach"]
    mine = result.groups[2]
    assert [c.cycle.id for c in mine.cycles] == [newer.id, coach.cycle_id]  # newest first
    assert result.groups[0].cycles == [] and result.groups[1].cycles == []
    assert result.groups[1].closed_count == 1
    assert (result.closed_count, result.archived_count, result.teacher_count) == (1, 1, 3)
    assert bea.id in {g.teacher.id for g in result.groups}


def test_the_measure_latest_value_against_the_target(ctx, coach):
    cycle = db.session.get(Cycle, coach.cycle_id)
    rate = next(m for m in available_measures(cycle.lookfors) if m.unit == "rate")
    set_measure(cycle, rate.key, 0.5, 3, False)
    observe(coach, started="2026-03-02T09:00:00+00:00", ended="2026-03-02T09:40:00+00:00")
    helpers.record_observation(coach, [(0, 60)] * 1 + [(0, 90), (0, 100), (0, 110)],
                               started="2026-03-09T09:00:00+00:00",
                               ended="2026-03-09T09:20:00+00:00")
    [card] = board(coach).groups[0].cycles
    assert card.progress.latest.value == pytest.approx(2.0)  # 4 in 20 minutes
    assert card.progress.target == 3
    assert card.last_observed_at == datetime(2026, 3, 9, 9, tzinfo=UTC)


def test_the_next_planned_visit_per_teacher(ctx, coach):
    me = coach_row(coach)
    bea = add_teacher(me, "Bea Adams", None, None)
    now = datetime(2026, 3, 4, 12, tzinfo=UTC)

    def visit(teacher_id, at, kind="observation"):
        db.session.add(Visit(uid=f"uid-{teacher_id}-{at.isoformat()}", coach_id=me.id,
                             teacher_id=teacher_id, kind=kind, starts_at=at, minutes=30))

    visit(coach.teacher_id, now - timedelta(hours=1))  # already begun
    visit(coach.teacher_id, now + timedelta(days=2), "debrief")
    visit(coach.teacher_id, now + timedelta(hours=3))
    db.session.commit()
    groups = {g.teacher.id: g for g in board(coach, now).groups}
    assert groups[coach.teacher_id].next_visit.starts_at == now + timedelta(hours=3)
    assert groups[bea.id].next_visit is None


def test_the_page_never_says_none_yet(coach_client, app, coach):
    with app.app_context():
        me = coach_row(coach)
        db.session.get(Cycle, coach.cycle_id).status = CycleStatus.CLOSED
        db.session.commit()
        gone = add_teacher(me, "Dee Gone", None, None)
        archive_teacher(gone)
    html = coach_client.get("/").get_data(as_text=True)
    assert "None yet" not in html
    assert "Dee Gone" not in html
    assert re.search(r'<a href="/cycles/closed">Closed cycles \(1\)</a>', html)
    assert re.search(r'<a href="/teachers/archived">Archived teachers \(1\)</a>', html)
    assert "No open cycle" in html and "1 closed cycle" in html

    closed = coach_client.get("/cycles/closed").get_data(as_text=True)
    assert "Students ask more of the questions" in closed
    archived = coach_client.get("/teachers/archived").get_data(as_text=True)
    assert "Dee Gone" in archived and 'aria-label="Restore Dee Gone"' in archived


def test_the_page_shows_each_open_cycle_with_its_flags(coach_client, app, coach):
    with app.app_context():
        oid = observe(coach)  # ended 2 March 2026: long past the norm
        second_cycle(coach, goal="Every student speaks")
    html = coach_client.get("/").get_data(as_text=True)
    assert "Students ask more of the questions" in html and "Every student speaks" in html
    assert html.count('class="observe"') == 2
    assert f'href="/observations/{oid}">Debrief due</a>' in html
    assert "Needs you: 1 debrief due" in html
    assert html.count("data-sync-flag hidden") == 2  # the device marks Waiting to sync


def test_an_archived_teachers_cycles_are_not_readied_for_offline(ctx, coach):
    me = coach_row(coach)
    assert [c["id"] for c in open_cycles(me)] == [coach.cycle_id]
    archive_teacher(db.session.get(Teacher, coach.teacher_id))
    assert open_cycles(me) == []


# Search --------------------------------------------------------------------------------------

def add_many(world, names_and_schools):
    me = coach_row(world)
    for name, school, subject in names_and_schools:
        add_teacher(me, name, None, subject, school)


def test_a_search_box_once_there_are_more_than_ten_teachers(coach_client, app, coach):
    with app.app_context():
        add_many(coach, [(f"Teacher {n:02}", "South School", "History") for n in range(9)])
    html = coach_client.get("/").get_data(as_text=True)  # 10 teachers
    assert 'Search teachers' not in html
    with app.app_context():
        add_many(coach, [("Ana López", "North 100% School", "Maths")])  # 11
    html = coach_client.get("/").get_data(as_text=True)
    assert 'role="search"' in html and 'name="q"' in html and "Search teachers" in html


def test_search_by_name_school_or_subject(coach_client, app, coach):
    with app.app_context():
        add_many(coach, [(f"Teacher {n:02}", "South School", "History") for n in range(9)])
        add_many(coach, [("Ana López", "North 100% School", "Maths")])
        assert board(coach).teacher_count == 11
        assert [g.teacher.name for g in board(coach, query="ana").groups] == ["Ana López"]
        assert [g.teacher.name for g in board(coach, query="NORTH").groups] == ["Ana López"]
        assert [g.teacher.name for g in board(coach, query="maths north").groups] == [
            "Ana López"]
        assert len(board(coach, query="history").groups) == 9
        assert [g.teacher.name for g in board(coach, query="100%").groups] == ["Ana López"]
        assert board(coach, query="1_0").groups == []  # _ is a plain character
        assert len(board(coach, query="science").groups) == 1  # the coach's own teacher
    html = coach_client.get("/?q=north").get_data(as_text=True)
    assert "Ana López" in html and "Teacher 03" not in html
    assert "1 of 11 teachers match" in html
    assert coach_client.get("/?q=" + "x" * 5000).status_code == 200
    assert "No teachers match" in coach_client.get("/?q=zzz").get_data(as_text=True)


# Queries -------------------------------------------------------------------------------------

def busy_teachers(world, first: int, last: int) -> None:
    """Teachers numbered first to last - 1, each with an open measured cycle, two
    observations (one debriefed with a step, one due and reflected on), a closed cycle and a
    visit ahead."""
    me = coach_row(world)
    for n in range(first, last):
        teacher = add_teacher(me, f"Teacher {n:02}", "Grade 4", "Maths", "East School")
        cycle = create_cycle(teacher, goal=f"Goal {n}", focus_area="student_outcomes",
                             lookfor_lines="Student question\nTeacher question")
        set_measure(cycle, available_measures(cycle.lookfors)[0].key, 1, 3, False)
        closed = create_cycle(teacher, goal=f"Old goal {n}", focus_area="student_outcomes")
        closed.status = CycleStatus.CLOSED
        db.session.add(Visit(uid=f"uid-{n}", coach_id=me.id, teacher_id=teacher.id,
                             kind="observation", minutes=30,
                             starts_at=datetime(2099, 1, 1, tzinfo=UTC)))
        db.session.commit()
        here = replace(world, teacher_id=teacher.id, cycle_id=cycle.id,
                       lookfor_ids=tuple(lf.id for lf in cycle.lookfors))
        held = observe(here)
        add_next_step(db.session.get(Observation, held), "Try it", None, None)
        save_reflection(db.session.get(Observation, observe(here)), "Thoughts")


def count_queries(app, fn) -> int:
    seen = []

    def record(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


@pytest.mark.parametrize("how", ["service", "page"])
def test_the_number_of_queries_is_the_same_for_3_and_30_teachers(app, coach, how):
    client = app.test_client()
    helpers.login(client, coach.email, coach.password)
    counts = []
    for first, last in ((1, 3), (3, 30)):  # with the coach's own teacher: 3, then 30
        with app.app_context():
            busy_teachers(coach, first, last)
            assert board(coach).teacher_count == last

            def run(last=last):
                if how == "service":
                    result = board(coach)
                    busy = [c for g in result.groups for c in g.cycles
                            if c.cycle.goal.startswith("Goal")]
                    assert len(busy) == last - 1
                    assert all(c.progress and c.debrief_due and c.new_reflection for c in busy)
                else:
                    assert client.get("/").status_code == 200
            counts.append(count_queries(app, run))
            db.session.remove()
    assert counts[0] == counts[1], counts
