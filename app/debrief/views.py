from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..ownership import get_owned_observation
from . import services
from .forms import ConversationForm, NextStepForm
from .guide import GROW
from .timeline import event_table_rows, timeline_axis, timeline_height, timeline_row

bp = Blueprint("debrief", __name__)


@bp.app_template_filter("rate")
def format_rate(value: float | None) -> str:
    """A rate per 10 minutes to one decimal; a dash when the length is unknown."""
    return "—" if value is None else f"{value:.1f}"


bp.add_app_template_global(timeline_row, "timeline_row")
bp.add_app_template_global(timeline_axis, "timeline_axis")
bp.add_app_template_global(timeline_height, "timeline_height")
bp.add_app_template_global(event_table_rows, "event_table_rows")


@bp.app_template_filter("seconds")
def format_seconds(value: float | None) -> str:
    """A span in milliseconds as seconds to one decimal: "2.5 s"."""
    return "—" if value is None else f"{value / 1000:.1f} s"


@bp.app_template_filter("trend_value")
def format_trend_value(value: float | None, unit: str) -> str:
    """A point of "Across this cycle" in its series' unit."""
    if value is None:
        return "—"
    if unit == "percent":
        return format_percent(value)
    if unit == "ms":
        return format_seconds(value)
    if unit == "rate":
        return format_rate(value)
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:g}"


@bp.app_template_filter("percent")
def format_percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def debrief_context(observation) -> dict:
    """Everything the coach's debrief page and its fragments show."""
    return {
        **services.debrief_of(observation),
        "grow": GROW,
        "coach_view": True,
        "correction_targets": services.correction_targets,
        "from_last_time": services.from_last_time(observation),
    }


def conversation_form(debrief) -> ConversationForm:
    """The conversation form as saved, the GROW steps' notes included."""
    grow = debrief.grow_notes or {}
    return ConversationForm(
        formdata=None, keepers=debrief.keepers, polishers=debrief.polishers,
        private_notes=debrief.private_notes,
        **{stage.field: grow.get(stage.key) for stage in GROW},
    )


def render_show(observation, token: str | None = None, **extra):
    context = debrief_context(observation)
    debrief = context["debrief"]
    return render_template(
        "debrief/show.html",
        conversation_form=conversation_form(debrief),
        next_step_form=NextStepForm(formdata=None),
        token=token,
        **context,
        **extra,
    )


@bp.get("/observations/<observation_id>")
@login_required
def show(observation_id: str):
    """The coach's debrief: evidence against the goal, trend, guide, notes, next steps."""
    observation = get_owned_observation(current_user, observation_id)
    services.note_debrief_seen(observation.id)  # the dashboard's "New reflection" is seen now
    return render_show(observation)


def back_to(observation, anchor: str = ""):
    return redirect(url_for("debrief.show", observation_id=observation.id) + anchor)


@bp.post("/observations/<observation_id>/conversation")
@login_required
def save_conversation(observation_id: str):
    """Save keepers, polishers, the GROW steps' notes and private notes; answers with the
    conversation fragment."""
    observation = get_owned_observation(current_user, observation_id)
    form = ConversationForm()
    error = None
    if form.validate():
        try:
            services.save_conversation(
                observation, keepers=form.keepers.data, polishers=form.polishers.data,
                private_notes=form.private_notes.data, grow_notes=form.grow_notes(),
            )
        except services.DebriefError as exc:
            error = str(exc)
    else:
        error = "Keep each field under 5,000 characters."
    if not request.htmx and not error:
        return back_to(observation, "#conversation")
    return render_template(
        "debrief/_conversation.html", observation=observation, conversation_form=form,
        debrief=services.get_debrief(observation), grow=GROW, error=error, saved=not error,
    ), 400 if error else 200


def render_next_steps(observation, form=None, error=None, status=200):
    if not request.htmx and not error:
        return back_to(observation, "#next-steps")
    return render_template(
        "debrief/_next_steps.html", observation=observation,
        next_steps=services.next_steps_of(observation),
        next_step_form=form or NextStepForm(formdata=None), error=error, coach_view=True,
    ), status


@bp.post("/observations/<observation_id>/next-steps")
@login_required
def add_next_step(observation_id: str):
    """Add a next step (Action, Who, By when); answers with the next-steps fragment."""
    observation = get_owned_observation(current_user, observation_id)
    form = NextStepForm()
    if not form.validate():
        return render_next_steps(observation, form, "Write the action; a date must be a date.", 400)
    try:
        services.add_next_step(observation, form.action.data, form.who.data, form.by_when.data)
    except services.DebriefError as exc:
        return render_next_steps(observation, form, str(exc), 400)
    return render_next_steps(observation)


@bp.post("/observations/<observation_id>/next-steps/<int:step_id>/delete")
@login_required
def remove_next_step(observation_id: str, step_id: int):
    """Remove a next step; answers with the next-steps fragment."""
    observation = get_owned_observation(current_user, observation_id)
    step = services.get_next_step(observation, step_id)
    if step is not None:
        services.remove_next_step(step)
    return render_next_steps(observation)


def render_from_last_time(observation, error=None, status=200):
    if not request.htmx and not error:
        return back_to(observation, "#from-last-time")
    return render_template(
        "debrief/_from_last_time.html", observation=observation,
        from_last_time=services.from_last_time(observation), error=error,
    ), status


@bp.post("/observations/<observation_id>/last-steps/<int:step_id>/status")
@login_required
def mark_last_step(observation_id: str, step_id: int):
    """Mark a step of the previous debrief done or not yet; answers with "From last time"."""
    observation = get_owned_observation(current_user, observation_id)
    step = services.get_step_from_last_time(observation, step_id)
    if step is None:
        abort(404)
    try:
        services.set_step_status(step, request.form.get("status", ""))
    except services.DebriefError as exc:
        return render_from_last_time(observation, str(exc), 400)
    return render_from_last_time(observation)


@bp.get("/observations/<observation_id>/events/edit")
@login_required
def edit_event(observation_id: str):
    """The editor for one event's corrections (a fragment for htmx, else the whole page)."""
    observation = get_owned_observation(current_user, observation_id)
    event = services.get_live_event(observation, request.args.get("event", ""))
    if event is None:
        abort(404)
    lookfors = services.cycle_lookfors(observation.cycle_id)
    editor = {
        "editing": event,
        "editing_label": next((lf.label for lf in lookfors if lf.id == event.lookfor_id), "Note"),
        "targets": services.correction_targets(lookfors, event),
    }
    if request.htmx:
        response = make_response(
            render_template("debrief/_event_editor.html", observation=observation, **editor)
        )
    else:
        response = make_response(render_show(observation, **editor))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.post("/observations/<observation_id>/events/<event_id>")
@login_required
def correct_event(observation_id: str, event_id: str):
    """Delete an event, move it to another look-for or edit a note's text."""
    observation = get_owned_observation(current_user, observation_id)
    action = request.form.get("action", "")
    try:
        services.correct_event(
            current_user, observation, event_id, action,
            lookfor_id=request.form.get("lookfor_id", ""), note=request.form.get("note"),
        )
    except services.DebriefError as exc:
        flash(f"Not corrected: {exc}")
        return back_to(observation, "#events"), 303
    flash("Correction saved.")
    return back_to(observation, "#events"), 303
