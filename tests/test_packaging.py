"""The wheel `pip install .` builds holds every file of app/ that git tracks: a template, a
static file or a data file left out answers 500 only once deployed (as the debrief's word list
once did). scripts/wheel-smoke then runs the installed wheel end to end in CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are tracked")
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def test_the_wheel_holds_every_tracked_file_of_app(tmp_path):
    tracked = tracked_files()
    # Built from a copy of the tracked files only, as a clean clone would be, so neither this
    # working tree's build/ nor an untracked file can make the wheel look complete.
    source = tmp_path / "source"
    for name in tracked:
        if name.startswith("app/") or name in ("pyproject.toml", "README.md"):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    (source / "app" / "__pycache__").mkdir(exist_ok=True)
    (source / "app" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp_path / "wheel"), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "wheel").glob("lookfor-*.whl")
    in_wheel = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("app/")}

    expected = {name for name in tracked if name.startswith("app/")}
    assert "app/debrief/data/judgment_words.txt" in expected
    missing = sorted(expected - in_wheel)
    assert not missing, f"left out of the wheel: {missing}"
    assert not [name for name in in_wheel if "__pycache__" in name or name.endswith(".pyc")]
