"""The coach's side of an observation's link: make it (shown once, with Copy link and a QR
code) and revoke it. The debrief page shows this panel; nothing in the debrief area imports
the share area (share builds on debrief, not the other way round)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..debrief.views import render_show
from ..ownership import get_owned_observation
from . import services
from .forms import ShareForm

bp = Blueprint("share_links", __name__)


@bp.app_template_global("share_panel")
def share_panel(observation) -> dict:
    """What the debrief's share panel shows: the live link, if any, and a fresh form."""
    return {"live_link": services.live_link(observation), "form": ShareForm(formdata=None)}


bp.add_app_template_global(services.qr_svg, "qr_svg")


def render_panel(observation, token: str | None = None, error: str | None = None,
                 status: int = 200):
    # The token is shown once and never stored: without htmx, show it on the full page.
    if not request.htmx and not error:
        if token:
            return render_show(observation, token)
        return redirect(url_for("debrief.show", observation_id=observation.id) + "#share")
    return render_template("share/_panel.html", observation=observation, token=token,
                           error=error), status


@bp.post("/observations/<observation_id>/share")
@login_required
def create(observation_id: str):
    """Create the teacher's private link (replacing any earlier one) and show it once."""
    observation = get_owned_observation(current_user, observation_id)
    form = ShareForm()
    try:
        _, token = services.create_link(observation, int(form.days.data or 0))
    except (services.ShareError, ValueError):
        return render_panel(observation, error="Choose how long the link stays open.", status=400)
    return render_panel(observation, token=token)


@bp.post("/observations/<observation_id>/share/revoke")
@login_required
def revoke(observation_id: str):
    """End the teacher's link at once."""
    observation = get_owned_observation(current_user, observation_id)
    services.revoke_links(observation)
    return render_panel(observation)
