"""The registry of observation kinds. Each module in this package defines one kind and
registers it; the enum, the database CHECK, the form choices and sync's validation are derived
from here. Adding a tool is one module here, one under static/js/kinds/, a migration (for the
CHECK) and their tests."""

from __future__ import annotations

import importlib
import pkgutil

from .base import CSV_EXTRA, Kind, KindError, Mark, TrendValue

__all__ = ["CSV_EXTRA", "KINDS", "Kind", "KindError", "Mark", "TrendValue", "check_sql", "get",
           "names", "register"]

KINDS: dict[str, Kind] = {}


def register(cls: type[Kind]) -> type[Kind]:
    """Class decorator: make a kind known by its name."""
    KINDS[cls.name] = cls()
    return cls


def get(name: str) -> Kind:
    """The kind of that name; KeyError for an unknown one."""
    return KINDS[name]


def names() -> list[str]:
    """Every kind's name, in the order the "Kind" select offers them."""
    return [kind.name for kind in sorted(KINDS.values(), key=lambda kind: kind.order)]


def check_sql(column: str = "kind") -> str:
    """The CHECK constraint's SQL text for a column holding a kind's name."""
    return f"{column} in ({', '.join(repr(name) for name in names())})"


for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")
