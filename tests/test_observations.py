"""Deleting an observation: a tombstone that nothing brings back. Its debrief, CSV, share link,
place in the cycle's lists and trend all go; a device that sends it again is told "accepted"
(so its outbox lets go) and nothing is stored."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.debrief.services import debrief_of
from app.extensions import db
from app.models import Coach, Debrief, Event, NextStep, Observation, ShareLink
from app.observations.services import delete_observation
from app.sync.services import apply_sync_batch
from tests import helpers

STARTED = "2026-03-02T09:00:00+00:00"


def recorded(coach, started: str = STARTED, note: str = "Maya asked why ice floats"):
    """An observation with two tallies and a note, a debrief, a next step and a live link."""
    from app.share.services import create_link

    oid, event_ids = helpers.record_observation(
        coach, [(0, 10), (0, 20), (None, 30, {"note": note})], started=started,
        ended=started.replace("09:00", "09:40"),
    )
    db.session.add(Debrief(observation_id=oid, private_notes="PRIVATE-COACH-ONLY"))
    db.session.add(NextStep(observation_id=oid, action="Try think-pair-share"))
    db.session.commit()
    _, token = create_link(db.session.get(Observation, oid))
    return oid, event_ids, token


def count(model, observation_id: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.observation_id == observation_id)
    )


def test_delete_keeps_a_tombstone_and_removes_everything_recorded(ctx, coach):
    oid, _, _ = recorded(coach)
    delete_observation(db.session.get(Observation, oid))

    observation = db.session.get(Observation, oid)
    assert observation is not None and observation.deleted_at is not None
    for model in (Event, Debrief, NextStep, ShareLink):
        assert count(model, oid) == 0, model.__name__


def test_a_late_resend_of_a_deleted_observation_is_accepted_and_stores_nothing(ctx, coach):
    oid, event_ids, _ = recorded(coach)
    delete_observation(db.session.get(Observation, oid))
    deleted_at = db.session.get(Observation, oid).deleted_at
    db.session.expire_all()

    # The device sends it all again: the original events, a new tap, a correction, its end.
    batch = {
        "observations": [{"id": oid, "cycle_id": coach.cycle_id, "started_at": STARTED,
                          "ended_at": "2026-03-02T09:45:00+00:00"}],
        "events": [
            {"id": event_ids[0], "observation_id": oid, "lookfor_id": coach.lookfor_ids[0],
             "offset_ms": 10_000, "recorded_at": STARTED, "version": 2},
            {"id": str(uuid.uuid4()), "observation_id": oid,
             "lookfor_id": coach.lookfor_ids[0], "offset_ms": 50_000, "recorded_at": STARTED},
        ],
    }
    answer = apply_sync_batch(db.session.get(Coach, coach.coach_id), batch)
    assert answer["observations"] == {"accepted": [oid], "rejected": []}
    assert answer["events"] == {"accepted": [e["id"] for e in batch["events"]], "rejected": []}
    assert answer["deleted_observations"] == [oid]  # a device still recording into it stops

    db.session.expire_all()
    observation = db.session.get(Observation, oid)
    assert observation.deleted_at == deleted_at
    assert observation.ended_at == datetime(2026, 3, 2, 9, 40, tzinfo=UTC)
    assert count(Event, oid) == 0


def test_another_coach_cannot_resend_into_a_deleted_observation(ctx, coach, other_coach):
    oid, _, _ = recorded(coach)
    delete_observation(db.session.get(Observation, oid))
    answer = apply_sync_batch(
        db.session.get(Coach, other_coach.coach_id),
        {"observations": [], "events": [
            {"id": str(uuid.uuid4()), "observation_id": oid, "lookfor_id": None,
             "offset_ms": 1, "recorded_at": STARTED, "note": "x"}]},
    )
    assert answer["events"]["rejected"][0]["error"] == "unknown observation"
    assert answer["deleted_observations"] == []  # another coach's: not even its fate is told


def test_a_device_tapping_into_an_observation_deleted_elsewhere_is_told(ctx, coach):
    """Events alone (the observation itself synced long ago) name their deleted observation;
    a live one in the same batch is not named."""
    oid, _, _ = recorded(coach)
    live, _, _ = recorded(coach, started="2026-03-03T09:00:00+00:00")
    delete_observation(db.session.get(Observation, oid))
    tap = {"lookfor_id": coach.lookfor_ids[0], "offset_ms": 60_000, "recorded_at": STARTED}
    answer = apply_sync_batch(db.session.get(Coach, coach.coach_id), {
        "observations": [],
        "events": [{"id": str(uuid.uuid4()), "observation_id": oid, **tap},
                   {"id": str(uuid.uuid4()), "observation_id": live, **tap}]})
    assert len(answer["events"]["accepted"]) == 2
    assert answer["deleted_observations"] == [oid]


def test_the_delete_route_confirms_and_everything_answers_404(app, coach_client, coach):
    with app.app_context():
        oid, event_ids, token = recorded(coach)
        kept, _, _ = recorded(coach, started="2026-03-09T09:00:00+00:00", note="Kept note")

    debrief = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    # The control asks before it deletes: the first press only opens the warning.
    assert re.search(r'<summary role="button"[^>]*>Delete observation</summary>', debrief)
    assert "Yes, delete this observation" in debrief

    csrf = helpers.csrf_token(coach_client, "/")
    assert coach_client.post(f"/observations/{oid}/delete").status_code == 403  # no token
    response = coach_client.post(f"/observations/{oid}/delete", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cycles/{coach.cycle_id}"

    cycle_page = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert "Observation deleted." in cycle_page
    assert f"/observations/{oid}" not in cycle_page and f"/observations/{kept}" in cycle_page
    for url in (f"/observations/{oid}", f"/observations/{oid}/events.csv",
                f"/observations/{oid}/events/edit?event={event_ids[0]}"):
        assert coach_client.get(url).status_code == 404, url
    assert coach_client.post(f"/observations/{oid}/conversation",
                             data={"csrf_token": csrf, "keepers": "x"}).status_code == 404
    assert coach_client.post(f"/observations/{oid}/delete",
                             data={"csrf_token": csrf}).status_code == 404
    teacher = app.test_client()
    assert teacher.get(f"/s/{token}").status_code in (404, 410)

    # Gone from the trend across the cycle: only the kept observation is a point.
    with app.app_context():
        trend = debrief_of(db.session.get(Observation, kept))["trend"]
        assert {p.observation_id for s in trend for p in s.points} == {kept}
    kept_page = coach_client.get(f"/observations/{kept}").get_data(as_text=True)
    assert "Kept note" in kept_page and "Maya asked" not in kept_page


def test_the_dashboard_forgets_a_deleted_observation(app, coach_client, coach):
    with app.app_context():
        oid, _, _ = recorded(coach, started="2026-03-20T09:00:00+00:00")
    assert "20 Mar 2026" in coach_client.get("/").get_data(as_text=True)
    csrf = helpers.csrf_token(coach_client, "/")
    coach_client.post(f"/observations/{oid}/delete", data={"csrf_token": csrf})
    dashboard = coach_client.get("/").get_data(as_text=True)
    assert "20 Mar 2026" not in dashboard and "No observations yet" in dashboard


def test_a_sync_racing_a_delete_stores_nothing_under_the_tombstone(app, coach):
    """The delete has written its tombstone and removed the events, not yet committed, when a
    device's sync reads the observation: the sync waits for it, then stores nothing."""
    import threading
    import time

    from sqlalchemy import event as sa_event
    from sqlalchemy.orm import Session

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time: the sync's stale read cannot write")
        oid, _, _ = recorded(coach)
    deleting, go, answers = threading.Event(), threading.Event(), []

    def hold_the_commit(session):
        if threading.current_thread() is deleter:
            deleting.set()
            go.wait(10)

    def delete():
        with app.app_context():
            delete_observation(db.session.get(Observation, oid))

    def sync():
        with app.app_context():
            answers.append(apply_sync_batch(db.session.get(Coach, coach.coach_id), {
                "observations": [], "events": [
                    {"id": str(uuid.uuid4()), "observation_id": oid,
                     "lookfor_id": coach.lookfor_ids[0], "offset_ms": 60_000,
                     "recorded_at": STARTED}]}))

    deleter, syncer = threading.Thread(target=delete), threading.Thread(target=sync)
    sa_event.listen(Session, "before_commit", hold_the_commit)
    try:
        deleter.start()
        assert deleting.wait(10)
        syncer.start()
        time.sleep(0.5)  # long enough for the sync to store its event, were it not waiting
        go.set()
        deleter.join(10)
        syncer.join(10)
    finally:
        go.set()
        sa_event.remove(Session, "before_commit", hold_the_commit)
    with app.app_context():
        assert count(Event, oid) == 0
    assert answers[0]["deleted_observations"] == [oid]
