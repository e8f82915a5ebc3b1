"""Sync ingest: 5,000-event batches through the real sync service, against a plain
insert-on-conflict of the same rows into the same table of the same database, in one run."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Event, Observation
from app.sync.services import apply_sync_batch

from .common import make_app, make_coach, make_events

BATCH = 5000
BATCHES = 4


def _observation(cycle_id: int) -> dict:
    return {"id": str(uuid.uuid4()), "cycle_id": cycle_id,
            "started_at": "2026-03-02T09:00:00+00:00", "ended_at": None}


def measure(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        coach, cycle = make_coach()
        lookfor_ids = [lf.id for lf in cycle.lookfors]
        service_s = 0.0
        for _ in range(BATCHES):
            observation = _observation(cycle.id)
            events = make_events(observation["id"], lookfor_ids, BATCH, 3_600_000)
            start = time.perf_counter()
            answer = apply_sync_batch(coach, {"observations": [observation], "events": events})
            service_s += time.perf_counter() - start
            assert len(answer["events"]["accepted"]) == BATCH, answer["events"]["rejected"][:3]

        # The baseline: the same rows, typed and ready, straight into the table.
        insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert
        plain_s = 0.0
        for _ in range(BATCHES):
            observation = _observation(cycle.id)
            started = datetime.fromisoformat(observation["started_at"])
            db.session.add(Observation(id=observation["id"], cycle_id=cycle.id, started_at=started))
            db.session.commit()
            rows = make_events(observation["id"], lookfor_ids, BATCH, 3_600_000)
            for row in rows:
                row["recorded_at"] = datetime.fromisoformat(row["recorded_at"])
            start = time.perf_counter()
            db.session.execute(
                insert(Event.__table__).on_conflict_do_nothing(index_elements=["id"]), rows
            )
            db.session.commit()
            plain_s += time.perf_counter() - start
        engine = db.engine.dialect.name
    events = BATCH * BATCHES
    return {
        "engine": engine,
        "service_eps": events / service_s,
        "plain_eps": events / plain_s,
        "ratio": plain_s and (events / service_s) / (events / plain_s),
    }


def run(urls: list[str]) -> tuple[str, list[dict]]:
    results = [measure(url) for url in urls]
    lines = [
        "## Sync ingest",
        "",
        f"{BATCHES} batches of {BATCH:,} events each through `apply_sync_batch` (validation, "
        "ownership checks, insert-on-conflict with versions, one transaction per batch), against "
        "a plain insert-on-conflict of the same rows into the same table in the same run. "
        "Target ratio ≥ 0.2.",
        "",
        "| database | sync service | plain insert-on-conflict | ratio |",
        "| --- | --- | --- | --- |",
        *[
            f"| {r['engine']} | {r['service_eps']:,.0f} events/s | {r['plain_eps']:,.0f} events/s"
            f" | {r['ratio']:.2f} |"
            for r in results
        ],
        "",
    ]
    return "\n".join(lines), results
