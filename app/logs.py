"""Secrets in URLs never reach a log.

A teacher's share link (/s/<token>) opens a debrief to whoever holds it, so an access log or a
traceback that prints the path would hand the debrief to anyone who reads the logs. Every log
line is written with the secret path segment replaced: "/s/…". Later secret URLs (cycle links,
a calendar feed) add their prefix to SECRET_PATH_PREFIXES and are covered everywhere.

Flask's and werkzeug's loggers get a filter (init_app); gunicorn gets a logger class:
`gunicorn --logger-class app.logs.RedactingLogger …`."""

from __future__ import annotations

import logging
import re
from functools import cache

from flask import Flask
from flask.logging import default_handler
from gunicorn.glogging import Logger as GunicornLogger

# /b/: a teacher's booking link; /calendar/: a coach's private feed (app/schedule).
SECRET_PATH_PREFIXES: list[str] = ["/s/", "/c/", "/b/", "/calendar/"]
REDACTED = "…"


@cache
def _pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    # Each prefix as written or percent-encoded (a ?next=%2Fs%2F… query), then the one path
    # segment that is the secret.
    alternatives = []
    for prefix in prefixes:
        plain = re.escape(prefix)
        encoded = "".join("(?:/|%2F)" if c == "/" else re.escape(c) for c in prefix)
        alternatives.append(f"{plain}|{encoded}")
    return re.compile(rf"({'|'.join(alternatives)})[^/\s?#&\"'%]+(?:%[^/\s?#&\"']*)?",
                      re.IGNORECASE)


def redact(text: str) -> str:
    """The text with every secret path segment replaced by "…"."""
    if not text:
        return text
    return _pattern(tuple(SECRET_PATH_PREFIXES)).sub(lambda m: m.group(1) + REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, traceback and stack in place, before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(target: logging.Logger | logging.Handler) -> None:
    """Add the filter once (create_app may run several times in a process)."""
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(RedactingFilter())


def init_app(app: Flask) -> None:
    """Flask's "Exception on /s/<token> [GET]", and werkzeug's dev-server request lines."""
    install(app.logger)
    install(logging.getLogger("werkzeug"))
    # A logger's filters do not see records from its children ("app.x"), its handler's do.
    install(default_handler)


class RedactingLogger(GunicornLogger):
    """gunicorn's logger, with the access log and the error log redacted."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        install(self.error_log)
        install(self.access_log)
