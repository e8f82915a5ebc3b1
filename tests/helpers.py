"""Test data made through the real services, and a sign-in helper for the test client."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.auth.services import create_coach
from app.cycles.services import create_cycle, update_lookfor
from app.teachers.services import add_teacher

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class World:
    """Plain ids, so tests never hold ORM objects across app contexts."""

    coach_id: int
    email: str
    password: str
    teacher_id: int
    cycle_id: int
    lookfor_ids: tuple[int, ...]


def make_world(email: str, name: str) -> World:
    coach = create_coach(email, name, PASSWORD)
    teacher = add_teacher(coach, f"Teacher of {name}", "Grade 5", "Science")
    cycle = create_cycle(
        teacher,
        goal="Students ask more of the questions",
        focus_area="student_outcomes",
        baseline="2 student questions per lesson",
        target="10 student questions per lesson",
        lookfor_lines="Student question\nTeacher talk\nQuote",
    )
    ids = tuple(lf.id for lf in cycle.lookfors)
    update_lookfor(cycle.lookfors[1], "Teacher talk", "duration")
    update_lookfor(cycle.lookfors[2], "Quote", "note")
    return World(coach.id, email, PASSWORD, teacher.id, cycle.id, ids)


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, f"{path} has no csrf-token meta"
    return match.group(1)


def login(client, email: str, password: str):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )


def record_observation(
    world: World,
    events: list[tuple],
    *,
    started: str = "2026-03-02T09:00:00+00:00",
    ended: str | None = "2026-03-02T09:40:00+00:00",
    observation_id: str | None = None,
) -> tuple[str, list[str]]:
    """Store an observation through the real sync service. Each event is
    (lookfor index or None for a free note, offset seconds, extra fields)."""
    import uuid

    from app.extensions import db
    from app.models import Coach
    from app.sync.services import apply_sync_batch

    observation_id = observation_id or str(uuid.uuid4())
    batch_events = []
    for lookfor_index, seconds, *extra in events:
        event = {
            "id": str(uuid.uuid4()),
            "observation_id": observation_id,
            "lookfor_id": None if lookfor_index is None else world.lookfor_ids[lookfor_index],
            "offset_ms": int(seconds * 1000),
            "recorded_at": started,
        }
        if extra:
            event.update(extra[0])
        batch_events.append(event)
    answer = apply_sync_batch(
        db.session.get(Coach, world.coach_id),
        {
            "observations": [
                {"id": observation_id, "cycle_id": world.cycle_id, "started_at": started,
                 "ended_at": ended}
            ],
            "events": batch_events,
        },
    )
    assert not answer["observations"]["rejected"] and not answer["events"]["rejected"], answer
    return observation_id, [e["id"] for e in batch_events]
