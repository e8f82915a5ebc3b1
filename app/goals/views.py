"""The goal measure on the cycle page, and the goal met with Try-Measure-Learn's next step
(close the cycle, or set the next goal) from the cycle page or a debrief."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy import select

from .. import timezones
from ..extensions import db
from ..models import Observation
from ..ownership import get_owned_cycle
from . import services
from .chart import progress_svg
from .forms import MeasureForm, NextGoalForm

bp = Blueprint("goals", __name__)


@pass_context
def progress_chart(context, progress: services.Progress, current_id: str | None = None):
    """Template global: the progress chart's SVG, its dates in the page's zone (|local)."""
    return progress_svg(progress, current_id,
                        lambda moment, style: timezones.local(context, moment, style))


def measure_section(cycle, **sent) -> dict:
    """Template global: what the cycle page's "Goal measure" section shows. A form sent back
    with its error (no script: the whole page answers 400) arrives through `g.goals_sent`."""
    sent = {**g.get("goals_sent", {}), **sent}
    measures = services.available_measures(cycle.lookfors)
    form = sent.get("form") or MeasureForm(
        formdata=None, measure=cycle.measure or "", baseline_value=cycle.baseline_value,
        target_value=cycle.target_value, baseline_from_first=cycle.baseline_from_first)
    progress = services.progress_of(cycle)
    return {
        "form": form.offer(measures),
        "progress": progress,
        "stale": bool(cycle.measure) and progress is None,
        "error": sent.get("error"),
        "saved": sent.get("saved", False),
    }


def measure_options(cycle) -> MeasureForm:
    """Template global: the Measure select alone, as the look-fors now offer it (sent out of
    band when they change, so a look-for just added can be chosen without a reload)."""
    return MeasureForm(formdata=None, measure=cycle.measure or "").offer(
        services.available_measures(cycle.lookfors))


def next_step_section(cycle) -> dict:
    """Template global: Try-Measure-Learn's next step once the goal is met."""
    return {
        "next_cycle": services.next_cycle_of(cycle),
        "form": g.get("next_goal_form") or NextGoalForm(formdata=None),
        "error": g.get("next_goal_error"),
    }


bp.add_app_template_global(progress_chart, "progress_chart")
bp.add_app_template_filter(services.format_value, "goal_value")
bp.add_app_template_global(measure_section, "goal_measure_section")
bp.add_app_template_global(measure_options, "goal_measure_options")
bp.add_app_template_global(next_step_section, "goal_next_step")


@bp.post("/cycles/<int:cycle_id>/measure")
@login_required
def save_measure(cycle_id: int):
    """Choose the goal's measure, baseline and target; answers with the section (htmx)."""
    cycle = get_owned_cycle(current_user, cycle_id)
    form = MeasureForm()
    error = None
    if form.validate():
        try:
            services.set_measure(cycle, form.measure.data, form.baseline_value.data,
                                 form.target_value.data, form.baseline_from_first.data)
        except services.GoalError as exc:
            error = str(exc)
    else:
        error = form.first_error()
    if not request.htmx:
        if not error:
            return redirect(url_for("cycles.show", cycle_id=cycle.id, _anchor="goal-measure"),
                            303)
        g.goals_sent = {"form": form, "error": error}
        return whole_page(cycle)
    section = measure_section(cycle, **({"form": form, "error": error} if error else
                                         {"saved": True}))
    return render_template("goals/_measure.html", cycle=cycle, gm=section), 400 if error else 200


def whole_page(cycle, observation: Observation | None = None):
    """The page a form was sent from, answering 400 with its error (no script). The page's
    own view renders it, found by its endpoint, so this area imports neither the debrief nor
    the cycle area (they show the goal's sections)."""
    if observation is not None:
        page = current_app.view_functions["debrief.show"](observation_id=observation.id)
    else:
        page = current_app.view_functions["cycles.show"](cycle_id=cycle.id)
    response = make_response(page)
    response.status_code = 400
    return response


def owned_observation_of(cycle) -> Observation | None:
    """The debrief the coach pressed a button on (a live observation of this cycle), if any."""
    observation_id = request.form.get("observation_id", "")
    if not observation_id or len(observation_id) > 36:
        return None
    return db.session.scalar(select(Observation).where(
        Observation.id == observation_id, Observation.cycle_id == cycle.id,
        Observation.deleted_at.is_(None)))


def back(cycle, anchor: str):
    observation = owned_observation_of(cycle)
    if observation is not None:
        return redirect(url_for("debrief.show", observation_id=observation.id,
                                _anchor="goal-progress"), 303)
    return redirect(url_for("cycles.show", cycle_id=cycle.id, _anchor=anchor), 303)


@bp.post("/cycles/<int:cycle_id>/goal-met")
@login_required
def mark_met(cycle_id: int):
    """Mark the goal met (the first date is kept); then the next step is offered."""
    cycle = get_owned_cycle(current_user, cycle_id)
    services.mark_goal_met(cycle)
    return back(cycle, "goal-measure")


@bp.post("/cycles/<int:cycle_id>/close")
@login_required
def close(cycle_id: int):
    """Close the cycle (Try-Measure-Learn: the goal is met, the cycle ends)."""
    cycle = get_owned_cycle(current_user, cycle_id)
    services.close_cycle(cycle)
    return back(cycle, "goal-measure")


@bp.post("/cycles/<int:cycle_id>/next-goal")
@login_required
def set_next_goal(cycle_id: int):
    """Open the next cycle with the same teacher and look-fors, and go to it."""
    cycle = get_owned_cycle(current_user, cycle_id)
    form = NextGoalForm()
    try:
        if not form.validate():
            raise services.GoalError(f"Keep the goal under {services.MAX_GOAL:,} characters.")
        following = services.set_next_goal(cycle, form.goal.data)
    except services.GoalError as exc:
        g.next_goal_form, g.next_goal_error = form, str(exc)
        return whole_page(cycle, owned_observation_of(cycle))
    return redirect(url_for("cycles.show", cycle_id=following.id), 303)
