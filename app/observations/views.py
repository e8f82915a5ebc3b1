from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..csvfile import csv_response
from ..ownership import get_owned_cycle, get_owned_observation
from . import services

bp = Blueprint("observations", __name__)
bp.add_app_template_filter(services.clock, "clock")


@bp.get("/cycles/<int:cycle_id>/capture")
@login_required
def capture(cycle_id: int):
    """The tap-to-record screen for a cycle; it runs offline once cached."""
    cycle = get_owned_cycle(current_user, cycle_id)
    return render_template(
        "observations/capture.html", cycle=cycle, config=services.capture_config(cycle)
    )


@bp.get("/observations/<observation_id>/events.csv")
@login_required
def events_csv(observation_id: str):
    """The observation's live events as CSV, for the coach's records."""
    observation = get_owned_observation(current_user, observation_id)
    return csv_response(
        f"observation-{observation.id}.csv",
        services.CSV_HEADER,
        services.csv_rows(observation, services.live_events(observation)),
    )


@bp.post("/observations/<observation_id>/delete")
@login_required
def delete(observation_id: str):
    """Delete an observation (confirmed on its debrief page) and go back to its cycle."""
    observation = get_owned_observation(current_user, observation_id)
    cycle_id = observation.cycle_id
    services.delete_observation(observation)
    flash("Observation deleted.")
    return redirect(url_for("cycles.show", cycle_id=cycle_id), 303)
