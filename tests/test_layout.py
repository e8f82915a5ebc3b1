"""The code's shape, held by tests: no module over 400 lines, and no import cycle between the
areas (app/<area>/), so each area can be read and changed from the ones below it."""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
AREA_IMPORT = re.compile(r"^\s*from \.\.(\w+)", re.M)


def areas() -> dict[str, set[str]]:
    """Each area and the other areas it imports (at any depth in its files)."""
    names = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    graph: dict[str, set[str]] = {}
    for name in names:
        imported = set()
        for path in (APP / name).rglob("*.py"):
            imported |= set(AREA_IMPORT.findall(path.read_text()))
        graph[name] = (imported & names) - {name}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the areas on it, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_areas():
    assert cycle_in(areas()) is None, " -> ".join(cycle_in(areas()))


def test_the_cycle_finder_finds_one():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_no_module_over_400_lines():
    long = [f"{p.relative_to(APP)} ({n})" for p in [*APP.rglob("*.py"), *APP.rglob("*.js")]
            if "vendor" not in p.parts and (n := len(p.read_text().splitlines())) > 400]
    assert long == []
