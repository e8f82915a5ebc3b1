from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Coach, Cycle, Event, Observation


def test_seed_demo_only_into_an_empty_database(runner, ctx):
    result = runner.invoke(args=["seed-demo"])
    assert "demo@lookfor.test / lookfor-demo" in result.output
    coach = db.session.scalar(select(Coach))
    assert coach.check_password("lookfor-demo")
    cycle = db.session.scalar(select(Cycle))
    assert cycle.is_open and [lf.kind for lf in cycle.lookfors] == [
        "tally", "tally", "duration", "duration", "note"]
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 2
    events = db.session.scalar(select(func.count()).select_from(Event))
    assert events > 10

    again = runner.invoke(args=["seed-demo"])
    assert "already has coaches" in again.output
    assert db.session.scalar(select(func.count()).select_from(Coach)) == 1
    assert db.session.scalar(select(func.count()).select_from(Event)) == events


def test_migrations_match_the_models(ctx):
    """The schema the migrations built is the one the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []


def test_reset_password_sets_it_and_signs_the_coach_out_everywhere(app, runner, coach):
    from tests import helpers

    phone = app.test_client()
    helpers.login(phone, coach.email, coach.password)
    assert phone.get("/").status_code == 200
    result = runner.invoke(args=["reset-password", "--email", "Coach@School.test",
                                 "--password", "reset by the admin"])
    assert result.exit_code == 0, result.output
    assert "every device they used is signed out" in result.output
    assert phone.get("/").status_code == 302
    assert phone.get("/api/v1/cycles").status_code == 401
    assert helpers.login(app.test_client(), coach.email, coach.password).status_code == 401
    assert helpers.login(app.test_client(), coach.email, "reset by the admin").status_code == 302


def test_reset_password_prompts_twice(app, runner, coach):
    result = runner.invoke(args=["reset-password", "--email", coach.email],
                           input="prompted new one\nprompted new one\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("New password") >= 2  # asked, then asked to repeat
    with app.app_context():
        assert db.session.get(Coach, coach.coach_id).check_password("prompted new one")


def test_reset_password_refuses_an_unknown_email_or_a_short_password(runner, coach):
    unknown = runner.invoke(args=["reset-password", "--email", "nobody@school.test",
                                  "--password", "long enough pw"])
    assert unknown.exit_code != 0 and "No coach has the email nobody@school.test" in unknown.output
    short = runner.invoke(args=["reset-password", "--email", coach.email, "--password", "short"])
    assert short.exit_code != 0 and "at least 8 characters" in short.output
