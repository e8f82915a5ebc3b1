"""The cycle report (Part 1 overview, Part 2 artifacts, Part 3 reflection; 300 words each,
enforced on the server) and "Download cycle data" (a ZIP of each observation's CSV and the
cycle's summary.json); private notes never in either."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from app.debrief import services as debrief
from app.extensions import db
from app.models import Cycle, Debrief, Observation
from app.observations.services import delete_observation
from app.report import services
from tests import helpers
from tests.browser.conftest import CSV_HEADER

PRIVATE = "PRIVATE-COACH-ONLY"
STARTS = ("2026-03-02T09:00:00+00:00", "2026-03-09T09:00:00+00:00",
          "2026-03-16T09:00:00+00:00")


def htmx(client, url, data):
    token = helpers.csrf_token(client, "/")
    return client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})


def three_observations(app, coach) -> list[str]:
    """Three debriefed observations: tallies, a duration, a note with a formula-like start,
    keepers, polishers, GROW notes, a next step each, a reflection and private notes."""
    ids = []
    with app.app_context():
        for number, started in enumerate(STARTS, start=1):
            oid, _ = helpers.record_observation(coach, [
                *[(0, 60 * k) for k in range(1, number + 2)],
                (1, 120, {"duration_ms": 60_000 * number}),
                (2, 300, {"note": "=SUM(A1) said a student"}),
            ], started=started, ended=started.replace("T09:00", "T09:30"))
            db.session.add(Debrief(observation_id=oid, keepers=f"Keeper {number}",
                                   polishers=f"Polisher {number}",
                                   grow_notes={"options": f"Option {number}"},
                                   private_notes=f"{PRIVATE} {number}",
                                   teacher_reflection=f"Reflection {number}"))
            db.session.commit()
            debrief.add_next_step(db.session.get(Observation, oid), f"Step {number}", None, None)
            ids.append(oid)
        cycle = db.session.get(Cycle, coach.cycle_id)
        cycle.planning_notes = "Planning: exit tickets showed 6 of 25 citing the text."
        db.session.commit()
    return ids


# The report page.

def test_the_report_has_its_three_parts_and_never_private_notes(app, coach_client, coach):
    three_observations(app, coach)
    response = coach_client.get(f"/cycles/{coach.cycle_id}/report")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in ("Coaching cycle report", "Part 1. Overview", "Part 2. Artifacts",
                    "Part 3. Reflection", "Goal and planning", "Progress toward the goal",
                    "Observations and debriefs"):
        assert f">{heading}</h" in html, heading
    assert "Planning: exit tickets showed 6 of 25 citing the text." in html
    assert '<dd id="goal">Students ask more of the questions</dd>' in html
    assert "2 student questions per lesson" in html  # the baseline as written
    for number in (1, 2, 3):
        article = re.search(rf'<article class="observation-summary" id="observation-{number}".*?'
                            r"</article>", html, re.S).group(0)
        # The evidence table: number + 1 tallies in 30 minutes.
        count = re.search(r"Student question</th>\s*<td>(\d+)</td>\s*<td>([^<]*)</td>", article)
        assert count.groups() == (str(number + 1), f"{(number + 1) / 3:.1f}")
        for text in (f"Keeper {number}", f"Polisher {number}", f"Option {number}",
                     f"Step {number}", f"Reflection {number}", "Options notes"):
            assert text in article, (number, text)
        assert "Open" in article  # the step's state
    assert PRIVATE not in html and "Private notes" not in html
    assert ">Overview</label>" in html and ">Reflection</label>" in html
    assert "0 of 300 words" in html
    assert f'href="/cycles/{coach.cycle_id}/data.zip"' in html
    assert ">Download cycle data</a>" in html


def test_the_cycle_page_links_to_the_report(coach_client, coach):
    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert f'<a href="/cycles/{coach.cycle_id}/report">Cycle report</a>' in html
    assert f'href="/cycles/{coach.cycle_id}/data.zip" download>Download cycle data</a>' in html


def test_an_empty_cycle_has_a_report(coach_client, coach):
    html = coach_client.get(f"/cycles/{coach.cycle_id}/report").get_data(as_text=True)
    assert "No observations yet." in html and "No measure is chosen" in html


@pytest.mark.parametrize("part, field", [("overview", "report_overview"),
                                         ("reflection", "report_reflection")])
def test_each_part_saves_up_to_300_words(app, coach_client, coach, part, field):
    url = f"/cycles/{coach.cycle_id}/report/{part}"
    text = " ".join(f"word{i}" for i in range(300))
    response = htmx(coach_client, url, {f"{part}-text": f"  {text}\n"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert f'<section id="{part}"' in fragment and "Saved" in fragment
    assert "300 of 300 words" in fragment
    with app.app_context():
        assert getattr(db.session.get(Cycle, coach.cycle_id), field) == text
    # One word over: refused in words, and nothing changes.
    response = htmx(coach_client, url, {f"{part}-text": text + " one-more"})
    assert response.status_code == 400
    fragment = response.get_data(as_text=True)
    assert "Keep it to 300 words" in fragment and "301 of 300 words" in fragment
    assert 'aria-invalid="true"' in fragment
    with app.app_context():
        assert getattr(db.session.get(Cycle, coach.cycle_id), field) == text
    # Cleared: nothing stored.
    assert htmx(coach_client, url, {f"{part}-text": "  "}).status_code == 200
    with app.app_context():
        assert getattr(db.session.get(Cycle, coach.cycle_id), field) is None


def test_without_htmx_a_part_comes_back_to_the_report(app, coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    url = f"/cycles/{coach.cycle_id}/report/overview"
    response = coach_client.post(url, data={"overview-text": "The goal was met.",
                                            "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cycles/{coach.cycle_id}/report#overview")
    response = coach_client.post(url, data={"overview-text": "w " * 301, "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Coaching cycle report" in html
    assert "Keep it to 300 words" in html
    with app.app_context():
        assert db.session.get(Cycle, coach.cycle_id).report_overview == "The goal was met."
    # The saved text is printed (forms are not).
    html = coach_client.get(f"/cycles/{coach.cycle_id}/report").get_data(as_text=True)
    assert re.search(r'<div class="print-only prose report-text">The goal was met.</div>', html)


def test_words_are_counted_as_runs_of_non_space():
    assert services.word_count(None) == 0
    assert services.word_count("  one\ttwo\n\nthree  ") == 3
    assert services.word_count("don't stop-believing 42") == 3


def test_a_pasted_book_is_refused_before_counting(ctx, coach):
    cycle = db.session.get(Cycle, coach.cycle_id)
    with pytest.raises(services.ReportError, match="Keep it to 300 words"):
        services.save_text(cycle, "overview", "x" * 5001)
    with pytest.raises(services.ReportError):
        services.save_text(cycle, "planning", "x")


# Download cycle data.

def read_zip(response) -> dict[str, bytes]:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_each_observations_csv_and_the_summary(app, coach_client, coach):
    ids = three_observations(app, coach)
    response = coach_client.get(f"/cycles/{coach.cycle_id}/data.zip")
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="cycle-{coach.cycle_id}-data.zip"'
    files = read_zip(response)
    assert sorted(files) == sorted([f"observation-{oid}.csv" for oid in ids] + ["summary.json"])
    for oid in ids:
        body = files[f"observation-{oid}.csv"].decode()
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == CSV_HEADER  # the CSV header contract
        # The same file as the observation's own "Download CSV", byte for byte.
        assert body == coach_client.get(f"/observations/{oid}/events.csv").get_data(as_text=True)
        assert "'=SUM(A1) said a student" in body  # formula-safe, through app/csvfile.py
        assert {row[0] for row in rows[1:]} == {oid}
    summary = json.loads(files["summary.json"])
    assert summary == coach_client.get(f"/cycles/{coach.cycle_id}/summary.json").get_json()
    assert [o["observation"]["id"] for o in summary["observations"]] == ids
    for name, content in files.items():
        assert PRIVATE.encode() not in content, name
        assert b"Keeper" not in content and b"Reflection 1" not in content, name


def test_the_zip_leaves_out_deleted_observations(app, coach_client, coach):
    ids = three_observations(app, coach)
    with app.app_context():
        delete_observation(db.session.get(Observation, ids[1]))
    files = read_zip(coach_client.get(f"/cycles/{coach.cycle_id}/data.zip"))
    assert sorted(files) == sorted([f"observation-{ids[0]}.csv", f"observation-{ids[2]}.csv",
                                    "summary.json"])


def test_an_empty_cycles_zip_has_its_summary(app, coach_client, coach):
    files = read_zip(coach_client.get(f"/cycles/{coach.cycle_id}/data.zip"))
    assert list(files) == ["summary.json"]
    assert json.loads(files["summary.json"])["observations"] == []


# Only the owning coach.

@pytest.mark.parametrize("method, path, data", [
    ("GET", "/cycles/{cycle}/report", None),
    ("GET", "/cycles/{cycle}/data.zip", None),
    ("POST", "/cycles/{cycle}/report/overview", {"overview-text": "mine now"}),
    ("POST", "/cycles/{cycle}/report/reflection", {"reflection-text": "mine now"}),
    ("POST", "/cycles/{cycle}/planning", {"planning_notes": "mine now"}),
])
def test_only_the_owning_coach(app, coach, other_coach, method, path, data):
    three_observations(app, coach)
    intruder = app.test_client()
    helpers.login(intruder, other_coach.email, other_coach.password)
    token = helpers.csrf_token(intruder, "/")
    response = intruder.open(path.format(cycle=coach.cycle_id), method=method, data=data,
                             headers={"X-CSRFToken": token})
    assert response.status_code == 404
    assert b"Keeper" not in response.get_data() and b"Student question" not in response.get_data()
    with app.app_context():
        cycle = db.session.get(Cycle, coach.cycle_id)
        assert cycle.report_overview is None and cycle.report_reflection is None
        assert cycle.planning_notes.startswith("Planning:")
    anonymous = app.test_client()
    response = anonymous.open(path.format(cycle=coach.cycle_id), method=method, data=data,
                              headers={"X-CSRFToken": helpers.csrf_token(anonymous)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path, data", [
    ("/cycles/{cycle}/report/overview", {}),
    ("/cycles/{cycle}/report/reflection", {"reflection-text": ["a", "b"]}),
    ("/cycles/{cycle}/planning", {}),
    ("/cycles/{cycle}/share", {}),
    ("/cycles/{cycle}/share", {"days": "1e9"}),
    ("/cycles/{cycle}/share/revoke", {"days": "x"}),
])
def test_odd_forms_never_give_a_500(coach_client, coach, path, data):
    response = htmx(coach_client, path.format(cycle=coach.cycle_id), data)
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("token", ["%00", "%C3%A9" * 60, "..%2F..%2Fetc", "a" * 101, "-", "~"])
def test_odd_cycle_tokens_are_404(app, token):
    assert app.test_client().get(f"/c/{token}").status_code in (400, 404)
