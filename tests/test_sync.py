"""The offline-sync API: idempotent batches of observations and events, version ordering and
tombstones, per-item rejections that never drop neighbours, and the API's auth order."""

from __future__ import annotations

import json
import threading
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from app.cycles.services import create_cycle, move_lookfor, remove_lookfor, set_status
from app.extensions import db
from app.models import Coach, Cycle, Event, LookFor, Observation, Teacher
from app.sync.services import BatchError, BatchTooLarge, apply_sync_batch
from app.teachers.services import add_teacher
from tests import helpers

STARTED = "2026-03-02T09:00:00.000Z"
RECORDED = "2026-03-02T09:00:01.500Z"


def new_id() -> str:
    return str(uuid.uuid4())


def an_observation(cycle_id: int, **fields) -> dict:
    return {"id": new_id(), "cycle_id": cycle_id, "started_at": STARTED, "ended_at": None,
            **fields}


def an_event(observation_id: str, lookfor_id: int | None, **fields) -> dict:
    return {"id": new_id(), "observation_id": observation_id, "lookfor_id": lookfor_id,
            "offset_ms": 1500, "recorded_at": RECORDED, **fields}


def batch(observations=(), events=()) -> dict:
    return {"observations": list(observations), "events": list(events)}


def as_coach(world) -> Coach:
    return db.session.get(Coach, world.coach_id)


def stored(model) -> dict:
    """Every row of a table by id, read fresh from the database."""
    db.session.expire_all()
    return {row.id: row for row in db.session.scalars(select(model))}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_sync(client, body, **kwargs):
    token = client.get("/api/v1/csrf").json["csrf_token"]
    return client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": token}, **kwargs)


