from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import ratelimit
from ..auth.services import AccountError
from ..auth.views import end_session
from ..models import utcnow
from . import deletion, export, services
from .forms import DeleteAccountForm, DetailsForm, ExportForm, PasswordForm, SignOutEverywhereForm

bp = Blueprint("account", __name__, url_prefix="/account")

# Guessing the current password through a left-open session is as slow as at sign-in.
PASSWORD_WINDOW = timedelta(minutes=15)
PASSWORD_FAILURES = 5


@bp.before_request
@login_required
def require_sign_in():
    """Every account page is the signed-in coach's own."""


def render_account(status: int = 200, **forms):
    forms.setdefault("details_form", DetailsForm(
        formdata=None, name=current_user.name, time_zone=current_user.time_zone,
        current_zone=current_user.time_zone))
    forms.setdefault("password_form", PasswordForm(formdata=None))
    forms.setdefault("everywhere_form", SignOutEverywhereForm(formdata=None))
    forms.setdefault("export_form", ExportForm(formdata=None))
    forms.setdefault("delete_form", DeleteAccountForm(formdata=None))
    return render_template("account/show.html", **forms), status


@bp.get("")
def show():
    """The coach's account: name, email, time zone, password, sign-ins."""
    return render_account()


@bp.post("/details")
def update_details():
    """Save the coach's name and time zone."""
    form = DetailsForm(current_zone=current_user.time_zone)
    error = None
    if form.validate_on_submit():
        try:
            services.update_details(current_user, form.name.data, form.time_zone.data)
        except AccountError as exc:
            error = str(exc)
        else:
            flash("Saved.")
            return redirect(url_for("account.show"), 303)
    return render_account(400, details_form=form, details_error=error)


@bp.post("/password")
def change_password():
    """Change the password; every other device is signed out, this one stays signed in."""
    form = PasswordForm()
    key = {f"password:coach:{current_user.id}": PASSWORD_FAILURES}
    if ratelimit.is_limited(key, PASSWORD_WINDOW):
        error = "Too many wrong passwords. Wait 15 minutes, then try again."
        return render_account(429, password_form=form, password_error=error)
    error = None
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data, current_user.session_id)
        except services.WrongPassword as exc:
            ratelimit.record_hits(list(key), PASSWORD_WINDOW)
            error = str(exc)
        except AccountError as exc:
            error = str(exc)
        else:
            flash("Password changed. Every other device is signed out.")
            return redirect(url_for("account.show"), 303)
    return render_account(400, password_form=form, password_error=error)


@bp.post("/sign-out-everywhere")
def sign_out_everywhere():
    """End every sign-in of this coach, on every device, this one included."""
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user)
    end_session()
    flash("Signed out on every device.")
    return redirect(url_for("auth.login"), 303)


@bp.post("/export")
def export_data():
    """Export all my data: a ZIP with every table of the coach's, as CSV and JSON."""
    if not ExportForm().validate_on_submit():
        abort(400)
    response = make_response(export.export_zip(current_user))
    response.mimetype = "application/zip"
    name = f"lookfor-export-{utcnow():%Y-%m-%d}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/delete")
def delete_account():
    """Delete my account and everything of it, once the coach types their email; signs out."""
    form = DeleteAccountForm()
    error = "Type your email to confirm."
    if form.validate_on_submit():
        try:
            deletion.delete_account(current_user, form.confirm_email.data)
        except deletion.WrongConfirmation as exc:
            error = str(exc)
        else:
            end_session()
            flash("Your account and everything in it are deleted.")
            return redirect(url_for("auth.login"), 303)
    return render_account(400, delete_form=form, delete_error=error)
