"""The look-for editor's routes: add, edit (label, kind, the kind's config), the kind's config
fields as a fragment, move and remove. Each answers with the fragment htmx swaps, or, with
scripts off, the cycle page again."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import kinds
from ..ownership import get_owned_cycle, get_owned_lookfor
from ..security import MAX_ID
from . import editor, services
from .views import bp, render_cycle, render_lookfor_list


def _needs_fields_message(ed: editor.Editor, button: str) -> str:
    return f"Fill in the settings for {ed.kind_info.label} below, then press {button}."


@bp.post("/cycles/<int:cycle_id>/lookfors")
@login_required
def add_lookfor(cycle_id: int):
    """Add a look-for of any kind, with its config; answers with the whole look-for list."""
    cycle = get_owned_cycle(current_user, cycle_id)
    sent = editor.posted("new", request.form)
    new = sent.editor
    if sent.needs_fields:
        new.message = _needs_fields_message(new, "Add look-for")
        return render_lookfor_list(cycle, new=new)
    try:
        services.add_lookfor(cycle, new.label, sent.kind, editor.raw_config(new))
    except (services.CycleError, kinds.KindError) as exc:
        new.error = _reason(exc, new)
        return render_lookfor_list(cycle, None, 400, new=new)
    return render_lookfor_list(cycle, notice=f"Added {new.label.strip()}.")


@bp.post("/cycles/<int:cycle_id>/lookfors/<int:lookfor_id>")
@login_required
def update_lookfor(cycle_id: int, lookfor_id: int):
    """Rename a look-for, change its kind (until it has events) or its config; answers with its
    row."""
    lookfor = get_owned_lookfor(current_user, cycle_id, lookfor_id)
    locked = bool(services.recorded_ids([lookfor.id]))
    sent = editor.posted(f"lf{lookfor.id}", request.form, lookfor, locked)
    ed = sent.editor
    status = 200
    if sent.needs_fields:
        ed.message = _needs_fields_message(ed, "Save")
    else:
        try:
            services.update_lookfor(lookfor, ed.label, sent.kind, editor.raw_config(ed))
        except (services.CycleError, kinds.KindError) as exc:
            ed.error, status = _reason(exc, ed), 400
        else:
            ed = editor.stored(lookfor, locked)
            ed.saved = True
    if not request.htmx:
        if ed.saved:
            return redirect(url_for("cycles.show", cycle_id=lookfor.cycle_id))
        return render_cycle(lookfor.cycle, status, rows={lookfor.id: ed})
    row = render_template("cycles/_lookfor.html", lookfor=lookfor, ed=ed)
    if ed.saved:  # its label or kind may change what the goal can measure
        row += render_template("goals/_measure_options.html", cycle=lookfor.cycle)
    return row, status


def _reason(exc: Exception, ed: editor.Editor) -> str:
    if isinstance(exc, kinds.KindError):  # from the form's text, before the kind's checks
        return services.sentence(f"{ed.kind_info.label}: {exc}")
    return str(exc)


@bp.get("/cycles/<int:cycle_id>/lookfor-fields")
@login_required
def lookfor_fields(cycle_id: int):
    """The chosen kind's config fields for a look-for form (the "Kind" select asks on change)."""
    cycle = get_owned_cycle(current_user, cycle_id)
    prefix = request.args.get("prefix", "new")
    if not editor.PREFIX.match(prefix):
        abort(404)
    lookfor = None
    if prefix != "new":
        if int(prefix[2:]) > MAX_ID:  # as the routes' own ids: past 32 bits is no id
            abort(404)
        lookfor = get_owned_lookfor(current_user, cycle.id, int(prefix[2:]))
    kind = request.args.get(f"{prefix}-kind", "tally")
    if kind not in kinds.KINDS:
        return "Choose a kind.", 400
    return render_template("cycles/_kind_config.html", ed=editor.fields_for(prefix, kind, lookfor))


@bp.post("/cycles/<int:cycle_id>/lookfors/<int:lookfor_id>/move")
@login_required
def move_lookfor(cycle_id: int, lookfor_id: int):
    """Move a look-for up or down; answers with the whole look-for list."""
    lookfor = get_owned_lookfor(current_user, cycle_id, lookfor_id)
    try:
        services.move_lookfor(lookfor, request.form.get("direction", ""))
    except services.CycleError as exc:
        return render_lookfor_list(lookfor.cycle, str(exc), 400)
    return render_lookfor_list(lookfor.cycle)


@bp.post("/cycles/<int:cycle_id>/lookfors/<int:lookfor_id>/delete")
@login_required
def remove_lookfor(cycle_id: int, lookfor_id: int):
    """Remove a look-for from the cycle; answers with the whole look-for list."""
    lookfor = get_owned_lookfor(current_user, cycle_id, lookfor_id)
    services.remove_lookfor(lookfor)
    return render_lookfor_list(lookfor.cycle)
