"""`make bench`: run every benchmark and write BENCHMARKS.md.

    python -m bench                  # everything, SQLite and (when it can start) PostgreSQL
    python -m bench capture ingest   # only some
    BENCH_NO_POSTGRES=1 python -m bench
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime

from . import capture, debrief, ingest, load
from .common import ROOT, chromium_path, postgres_url, sqlite_url

ORDER = ("capture", "ingest", "debrief", "load")
RESULTS = ROOT / "bench" / "results"


def machine() -> str:
    chromium = chromium_path()
    version = (
        subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
        if chromium else "no chromium"
    )
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {version}"
    )


def main(argv: list[str]) -> None:
    wanted = set(argv) or set(ORDER)
    pg = None if os.environ.get("BENCH_NO_POSTGRES") else postgres_url()
    urls = [sqlite_url()] + ([pg] if pg else [])
    runners = {
        "capture": lambda: capture.run(),
        "ingest": lambda: ingest.run(urls),
        "debrief": lambda: debrief.run(urls),
        "load": lambda: load.run(urls),
    }
    RESULTS.mkdir(exist_ok=True)
    for name in ORDER:
        if name in wanted:
            text, _ = runners[name]()
            stamp = f"_Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC._\n\n"
            (RESULTS / f"{name}.md").write_text(text.replace("\n\n", "\n\n" + stamp, 1))
    # A partial run keeps the other sections' last figures.
    sections = [(RESULTS / f"{n}.md").read_text() for n in ORDER if (RESULTS / f"{n}.md").exists()]
    header = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}.",
        "Figures vary between runs by a few percent; compare runs on one machine.",
        "",
    ]
    report = "\n".join(header + sections)
    (ROOT / "BENCHMARKS.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main(sys.argv[1:])
