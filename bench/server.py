"""The app under gunicorn in its own processes, and a small sync client, for the load
benchmark and the fault tests (which kill the server mid-batch)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn serving wsgi:app on a free local port, against database_url."""

    def __init__(self, database_url: str, workers: int = 2, secret_key: str = "load-secret"):
        self.database_url, self.workers, self.secret_key = database_url, workers, secret_key
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--threads", "2", "--log-level", "warning",
             "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start") from None
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start in 30 s")

    def kill(self) -> None:
        """SIGKILL the whole process group: master and workers die mid-request."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SyncClient:
    """A coach's device: signs in with a form, fetches a CSRF token, posts batches."""

    def __init__(self, base: str, timeout: float = 60):
        self.base, self.timeout = base, timeout
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.token: str | None = None

    def _open(self, request: Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def sign_in(self, email: str, password: str) -> None:
        status, page = self._open(Request(f"{self.base}/login"))
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        body = urlencode({"email": email, "password": password, "csrf_token": token}).encode()
        status, _ = self._open(Request(f"{self.base}/login", data=body))
        if status != 200:  # the redirect to the dashboard is followed
            raise RuntimeError(f"sign-in failed: {status}")

    def fetch_token(self) -> None:
        status, body = self._open(Request(f"{self.base}/api/v1/csrf"))
        if status != 200:
            raise RuntimeError(f"csrf token: {status}")
        self.token = json.loads(body)["csrf_token"]

    def sync(self, batch: dict) -> tuple[int, dict | None]:
        """POST one batch; (status, answer) with answer None when the body is not JSON."""
        if self.token is None:
            self.fetch_token()
        request = Request(
            f"{self.base}/api/v1/sync", data=json.dumps(batch).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        status, body = self._open(request)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None

    def sync_until_accepted(self, batch: dict, deadline_s: float = 60) -> tuple[dict, int]:
        """Retry through network errors and 5xx, as the outbox does; (answer, attempts)."""
        attempts, delay, deadline = 0, 0.1, time.monotonic() + deadline_s
        while True:
            attempts += 1
            try:
                status, answer = self.sync(batch)
                if status == 200:
                    return answer, attempts
            except (URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"batch not accepted after {attempts} attempts")
            time.sleep(delay)
            delay = min(delay * 2, 2)
