"""The cycle report (the coach's record of a cycle, print-ready) and "Download cycle data"."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..debrief.guide import GROW
from ..goals.services import format_value
from ..ownership import get_owned_cycle
from . import services
from .forms import ReportTextForm
from .record import cycle_record

bp = Blueprint("report", __name__)


def text_context(cycle, part: str, form: ReportTextForm | None = None, **extra) -> dict:
    """One written part (overview or reflection): its form, saved text and word count."""
    saved_text = getattr(cycle, services.PARTS[part])
    form = form or ReportTextForm(part, formdata=None, text=saved_text)
    return {"part": part, "form": form, "saved_text": saved_text,
            "words": services.word_count(form.text.data), "word_limit": services.WORD_LIMIT,
            **extra}


def render_report(cycle, status: int = 200, sent: dict | None = None):
    record = cycle_record(cycle)
    sent = sent or {}
    return render_template(
        "report/show.html", cycle=cycle, record=record, progress=record.progress,
        format_measure=format_value, grow=GROW,
        parts={part: sent.get(part) or text_context(cycle, part) for part in services.PARTS},
    ), status


@bp.get("/cycles/<int:cycle_id>/report")
@login_required
def show(cycle_id: int):
    """The cycle report: overview, artifacts (planning, goal, data, debriefs), reflection."""
    return render_report(get_owned_cycle(current_user, cycle_id))


def save(cycle_id: int, part: str):
    cycle = get_owned_cycle(current_user, cycle_id)
    form = ReportTextForm(part)
    try:
        services.save_text(cycle, part, form.text.data)
    except services.ReportError as exc:
        context = text_context(cycle, part, form, error=str(exc))
        if request.htmx:
            return render_template("report/_text.html", cycle=cycle, p=context), 400
        return render_report(cycle, 400, {part: context})
    if request.htmx:
        return render_template("report/_text.html", cycle=cycle,
                               p=text_context(cycle, part, saved=True))
    return redirect(url_for("report.show", cycle_id=cycle.id, _anchor=part), 303)


@bp.post("/cycles/<int:cycle_id>/report/overview")
@login_required
def save_overview(cycle_id: int):
    """Save Part 1, the overview (300 words at most); answers with its section."""
    return save(cycle_id, "overview")


@bp.post("/cycles/<int:cycle_id>/report/reflection")
@login_required
def save_reflection(cycle_id: int):
    """Save Part 3, the coach's reflection (300 words at most); answers with its section."""
    return save(cycle_id, "reflection")


@bp.get("/cycles/<int:cycle_id>/data.zip")
@login_required
def data(cycle_id: int):
    """Download cycle data: each observation's CSV and the cycle's summary.json, zipped."""
    cycle = get_owned_cycle(current_user, cycle_id)
    response = make_response(services.data_zip(cycle))
    response.mimetype = "application/zip"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{services.zip_name(cycle)}"')
    response.headers["Cache-Control"] = "no-store"
    return response
