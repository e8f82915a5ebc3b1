from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..library.services import library
from ..ownership import get_owned_cycle, get_owned_teacher
from . import editor, services
from .forms import CycleForm, StatusForm

bp = Blueprint("cycles", __name__)


@bp.route("/teachers/<int:teacher_id>/cycles/new", methods=["GET", "POST"])
@login_required
def create(teacher_id: int):
    """Open a coaching cycle on one measurable goal, with its look-fors typed one per line and
    any tools chosen from the library."""
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
                tools=form.tools.data or [],
                planning_notes=form.planning_notes.data,
            )
        except services.CycleError as exc:
            error = str(exc)
        else:
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    status = 400 if error or form.errors else 200
    return render_template("cycles/new.html", teacher=teacher, form=form, error=error,
                           tools=library()), status


@bp.get("/cycles/<int:cycle_id>")
@login_required
def show(cycle_id: int):
    """The cycle: goal, status, look-fors (editable in place), the library and observations."""
    return render_cycle(get_owned_cycle(current_user, cycle_id))


@bp.post("/cycles/<int:cycle_id>/status")
@login_required
def update_status(cycle_id: int):
    """Change the cycle's status; answers with the status fragment."""
    cycle = get_owned_cycle(current_user, cycle_id)
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


def editors(cycle, rows: dict | None = None) -> dict[int, editor.Editor]:
    """Each live look-for's editor: as saved, or as `rows` gives it (a form sent back)."""
    locked = services.recorded_ids(lf.id for lf in cycle.lookfors)
    rows = rows or {}
    return {lf.id: rows.get(lf.id) or editor.stored(lf, lf.id in locked) for lf in cycle.lookfors}


def render_cycle(cycle, status: int = 200, *, rows: dict | None = None, new=None,
                 error: str | None = None, tools: dict | None = None):
    """The whole cycle page; rows, new, error and tools carry a form that was sent back."""
    return render_template(
        "cycles/show.html",
        cycle=cycle,
        status_form=StatusForm(status=cycle.status),
        editors=editors(cycle, rows),
        new_editor=new or editor.blank(),
        error=error,
        notice=None,
        tools=library(),
        tools_state=tools or {},
    ), status


def render_lookfor_list(cycle, error: str | None = None, status: int = 200, *, new=None,
                        notice: str | None = None, oob: bool = False):
    """The look-for list fragment (htmx), or, without htmx, back to the page (or the page with
    the error)."""
    if not request.htmx:
        if status >= 400 or (new is not None and new.message):
            return render_cycle(cycle, status, new=new, error=error)
        if notice:
            flash(notice)
        return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template(
        "cycles/_lookfor_list.html",
        cycle=cycle,
        editors=editors(cycle),
        new_editor=new or editor.blank(),
        error=error,
        notice=notice,
        oob=oob,
    ), status
