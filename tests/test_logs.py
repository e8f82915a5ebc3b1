"""Share tokens never reach a log: gunicorn's access and error logs, Flask's "Exception on …"
and werkzeug's dev-server lines all write /s/… in place of the token."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from sqlalchemy import text

from app import logs
from app.extensions import db
from tests import helpers

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "Sx7Qk2PzT0pB_r4nd0m-t0k3n-0f-43-ch4r5-XYZ12"


def test_redact_replaces_the_secret_segment_only():
    assert logs.redact(f'"GET /s/{TOKEN}/reflection?saved=1 HTTP/1.1" 200') == (
        '"GET /s/…/reflection?saved=1 HTTP/1.1" 200')
    assert logs.redact(f"Exception on /s/{TOKEN} [GET]") == "Exception on /s/… [GET]"
    assert logs.redact(f"/login?next=%2Fs%2F{TOKEN}") == "/login?next=%2Fs%2F…"
    assert logs.redact("GET /static/js/app.js /cycles/3/capture") == (
        "GET /static/js/app.js /cycles/3/capture")


def test_a_new_secret_prefix_is_one_entry(monkeypatch):
    monkeypatch.setattr(logs, "SECRET_PATH_PREFIXES", [*logs.SECRET_PATH_PREFIXES, "/c/"])
    assert logs.redact(f"GET /c/{TOKEN} and /s/{TOKEN}") == "GET /c/… and /s/…"


def test_flask_exception_log_is_redacted(app, monkeypatch, caplog, capsys):
    from app.share import services

    def broken(token):
        raise RuntimeError("the database answered nonsense")

    monkeypatch.setattr(services, "resolve", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get(f"/s/{TOKEN}")
    assert response.status_code == 500
    written = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    written += "".join(capsys.readouterr())
    assert "Exception on /s/… [GET]" in written
    assert "the database answered nonsense" in written  # the traceback is there
    assert TOKEN not in written


def test_werkzeug_dev_server_lines_are_redacted(app, caplog):
    from werkzeug._internal import _log

    with caplog.at_level(logging.INFO, logger="werkzeug"):
        _log("info", '%s - - [%s] "%s" %s %s', "127.0.0.1", "02/Mar/2026 09:00:00",
             f"GET /s/{TOKEN} HTTP/1.1", "200", "-")
    assert '"GET /s/… HTTP/1.1" 200' in caplog.text and TOKEN not in caplog.text


def test_gunicorn_logger_access_is_redacted(capsys):
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = logs.RedactingLogger(cfg)

    class Response:
        status, status_code, sent = "200 OK", 200, 512
        headers = [("Content-Type", "text/html")]

    class Req:  # the fields of gunicorn's own request the access log reads
        method, path, query, version = "GET", f"/s/{TOKEN}", "saved=1", (1, 1)
        uri = f"/s/{TOKEN}?saved=1"
        headers = [("REFERER", f"https://lookfor.example/s/{TOKEN}")]

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": Req.uri, "PATH_INFO": Req.path,
               "QUERY_STRING": Req.query, "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": Req.headers[0][1]}
    logger.access(Response(), Req(), environ, timedelta(seconds=0.01))
    logger.error("Error handling request %s", Req.uri)
    out, err = capsys.readouterr()
    assert "/s/…" in out and "/s/…" in err
    assert TOKEN not in out + err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> int:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


@pytest.fixture
def shared_tokens(tmp_path):
    """A scratch SQLite database with two shared observations; the second one's start time is
    garbage, so opening its link raises inside the app."""
    from flask_migrate import upgrade

    from app import create_app
    from app.models import Observation
    from app.share.services import create_link

    url = f"sqlite:///{tmp_path / 'logs.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "logs-test"})
    with app.app_context():
        upgrade()
        good, _ = helpers.record_observation(helpers.make_world("a@school.test", "A"), [(0, 5)])
        # Another coach's cycle: the good debrief's trend must not read the garbage.
        bad, _ = helpers.record_observation(helpers.make_world("b@school.test", "B"), [(0, 5)])
        _, good_token = create_link(db.session.get(Observation, good))
        _, bad_token = create_link(db.session.get(Observation, bad))
        db.session.execute(text("UPDATE observation SET started_at = 'not a time' WHERE id = :i"),
                           {"i": bad})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url, good_token, bad_token


def test_gunicorn_as_make_run_starts_it_logs_no_token(tmp_path, shared_tokens):
    url, good_token, bad_token = shared_tokens
    port = free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    # The Makefile's run target's flags.
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--threads", "2", "--access-logfile", "-",
               "--logger-class", "app.logs.RedactingLogger", "wsgi:app"]
    makefile = (ROOT / "Makefile").read_text()
    assert "--access-logfile - --logger-class app.logs.RedactingLogger wsgi:app" in makefile
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "logs-test"}
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
                                  start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, err.read_text()
                    time.sleep(0.1)
            assert fetch(f"{base}/s/{good_token}") == 200
            assert fetch(f"{base}/s/{good_token}?saved=1") == 200
            assert fetch(f"{base}/s/{bad_token}") == 500
            assert fetch(f"{base}/login?next=/s/{good_token}") == 200
        finally:
            server.terminate()
            server.wait(timeout=15)
    written = out.read_text() + err.read_text()
    assert '"GET /s/… HTTP/1.1" 200' in written  # the access log
    assert "Exception on /s/… [GET]" in written  # Flask's error log, through gunicorn
    assert "Traceback" in written
    assert good_token not in written and bad_token not in written
