"""The coach's cycle report: the overview (Part 1) and the reflection (Part 3) the coach
writes, each at most 300 words, around the cycle's record (record.py, Part 2); and "Download
cycle data", a ZIP of each observation's CSV and the cycle's summary.json.

The ZIP is built in memory: a cycle is a handful of lessons, each CSV a few hundred rows."""

from __future__ import annotations

import io
import json
import zipfile

from ..csvfile import write_csv
from ..extensions import db
from ..models import Cycle
from ..observations.facts import live_observations
from ..observations.services import CSV_HEADER, csv_rows, live_events
from ..summary.services import cycle_summary

WORD_LIMIT = 300
TOO_LONG = "Keep it to 300 words"
# A backstop in characters, so a pasted book is refused before it is counted.
MAX_CHARACTERS = 5000
PARTS = {"overview": "report_overview", "reflection": "report_reflection"}


class ReportError(ValueError):
    """A report text that cannot be saved, with a message for the coach."""


def word_count(text: str | None) -> int:
    """Words as the page's live counter counts them: runs of non-space characters."""
    return len((text or "").split())


def save_text(cycle: Cycle, part: str, text: str | None) -> None:
    """Save the overview or the reflection; 300 words at most."""
    if part not in PARTS:
        raise ReportError("Choose the overview or the reflection.")
    text = (text or "").strip()
    if len(text) > MAX_CHARACTERS or word_count(text) > WORD_LIMIT:
        raise ReportError(f"{TOO_LONG} (this has {word_count(text):,}).")
    setattr(cycle, PARTS[part], text or None)
    db.session.commit()


def data_zip(cycle: Cycle) -> bytes:
    """observation-<id>.csv for each live observation (the same file as its own Download
    CSV) and summary.json (the same document as GET /cycles/<id>/summary.json)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for observation in live_observations(cycle.id):
            rows = csv_rows(observation, live_events(observation))
            archive.writestr(f"observation-{observation.id}.csv", write_csv(CSV_HEADER, rows))
        summary = json.dumps(cycle_summary(cycle), indent=2, sort_keys=True)
        archive.writestr("summary.json", summary + "\n")
    return buffer.getvalue()


def zip_name(cycle: Cycle) -> str:
    return f"cycle-{cycle.id}-data.zip"
