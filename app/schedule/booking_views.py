"""The teacher's booking link (/b/<token>): see the times a coach offers, pick one. No account;
the token is the key, with the share links' rules (404 unknown and throttled, 410 ended)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..extensions import db
from ..models import Coach, OfferLink
from ..security import MAX_ID
from ..share.views import link_gone, open_link
from . import offers
from .services import ScheduleError

bp = Blueprint("booking", __name__, url_prefix="/b")
bp.register_error_handler(410, link_gone)


def render_booking(token: str, link: OfferLink, status: int = 200, error: str | None = None):
    offer = link.offer
    return render_template(
        "schedule/booking.html", token=token, link=link, offer=offer,
        coach=db.session.get(Coach, offer.coach_id), booked=offers.booked_visit(link),
        slots=offers.free_slots(offer), error=error,
    ), status


@bp.get("/<token>")
def show(token: str):
    """The free times, in the coach's zone; once booked, the time booked."""
    return render_booking(token, open_link(token, offers.resolve_token))


@bp.post("/<token>")
def book(token: str):
    """Take one time. Of two teachers taking the same time at once, one gets it; the other is
    told it was just taken (409) and sees what is left."""
    link = open_link(token, offers.resolve_token)
    slot_id = request.form.get("slot", type=int)
    if slot_id is None or not 1 <= slot_id <= MAX_ID:
        return render_booking(token, link, 400, "Choose a time.")
    try:
        offers.book(link, slot_id)
    except (offers.SlotTaken, offers.AlreadyBooked) as exc:
        return render_booking(token, link, 409, str(exc))
    except ScheduleError as exc:
        return render_booking(token, link, 400, str(exc))
    return redirect(url_for("booking.show", token=token), 303)
