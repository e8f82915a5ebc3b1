"""Shared set-up for the benchmarks: a real app on a real database, a live server, Chromium."""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def sqlite_url() -> str:
    return f"sqlite:///{tempfile.mkdtemp(prefix='lookfor-bench-')}/bench.db"


def postgres_url() -> str | None:
    """BENCH_POSTGRES_URL, or a local cluster started by scripts/pg-up (None if impossible)."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        return os.environ["BENCH_POSTGRES_URL"]
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "pg-up"), "lookfor_bench"],
            check=True, capture_output=True, text=True, timeout=300,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"PostgreSQL not available for the benchmark: {exc}")
        return None
    return out.stdout.strip().splitlines()[-1]


def make_app(url: str):
    """An app on a freshly migrated, empty database at url."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        logging.disable(logging.INFO)
        upgrade()
        logging.disable(logging.NOTSET)
    return app


def make_coach(email: str = "bench@lookfor.test"):
    """A coach with a teacher and a cycle of a tally, a duration and a note look-for."""
    from app.auth.services import create_coach
    from app.cycles.services import create_cycle, update_lookfor
    from app.teachers.services import add_teacher

    coach = create_coach(email, "Bench Coach", "bench password")
    teacher = add_teacher(coach, "Bench Teacher", None, None)
    cycle = create_cycle(teacher, goal="Benchmark goal", focus_area="student_outcomes",
                         lookfor_lines="Student question\nTeacher talk\nQuote")
    update_lookfor(cycle.lookfors[1], "Teacher talk", "duration")
    update_lookfor(cycle.lookfors[2], "Quote", "note")
    return coach, cycle


def make_events(observation_id: str, lookfor_ids: list[int], n: int, span_ms: int) -> list[dict]:
    """n events spread over span_ms: tallies, durations and notes in turn."""
    events = []
    for i in range(n):
        kind = i % 3
        events.append({
            "id": str(uuid.uuid4()), "observation_id": observation_id,
            "lookfor_id": lookfor_ids[kind], "offset_ms": i * span_ms // n,
            "recorded_at": "2026-03-02T09:00:00+00:00", "count": 1,
            "duration_ms": 1500 if kind == 1 else None,
            "note": f"S{i % 28}: asked a question" if kind == 2 else None,
            "deleted": False, "version": 1,
        })
    return events


@contextmanager
def live_server(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values), "median": statistics.median(values),
        "p95": percentile(values, 95), "max": max(values),
    }
