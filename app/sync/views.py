from __future__ import annotations

import msgspec
from flask import Blueprint, Response, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from ..extensions import csrf, login_manager
from . import services

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
# The global CSRF check runs before sign-in is known, so a device whose session ended would get
# 403 and never learn to sign in again. This blueprint checks sign-in first, then the token.
csrf.exempt(bp)


@bp.before_request
def require_sign_in_then_token():
    """401 JSON when signed out, then 403 JSON when a write lacks a valid X-CSRFToken."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            message = "The sync token is missing or expired. Reload the page and try again."
            return jsonify(error="csrf", message=message), 403


@bp.get("/csrf")
def csrf_token():
    """A fresh token, fetched at send time so a page loaded hours ago can still sync; and who
    is signed in, so a page rendered for another coach on a shared device does not send."""
    response = jsonify(csrf_token=generate_csrf(), coach_id=current_user.id)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cycles")
def cycles():
    """The coach's open cycles and their look-fors, for capture without a network."""
    response = jsonify(cycles=services.open_cycles(current_user))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sync")
def sync():
    """Store a batch from the device's outbox; each item is accepted or rejected with a reason."""
    # Not JSON at all (by its type) is refused as a bad batch, like JSON that is not a batch.
    body = request.get_data(cache=False) if request.is_json else None
    try:
        result = services.apply_sync_body(current_user, body)
    except services.BatchTooLarge as exc:
        return jsonify(error="request_entity_too_large", message=str(exc)), 413
    except services.BatchError as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    # msgspec encodes the verdicts (thousands of ids) several times faster than the json module.
    return Response(msgspec.json.encode(result), mimetype="application/json")
