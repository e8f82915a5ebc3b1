from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from .. import ratelimit
from ..extensions import db, login_manager
from ..models import Coach
from . import services
from .forms import LoginForm, SignupForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."


@login_manager.user_loader
def load_coach(coach_id: str) -> Coach | None:
    return db.session.get(Coach, int(coach_id)) if coach_id.isdigit() else None


@login_manager.unauthorized_handler
def unauthorized():
    """JSON callers get 401 JSON (fetch follows redirects silently); pages go to sign-in."""
    if request.path.startswith("/api/"):
        return jsonify(error="not_signed_in", message="Sign in again to sync."), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot bounce a coach to another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("teachers.index")


def begin_session(coach: Coach) -> None:
    # A fresh session at sign-in: nothing planted before it (session fixation) survives.
    session.clear()
    session.permanent = True
    login_user(coach, remember=True)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; repeated failures are throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("teachers.index"))
    form = LoginForm()
    if form.validate_on_submit():
        window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
        limits = services.throttle_limits(
            form.email.data, request.remote_addr, current_app.config["LOGIN_MAX_FAILURES"]
        )
        if ratelimit.is_limited(limits, window):
            minutes = window.seconds // 60
            message = f"Too many failed sign-ins. Wait {minutes} minutes, then try again."
            return render_template("auth/login.html", form=form, error=message), 429
        coach = services.authenticate(form.email.data, form.password.data)
        if coach is None:
            ratelimit.record_hits(list(limits), window)
            return (
                render_template(
                    "auth/login.html", form=form, error="That email and password do not match."
                ),
                401,
            )
        begin_session(coach)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    # Clear first: logout_user() leaves the flag that makes Flask-Login delete the
    # remember-me cookie, and clearing after it would drop that flag.
    session.clear()
    logout_user()
    flash("Signed out.")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Create a coach account (off when ALLOW_SIGNUP=0)."""
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    form = SignupForm()
    error = None
    if form.validate_on_submit():
        try:
            coach = services.create_coach(form.email.data, form.name.data, form.password.data)
        except services.AccountError as exc:
            error = str(exc)
        else:
            begin_session(coach)
            return redirect(url_for("teachers.index"))
    return render_template("auth/signup.html", form=form, error=error), 400 if error else 200
