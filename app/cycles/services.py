"""Coaching cycles: one measurable goal, its look-fors (each of a kind, with that kind's
config), and the cycle's status.

Every lookup goes through get_owned_cycle / get_owned_lookfor, which 404 for anyone but the
owning coach. Recorded events are never reinterpreted: a look-for's kind is fixed once it has
any event, and its config may not drop a category or code its live events use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from .. import kinds
from ..extensions import db
from ..library import services as library
from ..models import Cycle, CycleStatus, Event, FocusArea, LookFor, Teacher

MAX_LOOKFORS = library.MAX_LOOKFORS
KIND_LOCKED = ("Recorded events keep this kind. To record it another way, add a new look-for.")


class CycleError(ValueError):
    """A change to a cycle that cannot be made, with a message for the coach."""


def parse_lookfor_lines(text: str | None) -> list[str]:
    """One look-for per non-blank line, in order, without repeats."""
    labels: list[str] = []
    for line in (text or "").splitlines():
        label = line.strip().lstrip("-*•").strip()
        if label and label.casefold() not in (seen.casefold() for seen in labels):
            if len(label) > 120:
                raise CycleError("Keep each look-for under 120 characters.")
            labels.append(label)
    return labels


def create_cycle(
    teacher: Teacher,
    *,
    goal: str,
    focus_area: str,
    baseline: str | None = None,
    target: str | None = None,
    norms: str | None = None,
    lookfor_lines: str | None = None,
    tools: Iterable[str] = (),
    planning_notes: str | None = None,
) -> Cycle:
    """Open a coaching cycle on one goal; each look-for line becomes a tally look-for, then
    each chosen library tool (by slug) adds its look-fors."""
    if not goal.strip():
        raise CycleError("Write the one measurable goal.")
    if focus_area not in FocusArea.values():
        raise CycleError("Choose a focus area.")
    lines = parse_lookfor_lines(lookfor_lines)
    specs = [library.LookForSpec(label, "tally", {}) for label in lines]
    for slug in dict.fromkeys(tools):
        specs.extend(library_tool(slug).lookfors)
    if len(specs) > MAX_LOOKFORS:
        raise CycleError(f"A cycle holds at most {MAX_LOOKFORS} look-fors.")
    cycle = Cycle(
        teacher_id=teacher.id,
        goal=goal.strip(),
        focus_area=focus_area,
        baseline=(baseline or "").strip() or None,
        target=(target or "").strip() or None,
        norms=(norms or "").strip() or None,
        planning_notes=clean_planning_notes(planning_notes),
        status=CycleStatus.PLANNING,
    )
    db.session.add(cycle)
    db.session.flush()
    _append(cycle, specs, start=0)
    db.session.commit()
    return cycle


PLANNING_NOTES_LIMIT = 10_000


def clean_planning_notes(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > PLANNING_NOTES_LIMIT:
        raise CycleError(f"Keep the planning notes under {PLANNING_NOTES_LIMIT:,} characters.")
    return text or None


def save_planning_notes(cycle: Cycle, text: str | None) -> None:
    """The planning conference: the initial conversation, the student data behind the goal."""
    cycle.planning_notes = clean_planning_notes(text)
    db.session.commit()


def set_status(cycle: Cycle, status: str, now: datetime | None = None) -> None:
    """Move the cycle to planning, observing, debriefing or closed (a dated change)."""
    if status not in CycleStatus.values():
        raise CycleError("Choose a status.")
    cycle.move_to(status, now)
    db.session.commit()


def _check_label(label: str) -> str:
    label = label.strip()
    if not label:
        raise CycleError("A look-for needs a label.")
    if len(label) > 120:
        raise CycleError("Keep each look-for under 120 characters.")
    return label


def _kind(name: str) -> kinds.Kind:
    if name not in kinds.KINDS:
        raise CycleError("Choose a kind: " + ", ".join(kinds.get(k).label for k in kinds.names())
                         + ".")
    return kinds.get(name)


def _config(kind: kinds.Kind, raw: object) -> dict:
    """The kind's clean config, or CycleError with its reason as a sentence."""
    try:
        return kind.parse_config(raw)
    except kinds.KindError as exc:
        raise CycleError(sentence(f"{kind.label}: {exc}")) from None


def sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def live_count(cycle: Cycle) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LookFor)
        .where(LookFor.cycle_id == cycle.id, LookFor.archived.is_(False))
    )


def recorded_ids(lookfor_ids: Iterable[int]) -> set[int]:
    """Which of these look-fors have any event, deleted or not: their kind is fixed."""
    ids = list(lookfor_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        select(Event.lookfor_id).where(Event.lookfor_id.in_(ids)).distinct()
    ))


def _append(cycle: Cycle, specs: Iterable[library.LookForSpec], start: int | None = None) -> list:
    if start is None:
        last = db.session.scalar(
            select(func.max(LookFor.position)).where(LookFor.cycle_id == cycle.id)
        )
        start = (last or 0) + 1
    added = [
        LookFor(cycle_id=cycle.id, label=spec.label, kind=spec.kind, config=spec.config,
                position=start + offset)
        for offset, spec in enumerate(specs)
    ]
    db.session.add_all(added)
    return added


def append_lookfors(cycle: Cycle, specs: list[library.LookForSpec]) -> list[LookFor]:
    """Add checked look-fors (a library tool's, a tool file's) at the end, all or none."""
    total = live_count(cycle) + len(specs)
    if total > MAX_LOOKFORS:
        raise CycleError(f"A cycle holds at most {MAX_LOOKFORS} look-fors: this would make "
                         f"{total}. Remove some first.")
    added = _append(cycle, specs)
    db.session.commit()
    return added


def library_tool(slug: str) -> library.Tool:
    tool = library.get_tool(slug) if isinstance(slug, str) else None
    if tool is None:
        raise CycleError("Choose a tool from the library.")
    return tool


def add_tool(cycle: Cycle, slug: str) -> library.Tool:
    """Append a library tool's look-fors to the cycle."""
    tool = library_tool(slug)
    append_lookfors(cycle, list(tool.lookfors))
    return tool


def import_tools(cycle: Cycle, raw: bytes) -> list[LookFor]:
    """Append every look-for of a tool file, after checking them all (nothing half-imported)."""
    try:
        specs = library.parse_tool_file(raw)
    except library.ToolFileError as exc:
        raise CycleError(str(exc)) from None
    return append_lookfors(cycle, specs)


def export_tools(cycle: Cycle) -> dict:
    """The cycle's live look-fors as a tool file."""
    return library.export_document(cycle.lookfors)


def add_lookfor(cycle: Cycle, label: str, kind: str = "tally", config: object = None) -> LookFor:
    """Add a look-for at the end of the cycle's list."""
    spec = library.LookForSpec(_check_label(label), kind, _config(_kind(kind), config))
    return append_lookfors(cycle, [spec])[0]


def update_lookfor(lookfor: LookFor, label: str, kind: str, config: object = None) -> LookFor:
    """Rename a look-for, set its kind and its config (None: keep the config of the same
    kind). The kind is fixed once events exist; the config must keep what they use."""
    label, kind_ = _check_label(label), _kind(kind)
    same_kind = kind == lookfor.kind
    if not same_kind and recorded_ids([lookfor.id]):
        raise CycleError(KIND_LOCKED)
    if config is None:
        config = lookfor.config if same_kind else {}
    clean = _config(kind_, config)
    if same_kind and clean != (lookfor.config or {}):
        recorded = list(db.session.scalars(
            select(Event.data).where(Event.lookfor_id == lookfor.id, Event.deleted.is_(False))
        ))
        try:
            kind_.keep_recorded(lookfor.config or {}, clean, recorded)
        except kinds.KindError as exc:
            raise CycleError(sentence(f"{kind_.label}: {exc}")) from None
    lookfor.label, lookfor.kind, lookfor.config = label, kind, clean
    db.session.commit()
    return lookfor


def move_lookfor(lookfor: LookFor, direction: str) -> None:
    """Swap a look-for with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise CycleError("Move a look-for up or down.")
    siblings = list(lookfor.cycle.lookfors)
    index = siblings.index(lookfor)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    # Renumber the whole list, so positions stay dense whatever came before.
    for position, item in enumerate(siblings):
        item.position = position
    db.session.commit()


def remove_lookfor(lookfor: LookFor) -> None:
    """Take a look-for off the cycle. Archived, not deleted: recorded events keep their label."""
    lookfor.archived = True
    db.session.commit()
