from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..teachers.services import get_owned_teacher
from . import services
from .forms import CycleForm, LookForForm, StatusForm

bp = Blueprint("cycles", __name__)


@bp.route("/teachers/<int:teacher_id>/cycles/new", methods=["GET", "POST"])
@login_required
def create(teacher_id: int):
    """Open a coaching cycle on one measurable goal, with its look-fors typed one per line."""
    teacher = get_owned_teacher(current_user, teacher_id)
    form = CycleForm()
    error = None
    if form.validate_on_submit():
        try:
            cycle = services.create_cycle(
                teacher,
                goal=form.goal.data,
                focus_area=form.focus_area.data,
                baseline=form.baseline.data,
                target=form.target.data,
                norms=form.norms.data,
                lookfor_lines=form.lookfors.data,
            )
        except services.CycleError as exc:
            error = str(exc)
        else:
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    status = 400 if error or form.errors else 200
    return render_template("cycles/new.html", teacher=teacher, form=form, error=error), status


@bp.get("/cycles/<int:cycle_id>")
@login_required
def show(cycle_id: int):
    """The cycle: goal, status, look-fors (editable in place) and observations."""
    cycle = services.get_owned_cycle(current_user, cycle_id)
    return render_template(
        "cycles/show.html",
        cycle=cycle,
        status_form=StatusForm(status=cycle.status),
        new_lookfor=LookForForm(prefix="new"),
    )


@bp.post("/cycles/<int:cycle_id>/status")
@login_required
def update_status(cycle_id: int):
    """Change the cycle's status; answers with the status fragment."""
    cycle = services.get_owned_cycle(current_user, cycle_id)
    form = StatusForm()
    error = None
    try:
        services.set_status(cycle, form.status.data or "")
    except services.CycleError as exc:
        error = str(exc)
    form = StatusForm(status=cycle.status)
    return render_template(
        "cycles/_status.html", cycle=cycle, status_form=form, error=error, saved=not error
    ), 400 if error else 200


def render_lookfor_list(cycle, error: str | None = None, status: int = 200, form=None):
    # Without htmx (scripts off) the same forms post normally: go back to the page.
    if not request.htmx and not error:
        return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template(
        "cycles/_lookfor_list.html",
        cycle=cycle,
        new_lookfor=form or LookForForm(prefix="new", formdata=None),
        error=error,
    ), status


@bp.post("/cycles/<int:cycle_id>/lookfors")
@login_required
def add_lookfor(cycle_id: int):
    """Add a look-for; answers with the whole look-for list."""
    cycle = services.get_owned_cycle(current_user, cycle_id)
    form = LookForForm(prefix="new")
    try:
        services.add_lookfor(cycle, form.label.data or "", form.kind.data or "")
    except services.CycleError as exc:
        return render_lookfor_list(cycle, str(exc), 400, form)
    return render_lookfor_list(cycle)


@bp.post("/cycles/<int:cycle_id>/lookfors/<int:lookfor_id>")
@login_required
def update_lookfor(cycle_id: int, lookfor_id: int):
    """Rename a look-for or change its kind; answers with its row."""
    lookfor = services.get_owned_lookfor(current_user, cycle_id, lookfor_id)
    form = LookForForm(prefix=f"lf{lookfor.id}")
    error = None
    try:
        services.update_lookfor(lookfor, form.label.data or "", form.kind.data or "")
    except services.CycleError as exc:
        error = str(exc)
    return render_template(
        "cycles/_lookfor.html", lookfor=lookfor, form=form, error=error, saved=not error
    ), 400 if error else 200


@bp.post("/cycles/<int:cycle_id>/lookfors/<int:lookfor_id>/move")
@login_required
def move_lookfor(cycle_id: int, lookfor_id: int):
    """Move a look-for up or down; answers with the whole look-for list."""
    lookfor = services.get_owned_lookfor(current_user, cycle_id, lookfor_id)
    try:
        services.move_lookfor(lookfor, request.form.get("direction", ""))
    except services.CycleError as exc:
        return render_lookfor_list(lookfor.cycle, str(exc), 400)
    return render_lookfor_list(lookfor.cycle)


@bp.post("/cycles/<int:cycle_id>/lookfors/<int:lookfor_id>/delete")
@login_required
def remove_lookfor(cycle_id: int, lookfor_id: int):
    """Remove a look-for from the cycle; answers with the whole look-for list."""
    lookfor = services.get_owned_lookfor(current_user, cycle_id, lookfor_id)
    services.remove_lookfor(lookfor)
    return render_lookfor_list(lookfor.cycle)
