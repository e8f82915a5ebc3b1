"""Sync ingest: 5,000-event batches through the HTTP API (POST /api/v1/sync to gunicorn, the
client on the same machine), against the database driver itself (sqlite3 or psycopg, no ORM)
inserting the same rows with insert-on-conflict into the same table, in the same run."""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
import uuid
from datetime import UTC, datetime
from urllib.request import Request

from .common import make_app, make_coach, make_events
from .server import Gunicorn, SyncClient

BATCH = 5000
BATCHES = 6  # after one warm-up batch
COLUMNS = ("id", "observation_id", "lookfor_id", "offset_ms", "recorded_at", "count",
           "duration_ms", "note", "deleted", "version")


def _observation(cycle_id: int) -> dict:
    return {"id": str(uuid.uuid4()), "cycle_id": cycle_id,
            "started_at": "2026-03-02T09:00:00Z", "ended_at": None}


def post_body(client: SyncClient, body: bytes) -> tuple[int, dict]:
    request = Request(f"{client.base}/api/v1/sync", data=body,
                      headers={"Content-Type": "application/json", "X-CSRFToken": client.token})
    status, answer = client._open(request)
    return status, json.loads(answer)


def through_the_api(url: str, coach_email: str, cycle_id: int, lookfor_ids: list[int]) -> list:
    """Seconds per batch, from sending the request to having the answer."""
    bodies = []
    for _ in range(BATCHES + 1):
        observation = _observation(cycle_id)
        events = make_events(observation["id"], lookfor_ids, BATCH, 3_600_000)
        bodies.append(json.dumps({"observations": [observation], "events": events}).encode())
    times = []
    with Gunicorn(url, workers=2) as server:
        client = SyncClient(server.url)
        client.sign_in(coach_email, "bench password")
        client.fetch_token()
        for body in bodies:
            start = time.perf_counter()
            status, answer = post_body(client, body)
            times.append(time.perf_counter() - start)
            assert status == 200 and len(answer["events"]["accepted"]) == BATCH, status
    return times[1:]


def driver_rows(observation_id: str, lookfor_ids: list[int], sqlite_times: bool) -> list[tuple]:
    recorded = datetime(2026, 3, 2, 9, tzinfo=UTC)
    stamp = recorded.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite_times else recorded
    return [
        (e["id"], e["observation_id"], e["lookfor_id"], e["offset_ms"], stamp, e["count"],
         e["duration_ms"], e["note"], False, 1)
        for e in make_events(observation_id, lookfor_ids, BATCH, 3_600_000)
    ]


def with_the_driver(url: str, cycle_id: int, lookfor_ids: list[int], copy: bool = False) -> list:
    """Seconds per batch for the driver's own executemany of an insert-on-conflict (or, for
    PostgreSQL, its COPY, which has no conflict handling but is the fastest way in)."""
    sqlite = url.startswith("sqlite")
    mark = "?" if sqlite else "%s"
    insert = (f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES "
              f"({', '.join([mark] * len(COLUMNS))}) ON CONFLICT (id) DO NOTHING")
    if sqlite:
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    else:
        import psycopg
        connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    times = []
    try:
        for _ in range(BATCHES + 1):
            observation_id = str(uuid.uuid4())
            cursor = connection.cursor()
            cursor.execute(
                f"INSERT INTO observation (id, cycle_id, started_at, received_at) "
                f"VALUES ({mark}, {mark}, {mark}, {mark})",
                (observation_id, cycle_id, *(["2026-03-02 09:00:00.000000"] * 2 if sqlite
                                             else [datetime.now(UTC)] * 2)))
            connection.commit()
            rows = driver_rows(observation_id, lookfor_ids, sqlite)
            start = time.perf_counter()
            cursor = connection.cursor()
            if copy:
                with cursor.copy(f"COPY event ({', '.join(COLUMNS)}) FROM STDIN") as stream:
                    for row in rows:
                        stream.write_row(row)
            else:
                cursor.executemany(insert, rows)
            connection.commit()
            times.append(time.perf_counter() - start)
    finally:
        connection.close()
    return times[1:]


def measure(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        coach, cycle = make_coach()
        email, cycle_id = coach.email, cycle.id
        lookfor_ids = [lf.id for lf in cycle.lookfors]
        engine = "postgresql" if url.startswith("postgresql") else "sqlite"
    api = through_the_api(url, email, cycle_id, lookfor_ids)
    driver_s = statistics.median(with_the_driver(url, cycle_id, lookfor_ids))
    how = "executemany"
    if engine == "postgresql":
        copy_s = statistics.median(with_the_driver(url, cycle_id, lookfor_ids, copy=True))
        if copy_s < driver_s:
            driver_s, how = copy_s, "COPY"
    api_s = statistics.median(api)
    return {"engine": engine, "api_eps": BATCH / api_s, "driver_eps": BATCH / driver_s,
            "api_ms": api_s * 1000, "driver_ms": driver_s * 1000, "ratio": driver_s / api_s,
            "how": how}


def run(urls: list[str]) -> tuple[str, list[dict]]:
    results = [measure(url) for url in urls]
    lines = [
        "## Sync ingest",
        "",
        f"{BATCHES} batches of {BATCH:,} events each (after a warm-up), POSTed as JSON to "
        "/api/v1/sync on gunicorn (2 workers) from a client on the same machine: decoding, "
        "validation, ownership, versions and tombstones, one transaction per batch. The "
        "reference is the database driver itself (Python's sqlite3 or psycopg, no ORM) running "
        "an executemany insert-on-conflict of the same number of rows into the same table (for "
        "PostgreSQL also COPY; the faster of the two is the reference), in the same run. "
        "Medians. Target: ratio ≥ 0.3.",
        "",
        "| database | HTTP API | per batch | the driver | per batch | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
        *[
            f"| {r['engine']} | {r['api_eps']:,.0f} events/s | {r['api_ms']:.0f} ms | "
            f"{r['driver_eps']:,.0f} events/s ({r['how']}) | {r['driver_ms']:.0f} ms | "
            f"{r['ratio']:.2f} |"
            for r in results
        ],
        "",
    ]
    return "\n".join(lines), results
