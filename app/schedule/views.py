"""The coach's schedule: plan, edit and delete visits, download one as .ics, offer times."""

from __future__ import annotations

from datetime import date, time

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import ACTIVITIES, utcnow
from . import offers, services
from .calendar import calendar_of
from .forms import OfferForm, VisitForm

bp = Blueprint("schedule", __name__)


@bp.before_request
@login_required
def require_sign_in():
    """Every schedule page is the signed-in coach's own."""


@bp.app_template_filter("kind_label")
def kind_label(kind: str) -> str:
    return services.kind_label(kind)


@bp.app_template_global("when")
def when(starts_at, minutes: int, zone_name: str | None = None) -> str:
    """A visit's or an offered time's span in the coach's zone (the signed-in coach's unless
    named: the teacher's booking page names the offering coach's)."""
    if zone_name is None:
        zone_name = current_user.time_zone if current_user.is_authenticated else None
    return services.when(starts_at, minutes, zone_name)


@bp.app_template_global("this_week")
def this_week() -> services.Week:
    """The dashboard's "This week" (schedule/_this_week.html)."""
    return services.week_of(current_user)


@bp.app_template_global("plan_debrief_offer")
def plan_debrief_offer(observation) -> dict | None:
    """The debrief page's "Plan the debrief", prefilled within the cycle's norm, or None."""
    offer = services.debrief_offer(observation)
    if offer is None:
        return None
    local = services.to_local(offer.suggested, observation.cycle.teacher.coach.time_zone)
    url = url_for("schedule.new_visit", teacher=offer.teacher_id, kind="debrief",
                  date=local.date().isoformat(), start_time=f"{local:%H:%M}", minutes=30)
    return {"offer": offer, "url": url}


def prefill() -> dict:
    """The "Plan a visit" form's starting values from the query string (the teacher page's
    button, the debrief page's offer); anything unreadable is simply left out."""
    args, data = request.args, {"date": services.to_local(utcnow(),
                                                          current_user.time_zone).date()}
    if (teacher := args.get("teacher", type=int)) is not None:
        data["teacher"] = teacher
    if args.get("kind") in ACTIVITIES:
        data["kind"] = args["kind"]
    for key, parse in (("date", date.fromisoformat), ("start_time", time.fromisoformat)):
        try:
            data[key] = parse(args.get(key, ""))
        except ValueError:
            pass
    if 1 <= (minutes := args.get("minutes", 0, type=int)) <= services.MAX_MINUTES:
        data["minutes"] = minutes
    return data


def visit_form(visit=None, formdata=True, **data) -> VisitForm:
    teachers = services.teacher_choices(current_user, keep=visit.teacher_id if visit else None)
    if formdata:
        return VisitForm(caseload=teachers)
    return VisitForm(formdata=None, caseload=teachers, **data)


def visit_input(form: VisitForm) -> services.VisitInput:
    return services.VisitInput(
        teacher_id=form.teacher.data, kind=form.kind.data, day=form.date.data,
        start=form.start_time.data, minutes=form.minutes.data,
        place=form.place.data, note=form.note.data)


def render_visit_form(form: VisitForm, visit=None, status: int = 200, error: str | None = None):
    return render_template("schedule/visit_form.html", form=form, visit=visit, error=error), status


@bp.get("/visits/new")
def new_visit():
    """The "Plan a visit" form (prefilled from the teacher page or the debrief page)."""
    return render_visit_form(visit_form(formdata=False, **prefill()))


@bp.post("/visits")
def create_visit():
    """Plan a visit; back to the dashboard, where "This week" lists it."""
    form = visit_form()
    if not form.validate_on_submit():
        return render_visit_form(form, status=400)
    try:
        visit = services.plan_visit(current_user, visit_input(form))
    except services.ScheduleError as exc:
        return render_visit_form(form, status=400, error=str(exc))
    flash(f"Visit planned: {services.summary(visit)}, "
          f"{services.when(visit.starts_at, visit.minutes, current_user.time_zone)}.")
    return redirect(url_for("teachers.index", _anchor="this-week"), 303)


