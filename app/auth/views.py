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
from ..extensions import login_manager
from ..models import Coach
from . import services, sessions
from .forms import LoginForm, SignupForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."


@login_manager.user_loader
def load_coach(token: str) -> Coach | None:
    """The coach of the sign-in whose token the cookie carries (None once it has ended)."""
    return sessions.coach_for_token(token)


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


def throttle() -> services.Throttle:
    config = current_app.config
    return services.Throttle(
        config["LOGIN_MAX_FAILURES"], timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    )


def begin_session(coach: Coach) -> None:
    # A fresh session at sign-in: nothing planted before it (session fixation) survives.
    session.clear()
    session.permanent = True
    login_user(sessions.start_session(coach), remember=True)


def end_session() -> None:
    """Sign out here: the cookies go, and the sign-in ends on the server."""
    token = getattr(current_user, "session_token", None)
    # Clear first: logout_user() leaves the flag that makes Flask-Login delete the
    # remember-me cookie, and clearing after it would drop that flag.
    session.clear()
    logout_user()
    if token:
        sessions.end_session(token)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; repeated failures are throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("teachers.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            coach = services.sign_in(
                form.email.data, form.password.data, ratelimit.client_address(), throttle()
            )
        except services.TooManyAttempts as exc:
            return render_template("auth/login.html", form=form, error=str(exc)), 429
        if coach is None:
            error = "That email and password do not match."
            return render_template("auth/login.html", form=form, error=error), 401
        services.adopt_browser_zone(coach, form.time_zone.data)
        begin_session(coach)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    end_session()
    flash("Signed out.")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Create a coach account (off when ALLOW_SIGNUP=0); attempts are throttled per address."""
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    form = SignupForm()
    error = None
    if form.validate_on_submit():
        try:
            services.count_sign_up(ratelimit.client_address(), throttle())
        except services.TooManyAttempts as exc:
            return render_template("auth/signup.html", form=form, error=str(exc)), 429
        try:
            coach = services.create_coach(
                form.email.data, form.name.data, form.password.data, form.time_zone.data
            )
        except services.AccountError as exc:
            error = str(exc)
        else:
            begin_session(coach)
            return redirect(url_for("teachers.index"))
    return render_template("auth/signup.html", form=form, error=error), 400 if error else 200
