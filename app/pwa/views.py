from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, render_template, url_for

from .assets import send_static, shell_urls, shell_version, static_url

bp = Blueprint("pwa", __name__)
# Flask's own static route, with our JS and CSS served minified (see assets.py).
bp.record_once(lambda state: state.app.view_functions.update(static=send_static))


@bp.app_context_processor
def inject_static_url():
    return {"static_url": static_url}


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest that makes Lookfor installable."""
    icons = [
        {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static_url("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    response = jsonify(
        name="Lookfor",
        short_name="Lookfor",
        id="/",
        start_url="/",
        scope="/",
        display="standalone",
        orientation="any",
        description="Tap-to-record classroom observation for instructional coaching cycles.",
        theme_color="#1f6f5c",
        background_color="#f7f5f0",
        icons=icons,
    )
    response.mimetype = "application/manifest+json"
    return response


def worker_source() -> str:
    return (Path(current_app.root_path) / "templates" / "pwa" / "sw.js").read_text()


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site root so its scope is the whole app."""
    source = worker_source()
    body = render_template(
        "pwa/sw.js",
        # ASSET_VERSION lets a deploy force every device to fetch a fresh shell.
        version=shell_version(source.encode() + current_app.config["ASSET_VERSION"].encode()),
        shell=shell_urls() + [url_for("pwa.offline")],
        offline_url=url_for("pwa.offline"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    # Browsers must check for a new worker on every visit, or a deploy is slow to reach them.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when a page is not cached and there is no network."""
    return render_template("pwa/offline.html")