@contextmanager
def counting_statements(engine):
    """Count SQL statements sent to the database; an executemany counts once."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)


# Service: storing


def test_happy_path_stores_observation_and_events(ctx, coach):
    tally, duration, note = coach.lookfor_ids
    obs = an_observation(coach.cycle_id, ended_at="2026-03-02T09:40:00.000Z")
    events = [
        an_event(obs["id"], tally, offset_ms=0),
        an_event(obs["id"], duration, offset_ms=60_000, duration_ms=45_000, count=1),
        an_event(obs["id"], note, offset_ms=120_000, note="“Why does ice float?”"),
        an_event(obs["id"], None, offset_ms=86_400_000, note="Free note", recorded_at=(
            "2026-03-02T11:00:00+02:00")),
    ]
    result = apply_sync_batch(as_coach(coach), batch([obs], events))

    assert result == {
        "observations": {"accepted": [obs["id"]], "rejected": []},
        "events": {"accepted": [e["id"] for e in events], "rejected": []},
        "deleted_observations": [],
    }
    observation = stored(Observation)[obs["id"]]
    assert observation.cycle_id == coach.cycle_id
    assert observation.started_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert observation.ended_at == datetime(2026, 3, 2, 9, 40, tzinfo=UTC)
    rows = stored(Event)
    assert {e["id"] for e in events} == set(rows)
    assert rows[events[0]["id"]].recorded_at == datetime(2026, 3, 2, 9, 0, 1, 500_000, tzinfo=UTC)
    assert (rows[events[0]["id"]].count, rows[events[0]["id"]].version) == (1, 1)
    assert rows[events[0]["id"]].deleted is False
    assert rows[events[1]["id"]].duration_ms == 45_000
    assert rows[events[2]["id"]].note == "“Why does ice float?”"
    free = rows[events[3]["id"]]
    assert (free.lookfor_id, free.offset_ms) == (None, 86_400_000)
    assert free.recorded_at == datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_ids_are_stored_canonical_and_echoed_as_sent(ctx, coach):
    obs = an_observation(coach.cycle_id)
    obs["id"] = obs["id"].upper()
    ev = an_event(obs["id"], coach.lookfor_ids[0])
    ev["id"] = ev["id"].upper()
    result = apply_sync_batch(as_coach(coach), batch([obs], [ev]))
    assert result["observations"]["accepted"] == [obs["id"]]
    assert result["events"]["accepted"] == [ev["id"]]
    assert set(stored(Observation)) == {obs["id"].lower()}
    assert stored(Event)[ev["id"].lower()].observation_id == obs["id"].lower()


def test_same_batch_three_times_is_stored_once(ctx, coach):
    obs = an_observation(coach.cycle_id)
    events = [an_event(obs["id"], coach.lookfor_ids[i % 3], offset_ms=i) for i in range(20)]
    body = batch([obs], events)
    for _ in range(3):
        result = apply_sync_batch(as_coach(coach), body)
        assert result["observations"] == {"accepted": [obs["id"]], "rejected": []}
        assert result["events"]["accepted"] == [e["id"] for e in events]
        assert result["events"]["rejected"] == []
    assert count(Observation) == 1
    assert count(Event) == 20


def test_an_item_repeated_within_one_batch_is_stored_once(ctx, coach):
    obs = an_observation(coach.cycle_id)
    ev = an_event(obs["id"], coach.lookfor_ids[0])
    newer = {**ev, "version": 2, "note": "newer"}
    result = apply_sync_batch(as_coach(coach), batch([obs, obs], [ev, newer, ev]))
    assert result["observations"]["accepted"] == [obs["id"]] * 2
    assert result["events"]["accepted"] == [ev["id"]] * 3
    row = stored(Event)[ev["id"]]
    assert (count(Event), row.version, row.note) == (1, 2, "newer")


def test_highest_version_wins_and_older_is_accepted_but_ignored(ctx, coach):
    obs = an_observation(coach.cycle_id)
    v1 = an_event(obs["id"], coach.lookfor_ids[0], note="first")
    apply_sync_batch(as_coach(coach), batch([obs], [v1]))

    v3 = {**v1, "version": 3, "lookfor_id": coach.lookfor_ids[2], "note": "third",
          "offset_ms": 9_000}
    assert apply_sync_batch(as_coach(coach), batch([], [v3]))["events"]["accepted"] == [v1["id"]]
    v2 = {**v1, "version": 2, "note": "second"}
    result = apply_sync_batch(as_coach(coach), batch([], [v2]))
    assert result["events"] == {"accepted": [v1["id"]], "rejected": []}

    row = stored(Event)[v1["id"]]
    assert (row.version, row.note, row.lookfor_id, row.offset_ms) == (
        3, "third", coach.lookfor_ids[2], 9_000)
    # The same version again changes nothing either.
    apply_sync_batch(as_coach(coach), batch([], [{**v3, "note": "same version"}]))
    assert stored(Event)[v1["id"]].note == "third"


def test_tombstone_is_never_resurrected(ctx, coach):
    obs = an_observation(coach.cycle_id)
    v1 = an_event(obs["id"], coach.lookfor_ids[0], note="tap")
    apply_sync_batch(as_coach(coach), batch([obs], [v1]))
    apply_sync_batch(as_coach(coach), batch([], [{**v1, "version": 2, "deleted": True}]))

    for late in (v1, {**v1, "version": 5, "deleted": False, "note": "back?"}):
        result = apply_sync_batch(as_coach(coach), batch([obs], [late]))
        assert result["events"] == {"accepted": [v1["id"]], "rejected": []}
    row = stored(Event)[v1["id"]]
    assert (row.deleted, row.version, row.note) == (True, 2, "tap")
    assert count(Event) == 1


def test_a_tombstone_wins_a_tie(ctx, coach):
    obs = an_observation(coach.cycle_id)
    live = an_event(obs["id"], coach.lookfor_ids[0], version=2, note="tap")
    apply_sync_batch(as_coach(coach), batch([obs], [live]))
    result = apply_sync_batch(as_coach(coach), batch([], [{**live, "deleted": True}]))
    assert result["events"] == {"accepted": [live["id"]], "rejected": []}
    row = stored(Event)[live["id"]]
    assert (row.deleted, row.version) == (True, 2)
    # A live copy of the same version, sent late, does not bring it back.
    apply_sync_batch(as_coach(coach), batch([], [live]))
    assert stored(Event)[live["id"]].deleted is True


@contextmanager
def written_by_another_request_after_the_read(event_id: str, assignments: str):
    """Change the event's stored row just after the sync service has read it, as a concurrent
    request would, so that only the ON CONFLICT clause stands between the batch and the row."""
    engine, done = db.engine, []

    def change(conn, cursor, statement, parameters, context, executemany):
        # The service's read of the events it may replace (their versions and tombstones).
        if not done and statement.lstrip().upper().startswith("SELECT") \
                and "event.version, event.deleted" in statement:
            done.append(statement)
            cursor.connection.cursor().execute(
                f"UPDATE event SET {assignments} WHERE id = '{event_id}'")

    sa_event.listen(engine, "after_cursor_execute", change)
    try:
        yield
    finally:
        sa_event.remove(engine, "after_cursor_execute", change)
    assert done, "the service did not read the event"


def test_the_sql_rule_also_lets_a_tombstone_win_a_tie(ctx, coach):
    obs = an_observation(coach.cycle_id)
    live = an_event(obs["id"], coach.lookfor_ids[0], note="v1")
    apply_sync_batch(as_coach(coach), batch([obs], [live]))
    # The service reads v1 and decides to write the tombstone v2; meanwhile a live v2 lands.
    with written_by_another_request_after_the_read(live["id"], "version = 2, note = 'v2'"):
        apply_sync_batch(as_coach(coach), batch([], [{**live, "version": 2, "deleted": True}]))
    row = stored(Event)[live["id"]]
    assert (row.deleted, row.version) == (True, 2)

    # And the other way round: a tombstone that lands meanwhile stays, whatever the batch says.
    again = an_event(obs["id"], coach.lookfor_ids[0], note="v1")
    apply_sync_batch(as_coach(coach), batch([], [again]))
    with written_by_another_request_after_the_read(again["id"], "version = 3, deleted = true"):
        apply_sync_batch(as_coach(coach), batch([], [{**again, "version": 3, "note": "x"}]))
    row = stored(Event)[again["id"]]
    assert (row.deleted, row.version, row.note) == (True, 3, "v1")


def test_an_end_before_the_start_is_rejected_and_neighbours_are_stored(ctx, coach):
    backwards = an_observation(coach.cycle_id, ended_at="2026-03-02T08:59:59.999Z")
    instant = an_observation(coach.cycle_id, ended_at=STARTED)
    open_one = an_observation(coach.cycle_id)
    result = apply_sync_batch(as_coach(coach), batch([backwards, instant, open_one]))
    assert result["observations"] == {
        "accepted": [instant["id"], open_one["id"]],
        "rejected": [{"id": backwards["id"], "error": "ended_at must not be before started_at"}],
    }
    # A resend may not end a stored observation before the start stored first, even when it
    # carries a different (ignored) start of its own.
    early_end = {**open_one, "started_at": "2026-03-02T07:00:00Z",
                 "ended_at": "2026-03-02T08:00:00Z"}
    result = apply_sync_batch(as_coach(coach), batch([early_end]))
    assert result["observations"]["rejected"] == [
        {"id": open_one["id"], "error": "ended_at must not be before started_at"}]
    rows = stored(Observation)
    assert set(rows) == {instant["id"], open_one["id"]} and rows[open_one["id"]].ended_at is None


@pytest.mark.parametrize("started, ended", [
    ("1876-03-02T09:00:00Z", "2026-03-02T09:40:00Z"),  # a clock years out, then corrected
    ("1970-01-01T00:00:00Z", "1970-01-01T00:40:00Z"),  # a phone whose clock was reset
    ("1970-01-01T00:00:00Z", "2026-03-02T09:40:00Z"),
    ("2026-03-02T09:00:00Z", "2099-12-31T23:59:59Z"),
])
def test_absurd_but_ordered_spans_are_kept(ctx, coach, started, ended):
    """Nothing may be lost: the debrief copes with a wrong clock, the store keeps it all."""
    obs = an_observation(coach.cycle_id, started_at=started, ended_at=ended)
    ev = an_event(obs["id"], coach.lookfor_ids[0], recorded_at=started)
    result = apply_sync_batch(as_coach(coach), batch([obs], [ev]))
    assert result["observations"]["accepted"] == [obs["id"]]
    assert result["events"]["accepted"] == [ev["id"]]
    row = stored(Observation)[obs["id"]]
    assert row.started_at == datetime.fromisoformat(started)
    assert row.ended_at == datetime.fromisoformat(ended)


def test_observation_resend_fills_ended_at_once_and_keeps_cycle_and_start(ctx, coach):
    obs = an_observation(coach.cycle_id)
    apply_sync_batch(as_coach(coach), batch([obs]))
    ended = {**obs, "ended_at": "2026-03-02T09:45:00.000Z", "started_at": "2026-03-02T08:00:00Z"}
    later = {**obs, "ended_at": "2026-03-02T10:30:00.000Z"}
    for resend in (ended, later):
        assert apply_sync_batch(as_coach(coach), batch([resend]))["observations"] == {
            "accepted": [obs["id"]], "rejected": []}
    row = stored(Observation)[obs["id"]]
    assert row.started_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert row.ended_at == datetime(2026, 3, 2, 9, 45, tzinfo=UTC)

    teacher = db.session.get(Teacher, coach.teacher_id)
    second = create_cycle(teacher, goal="Another goal", focus_area="student_outcomes")
    moved = {**obs, "cycle_id": second.id}
    result = apply_sync_batch(as_coach(coach), batch([moved]))
    assert result["observations"]["rejected"] == [{"id": obs["id"], "error": "id already used"}]
    assert stored(Observation)[obs["id"]].cycle_id == coach.cycle_id


def test_observations_for_a_closed_cycle_are_kept(ctx, coach):
    set_status(db.session.get(Cycle, coach.cycle_id), "closed")
    obs = an_observation(coach.cycle_id)
    ev = an_event(obs["id"], coach.lookfor_ids[0])
    result = apply_sync_batch(as_coach(coach), batch([obs], [ev]))
    assert result["observations"]["accepted"] == [obs["id"]]
    assert result["events"]["accepted"] == [ev["id"]]
    assert count(Event) == 1


def test_archived_lookfor_still_accepts_events(ctx, coach):
    remove_lookfor(db.session.get(LookFor, coach.lookfor_ids[0]))
    obs = an_observation(coach.cycle_id)
    ev = an_event(obs["id"], coach.lookfor_ids[0])
    assert apply_sync_batch(as_coach(coach), batch([obs], [ev]))["events"]["rejected"] == []
    assert stored(Event)[ev["id"]].lookfor_id == coach.lookfor_ids[0]


# Service: rejections never drop neighbours


def with_fields(**fields):
    return lambda ev, other: {**ev, **fields}


def without(key):
    return lambda ev, other: {k: v for k, v in ev.items() if k != key}


# (what is wrong, how to spoil a good event, a word the reason must contain)
BAD_EVENTS = [
    ("unknown look-for", with_fields(lookfor_id=2_000_000_000), "unknown look-for"),
    ("look-for of another coach's cycle",
     lambda ev, other: {**ev, "lookfor_id": other.lookfor_ids[0]}, "unknown look-for"),
    ("look-for id past int range", with_fields(lookfor_id=2**63), "lookfor_id"),
    ("unknown observation", with_fields(observation_id=new_id()), "unknown observation"),
    ("negative offset", with_fields(offset_ms=-1), "offset_ms"),
    ("offset over 24 h", with_fields(offset_ms=86_400_001), "offset_ms"),
    ("offset as a float", with_fields(offset_ms=1.5), "offset_ms"),
    ("offset as a string", with_fields(offset_ms="1500"), "offset_ms"),
    ("offset null", with_fields(offset_ms=None), "offset_ms"),
    ("offset missing", without("offset_ms"), "offset_ms is missing"),
    ("bool as int", with_fields(count=True), "count"),
    ("bool as offset", with_fields(offset_ms=False), "offset_ms"),
    ("count zero", with_fields(count=0), "count"),
    ("count over 1000", with_fields(count=1001), "count"),
    ("negative duration", with_fields(duration_ms=-5), "duration_ms"),
    ("version zero", with_fields(version=0), "version"),
    ("version past int range", with_fields(version=2**31), "version"),
    ("deleted as a string", with_fields(deleted="yes"), "deleted"),
    ("deleted as 1", with_fields(deleted=1), "deleted"),
    ("2,001-char note", with_fields(note="x" * 2001), "note"),
    ("note as a number", with_fields(note=5), "note"),
    ("note with NUL", with_fields(note="a\x00b"), "note"),
    ("note with a lone surrogate", with_fields(note="a\ud800b"), "note"),
    ("bad uuid", with_fields(id="not-a-uuid"), "id must be a UUID"),
    ("uuid as a number", with_fields(id=12345), "id must be a UUID"),
    ("bad observation uuid", with_fields(observation_id="nope"), "observation_id"),
    ("lookfor_id missing", without("lookfor_id"), "lookfor_id is missing"),
    ("naive recorded_at", with_fields(recorded_at="2026-03-02T09:00:00"), "recorded_at"),
    ("date-only recorded_at", with_fields(recorded_at="2026-03-02"), "recorded_at"),
    ("nonsense recorded_at", with_fields(recorded_at="yesterday"), "recorded_at"),
    ("recorded_at out of range", with_fields(recorded_at="0001-01-01T00:00:00+05:00"),
     "recorded_at"),
    ("not an object", lambda ev, other: [ev["id"]], "not an object"),
]


def test_each_bad_event_is_rejected_and_its_neighbours_are_stored(ctx, coach, other_coach):
    obs = an_observation(coach.cycle_id)
    # Good and bad alternate in one batch, so every bad item sits between two good ones.
    good = [an_event(obs["id"], coach.lookfor_ids[i % 3]) for i in range(len(BAD_EVENTS) + 1)]
    bad = [spoil(an_event(obs["id"], coach.lookfor_ids[0]), other_coach)
           for _, spoil, _ in BAD_EVENTS]
    events = [good[0]]
    for bad_event, good_event in zip(bad, good[1:], strict=True):
        events += [bad_event, good_event]

    result = apply_sync_batch(as_coach(coach), batch([obs], events))

    assert result["events"]["accepted"] == [e["id"] for e in good]
    rejected = result["events"]["rejected"]
    assert len(rejected) == len(BAD_EVENTS)
    for (what, _, reason), bad_event, verdict in zip(BAD_EVENTS, bad, rejected, strict=True):
        sent_id = bad_event.get("id") if isinstance(bad_event, dict) else None
        assert verdict["id"] == (sent_id if isinstance(sent_id, str) else None), what
        assert reason in verdict["error"], what
    assert set(stored(Event)) == {e["id"] for e in good}


def test_null_takes_the_default_where_there_is_one(ctx, coach):
    obs = an_observation(coach.cycle_id)
    ev = an_event(obs["id"], None, count=None, deleted=None, version=None, duration_ms=None,
                  note=None)
    assert apply_sync_batch(as_coach(coach), batch([obs], [ev]))["events"]["rejected"] == []
    row = stored(Event)[ev["id"]]
    assert (row.count, row.deleted, row.version, row.duration_ms, row.note) == (
        1, False, 1, None, None)


def test_boundary_values_are_accepted(ctx, coach):
    obs = an_observation(coach.cycle_id)
    edge = an_event(obs["id"], coach.lookfor_ids[2], offset_ms=86_400_000, count=1000,
                    duration_ms=0, note="x" * 2000, version=2**31 - 1)
    result = apply_sync_batch(as_coach(coach), batch([obs], [edge]))
    assert result["events"]["rejected"] == []
    row = stored(Event)[edge["id"]]
    assert (row.count, len(row.note), row.version) == (1000, 2000, 2**31 - 1)


def test_lookfor_of_another_own_cycle_is_rejected(ctx, coach):
    teacher = db.session.get(Teacher, coach.teacher_id)
    second = create_cycle(teacher, goal="Another goal", focus_area="student_outcomes",
                          lookfor_lines="Elsewhere")
    obs = an_observation(coach.cycle_id)
    good = an_event(obs["id"], coach.lookfor_ids[0])
    bad = an_event(obs["id"], second.lookfors[0].id)
    result = apply_sync_batch(as_coach(coach), batch([obs], [bad, good]))
    assert result["events"]["rejected"] == [{"id": bad["id"], "error": "unknown look-for"}]
    assert set(stored(Event)) == {good["id"]}


def test_another_coachs_cycle_and_observation_are_refused(ctx, coach, other_coach):
    theirs = an_observation(other_coach.cycle_id)
    their_event = an_event(theirs["id"], other_coach.lookfor_ids[0])
    apply_sync_batch(as_coach(other_coach), batch([theirs], [their_event]))

    mine = an_observation(coach.cycle_id)
    in_their_cycle = an_observation(other_coach.cycle_id)
    steal = {**theirs, "cycle_id": coach.cycle_id, "ended_at": "2026-03-02T10:00:00Z"}
    events = [
        an_event(mine["id"], coach.lookfor_ids[0]),
        an_event(theirs["id"], other_coach.lookfor_ids[0]),
        an_event(theirs["id"], None, note="written into their observation?"),
        an_event(in_their_cycle["id"], None),
        {**their_event, "observation_id": mine["id"], "lookfor_id": coach.lookfor_ids[0],
         "version": 9},
    ]
    result = apply_sync_batch(as_coach(coach), batch([in_their_cycle, steal, mine], events))

    assert result["observations"] == {
        "accepted": [mine["id"]],
        "rejected": [{"id": in_their_cycle["id"], "error": "unknown cycle"},
                     {"id": theirs["id"], "error": "unknown observation"}],
    }
    assert result["events"] == {
        "accepted": [events[0]["id"]],
        "rejected": [{"id": events[1]["id"], "error": "unknown observation"},
                     {"id": events[2]["id"], "error": "unknown observation"},
                     {"id": events[3]["id"], "error": "unknown observation"},
                     {"id": their_event["id"], "error": "id already used"}],
    }
    observations = stored(Observation)
    assert set(observations) == {theirs["id"], mine["id"]}
    assert observations[theirs["id"]].cycle_id == other_coach.cycle_id
    assert observations[theirs["id"]].ended_at is None
    events_now = stored(Event)
    assert set(events_now) == {their_event["id"], events[0]["id"]}
    untouched = events_now[their_event["id"]]
    assert (untouched.observation_id, untouched.version) == (theirs["id"], 1)


def test_bad_observation_is_rejected_and_neighbours_are_stored(ctx, coach):
    good = an_observation(coach.cycle_id)
    bad = [
        an_observation(coach.cycle_id, id="nope"),
        an_observation(2_000_000_000),
        an_observation(True),
        an_observation(coach.cycle_id, started_at=None),
        an_observation(coach.cycle_id, started_at="2026-03-02T09:00:00"),
        an_observation(coach.cycle_id, ended_at=12),
        "not an object",
    ]
    orphan = an_event(bad[1]["id"], coach.lookfor_ids[0])
    kept = an_event(good["id"], coach.lookfor_ids[0])
    result = apply_sync_batch(as_coach(coach), batch([*bad, good], [orphan, kept]))
    assert result["observations"]["accepted"] == [good["id"]]
    errors = [r["error"] for r in result["observations"]["rejected"]]
    assert errors == ["id must be a UUID", "unknown cycle",
                      "cycle_id must be a whole number from 1 to 2147483647",
                      errors[3], errors[4], errors[5], "not an object"]
    assert "started_at" in errors[3] and "started_at" in errors[4] and "ended_at" in errors[5]
    assert result["events"]["rejected"] == [{"id": orphan["id"], "error": "unknown observation"}]
    assert set(stored(Observation)) == {good["id"]}
    assert set(stored(Event)) == {kept["id"]}


def test_bad_envelope_raises_and_writes_nothing(ctx, coach):
    obs = an_observation(coach.cycle_id)
    for body in (None, [], "text", {}, {"observations": [obs]}, {"events": []},
                 {"observations": {}, "events": []}, {"observations": [obs], "events": "x"}):
        with pytest.raises(BatchError):
            apply_sync_batch(as_coach(coach), body)
    assert count(Observation) == 0


def test_too_many_items_raise(ctx, coach):
    obs = an_observation(coach.cycle_id)
    events = [an_event(obs["id"], None) for _ in range(5001)]
    with pytest.raises(BatchTooLarge):
        apply_sync_batch(as_coach(coach), batch([obs], events))
    with pytest.raises(BatchTooLarge):
        apply_sync_batch(as_coach(coach), batch([obs] * 5001, events[:1]))
    assert count(Observation) == 0


def test_ingest_uses_the_same_number_of_statements_whatever_the_size(ctx, coach):
    me = as_coach(coach)

    def statements_for(size: int) -> int:
        obs = an_observation(coach.cycle_id)
        events = [an_event(obs["id"], coach.lookfor_ids[i % 3], offset_ms=i) for i in range(size)]
        events.append(an_event(obs["id"], 2_000_000_000))
        assert me.id  # refresh the coach outside the count
        with counting_statements(db.engine) as statements:
            result = apply_sync_batch(me, batch([obs], events))
        assert len(result["events"]["accepted"]) == size
        return len(statements)

    small, large = statements_for(50), statements_for(500)
    assert small == large
    assert large <= 8
    assert count(Event) == 550


# HTTP (no ctx fixture here: requests under a test's app context would share its g and session)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return count(Observation), count(Event)


def test_sync_over_http_stores_rows(app, coach_client, coach):
    obs = an_observation(coach.cycle_id)
    events = [an_event(obs["id"], coach.lookfor_ids[0]), an_event(obs["id"], None, note="hi")]
    response = post_sync(coach_client, batch([obs], events))
    assert response.status_code == 200
    assert response.json == {
        "observations": {"accepted": [obs["id"]], "rejected": []},
        "events": {"accepted": [e["id"] for e in events], "rejected": []},
        "deleted_observations": [],
    }
    with app.app_context():
        rows = stored(Event)
        assert set(rows) == {e["id"] for e in events}
        assert rows[events[1]["id"]].note == "hi"


def test_csrf_endpoint_is_fresh_and_not_cached(coach_client):
    response = coach_client.get("/api/v1/csrf")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert isinstance(response.json["csrf_token"], str) and response.json["csrf_token"]


def test_unreadable_body_is_400_json_and_writes_nothing(app, coach_client, coach):
    token = coach_client.get("/api/v1/csrf").json["csrf_token"]
    valid = json.dumps(an_observation(coach.cycle_id))
    for data, content_type in [
        ("not json", "application/json"),
        ('{"observations": [], "events": []', "application/json"),
        ('{"observations": [], "events": []}', "text/plain"),
        ("[]", "application/json"),
        ("null", "application/json"),
        (f'{{"observations": [{valid}]}}', "application/json"),
        (f'{{"observations": [{valid}], "events": {{}}}}', "application/json"),
        ('{"observations": [], "events": [' + "[" * 100_000, "application/json"),
    ]:
        response = coach_client.post("/api/v1/sync", data=data, content_type=content_type,
                                     headers={"X-CSRFToken": token})
        assert response.status_code == 400, data
        assert response.json["error"] == "bad_request"
    assert counts(app) == (0, 0)


def test_signed_out_gets_401_json_even_with_a_stale_token(app, coach):
    client = app.test_client()
    helpers.login(client, coach.email, coach.password)
    token = client.get("/api/v1/csrf").json["csrf_token"]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    body = batch([an_observation(coach.cycle_id)])
    for method, path in [("POST", "/api/v1/sync"), ("GET", "/api/v1/csrf"),
                         ("GET", "/api/v1/cycles")]:
        for headers in ({"X-CSRFToken": token}, {"X-CSRFToken": "stale"}, {}):
            response = client.open(path, method=method, json=body, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.json == {"error": "not_signed_in",
                                     "message": "Sign in again to sync."}
    assert counts(app) == (0, 0)


def test_signed_in_without_a_valid_token_gets_403_json(app, coach_client, coach, other_coach):
    other = app.test_client()
    helpers.login(other, other_coach.email, other_coach.password)
    their_token = other.get("/api/v1/csrf").json["csrf_token"]
    body = batch([an_observation(coach.cycle_id)])
    for headers in ({}, {"X-CSRFToken": "wrong"}, {"X-CSRFToken": ""},
                    {"X-CSRFToken": their_token}):
        response = coach_client.post("/api/v1/sync", json=body, headers=headers)
        assert response.status_code == 403, headers
        assert response.json["error"] == "csrf" and response.json["message"]
    assert counts(app) == (0, 0)


def test_5000_events_pass_and_5001_are_413_json(app, coach_client, coach):
    obs = an_observation(coach.cycle_id)
    events = [an_event(obs["id"], coach.lookfor_ids[i % 3], offset_ms=i * 100,
                       note="n" if i % 7 == 0 else None) for i in range(5000)]

    too_many = post_sync(coach_client, batch([obs], [*events, an_event(obs["id"], None)]))
    assert too_many.status_code == 413
    assert too_many.json["error"] == "request_entity_too_large"
    assert counts(app) == (0, 0)

    response = post_sync(coach_client, batch([obs], events))
    assert response.status_code == 200
    assert len(response.json["events"]["accepted"]) == 5000
    assert counts(app) == (1, 5000)
    with app.app_context():
        assert db.session.scalar(select(func.sum(Event.offset_ms))) == sum(
            e["offset_ms"] for e in events)


def test_body_over_the_size_limit_is_413_json(coach_client):
    token = coach_client.get("/api/v1/csrf").json["csrf_token"]
    response = coach_client.post("/api/v1/sync", data=b" " * (4 * 1024 * 1024 + 1),
                                 content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 413
    assert response.json["error"] == "request_entity_too_large"


def test_concurrent_retries_store_each_row_once(app, coach):
    obs = an_observation(coach.cycle_id)
    events = [an_event(obs["id"], coach.lookfor_ids[i % 3], offset_ms=i) for i in range(40)]
    body = batch([obs], events)
    threads_count = 6
    clients = []
    for _ in range(threads_count):
        client = app.test_client()
        helpers.login(client, coach.email, coach.password)
        clients.append((client, client.get("/api/v1/csrf").json["csrf_token"]))
    start = threading.Barrier(threads_count)
    outcomes: list = []

    def send(client, token):
        start.wait()
        try:
            for _ in range(2):
                response = client.post("/api/v1/sync", json=body,
                                       headers={"X-CSRFToken": token})
                outcomes.append((response.status_code, response.json))
        except Exception as exc:  # a crash in a thread must fail the test, not vanish
            outcomes.append((exc, None))

    threads = [threading.Thread(target=send, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == threads_count * 2
    for status, payload in outcomes:
        assert status == 200, payload
        assert payload["events"]["accepted"] == [e["id"] for e in events]
        assert payload["observations"]["accepted"] == [obs["id"]]
    assert counts(app) == (1, 40)


# HTTP: the capture screen's list of cycles


def test_cycles_lists_open_cycles_with_live_lookfors_in_order(app, coach_client, coach,
                                                              other_coach):
    with app.app_context():
        move_lookfor(db.session.get(LookFor, coach.lookfor_ids[2]), "up")
        remove_lookfor(db.session.get(LookFor, coach.lookfor_ids[0]))
        teacher = db.session.get(Teacher, coach.teacher_id)
        closed = create_cycle(teacher, goal="An old goal", focus_area="student_outcomes",
                              lookfor_lines="Old")
        set_status(closed, "closed")
        aaron = add_teacher(as_coach(coach), "Aaron Early", None, None)
        aarons = create_cycle(aaron, goal="Aaron's goal", focus_area="student_outcomes",
                              lookfor_lines="One\nTwo")
        aaron_lookfors = [{"id": lf.id, "label": lf.label, "kind": "tally", "config": {}}
                          for lf in aarons.lookfors]
        expected_aaron = {"id": aarons.id, "teacher": {"id": aaron.id, "name": "Aaron Early"},
                          "goal": "Aaron's goal", "lookfors": aaron_lookfors}
        set_status(db.session.get(Cycle, coach.cycle_id), "observing")

    response = coach_client.get("/api/v1/cycles")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == {"cycles": [
        expected_aaron,
        {"id": coach.cycle_id,
         "teacher": {"id": coach.teacher_id, "name": "Teacher of Casey Coach"},
         "goal": "Students ask more of the questions",
         "lookfors": [{"id": coach.lookfor_ids[2], "label": "Quote", "kind": "note",
                       "config": {}},
                      {"id": coach.lookfor_ids[1], "label": "Teacher talk", "kind": "duration",
                       "config": {}}]},
    ]}
    assert [lf["label"] for lf in aaron_lookfors] == ["One", "Two"]


def test_cycles_uses_the_same_number_of_queries_for_more_cycles(app, coach_client, coach):
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as few:
        assert len(coach_client.get("/api/v1/cycles").json["cycles"]) == 1
    with app.app_context():
        me = as_coach(coach)
        for n in range(4):
            create_cycle(add_teacher(me, f"Teacher {n}", None, None), goal=f"Goal {n}",
                         focus_area="student_outcomes", lookfor_lines="A\nB\nC")
        create_cycle(db.session.get(Teacher, coach.teacher_id), goal="Second",
                     focus_area="student_outcomes", lookfor_lines="D")
    with counting_statements(engine) as many:
        assert len(coach_client.get("/api/v1/cycles").json["cycles"]) == 6
    assert len(few) == len(many)


@pytest.mark.parametrize("moment", [
    datetime(1, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, 0, 0, 0, 5, tzinfo=UTC),
    datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59,
                                                                 999999, tzinfo=UTC)])
def test_times_written_straight_to_sqlite_read_back_as_the_orm_writes_them(moment):
    from sqlalchemy.dialects import sqlite

    from app.sync.services import sqlite_time

    orm = sqlite.DATETIME().bind_processor(sqlite.dialect())(moment.replace(tzinfo=None))
    assert sqlite_time(moment) == orm
