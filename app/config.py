"""Configuration: defaults, then the environment. The factory applies test_config last."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def database_url(instance_path: str) -> str:
    """DATABASE_URL, or a SQLite file under instance/ (the embedded default)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'lookfor.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip()


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def env_count(name: str, default: int) -> int:
    """A whole number of at least 0 from the environment; a typo stops the app at start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # How long a write waits for another writer before giving up (answered as 503).
        return {"connect_args": {"timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "5"))}}
    return {"pool_pre_ping": True}


def from_environment(instance_path: str) -> dict:
    https = env_flag("HTTPS", False)
    url = database_url(instance_path)
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "ALLOW_SIGNUP": env_flag("ALLOW_SIGNUP", True),
        "ASSET_VERSION": os.environ.get("ASSET_VERSION", ""),
        # How many proxies in front set X-Forwarded-For/-Proto/-Host (0: clients connect
        # directly, and those headers, which anyone can forge, are ignored).
        "TRUSTED_PROXIES": env_count("TRUSTED_PROXIES", 0),
        "HTTPS": https,
        # Coaches sync after days offline: stay signed in for 30 days.
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        # The sync API checks its token itself (after sign-in); forms use the default check.
        "WTF_CSRF_TIME_LIMIT": 3600,
        # A 5,000-event batch is about 1.5 MB; refuse bodies far past that before parsing.
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        # gzip for every client, Brotli where the browser asks for it; HTML, JSON, CSS, JS, SVG,
        # CSV and calendars over 500 bytes (Flask-Compress).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": ["text/html", "application/json", "text/css", "text/javascript",
                               "application/javascript", "image/svg+xml", "text/csv",
                               "text/calendar", "application/manifest+json"],
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
    }
