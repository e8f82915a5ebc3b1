from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..csvfile import csv_response
from . import activities, services
from .chart import bars_svg
from .forms import DeleteEntryForm, LogEntryForm

bp = Blueprint("coaching_log", __name__)


@bp.before_request
@login_required
def require_sign_in():
    """The log is the signed-in coach's own."""


def _range() -> tuple[services.DateRange, str | None]:
    """The range asked for by From and To, or this month with the reason it was refused."""
    try:
        return services.parse_range(current_user, request.args.get("from"),
                                    request.args.get("to")), None
    except services.LogError as exc:
        return services.this_month(current_user), str(exc)


def _new_form(formdata=None) -> LogEntryForm:
    form = LogEntryForm(formdata=formdata, teachers=services.teachers_to_log(current_user))
    if formdata is None:
        form.on_date.data = services.today_for(current_user)
    return form


def _render_log(span: services.DateRange, form: LogEntryForm, status: int = 200,
                range_error: str | None = None, entry_error: str | None = None):
    found = activities.activities(current_user, span)
    totals = activities.totals(found)
    return render_template(
        "coaching_log/index.html", span=span, form=form, found=found, totals=totals,
        is_this_month=span == services.this_month(current_user),
        role_chart=bars_svg(totals.by_role, "role"),
        teacher_chart=bars_svg(totals.by_teacher, "teacher"),
        range_error=range_error, entry_error=entry_error), status


def _back_to(day) -> str:
    """The log showing the month an entry is in, so the coach sees it counted."""
    month = services.month_of(day)
    if month == services.this_month(current_user):
        return url_for("coaching_log.index")
    return url_for("coaching_log.index", **{"from": month.start.isoformat(),
                                            "to": month.end.isoformat()})


@bp.get("/log")
def index():
    """The coaching log: log an activity; minutes by role and by teacher over a range."""
    span, error = _range()
    return _render_log(span, _new_form(), 400 if error else 200, range_error=error)


@bp.post("/log")
def create():
    """Log an activity with a teacher."""
    form = _new_form(request.form)
    error = None
    if form.validate_on_submit():
        try:
            entry = services.add_entry(current_user, **form.values())
        except services.LogError as exc:
            error = str(exc)
        else:
            flash(f"Logged: {services.ROLE_LABELS[entry.kind]} with {entry.teacher.name}, "
                  f"{entry.minutes} min.")
            return redirect(_back_to(entry.on_date), 303)
    return _render_log(services.this_month(current_user), form, 400, entry_error=error)


@bp.get("/log.csv")
def download():
    """"Download log": one row per activity over the range shown, as CSV."""
    span, error = _range()
    if error:
        return render_template("error.html", code=400, message=error), 400
    rows = activities.csv_rows(activities.activities(current_user, span))
    name = f"coaching-log-{span.start.isoformat()}-to-{span.end.isoformat()}.csv"
    return csv_response(name, activities.CSV_HEADER, rows)


def _render_edit(entry, form: LogEntryForm, status: int = 200, error: str | None = None):
    return render_template("coaching_log/edit.html", entry=entry, form=form,
                           delete_form=DeleteEntryForm(formdata=None), error=error), status


@bp.get("/log/<int:entry_id>/edit")
def edit(entry_id: int):
    """A logged activity's form, to change or delete it."""
    entry = services.get_owned_entry(current_user, entry_id)
    form = LogEntryForm(formdata=None, teachers=services.teachers_to_log(current_user),
                        teacher=entry.teacher_id, role=entry.kind, on_date=entry.on_date,
                        minutes=entry.minutes, note=entry.note)
    return _render_edit(entry, form)


@bp.post("/log/<int:entry_id>")
def update(entry_id: int):
    """Save a changed activity."""
    entry = services.get_owned_entry(current_user, entry_id)
    form = LogEntryForm(teachers=services.teachers_to_log(current_user))
    error = None
    if form.validate_on_submit():
        try:
            services.update_entry(current_user, entry, **form.values())
        except services.LogError as exc:
            error = str(exc)
        else:
            flash("Saved.")
            return redirect(_back_to(entry.on_date), 303)
    return _render_edit(entry, form, 400, error)


@bp.post("/log/<int:entry_id>/delete")
def delete(entry_id: int):
    """Remove a logged activity."""
    entry = services.get_owned_entry(current_user, entry_id)
    if not DeleteEntryForm().validate_on_submit():
        abort(400)
    day = entry.on_date
    services.delete_entry(entry)
    flash("Entry deleted.")
    return redirect(_back_to(day), 303)
