"""Property-based tests of POST /api/v1/sync: random and malformed batches never cause a 500 or
a partial write of a rejected item, and the stored rows always follow the rules (one row per
id, highest version wins, a tombstone wins a tie and stays)."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.extensions import db
from app.models import Event, Observation
from tests import helpers

OBSERVATIONS = [str(uuid.UUID(int=i + 1)) for i in range(3)]
EVENT_IDS = [str(uuid.UUID(int=1000 + i)) for i in range(2)]

junk = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(),
                 st.text(max_size=5), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def corrupted(draw, valid: dict, fields: list[str]):
    """A valid item, and now and then one field made junk or left out."""
    item = dict(valid)
    if draw(st.integers(0, 9)) < 3:
        field = draw(st.sampled_from(fields))
        if draw(st.booleans()):
            item.pop(field, None)
        else:
            item[field] = draw(junk)
    return item


@st.composite
def events(draw, lookfors, foreign_lookfor):
    valid = {
        "id": draw(st.sampled_from(EVENT_IDS)),
        "observation_id": draw(st.sampled_from(OBSERVATIONS[:2] * 4 + OBSERVATIONS[2:])),
        "lookfor_id": draw(st.sampled_from([*lookfors, *lookfors, None, foreign_lookfor])),
        "offset_ms": draw(st.one_of(st.integers(0, 86_400_000), st.sampled_from(
            [-1, 86_400_001]))),
        "recorded_at": draw(st.sampled_from(["2026-03-02T09:00:00Z"] * 8 +
                                            ["2026-03-02T09:00:00", "not a time"])),
        "count": draw(st.integers(1, 3)),
        "duration_ms": draw(st.one_of(st.none(), st.integers(0, 5000))),
        "note": draw(st.one_of(st.none(), st.text(max_size=20), st.just("x" * 2001))),
        "deleted": draw(st.booleans()),
        "version": draw(st.integers(1, 4)),
    }
    # Rarely two fields broken at once, so each reason is also seen next to valid neighbours.
    return draw(corrupted(valid, list(valid)))


@st.composite
def batches(draw, cycle_id, foreign_cycle, lookfors, foreign_lookfor):
    observations = []
    for observation_id, cycle in zip(OBSERVATIONS, (cycle_id, cycle_id, foreign_cycle),
                                     strict=True):
        if draw(st.integers(0, 4)) > 0:
            valid = {"id": observation_id, "cycle_id": cycle,
                     "started_at": "2026-03-02T09:00:00Z",
                     "ended_at": draw(st.sampled_from([None, "2026-03-02T09:40:00Z"]))}
            observations.append(draw(corrupted(valid, list(valid))))
    if draw(st.integers(0, 9)) == 0:
        observations.append(draw(junk))
    body = {
        "observations": observations,
        # Ids unique within a batch, so each verdict maps to one item; repeats across batches
        # still exercise versions and tombstones.
        "events": draw(st.lists(events(lookfors, foreign_lookfor), min_size=1, max_size=8,
                                unique_by=lambda e: repr(e.get("id")))),
    }
    # Now and then, a broken envelope.
    return draw(st.one_of(*[st.just(body)] * 8, junk, st.just({"events": body["events"]})))


def forget_observations(app) -> None:
    """Each example starts from no observations (the coach and cycles stay)."""
    with app.app_context():
        db.session.execute(delete(Event))
        db.session.execute(delete(Observation))
        db.session.commit()


def apply_model(model: dict, batch: dict, answer: dict) -> None:
    """What the store must now hold, from the accepted events alone."""
    accepted = set(answer["events"]["accepted"])
    for item in batch["events"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                or item["id"] not in accepted:
            continue
        new = {"version": item.get("version") or 1, "deleted": item.get("deleted") or False,
               "note": item.get("note"), "observation_id": item["observation_id"]}
        old = model.get(item["id"])
        # A tombstone is final; a higher version wins, and a tombstone wins a tie.
        if old is None or (not old["deleted"] and (
            new["version"] > old["version"]
            or (new["deleted"] and new["version"] == old["version"])
        )):
            model[item["id"]] = new


def test_random_batches_keep_the_invariants(app, coach, other_coach):
    client = app.test_client()
    helpers.login(client, coach.email, coach.password)
    token = client.get("/api/v1/csrf").json["csrf_token"]

    @settings(max_examples=100, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(batches(coach.cycle_id, other_coach.cycle_id, coach.lookfor_ids,
                            other_coach.lookfor_ids[0]), min_size=2, max_size=5))
    def run(sequence):
        forget_observations(app)
        model: dict = {}
        for batch in sequence:
            response = client.post("/api/v1/sync", json=batch, headers={"X-CSRFToken": token})
            assert response.status_code in (200, 400), response.get_data(as_text=True)
            if response.status_code == 400:
                assert response.json["error"] == "bad_request"
                continue
            answer = response.json
            for kind in ("observations", "events"):
                verdicts = answer[kind]
                assert len(verdicts["accepted"]) + len(verdicts["rejected"]) == len(batch[kind])
                assert all(r["error"] for r in verdicts["rejected"])
            apply_model(model, batch, answer)
            with app.app_context():
                stored = {e.id: e for e in db.session.scalars(select(Event))}
            assert set(stored) == set(model), "a rejected item was written, or one was lost"
            for event_id, expected in model.items():
                row = stored[event_id]
                assert (row.version, row.deleted, row.note) == (
                    expected["version"], expected["deleted"], expected["note"])
                assert row.observation_id == expected["observation_id"]

    run()


def test_random_resends_and_corrections_follow_the_version_rules(app, coach):
    """Valid events only, on two ids: whatever order versions and tombstones arrive in, the
    highest version wins, a tombstone wins a tie and is never resurrected."""
    client = app.test_client()
    helpers.login(client, coach.email, coach.password)
    token = client.get("/api/v1/csrf").json["csrf_token"]
    observation = {"id": OBSERVATIONS[0], "cycle_id": coach.cycle_id,
                   "started_at": "2026-03-02T09:00:00Z", "ended_at": None}
    event = st.fixed_dictionaries({
        "id": st.sampled_from(EVENT_IDS), "observation_id": st.just(OBSERVATIONS[0]),
        "lookfor_id": st.sampled_from(coach.lookfor_ids), "offset_ms": st.integers(0, 10_000),
        "recorded_at": st.just("2026-03-02T09:00:00Z"), "note": st.sampled_from([None, "a", "b"]),
        "deleted": st.booleans(), "version": st.integers(1, 4),
    })

    @settings(max_examples=100, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.lists(event, min_size=1, max_size=3, unique_by=lambda e: e["id"]),
                    min_size=1, max_size=6))
    def run(sequence):
        forget_observations(app)
        model: dict = {}
        for events in sequence:
            batch = {"observations": [observation], "events": events}
            response = client.post("/api/v1/sync", json=batch, headers={"X-CSRFToken": token})
            assert response.status_code == 200
            assert sorted(response.json["events"]["accepted"]) == sorted(e["id"] for e in events)
            apply_model(model, batch, response.json)
        with app.app_context():
            rows = db.session.scalars(select(Event))
            stored = {e.id: (e.version, e.deleted, e.note) for e in rows}
        assert stored == {k: (v["version"], v["deleted"], v["note"]) for k, v in model.items()}

    run()


def test_the_fast_path_reads_a_batch_exactly_as_the_careful_one(app, coach, other_coach):
    """decode.fast_batch (msgspec, one pass) either declines a batch or gives the very rows the
    item-by-item parsers give; a well-formed batch does take it."""
    import json

    from app.sync import decode, schema

    valid = {"observations": [{"id": OBSERVATIONS[0], "cycle_id": 1,
                               "started_at": "2026-03-02T09:00:00Z", "ended_at": None}],
             "events": [{"id": EVENT_IDS[0], "observation_id": OBSERVATIONS[0],
                         "lookfor_id": None, "offset_ms": 5, "recorded_at": "2026-03-02T09:00:00Z",
                         "note": "hi", "data": {"seat": "s1"}}]}
    careful = ([schema.parse_observation(o) for o in valid["observations"]],
               [schema.parse_event(e) for e in valid["events"]])
    assert decode.fast_batch(json.dumps(valid).encode()) == careful

    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(batches(coach.cycle_id, other_coach.cycle_id, coach.lookfor_ids,
                   other_coach.lookfor_ids[0]))
    def run(batch):
        fast = decode.fast_batch(json.dumps(batch).encode())
        if fast is None:
            return
        assert fast == (
            [schema.parse_observation(item) for item in batch["observations"]],
            [schema.parse_event(item) for item in batch["events"]],
        )

    run()
