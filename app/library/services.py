"""The library of ready-made tools, and moving a cycle's look-fors in and out as a file.

A tool file is `{"format": "lookfor-tools", "version": 1, "lookfors": [{"label", "kind",
"config"}]}`; the library's own tools are such files in tools/ (with a title, a description
and the goals they fit), so the library grows by adding a file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import kinds
from ..kinds.base import text

FORMAT, VERSION = "lookfor-tools", 1
MAX_LOOKFORS = 40
MAX_FILE_BYTES = 512 * 1024
TOOLS_DIR = Path(__file__).parent / "tools"


class ToolFileError(ValueError):
    """A tool file that cannot be imported, with a message for the coach."""


@dataclass(frozen=True)
class LookForSpec:
    label: str
    kind: str
    config: dict


@dataclass(frozen=True)
class Tool:
    slug: str
    title: str
    description: str
    goals: str
    lookfors: tuple[LookForSpec, ...]

    @property
    def kinds(self) -> str:
        return ", ".join(dict.fromkeys(kinds.get(spec.kind).label for spec in self.lookfors))


def parse_tool_file(raw: bytes | str) -> list[LookForSpec]:
    """Every look-for of a tool file, checked against its kind; ToolFileError for any misfit,
    so nothing is half-imported."""
    if len(raw) > MAX_FILE_BYTES:
        raise ToolFileError("That file is too large to be a tool file.")
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise ToolFileError("That file is not a Lookfor tool file (it is not JSON).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ToolFileError('That file is not a Lookfor tool file (no "format": "lookfor-tools").')
    version = document.get("version")
    if version != VERSION or type(version) is not int:
        said = f"is version {version}" if type(version) is int else "has no version number"
        raise ToolFileError(f"That tool file {said}; this Lookfor reads version {VERSION}.")
    items = document.get("lookfors")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_LOOKFORS:
        raise ToolFileError(f"A tool file holds 1 to {MAX_LOOKFORS} look-fors.")
    specs = []
    for number, item in enumerate(items, start=1):
        try:
            specs.append(parse_spec(item))
        except kinds.KindError as exc:
            raise ToolFileError(f"Look-for {number}: {exc}.") from None
    return specs


def parse_spec(item: object) -> LookForSpec:
    if not isinstance(item, dict):
        raise kinds.KindError("each look-for must be an object")
    label = text(item.get("label"), "the label", 120)
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in kinds.KINDS:
        known = ", ".join(kinds.names())
        raise kinds.KindError(f"unknown kind {short(kind)} (Lookfor knows {known})")
    return LookForSpec(label, kind, kinds.get(kind).parse_config(item.get("config")))


def short(value: object) -> str:
    """A value from a file, quoted and cut short enough to put in a message."""
    said = repr(value)
    return said if len(said) <= 40 else said[:37] + "…"


def export_document(lookfors) -> dict:
    """The cycle's live look-fors as a tool file."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "lookfors": [
            {"label": lf.label, "kind": lf.kind, "config": lf.config or {}} for lf in lookfors
        ],
    }


@cache
def library() -> tuple[Tool, ...]:
    """The ready-made tools, in their files' order."""
    tools = []
    for path in TOOLS_DIR.glob("*.json"):
        document = json.loads(path.read_text())
        tools.append((document.get("order", 99), Tool(
            slug=path.stem,
            title=document["title"],
            description=document["description"],
            goals=document["goals"],
            lookfors=tuple(parse_tool_file(path.read_text())),
        )))
    return tuple(tool for _, tool in sorted(tools, key=lambda pair: (pair[0], pair[1].slug)))


def get_tool(slug: str) -> Tool | None:
    return next((tool for tool in library() if tool.slug == slug), None)
