"""The cycle page's tools: add a ready-made tool from the library, export the cycle's
look-fors as a tool file, import one. Each answers htmx with the tools section and, when
look-fors were added, the look-for list out of band; with scripts off, the cycle page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..library import services
from ..ownership import get_owned_cycle
from . import editor
from . import services as cycles
from .views import editors, render_cycle

# Its own blueprint, named for what it serves: the library of tools (app/library holds the
# tools and the tool-file format; this is the cycle page's use of them).
bp = Blueprint("library", __name__)


def answer(cycle, status: int = 200, **state):
    """The tools section after an action; state holds its notice or error and where."""
    if not request.htmx:
        if status >= 400:
            return render_cycle(cycle, status, tools=state)
        flash(state.get("library_notice") or state.get("import_notice"))
        return redirect(url_for("cycles.show", cycle_id=cycle.id))
    html = render_template("library/_tools.html", cycle=cycle, tools=services.library(),
                           tools_state=state)
    if status < 400:
        html += render_template("cycles/_lookfor_list.html", cycle=cycle,
                                editors=editors(cycle), new_editor=editor.blank(), oob=True)
    return html, status


def added(lookfors) -> str:
    return "1 look-for" if len(lookfors) == 1 else f"{len(lookfors)} look-fors"


@bp.post("/cycles/<int:cycle_id>/library")
@login_required
def add_tool(cycle_id: int):
    """Append a library tool's look-fors (label, kind, config) to the cycle."""
    cycle = get_owned_cycle(current_user, cycle_id)
    try:
        tool = cycles.add_tool(cycle, request.form.get("tool", ""))
    except cycles.CycleError as exc:
        return answer(cycle, 400, library_error=str(exc), library_open=True)
    return answer(cycle, library_notice=f"Added {tool.title}: {added(tool.lookfors)}.",
                  library_open=True)


@bp.get("/cycles/<int:cycle_id>/tools.json")
@login_required
def export_tools(cycle_id: int):
    """Download the cycle's live look-fors as a tool file."""
    cycle = get_owned_cycle(current_user, cycle_id)
    body = json.dumps(cycles.export_tools(cycle), indent=2, ensure_ascii=False) + "\n"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="lookfor-tools-cycle-{cycle.id}.json"'})


@bp.post("/cycles/<int:cycle_id>/tools")
@login_required
def import_tools(cycle_id: int):
    """Append every look-for of an uploaded tool file, checked all together first."""
    cycle = get_owned_cycle(current_user, cycle_id)
    upload = request.files.get("tool_file")
    if upload is None or not upload.filename:
        return answer(cycle, 400, import_error="Choose a tool file to import.")
    raw = upload.stream.read(services.MAX_FILE_BYTES + 1)
    if len(raw) > services.MAX_FILE_BYTES:
        return answer(cycle, 413, import_error="That file is over 512 KB: a tool file is "
                      "much smaller. Nothing was imported.")
    try:
        lookfors = cycles.import_tools(cycle, raw)
    except cycles.CycleError as exc:
        return answer(cycle, 400, import_error=f"{exc} Nothing was imported.")
    return answer(cycle, import_notice=f"Imported {added(lookfors)}.")
