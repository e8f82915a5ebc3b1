"""Headers on every kind of page, and the database-unavailable path (503, never 500)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests import helpers


def page_kinds(client, coach, app):
    with app.app_context():
        oid, _ = helpers.record_observation(coach, [(0, 5)])
    token = helpers.csrf_token(client, "/")
    response = client.post(f"/observations/{oid}/share", data={"days": "30"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    share_token = response.get_data(as_text=True).split("/s/")[1].split('"')[0]
    return {
        "dashboard": "/", "teacher": f"/teachers/{coach.teacher_id}",
        "cycle": f"/cycles/{coach.cycle_id}", "capture": f"/cycles/{coach.cycle_id}/capture",
        "debrief": f"/observations/{oid}", "share": f"/s/{share_token}",
        "offline": "/offline", "not found": "/nope", "csv": f"/observations/{oid}/events.csv",
        "manifest": "/manifest.webmanifest", "worker": "/sw.js",
        "api": "/api/v1/cycles",
    }


def test_headers_on_every_page_kind(coach_client, coach, app):
    for kind, url in page_kinds(coach_client, coach, app).items():
        response = coach_client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        if response.mimetype == "text/html":
            csp = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, kind
            assert "unsafe-inline" not in csp, kind
            # No inline scripts: every <script> has a src, or is inert JSON data.
            html = response.get_data(as_text=True)
            for tag in html.split("<script")[1:]:
                head = tag.split(">", 1)[0]
                assert "src=" in head or 'type="application/json"' in head, (kind, head)
            # Nor inline event handlers (onclick=...), which the policy would block.
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), kind


def test_login_page_headers_and_hsts_only_on_https(client, tmp_path, monkeypatch):
    response = client.get("/login")
    assert "Content-Security-Policy" in response.headers
    assert "Strict-Transport-Security" not in response.headers
    monkeypatch.setenv("HTTPS", "1")
    secure = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.db'}"})
    assert "max-age=" in secure.test_client().get("/login").headers["Strict-Transport-Security"]


@pytest.fixture
def sqlite_app(tmp_path):
    """An app of its own on a SQLite file, with a short busy timeout."""
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.5}}})
    with app.app_context():
        upgrade()
        world = helpers.make_world("lock@school.test", "Lock")
    yield app, world, tmp_path / "locked.db"
    with app.app_context():
        db.engine.dispose()


def test_locked_database_answers_503_json_with_retry_after(sqlite_app):
    app, world, path = sqlite_app
    client = app.test_client()
    helpers.login(client, world.email, world.password)
    token = client.get("/api/v1/csrf").json["csrf_token"]
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/api/v1/sync", json={
            "observations": [{"id": "7d8f9e0a-1b2c-4d3e-8f4a-5b6c7d8e9f00",
                              "cycle_id": world.cycle_id,
                              "started_at": "2026-03-02T09:00:00Z", "ended_at": None}],
            "events": []}, headers={"X-CSRFToken": token})
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503
    assert response.json["error"] == "unavailable"
    assert response.headers["Retry-After"].isdigit()


def test_database_down_answers_503_not_500():
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://nobody:nothing@127.0.0.1:1/none?connect_timeout=1",
                      "SECRET_KEY": "x"})
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
    api = client.get("/api/v1/cycles")
    assert api.status_code == 503 and api.json["error"] == "unavailable"
    assert api.headers["Retry-After"]
    page = client.get("/")
    assert page.status_code == 503 and "try again" in page.get_data(as_text=True).lower()


def test_backup_is_consistent_while_the_app_writes(sqlite_app, tmp_path):
    app, world, path = sqlite_app
    stop = threading.Event()

    def writer():
        connection = sqlite3.connect(path, timeout=5)
        n = 0
        while not stop.is_set():
            with connection:
                connection.execute(
                    "INSERT INTO rate_limit_hit (key, at) VALUES (?, '2026-01-01')", (f"k{n}",))
            n += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    stop.set()
    thread.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM coach").fetchone()[0] == 1
    assert copy.execute("SELECT count(*) FROM rate_limit_hit").fetchone()[0] > 0
    again = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    assert again.exit_code != 0 and "already exists" in again.output
