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
