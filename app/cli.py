"""Command-line tasks: `flask --app wsgi create-coach`, `seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from .auth.services import AccountError, create_coach
from .cycles.services import create_cycle, set_status, update_lookfor
from .extensions import db
from .models import Coach, CycleStatus, LookForKind
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
    return True


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

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Add the demo coach and cycle when the database is empty."""
        if seed_demo():
            click.echo(f"Seeded the demo: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
        else:
            click.echo("The database already has coaches: demo not added.")
