from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..csvfile import csv_response
from ..cycles.services import get_owned_cycle
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
    observation = services.get_owned_observation(current_user, observation_id)
    return csv_response(
        f"observation-{observation.id}.csv",
        services.CSV_HEADER,
        services.csv_rows(observation, services.live_events(observation)),
    )
