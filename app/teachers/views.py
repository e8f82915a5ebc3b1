from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from . import services
from .forms import TeacherForm

bp = Blueprint("teachers", __name__)


@bp.get("/")
@login_required
def index():
    """The dashboard: the coach's teachers, each with the open cycle and last observation."""
    return render_template(
        "teachers/index.html", rows=services.dashboard(current_user), form=TeacherForm()
    )


@bp.post("/teachers")
@login_required
def create():
    """Add a teacher from the dashboard form."""
    form = TeacherForm()
    if not form.validate_on_submit():
        rows = services.dashboard(current_user)
        return render_template("teachers/index.html", rows=rows, form=form), 400
    teacher = services.add_teacher(
        current_user, form.name.data, form.grade.data, form.subject.data
    )
    return redirect(url_for("teachers.show", teacher_id=teacher.id))


@bp.get("/teachers/<int:teacher_id>")
@login_required
def show(teacher_id: int):
    """A teacher and their coaching cycles."""
    teacher = services.get_owned_teacher(current_user, teacher_id)
    return render_template("teachers/show.html", teacher=teacher)
