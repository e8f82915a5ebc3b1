from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from ..ownership import get_owned_cycle, get_owned_observation
from . import services

bp = Blueprint("summary", __name__)


@bp.get("/observations/<observation_id>/summary.json")
@login_required
def observation(observation_id: str):
    """One observation's figures per look-for, for the coach and the coach's own programs."""
    return jsonify(services.observation_summary(
        get_owned_observation(current_user, observation_id)))


@bp.get("/cycles/<int:cycle_id>/summary.json")
@login_required
def cycle(cycle_id: int):
    """Every observation of the cycle, and the figures pooled over all of them."""
    return jsonify(services.cycle_summary(get_owned_cycle(current_user, cycle_id)))
