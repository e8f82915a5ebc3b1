"""The look-for editor's state: a form's label, the kind it shows and that kind's config fields
(as the texts the coach sees), and what to say. Each look-for row and the "Add look-for" form
is one Editor; templates/kinds/_<kind>_config.html renders a kind's fields from it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import kinds
from ..models import LookFor

PREFIX = re.compile(r"^(new|lf[1-9][0-9]{0,9})$")


@dataclass
class Editor:
    prefix: str  # "new" for the add form, "lf<id>" for a look-for's row
    label: str = ""
    kind: str = "tally"
    values: dict[str, str] = field(default_factory=dict)  # config field name → text
    locked: bool = False  # the look-for has events: its kind cannot change
    error: str | None = None
    message: str | None = None  # a next step that is not an error
    saved: bool = False

    @property
    def kind_info(self) -> kinds.Kind:
        return kinds.get(self.kind)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(name, kinds.get(name).label) for name in kinds.names()]

    @property
    def config_template(self) -> str | None:
        """The kind's own partial for its config fields; None for a kind without config."""
        return f"kinds/_{self.kind}_config.html" if self.kind_info.config_fields else None

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def name(self, field_name: str) -> str:
        return f"{self.prefix}-{field_name}"


def stored(lookfor: LookFor, locked: bool) -> Editor:
    """The editor for a look-for as it is saved."""
    kind = kinds.get(lookfor.kind)
    return Editor(f"lf{lookfor.id}", lookfor.label, lookfor.kind,
                  kind.form_values(lookfor.config or {}), locked)


def blank() -> Editor:
    return Editor("new")


def fields_for(prefix: str, kind_name: str, lookfor: LookFor | None = None) -> Editor:
    """An editor showing kind_name's fields: the look-for's saved values for its own kind,
    else empty ones (the partials suggest defaults)."""
    if lookfor is not None and lookfor.kind == kind_name:
        return Editor(prefix, lookfor.label, kind_name,
                      kinds.get(kind_name).form_values(lookfor.config or {}))
    return Editor(prefix, lookfor.label if lookfor else "", kind_name)


@dataclass
class Posted:
    """What a look-for form sent, read once."""

    editor: Editor
    kind: str  # as sent (the editor shows a known kind)
    needs_fields: bool  # a new kind was chosen without its fields on the form (no script)


def posted(prefix: str, form: Mapping[str, str], lookfor: LookFor | None = None,
           locked: bool = False) -> Posted:
    """Read a look-for form. A disabled (locked) select sends nothing: the kind stays."""
    fallback = lookfor.kind if lookfor is not None else "tally"
    kind = form.get(f"{prefix}-kind") or fallback
    shown = form.get(f"{prefix}-fields")
    # An unknown kind is shown as the old one; the service names the kinds it knows.
    display = kind if kind in kinds.KINDS else fallback
    info = kinds.get(display)
    values = {name: form.get(f"{prefix}-{name}", "") for name in info.config_fields}
    needs = kind in kinds.KINDS and shown != kind and bool(info.config_fields)
    if needs:
        values = fields_for(prefix, kind, lookfor).values
    return Posted(Editor(prefix, form.get(f"{prefix}-label", ""), display, values, locked),
                  kind, needs)


def raw_config(editor: Editor) -> object:
    """The kind's raw config from the editor's texts; KindError for text that is no number."""
    return editor.kind_info.config_from_form(lambda name: editor.values.get(name, ""))
