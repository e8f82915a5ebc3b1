from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .. import ratelimit
from ..debrief import services as debrief
from ..debrief.guide import GROW
from . import services
from .forms import ReflectionForm

bp = Blueprint("share", __name__, url_prefix="/s")

WINDOW = timedelta(minutes=10)
WRITES_PER_LINK = 20
MISSES_PER_ADDRESS = 30
# Every kind of teacher's link: an observation's (/s/) and a cycle's (/c/, cycle_views.py).
PRIVATE_PREFIXES = ("/s/", "/c/", "/b/", "/calendar/")  # /b/, /calendar/: app/schedule


@bp.after_app_request
def private_headers(response):
    """Share pages are private: never cached, never indexed, never leaked in a Referer."""
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.errorhandler(410)
def link_gone(exc):
    """A revoked or expired link says so plainly, so the teacher knows to ask for a new one."""
    return render_template("share/gone.html"), 410


def open_link(token: str, resolve=None):
    """The live link for a token (an observation's, or what `resolve` finds, a cycle's): 404 if
    unknown, 410 if revoked or expired.

    Unknown tokens are counted per address (one count for both kinds of link), so guessing is
    slow as well as hopeless; only misses count and are refused, so a live link always opens,
    whoever guessed before."""
    resolved = (resolve or services.resolve)(token)
    if resolved.status == "unknown":
        misses = {f"share:miss:{ratelimit.client_address()}": MISSES_PER_ADDRESS}
        if ratelimit.is_limited(misses, WINDOW):
            abort(429)
        ratelimit.record_hits(list(misses), WINDOW)
        abort(404)
    if resolved.status == "gone":
        abort(410)
    return resolved.link


def render_shared(token: str, link, status: int = 200, **extra):
    context = debrief.debrief_of(link.observation)
    reflection = context["debrief"].teacher_reflection
    return render_template(
        "share/show.html",
        token=token,
        reflection_form=extra.pop("form", None)
        or ReflectionForm(formdata=None, reflection=reflection),
        coach_view=False,
        grow=GROW,
        **context,
        **extra,
    ), status


@bp.get("/<token>")
def show(token: str):
    """The teacher's view of the debrief: evidence, notes, keepers, polishers, next steps."""
    link = open_link(token)
    return render_shared(token, link, saved=request.args.get("saved") == "1")


def limit_writes(link) -> None:
    key = f"share:write:{link.id}"
    if ratelimit.is_limited({key: WRITES_PER_LINK}, WINDOW):
        abort(429)
    ratelimit.record_hits([key], WINDOW)


@bp.post("/<token>/reflection")
def reflect(token: str):
    """The teacher saves their own reflection; the coach sees it on the debrief."""
    link = open_link(token)
    limit_writes(link)
    form = ReflectionForm()
    try:
        debrief.save_reflection(link.observation, form.reflection.data)
    except debrief.DebriefError as exc:
        return render_shared(token, link, 400, form=form, error=str(exc))
    return redirect(url_for("share.show", token=token, saved=1, _anchor="reflect"), 303)


@bp.post("/<token>/next-steps/<int:step_id>/agree")
def agree(token: str, step_id: int):
    """The teacher marks a next step agreed."""
    link = open_link(token)
    limit_writes(link)
    step = debrief.get_next_step(link.observation, step_id)
    if step is None:
        abort(404)
    debrief.mark_agreed(step)
    return redirect(url_for("share.show", token=token, _anchor="next-steps"), 303)
