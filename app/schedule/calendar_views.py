"""The coach's private calendar feed (/calendar/<token>.ics), and making or revoking its link
from the account page."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..account.views import render_account
from ..share.views import open_link
from . import calendar

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The coach's planned visits for a calendar app to subscribe to: no sign-in, the token is
    the key. Unknown (or revoked) tokens are 404 and counted like share links' misses."""
    coach = open_link(token, calendar.resolve_feed_token)
    body = calendar.calendar_of(coach, calendar.feed_visits(coach), "Lookfor visits")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="lookfor.ics"'})


def feed_urls(token: str) -> tuple[str, str]:
    """The feed's address with the request's own scheme (https behind HTTPS), and as webcal:,
    which calendar apps open as a subscription."""
    url = url_for("calendar.feed", token=token, _external=True)
    return url, "webcal://" + url.split("://", 1)[1]


def render_calendar(token: str | None = None):
    # The token is shown once and never stored: without htmx, on the whole account page.
    urls = feed_urls(token) if token else (None, None)
    if request.htmx:
        return render_template("schedule/_calendar_link.html", calendar_url=urls[0],
                               webcal_url=urls[1])
    if token:
        return render_account(calendar_url=urls[0], webcal_url=urls[1])
    return redirect(url_for("account.show", _anchor="calendar"), 303)


@bp.post("/account/calendar-link")
@login_required
def make_link():
    """Make the private feed link (replacing any earlier one) and show it once."""
    return render_calendar(calendar.make_calendar_token(current_user))


@bp.post("/account/calendar-link/revoke")
@login_required
def revoke_link():
    """End the feed: its address answers 404 from now on."""
    calendar.revoke_calendar_token(current_user)
    if not request.htmx:
        flash("Calendar link revoked.")
    return render_calendar()
