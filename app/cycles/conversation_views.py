"""The cycle page's record of the coaching conversation: the planning notes, every next step
with its state, the teacher's cycle link (made once, revoked at once) and the way to the cycle
report. Each section is a template global, as goals/views.py does for "Goal measure", so the
cycle page and its fragments need no extra context; a form sent back without htmx (the whole
page, with the link's token shown once or an error) arrives through `g.cycle_sent`."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..debrief.conversation import cycle_steps
from ..ownership import get_owned_cycle
from ..share import services as share
from ..share.forms import ShareForm
from . import services
from .forms import PlanningForm
from .views import bp, render_cycle


def planning_section(cycle) -> dict:
    """Template global: the "Planning notes" section's form and message."""
    sent = g.get("cycle_sent", {})
    return {
        "form": sent.get("planning_form")
        or PlanningForm(formdata=None, planning_notes=cycle.planning_notes),
        "error": sent.get("planning_error"),
    }


def link_section(cycle) -> dict:
    """Template global: the teacher's cycle link as it stands (and its token, shown once)."""
    sent = g.get("cycle_sent", {})
    return {
        "live_link": share.live_link(cycle),
        "form": ShareForm(formdata=None),
        "token": sent.get("token"),
        "error": sent.get("link_error"),
    }


bp.add_app_template_global(planning_section, "cycle_planning_section")
bp.add_app_template_global(link_section, "cycle_link_section")
bp.add_app_template_global(cycle_steps, "cycle_steps_of")


def answer(cycle, template: str, anchor: str, status: int = 200, **sent):
    """The section's fragment for htmx; without it, the page (a token or an error has to be
    shown on it) or back to the page."""
    if request.htmx:
        g.cycle_sent = sent
        return render_template(template, cycle=cycle, **sent), status
    if sent.get("token") or status >= 400:
        g.cycle_sent = sent
        return render_cycle(cycle, status)
    return redirect(url_for("cycles.show", cycle_id=cycle.id) + anchor, 303)


@bp.post("/cycles/<int:cycle_id>/planning")
@login_required
def save_planning(cycle_id: int):
    """Save the planning notes; answers with the planning section."""
    cycle = get_owned_cycle(current_user, cycle_id)
    form = PlanningForm()
    try:
        if not form.validate():
            raise services.CycleError("Keep the planning notes under 10,000 characters.")
        services.save_planning_notes(cycle, form.planning_notes.data)
    except services.CycleError as exc:
        return answer(cycle, "cycles/_planning.html", "#planning", 400,
                      planning_form=form, planning_error=str(exc))
    return answer(cycle, "cycles/_planning.html", "#planning", saved=True)


@bp.post("/cycles/<int:cycle_id>/share")
@login_required
def create_link(cycle_id: int):
    """Make the teacher's cycle link (replacing any earlier one) and show it once."""
    cycle = get_owned_cycle(current_user, cycle_id)
    form = ShareForm()
    try:
        _, token = share.create_link(cycle, int(form.days.data or 0))
    except (share.ShareError, ValueError):
        return answer(cycle, "cycles/_share.html", "#cycle-share", 400,
                      link_error="Choose how long the link stays open.")
    return answer(cycle, "cycles/_share.html", "#cycle-share", token=token)


@bp.post("/cycles/<int:cycle_id>/share/revoke")
@login_required
def revoke_link(cycle_id: int):
    """End the teacher's cycle link at once."""
    cycle = get_owned_cycle(current_user, cycle_id)
    share.revoke_links(cycle)
    return answer(cycle, "cycles/_share.html", "#cycle-share", revoked=True)
