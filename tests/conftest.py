"""Fixtures: one app and one real database per test session (SQLite file, or PostgreSQL when
DATABASE_URL is set), built by the real migrations and emptied after every test."""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests import helpers


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'lookfor-test.db'}"
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )
    with app.app_context():
        if url.startswith("postgresql"):
            # A PostgreSQL database may hold an earlier run's schema: start from nothing.
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # psycopg warns about connections left open at exit


@pytest.fixture(autouse=True)
def clean_database(app):
    yield
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in db.metadata.sorted_tables]
        if db.engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                db.session.execute(text(f'DELETE FROM "{name}"'))
        db.session.commit()


@pytest.fixture
def ctx(app):
    """An app context for calling services directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def coach(app):
    """A signed-up coach with a teacher and a cycle of three look-fors."""
    with app.app_context():
        return helpers.make_world("coach@school.test", "Casey Coach")


@pytest.fixture
def other_coach(app):
    with app.app_context():
        return helpers.make_world("other@school.test", "Olive Other")


@pytest.fixture
def coach_client(app, coach):
    client = app.test_client()
    helpers.login(client, coach.email, coach.password)
    return client




@pytest.fixture
def scratch_database_url(app, tmp_path):
    """An empty database of the same engine as the suite's, for tests that run the app in
    other processes and rebuild the schema (gunicorn load and fault tests)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'scratch.db'}"
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_scratch"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)
