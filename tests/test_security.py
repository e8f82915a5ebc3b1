"""Headers on every kind of page, and the database-unavailable path (503, never 500)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time

import pytest
from flask_migrate import upgrade
from werkzeug.routing import IntegerConverter

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


# Input that must answer 400 or 404, never reach the database: ids out of range, NUL bytes and
# text that is not Unicode. Both walk every route in the app, so a new route is covered too.

ROUTE_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
OUT_OF_RANGE = [0, -1, 2**31, 2**63, 10**30]


@pytest.fixture
def every_kind_of_id(app, coach, coach_client):
    """Real values for every URL argument, so only the argument under test is wrong."""
    from app.models import NextStep

    with app.app_context():
        oid, event_ids = helpers.record_observation(coach, [(0, 5)])
        db.session.add(NextStep(observation_id=oid, action="Try think-pair-share"))
        db.session.commit()
        step_id = db.session.scalar(db.select(NextStep.id))
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/observations/{oid}/share", data={"days": "30"},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    share_token = response.get_data(as_text=True).split("/s/")[1].split('"')[0]
    return {"teacher_id": coach.teacher_id, "cycle_id": coach.cycle_id,
            "lookfor_id": coach.lookfor_ids[0], "step_id": step_id, "observation_id": oid,
            "event_id": event_ids[0], "token": share_token, "filename": "css/app.css"}


def fill(rule: str, values: dict, **override) -> str:
    def value(match):
        name = match.group(2)
        return str(override.get(name, values.get(name, 1 if match.group(1) == "int" else "x")))

    return ROUTE_ARG.sub(value, rule)


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_int_route_answers_404_for_an_id_out_of_range(app, coach_client,
                                                              every_kind_of_id):
    token = helpers.csrf_token(coach_client, "/")
    int_rules = [rule for rule in app.url_map.iter_rules()
                 if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]
    assert {r.endpoint for r in int_rules} >= {"teachers.show", "share.agree", "cycles.show"}
    checked = 0
    for rule in int_rules:
        for name, converter in rule._converters.items():
            if not isinstance(converter, IntegerConverter):
                continue
            for bad in OUT_OF_RANGE:
                url = fill(rule.rule, every_kind_of_id, **{name: bad})
                for method in methods(rule):
                    response = coach_client.open(url, method=method,
                                                 headers={"X-CSRFToken": token})
                    assert response.status_code == 404, (method, url, response.status_code)
                    checked += 1
    assert checked >= 5 * 10


def test_no_route_uses_an_unbounded_int(app):
    from app.security import IdConverter

    assert app.url_map.converters["int"] is IdConverter
    for rule in app.url_map.iter_rules():
        for converter in rule._converters.values():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, IdConverter), rule.rule
                assert (converter.min, converter.max) == (1, 2**31 - 1), rule.rule


@pytest.mark.parametrize("path", ["/teachers/2147483648", "/teachers/9223372036854775808",
                                  "/teachers/-5", "/teachers/" + "9" * 5000, "/cycles/٣"])
def test_named_out_of_range_ids_answer_404_html(coach_client, path):
    response = coach_client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_largest_id_still_reaches_the_view(coach_client):
    # 2**31 - 1 fits every id column: the view runs, finds nothing, answers its own 404.
    assert coach_client.get(f"/teachers/{2**31 - 1}").status_code == 404
    assert coach_client.get(f"/cycles/{2**31 - 1}/capture").status_code == 404


# One poisoned field per route: the route's own text field where it has one.
TEXT_FIELD = {"auth.login": "email", "auth.signup": "name", "teachers.create": "name",
              "cycles.create": "goal", "cycles.add_lookfor": "label",
              "cycles.update_lookfor": "label", "share.reflect": "reflection",
              "debrief.save_conversation": "keepers", "debrief.add_next_step": "action",
              "debrief.correct_event": "note"}
UNSTORABLE = {
    "a NUL": ("urlencoded", b"Sam%00Coach"),
    "a percent-encoded lone surrogate": ("urlencoded", b"Sam%ED%A0%80"),
    "raw bytes that are not UTF-8": ("urlencoded", b"Sam\xed\xa0\x80"),
    "a lone surrogate in a UTF-16 part": ("multipart", "Sam\ud800".encode("utf-16-le",
                                                                       "surrogatepass")),
    "a NUL in a multipart part": ("multipart", b"Sam\x00"),
}


def poisoned_body(field: str, encoding: str, raw: bytes) -> tuple[bytes, str]:
    if encoding == "urlencoded":
        return b"other=fine&" + field.encode() + b"=" + raw, "application/x-www-form-urlencoded"
    part_charset = "utf-16-le" if raw.startswith(b"S\x00") else "utf-8"
    body = (b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"" + field.encode()
            + b"\"\r\nContent-Type: text/plain; charset=" + part_charset.encode()
            + b"\r\n\r\n" + raw + b"\r\n--BOUNDARY--\r\n")
    return body, "multipart/form-data; boundary=BOUNDARY"


@pytest.mark.parametrize("case", list(UNSTORABLE))
def test_every_post_route_refuses_unstorable_text_with_400(app, coach_client, every_kind_of_id,
                                                           case):
    from app.models import Teacher
    from app.security import UNREADABLE_TEXT

    token = helpers.csrf_token(coach_client, "/")
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert {r.endpoint for r in posts} >= {"auth.login", "auth.signup", "share.reflect",
                                           "teachers.create", "sync.sync"}
    for rule in posts:
        field = TEXT_FIELD.get(rule.endpoint, "note")
        body, content_type = poisoned_body(field, *UNSTORABLE[case])
        url = fill(rule.rule, every_kind_of_id)
        response = coach_client.post(url, data=body, content_type=content_type,
                                     headers={"X-CSRFToken": token})
        assert response.status_code == 400, (case, url, response.status_code)
        if url.startswith("/api/"):
            assert response.json == {"error": "bad_request", "message": UNREADABLE_TEXT}
        else:
            assert response.mimetype == "text/html"
            assert "cannot store" in response.get_data(as_text=True), url
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Teacher)) == 1


def test_signed_out_forms_and_query_strings_refuse_it_too(client):
    # Before the CSRF check: the reason is the text, not an expired form.
    for body in (b"email=a%00b&password=x", b"email=\xff&password=x"):
        response = client.post("/login", data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400 and "cannot store" in response.get_data(as_text=True)
    assert client.get("/login?next=%00").status_code == 400
    assert client.get("/login?next=%ED%A0%80").status_code == 400
    assert client.get("/login?next=caf%C3%A9+%E2%9C%93").status_code == 200


def test_ordinary_unicode_is_stored(app, coach_client):
    token = helpers.csrf_token(coach_client, "/")
    name = "Zoë Ó Briain 中文 🙂 ½"
    response = coach_client.post("/teachers", data={"name": name, "csrf_token": token})
    assert response.status_code in (200, 302, 303)
    from app.models import Teacher

    with app.app_context():
        assert name in set(db.session.scalars(db.select(Teacher.name)))
