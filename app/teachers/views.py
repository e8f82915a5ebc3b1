"""The dashboard ("What is next"), a teacher's page, and managing teachers: add, edit, archive
and restore; the closed cycles and archived teachers one click from the dashboard."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..ownership import get_owned_teacher
from . import dashboard, services
from .forms import TeacherForm

bp = Blueprint("teachers", __name__)


def render_dashboard(form: TeacherForm, status: int = 200):
    board = dashboard.dashboard(current_user, request.args.get("q"))
    return render_template("teachers/index.html", board=board, form=form), status


@bp.get("/")
@login_required
def index():
    """The dashboard: every open cycle by teacher, with what needs the coach (?q= searches)."""
    return render_dashboard(TeacherForm())


@bp.post("/teachers")
@login_required
def create():
    """Add a teacher from the dashboard form."""
    form = TeacherForm()
    if not form.validate_on_submit():
        return render_dashboard(form, 400)
    teacher = services.add_teacher(current_user, form.name.data, form.grade.data,
                                   form.subject.data, form.school.data)
    return redirect(url_for("teachers.show", teacher_id=teacher.id))


@bp.get("/teachers/<int:teacher_id>")
@login_required
def show(teacher_id: int):
    """A teacher and their coaching cycles."""
    teacher = get_owned_teacher(current_user, teacher_id)
    return render_template("teachers/show.html", teacher=teacher)


@bp.route("/teachers/<int:teacher_id>/edit", methods=["GET", "POST"])
@login_required
def edit(teacher_id: int):
    """Edit a teacher's name, grade, subject and school."""
    teacher = get_owned_teacher(current_user, teacher_id)
    form = TeacherForm(obj=teacher)
    if form.validate_on_submit():
        services.update_teacher(teacher, form.name.data, form.grade.data, form.subject.data,
                                form.school.data)
        flash("Saved.")
        return redirect(url_for("teachers.show", teacher_id=teacher.id), 303)
    status = 400 if form.errors else 200
    return render_template("teachers/edit.html", teacher=teacher, form=form), status


@bp.post("/teachers/<int:teacher_id>/archive")
@login_required
def archive(teacher_id: int):
    """Archive a teacher: off the dashboard, everything kept."""
    teacher = get_owned_teacher(current_user, teacher_id)
    services.archive_teacher(teacher)
    flash(f"{teacher.name} is archived. Restore them from Archived teachers.")
    return redirect(url_for("teachers.index"), 303)


@bp.post("/teachers/<int:teacher_id>/restore")
@login_required
def restore(teacher_id: int):
    """Restore an archived teacher to the dashboard."""
    teacher = get_owned_teacher(current_user, teacher_id)
    services.restore_teacher(teacher)
    flash(f"{teacher.name} is back on the dashboard.")
    return redirect(url_for("teachers.index"), 303)


@bp.get("/teachers/archived")
@login_required
def archived():
    """The coach's archived teachers, each with Restore."""
    return render_template("teachers/archived.html",
                           teachers=services.archived_teachers(current_user))


@bp.get("/cycles/closed")
@login_required
def closed():
    """The closed cycles of the teachers on the dashboard."""
    return render_template("teachers/closed.html", cycles=services.closed_cycles(current_user))
