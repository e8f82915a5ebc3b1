"""Static files addressed by content: URLs carry a hash, and the service worker's cache name
is derived from the same hashes, so a deploy that changes a file updates every client. Our own
JS and CSS are served minified."""

from __future__ import annotations

import gzip
import hashlib
import io
import mimetypes
from functools import cache
from pathlib import Path

import brotli
from flask import abort, current_app, request, send_file, url_for
from werkzeug.security import safe_join

from .minify import minify_css, minify_js

# The app shell: what a coach needs to open and use a capture screen with no network.
SHELL_FILES = (
    "vendor/pico-2.1.1.classless.min.css",
    "css/base.css",
    "css/app.css",
    "css/capture.css",
    "vendor/htmx-2.0.11.min.js",
    "js/htmx-errors.js",
    "js/app.js",
    "js/pages.js",
    "js/dashboard.js",
    "js/outbox.js",
    "js/sync.js",
    "js/status.js",
    "js/capture.js",
    "js/recorder.js",
    "js/not-accepted.js",
    "js/offline.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)
# Every kind's capture module (and the registry) is in the shell too, so a capture screen opens
# with no network whatever tools its cycle uses; a new kind's file joins by being there.
KIND_MODULES = "js/kinds"


def shell_files() -> list[str]:
    kinds = Path(current_app.static_folder) / KIND_MODULES
    return [*SHELL_FILES, *(f"{KIND_MODULES}/{path.name}" for path in sorted(kinds.glob("*.js")))]


@cache
def _file_hash(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def file_hash(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    # Keyed on mtime too, so editing a file during development changes its URL.
    return _file_hash(str(path), path.stat().st_mtime_ns)


def static_url(filename: str) -> str:
    """The URL of a static file, versioned by its content."""
    return url_for("static", filename=filename, v=file_hash(filename))


def shell_urls() -> list[str]:
    return [static_url(name) for name in shell_files()]


def shell_version(extra: bytes = b"") -> str:
    """One hash over every shell file (and the worker's own source)."""
    digest = hashlib.sha256(extra)
    for name in shell_files():
        digest.update(file_hash(name).encode())
    return digest.hexdigest()[:16]


# Served minified (see minify.py); vendor/ is minified already.
MINIFIERS = {".js": (minify_js, "text/javascript"), ".css": (minify_css, "text/css")}


@cache
def _static_body(path: str, mtime_ns: int, minify: bool) -> bytes:
    if minify:
        return MINIFIERS[Path(path).suffix][0](Path(path).read_text(encoding="utf-8")).encode()
    return Path(path).read_bytes()


# Text files are compressed once per version at the strongest levels (a phone on a school's
# network downloads the capture screen's files in a few KB), not per request by the middleware.
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".webmanifest"}
ENCODERS = {"br": lambda body: brotli.compress(body, quality=11),
            "gzip": lambda body: gzip.compress(body, 9, mtime=0)}


@cache
def _encoded_body(path: str, mtime_ns: int, minify: bool, encoding: str) -> bytes:
    return ENCODERS[encoding](_static_body(path, mtime_ns, minify))


def send_static(filename: str):
    """The static view: our JS and CSS minified and compressed, every file sent from memory
    (once per version of it)."""
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        abort(404)
    suffix = Path(filename).suffix
    minify = suffix in MINIFIERS and not filename.startswith("vendor/")
    stat = Path(path).stat()
    body = _static_body(path, stat.st_mtime_ns, minify)
    etag = hashlib.sha256(body).hexdigest()[:16]
    encoding = (request.accept_encodings.best_match(list(ENCODERS))
                if suffix in COMPRESSIBLE else None)
    if encoding:
        body = _encoded_body(path, stat.st_mtime_ns, minify, encoding)
        etag = f"{etag}-{encoding}"  # one validator per representation
    mimetype = (MINIFIERS[suffix][1] if suffix in MINIFIERS
                else mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response = send_file(
        io.BytesIO(body), mimetype=mimetype, conditional=True, etag=etag,
        last_modified=stat.st_mtime, max_age=current_app.get_send_file_max_age(filename),
    )
    if encoding:
        response.headers["Content-Encoding"] = encoding  # so the middleware leaves it alone
    if suffix in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
    return response
