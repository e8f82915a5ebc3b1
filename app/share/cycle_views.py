"""The teacher's link to a whole cycle, /c/<token>: read-only, under the same rules as an
observation's link (views.py): 404 unknown (guesses throttled per address), 410 revoked or
expired, and the same private headers (views.private_headers covers /c/)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..goals.services import format_value
from ..report.record import cycle_record
from . import services
from .views import link_gone, open_link

bp = Blueprint("cycle_share", __name__, url_prefix="/c")
bp.register_error_handler(410, link_gone)


@bp.get("/<token>")
def show(token: str):
    """The teacher's view of the cycle: goal, progress, evidence, next steps, reflections."""
    link = open_link(token, services.resolve_cycle_token)
    record = cycle_record(link.cycle)
    return render_template("share/cycle.html", cycle=link.cycle, record=record,
                           progress=record.progress, format_measure=format_value)
