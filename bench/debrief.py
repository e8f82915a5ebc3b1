"""The debrief page of a long lesson: 2,000 events over 60 minutes, server time per render."""

from __future__ import annotations

import gc
import gzip
import re
import time
import uuid

from app.extensions import db
from app.models import Coach
from app.sync.services import apply_sync_batch

from .common import make_app, make_coach, make_events, sqlite_url, summary

RENDERS = 50


def measure(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        coach, cycle = make_coach()
        observation_id = str(uuid.uuid4())
        events = make_events(observation_id, [lf.id for lf in cycle.lookfors], 2000, 3_600_000)
        apply_sync_batch(coach, {"observations": [{
            "id": observation_id, "cycle_id": cycle.id, "started_at": "2026-03-02T09:00:00+00:00",
            "ended_at": "2026-03-02T10:00:00+00:00"}], "events": events})
        coach_id = coach.id
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "bench@lookfor.test", "password": "bench password",
                                "csrf_token": token})
    timings = []
    first = client.get(f"/observations/{observation_id}")  # warm the template cache
    html = first.get_data()
    sizes = {"raw_kb": len(html) / 1024, "gzip_kb": len(gzip.compress(html, 6)) / 1024}
    served = client.get(f"/observations/{observation_id}",
                        headers={"Accept-Encoding": "br, gzip"})
    sizes["served_kb"] = len(served.get_data()) / 1024
    sizes["served_as"] = served.headers.get("Content-Encoding", "identity")
    gc.freeze()  # as wsgi.py does at start-up
    for _ in range(RENDERS):
        start = time.perf_counter()
        response = client.get(f"/observations/{observation_id}")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with app.app_context():
        engine = db.engine.dialect.name
        assert db.session.get(Coach, coach_id)
    return {"engine": engine, **summary(timings), **sizes}


def run(urls: list[str]) -> tuple[str, list[dict]]:
    results = [measure(url) for url in urls]
    lines = [
        "## Debrief of a long lesson",
        "",
        f"GET of the coach's debrief for an observation of 2,000 events over 60 minutes (counts, "
        f"rates, SVG timeline, table, notes, trend, the goal's progress), {RENDERS} renders "
        "through the WSGI app (server time, no network, uncompressed). Targets: median ≤ 35 ms "
        "on SQLite and ≤ 50 ms on PostgreSQL; ≤ 150 KB of HTML gzipped. *Served* is what a "
        "browser asking for `br, gzip` receives from the app itself (no proxy).",
        "",
        "| database | median | p95 | max | HTML | gzipped | served |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *[f"| {r['engine']} | {r['median']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms | "
          f"{r['raw_kb']:.0f} KB | {r['gzip_kb']:.0f} KB | {r['served_kb']:.0f} KB "
          f"({r['served_as']}) |"
          for r in results],
        "",
    ]
    return "\n".join(lines), results


if __name__ == "__main__":
    print(run([sqlite_url()])[0])
