"""Response headers and error pages shared by every area."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from .extensions import db

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Try again shortly · Lookfor</title></head>
<body><main><h1>{message}</h1>
<p>Anything recorded on this device stays on it and syncs when the server is back.</p>
<p><a href="/">Try again</a></p></main></body></html>"""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Every id column is a 32-bit integer on PostgreSQL, and SQLite cannot bind past 64 bits.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id from 1 to MAX_ID in ASCII digits. Anything else does
    not match, so it answers 404 before it can reach (and overflow) the database."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, fixed_digits, min, max)


UNREADABLE_TEXT = (
    "Something you sent has a character Lookfor cannot store (a NUL, or text that is not "
    "valid Unicode). Remove it and try again."
)


def _is_storable(text: str) -> bool:
    """Text PostgreSQL and SQLite can hold: no NUL, and encodable as UTF-8 (no lone
    surrogates, which a multipart part declared in another charset can produce)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _raw_is_storable(raw: bytes) -> bool:
    """A query string or form body, percent-decoded: UTF-8 without NUL. Checked on the bytes
    because werkzeug keeps an invalid escape such as %ED%A0%80 as its literal text, or drops
    the whole form, rather than saying so."""
    try:
        return _is_storable(unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8"))
    except UnicodeDecodeError:
        return False


def has_unstorable_input() -> bool:
    """Whether any field of the query string or the form holds text that cannot be stored."""
    if not _raw_is_storable(request.query_string):
        return True
    if request.mimetype == "application/x-www-form-urlencoded":
        # Read (and cache) the body before request.form parses it from the cache.
        if not _raw_is_storable(request.get_data(cache=True)):
            return True
    return not all(
        _is_storable(key) and _is_storable(value)
        for fields in (request.args, request.form)
        for key, value in fields.items(multi=True)
    )


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def init_app(app: Flask) -> None:
    def refuse_unstorable_input():
        """400 with a plain reason for a NUL or broken Unicode in any field, before it can
        fail at the database (PostgreSQL refuses NUL in text) as a 500."""
        if has_unstorable_input():
            if wants_json():
                return jsonify(error="bad_request", message=UNREADABLE_TEXT), 400
            return render_template("error.html", code=400, message=UNREADABLE_TEXT), 400

    # First of all before_request functions: ahead of the CSRF check, which would otherwise
    # answer "this form expired" for a body whose fields werkzeug could not decode.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_input)

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["HTTPS"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.after_request
    def never_store_private_responses(response):
        """Pages, htmx fragments, CSV, JSON and share views carry coaching data: neither the
        HTTP cache nor the back/forward cache may keep them, so "Back" after signing out shows
        nothing. Static files (addressed by content) and the service worker say their own."""
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(exc):
        """A database locked past its busy timeout, or down: 503 and a time to retry, never a
        500. Nothing was written (the transaction is rolled back), so a retry is safe."""
        db.session.rollback()
        app.logger.warning("database unavailable: %s", exc)
        message = "The database is busy or unavailable. Nothing was lost: try again shortly."
        if wants_json():
            response = jsonify(error="unavailable", message=message)
        else:
            # Not render_template: its context processors load the signed-in coach, which
            # needs the database that just failed.
            response = app.make_response(UNAVAILABLE_PAGE.format(message=escape(message)))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = "This form expired or came from another site. Reload the page and try again."
        if wants_json():
            return jsonify(error="csrf", message=message), 403
        return render_template("error.html", code=403, message=message), 403

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: "That request could not be understood.",
            403: "You do not have access to that.",
            404: "There is nothing here, or it is not yours to see.",
            405: "That action is not allowed here.",
            413: "That is too large to accept in one request.",
            429: "Too many attempts. Wait a few minutes, then try again.",
        }
        message = messages.get(exc.code, exc.description)
        if wants_json():
            return jsonify(error=exc.name.lower().replace(" ", "_"), message=message), exc.code
        return render_template("error.html", code=exc.code, message=message), exc.code