@bp.get("/visits/<int:visit_id>/edit")
def edit_visit(visit_id: int):
    """Change a visit's teacher, kind, time, place or note."""
    visit = services.get_owned_visit(current_user, visit_id)
    local = services.to_local(visit.starts_at, current_user.time_zone)
    form = visit_form(visit, formdata=False, teacher=visit.teacher_id, kind=visit.kind,
                      date=local.date(), start_time=local.time(), minutes=visit.minutes,
                      place=visit.place, note=visit.note)
    return render_visit_form(form, visit)


@bp.post("/visits/<int:visit_id>")
def update_visit(visit_id: int):
    """Save a changed visit (its calendar UID stays the same)."""
    visit = services.get_owned_visit(current_user, visit_id)
    form = visit_form(visit)
    if not form.validate_on_submit():
        return render_visit_form(form, visit, 400)
    try:
        services.update_visit(current_user, visit, visit_input(form))
    except services.ScheduleError as exc:
        return render_visit_form(form, visit, 400, str(exc))
    flash("Visit saved.")
    return redirect(url_for("teachers.index", _anchor="this-week"), 303)


@bp.post("/visits/<int:visit_id>/delete")
def delete_visit(visit_id: int):
    """Delete a visit (a time a teacher booked is offered again)."""
    visit = services.get_owned_visit(current_user, visit_id)
    services.delete_visit(visit)
    flash("Visit deleted.")
    return redirect(url_for("teachers.index", _anchor="this-week"), 303)


@bp.get("/visits/<int:visit_id>.ics")
def visit_ics(visit_id: int):
    """One visit as an .ics file, to add to any calendar app."""
    visit = services.get_owned_visit(current_user, visit_id)
    body = calendar_of(current_user, [visit], "Lookfor")
    day = services.to_local(visit.starts_at, current_user.time_zone).date().isoformat()
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="lookfor-{visit.kind}-{day}.ics"'})


@bp.get("/schedule")
def index():
    """Every visit from today on, and the times offered to teachers."""
    return render_template("schedule/index.html", visits=services.upcoming(current_user),
                           offers=offers.offers_of(current_user), now=utcnow())


def offer_form(formdata=True, **data) -> OfferForm:
    teachers = services.teacher_choices(current_user)
    if formdata:
        return OfferForm(caseload=teachers)
    return OfferForm(formdata=None, caseload=teachers, **data)


def render_offer_form(form: OfferForm, status: int = 200, error: str | None = None):
    return render_template("schedule/offer_form.html", form=form, error=error), status


@bp.get("/offers/new")
def new_offer():
    """The "Offer times" form: 2–6 times, one or more teachers."""
    teacher = request.args.get("teacher", type=int)
    return render_offer_form(offer_form(formdata=False, teachers=[teacher] if teacher else []))


@bp.post("/offers")
def create_offer():
    """Make one private link per teacher and show each once, with "Copy link"."""
    form = offer_form()
    if not form.validate_on_submit():
        return render_offer_form(form, 400)
    try:
        made = offers.create_offer(current_user, offers.OfferInput(
            teacher_ids=form.teachers.data, kind=form.kind.data, minutes=form.minutes.data,
            times=form.times(), place=form.place.data, note=form.note.data))
    except (services.ScheduleError, ValueError) as exc:
        return render_offer_form(form, 400, str(exc))
    tokens = {link.id: token for link, token in made.links}
    return render_offer(made.offer, tokens)


def render_offer(offer, tokens: dict[int, str] | None = None, status: int = 200):
    links = offers.links_of(offer)
    booked = offers.visits_by_id([slot.visit_id for slot in offer.slots])
    return render_template("schedule/offer.html", offer=offer, links=links, tokens=tokens or {},
                           booked=booked, now=utcnow()), status


@bp.get("/offers/<int:offer_id>")
def show_offer(offer_id: int):
    """An offer: which times are booked, by whom, and each teacher's link."""
    return render_offer(offers.get_owned_offer(current_user, offer_id))


@bp.post("/offers/<int:offer_id>/links/<int:link_id>/revoke")
def revoke_offer_link(offer_id: int, link_id: int):
    """End one teacher's link at once (a time already booked stays planned)."""
    offer = offers.get_owned_offer(current_user, offer_id)
    link = offers.get_offer_link(offer, link_id)
    offers.revoke_link(link)
    flash(f"{link.teacher.name}’s link is revoked.")
    return redirect(url_for("schedule.show_offer", offer_id=offer.id), 303)
