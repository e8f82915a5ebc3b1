"""The cycle page's managing: "Edit goal" (goal, baseline, target, norms; every change dated
and listed under "Changes"), "Close cycle" and "Reopen cycle". The section is a template
global, as conversation_views.py does; a refused edit comes back on the whole page through
`g.manage_sent`."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_login import current_user, login_required

from ..ownership import get_owned_cycle
from . import manage
from .forms import CycleEditForm
from .services import CycleError
from .views import bp, render_cycle


def manage_section(cycle) -> dict:
    """Template global: the edit form (as saved, or as sent back), its error and the changes."""
    sent = g.get("manage_sent", {})
    return {
        "form": sent.get("form") or CycleEditForm(formdata=None, obj=cycle),
        "error": sent.get("error"),
        "changes": manage.changes_of(cycle),
    }


bp.add_app_template_global(manage_section, "cycle_manage_section")


def back(cycle, anchor: str = ""):
    return redirect(url_for("cycles.show", cycle_id=cycle.id) + anchor, 303)


@bp.post("/cycles/<int:cycle_id>/edit")
@login_required
def edit(cycle_id: int):
    """Save the goal, baseline, target and norms; each change is dated and listed."""
    cycle = get_owned_cycle(current_user, cycle_id)
    form = CycleEditForm()
    try:
        changed = manage.edit_cycle(cycle, {name: request.form.get(name) for name in manage.FIELDS})
    except CycleError as exc:
        g.manage_sent = {"form": form, "error": str(exc)}
        return render_cycle(cycle, 400)
    flash("Saved: the change is listed under Changes." if changed else "Nothing changed.")
    return back(cycle, "#cycle-changes" if changed else "")


@bp.post("/cycles/<int:cycle_id>/status/close")
@login_required
def close_cycle(cycle_id: int):
    """Close the cycle: off the dashboard, everything kept, reopened in one press."""
    cycle = get_owned_cycle(current_user, cycle_id)
    manage.close_cycle(cycle)
    flash("Cycle closed. Reopen it here whenever you need.")
    return back(cycle)


@bp.post("/cycles/<int:cycle_id>/status/reopen")
@login_required
def reopen_cycle(cycle_id: int):
    """Reopen a closed cycle with the status it had."""
    cycle = get_owned_cycle(current_user, cycle_id)
    manage.reopen_cycle(cycle)
    flash("Cycle reopened.")
    return back(cycle)
