"""Command-line tasks: `flask --app wsgi create-coach`, `reset-password`, `seed-demo`,
`backup`."""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from .account.services import reset_password
from .auth.services import AccountError, create_coach
from .cycles.services import create_cycle, set_status, update_lookfor
from .extensions import db
from .models import Coach, CycleStatus, LookForKind
from .sync.services import apply_sync_batch
from .teachers.services import add_teacher

DEMO_EMAIL = "demo@lookfor.test"
DEMO_PASSWORD = "lookfor-demo"


def seed_demo() -> bool:
    """A demo coach, a teacher and an open cycle, only into an empty database."""
    if db.session.scalar(select(func.count()).select_from(Coach)):
        return False
    coach = create_coach(DEMO_EMAIL, "Demo Coach", DEMO_PASSWORD)
    teacher = add_teacher(coach, "Ms. Rivera", "Grade 7", "English Language Arts")
    cycle = create_cycle(
        teacher,
        goal="80% of students cite text evidence when they make an inference",
        focus_area="student_outcomes",
        baseline="40% of students cite text evidence",
        target="80% of students cite text evidence",
        norms="Debrief within 24 hours of each observation",
        lookfor_lines="Student question\nText evidence cited\nTeacher talk\nStudent talk\n"
        "Verbatim quote",
    )
    kinds = {
        "Teacher talk": LookForKind.DURATION,
        "Student talk": LookForKind.DURATION,
        "Verbatim quote": LookForKind.NOTE,
    }
    for lookfor in cycle.lookfors:
        if lookfor.label in kinds:
            update_lookfor(lookfor, lookfor.label, kinds[lookfor.label])
    set_status(cycle, CycleStatus.OBSERVING)
    seed_demo_observations(coach, cycle)
    return True


def seed_demo_observations(coach, cycle) -> None:
    """Two earlier lessons, so the demo debrief has a timeline and a trend to read."""
    ids = {lf.label: lf.id for lf in cycle.lookfors}
    rng = random.Random(7)  # the same demo every time
    now = datetime.now(UTC).replace(microsecond=0)
    lessons = [
        (now - timedelta(days=8), 4, 3, [(0, 900), (1500, 1000)], "Nice work, kids were engaged"),
        (now - timedelta(days=1), 8, 7, [(0, 600), (1500, 500)], "S: 'On page 12 it says...'"),
    ]
    for started, questions, evidence, talk, quote in lessons:
        moments = [("Student question", rng.randrange(60, 2340), {}) for _ in range(questions)]
        moments += [("Text evidence cited", rng.randrange(60, 2340), {}) for _ in range(evidence)]
        for start, length in talk:
            moments.append(("Teacher talk", start, {"duration_ms": length * 1000}))
            moments.append(("Student talk", start + length, {"duration_ms": length * 500}))
        moments.append(("Verbatim quote", 1260, {"note": quote}))
        moments.append((None, 1800, {"note": "Exit ticket: 14 of 26 cited a page number"}))
        observation_id = str(uuid.uuid4())
        events = [
            {
                "id": str(uuid.uuid4()), "observation_id": observation_id,
                "lookfor_id": ids.get(label), "offset_ms": offset_s * 1000,
                "recorded_at": (started + timedelta(seconds=offset_s)).isoformat(), **extra,
            }
            for label, offset_s, extra in moments
        ]
        apply_sync_batch(coach, {
            "observations": [{
                "id": observation_id, "cycle_id": cycle.id, "started_at": started.isoformat(),
                "ended_at": (started + timedelta(minutes=40)).isoformat(),
            }],
            "events": events,
        })


class BackupError(RuntimeError):
    pass


def backup_sqlite(path: str) -> int:
    """SQLite's online backup: a consistent snapshot even while other connections write."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (see the README)."
        )
    target = Path(path)
    if target.exists():
        raise BackupError(f"{path} already exists; choose a new file.")
    source = sqlite3.connect(url.database)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
        return destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
        source.close()


def register_cli(app: Flask) -> None:
    @app.cli.command("create-coach")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_coach_command(email: str, name: str, password: str) -> None:
        """Create a coach account."""
        try:
            coach = create_coach(email, name, password)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Created coach {coach.email}.")

    @app.cli.command("reset-password")
    @click.option("--email", required=True)
    @click.option("--password", prompt="New password", hide_input=True,
                  confirmation_prompt=True)
    def reset_password_command(email: str, password: str) -> None:
        """Set a coach's password (no mail server needed) and sign them out everywhere."""
        try:
            coach = reset_password(email, password)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"New password set for {coach.email}; every device they used is signed out.")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    def backup_command(path: str) -> None:
        """Copy the SQLite database to PATH, consistently, while the app runs."""
        try:
            pages = backup_sqlite(path)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Backed up {pages} pages to {path}.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Add the demo coach and cycle when the database is empty."""
        if seed_demo():
            click.echo(f"Seeded the demo: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
        else:
            click.echo("The database already has coaches: demo not added.")
