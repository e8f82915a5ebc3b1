"""The teacher's cycle link /c/<token>: made from the cycle page ("Share cycle with teacher"),
shown once with Copy link and a QR code, stored as a hash, revocable ("Revoke cycle link"),
410 when revoked or expired, 404 unknown (guesses throttled per address, a live token always
served), private headers, redacted from logs; it shows the goal, each observation's evidence
summary, every next step with its state and the teacher's reflections, never private notes."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import logs
from app.debrief import services as debrief
from app.extensions import db
from app.models import Coach, Cycle, CycleShareLink, Debrief, NextStep, Observation, utcnow
from app.share import services
from tests import helpers

PRIVATE = "PRIVATE-COACH-ONLY"
PLANNING = "PLANNING-NOTES-COACH"


def share_cycle(client, cycle_id, days="30", htmx=True):
    token = helpers.csrf_token(client, "/")
    headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if htmx else {})}
    response = client.post(f"/cycles/{cycle_id}/share", data={"days": days}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    match = re.search(r'id="cycle-share-url" type="text" readonly value="(http://[^"]+/c/([^"]+))"',
                      html)
    return match.group(2), html


def cycle_world(app, coach):
    """Two observations: tallies and a duration, keepers, polishers, GROW notes, private notes,
    next steps in every state and a reflection; the planning notes are the coach's."""
    with app.app_context():
        first, _ = helpers.record_observation(coach, [
            (0, 65), (0, 130), (0, 400), (1, 200, {"duration_ms": 120_000}), (0, 500),
        ], started="2026-03-02T09:00:00+00:00", ended="2026-03-02T09:40:00+00:00")
        second, _ = helpers.record_observation(coach, [(0, 30), (0, 60)],
                                               started="2026-03-09T09:00:00+00:00",
                                               ended="2026-03-09T09:20:00+00:00")
        for oid, keepers in ((first, "Wait time after questions"), (second, "Cold calls")):
            db.session.add(Debrief(observation_id=oid, keepers=keepers, polishers="Polish it",
                                   private_notes=f"{PRIVATE} {oid}",
                                   grow_notes={"goal": "GROW-GOAL-NOTE"}))
        db.session.get(Debrief, first).teacher_reflection = "I waited longer this time."
        cycle = db.session.get(Cycle, coach.cycle_id)
        cycle.planning_notes = PLANNING
        db.session.commit()
        done = debrief.add_next_step(db.session.get(Observation, first), "Use stems", "Me", None)
        debrief.set_step_status(done, "done")
        agreed = debrief.add_next_step(db.session.get(Observation, second), "Cold call", None,
                                       None)
        debrief.mark_agreed(agreed)
        debrief.add_next_step(db.session.get(Observation, second), "Exit ticket", None, None)
    return first, second


def test_the_link_is_made_once_hashed_with_copy_and_qr(app, coach_client, coach):
    token, html = share_cycle(coach_client, coach.cycle_id)
    assert len(token) >= 43
    assert ">Copy link</button>" in html
    assert re.search(r'<svg role="img" aria-label="QR code of the link', html)
    assert "Revoke cycle link" in html and "A cycle link is open until" in html
    with app.app_context():
        link = db.session.scalar(select(CycleShareLink))
        assert link.cycle_id == coach.cycle_id
        assert link.token_hash == services.hash_token(token) and token not in link.token_hash
        assert timedelta(days=29) < link.expires_at - utcnow() <= timedelta(days=30)
    # The token is shown once: the cycle page afterwards has neither it nor its QR code.
    page = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert token not in page and "QR code" not in page and "A cycle link is open until" in page
    assert 'value="Share cycle with teacher (new link)"' in page


def test_the_qr_code_encodes_the_link(app, coach_client, coach):
    from tests.test_share import qr_modules, segno_modules

    _, html = share_cycle(coach_client, coach.cycle_id)
    link = re.search(r'id="cycle-share-url" type="text" readonly value="([^"]+)"', html).group(1)
    svg = re.search(r'<svg role="img" aria-label="QR code of the link[^"]*".*?</svg>', html,
                    re.S).group(0)
    assert qr_modules(svg) == segno_modules(link)


def test_without_htmx_the_whole_page_shows_the_token_once(app, coach_client, coach):
    token, html = share_cycle(coach_client, coach.cycle_id, htmx=False)
    assert "<h1>" in html and f"/c/{token}" in html
    csrf = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/share/revoke",
                                 data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cycles/{coach.cycle_id}#cycle-share")


def test_the_page_offers_the_button(coach_client, coach):
    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert 'value="Share cycle with teacher"' in html and "Revoke cycle link" not in html
    for days in services.EXPIRY_CHOICES_DAYS:
        assert f'<option {"selected " if days == 30 else ""}value="{days}">{days} days</option>' \
            in html


@pytest.mark.parametrize("days", ["3650", "", "abc", "0"])
def test_expiry_must_be_one_of_the_choices(app, coach_client, coach, days):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/share", data={"days": days},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 400
    assert "Choose how long the link stays open." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CycleShareLink)) is None


@pytest.mark.parametrize("days", ["7", "90"])
def test_each_expiry_choice(app, coach_client, coach, days):
    share_cycle(coach_client, coach.cycle_id, days=days)
    with app.app_context():
        link = db.session.scalar(select(CycleShareLink))
        left = link.expires_at - utcnow()
        assert timedelta(days=int(days) - 1) < left <= timedelta(days=int(days))


def test_the_teacher_sees_the_cycle_and_never_private_notes(app, coach_client, coach):
    first, second = cycle_world(app, coach)
    token, _ = share_cycle(coach_client, coach.cycle_id)
    response = app.test_client().get(f"/c/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    # The goal, with its baseline and target as written.
    assert re.search(r'<dd id="goal">Students ask more of the questions</dd>', html)
    assert "2 student questions per lesson" in html and "10 student questions per lesson" in html
    # Each observation's evidence summary: date, length and each look-for's headline figures.
    one = re.search(r'<article class="observation-summary" id="observation-1".*?</article>',
                    html, re.S).group(0)
    assert "2 Mar 2026, 09:00 UTC" in one and "40:00 long" in one
    question = re.search(r"Student question</th>\s*<td>(\d+)</td>\s*<td>([^<]*)</td>", one)
    assert question.groups() == ("4", "1.0")  # 4 questions in 40 minutes: 1.0 per 10 minutes
    talk = re.search(r"Teacher talk</th>\s*<td>\d+</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>"
                     r"\s*<td>([^<]*)</td>", one)
    assert talk.groups() == ("02:00", "5%")  # 2 minutes of a 40-minute lesson
    two = re.search(r'<article class="observation-summary" id="observation-2".*?</article>',
                    html, re.S).group(0)
    assert "9 Mar 2026, 09:00 UTC" in two and "20:00 long" in two
    assert re.search(r"Student question</th>\s*<td>2</td>", two)
    # Every next step with its state, and the teacher's reflections.
    steps = re.search(r'<section id="cycle-steps".*?</section>', html, re.S).group(0)
    for action, state in (("Use stems", "Done"), ("Cold call", "Agreed"),
                          ("Exit ticket", "Open")):
        row = re.search(rf"<tr [^>]*>\s*<td>{action}</td>.*?</tr>", steps, re.S).group(0)
        assert f'class="step-state">{state}<' in row, action
    reflections = re.search(r'<section id="cycle-reflections".*?</section>', html, re.S).group(0)
    assert "I waited longer this time." in reflections and "After observation 1" in reflections
    # Never the coach's private anything.
    assert PRIVATE not in html and "Private notes" not in html and PLANNING not in html
    assert "Low-inference check" not in html
    # Read-only: no form for the teacher to post to, and no script.
    assert "<form" not in html.split("<main>", 1)[1] and "<script" not in html


def test_the_teachers_cycle_link_uses_the_coachs_time_zone(app, coach_client, coach):
    cycle_world(app, coach)
    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = "America/New_York"
        db.session.commit()
    token, _ = share_cycle(coach_client, coach.cycle_id)
    html = app.test_client().get(f"/c/{token}").get_data(as_text=True)
    assert "2 Mar 2026, 04:00 EST" in html


def test_an_empty_cycle_still_opens(app, coach_client, coach):
    token, _ = share_cycle(coach_client, coach.cycle_id)
    html = app.test_client().get(f"/c/{token}").get_data(as_text=True)
    assert "No observations yet." in html and "No reflections yet." in html


def test_revoke_answers_410_with_the_same_headers(app, coach_client, coach):
    cycle_world(app, coach)
    token, _ = share_cycle(coach_client, coach.cycle_id)
    teacher = app.test_client()
    assert teacher.get(f"/c/{token}").status_code == 200
    csrf = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/share/revoke",
                                 headers={"HX-Request": "true", "X-CSRFToken": csrf})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "The cycle link is revoked" in fragment and "Revoke cycle link" not in fragment
    gone = teacher.get(f"/c/{token}")
    assert gone.status_code == 410 and "This link has ended" in gone.get_data(as_text=True)
    assert "Students ask more" not in gone.get_data(as_text=True)
    assert gone.headers["Cache-Control"] == "no-store"
    assert gone.headers["Referrer-Policy"] == "no-referrer"


def test_expired_answers_410_and_unknown_404(app, coach_client, coach):
    token, _ = share_cycle(coach_client, coach.cycle_id, days="7")
    with app.app_context():
        db.session.scalar(select(CycleShareLink)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    teacher = app.test_client()
    assert teacher.get(f"/c/{token}").status_code == 410
    unknown = teacher.get("/c/not-a-real-token")
    assert unknown.status_code == 404 and unknown.headers["Cache-Control"] == "no-store"
    assert teacher.get("/c/" + "x" * 200).status_code == 404


def test_a_new_link_replaces_the_old_one(app, coach_client, coach):
    first, _ = share_cycle(coach_client, coach.cycle_id)
    second, _ = share_cycle(coach_client, coach.cycle_id)
    teacher = app.test_client()
    assert teacher.get(f"/c/{first}").status_code == 410
    assert teacher.get(f"/c/{second}").status_code == 200


def test_the_two_kinds_of_token_do_not_open_each_other(app, coach_client, coach):
    first, _ = cycle_world(app, coach)
    cycle_token, _ = share_cycle(coach_client, coach.cycle_id)
    with app.app_context():
        _, observation_token = services.create_link(db.session.get(Observation, first))
    teacher = app.test_client()
    assert teacher.get(f"/s/{cycle_token}").status_code == 404
    assert teacher.get(f"/c/{observation_token}").status_code == 404
    # The per-observation link stays, beside the cycle's.
    assert teacher.get(f"/s/{observation_token}").status_code == 200
    assert teacher.get(f"/c/{cycle_token}").status_code == 200


def test_revoking_one_kind_leaves_the_other(app, coach_client, coach):
    first, _ = cycle_world(app, coach)
    cycle_token, _ = share_cycle(coach_client, coach.cycle_id)
    with app.app_context():
        _, observation_token = services.create_link(db.session.get(Observation, first))
        services.revoke_links(db.session.get(Cycle, coach.cycle_id))
    teacher = app.test_client()
    assert teacher.get(f"/c/{cycle_token}").status_code == 410
    assert teacher.get(f"/s/{observation_token}").status_code == 200


def test_guessing_is_throttled_per_address_and_a_live_link_still_opens(app, coach_client,
                                                                        coach):
    token, _ = share_cycle(coach_client, coach.cycle_id)
    guesser = app.test_client()
    # One budget for both kinds of link: 15 guesses at each.
    statuses = [guesser.get(f"/{'sc'[i % 2]}/guess{i}").status_code for i in range(32)]
    assert statuses[:30] == [404] * 30 and statuses[30:] == [429, 429]
    # From the same address, the live link still opens: only misses are refused.
    assert guesser.get(f"/c/{token}").status_code == 200


def test_tokens_are_redacted_from_logs(app, coach_client, coach, caplog):
    token, _ = share_cycle(coach_client, coach.cycle_id)
    assert logs.redact(f"GET /c/{token} HTTP/1.1") == "GET /c/… HTTP/1.1"
    assert logs.redact(f"/login?next=%2Fc%2F{token}") == "/login?next=%2Fc%2F…"
    assert logs.redact("GET /cycles/1/report") == "GET /cycles/1/report"
    with caplog.at_level(logging.INFO):
        app.logger.info("Exception on /c/%s [GET]", token)
    assert token not in caplog.text and "/c/…" in caplog.text


def test_deleting_the_cycle_ends_its_link(app, coach_client, coach):
    token, _ = share_cycle(coach_client, coach.cycle_id)
    with app.app_context():
        db.session.delete(db.session.get(Cycle, coach.cycle_id))
        db.session.commit()
        assert db.session.scalar(select(CycleShareLink)) is None
    assert app.test_client().get(f"/c/{token}").status_code == 404


def test_the_cycle_link_shows_only_its_own_cycle(app, coach_client, coach, other_coach):
    cycle_world(app, coach)
    with app.app_context():
        other_id, _ = helpers.record_observation(other_coach, [(0, 5)])
        debrief.add_next_step(db.session.get(Observation, other_id), "OTHER-STEP", None, None)
        _, token = services.create_link(db.session.get(Cycle, other_coach.cycle_id))
    html = app.test_client().get(f"/c/{token}").get_data(as_text=True)
    assert "Teacher of Olive Other" in html and "OTHER-STEP" in html
    assert "Teacher of Casey Coach" not in html and "Use stems" not in html


def test_the_record_never_reads_private_notes(ctx, coach):
    """The record the cycle link and the report are built from holds no private notes at all."""
    from app.report.record import cycle_record

    oid, _ = helpers.record_observation(coach, [(0, 5)])
    db.session.add(Debrief(observation_id=oid, keepers="K", private_notes=PRIVATE))
    db.session.commit()
    db.session.expunge_all()
    record = cycle_record(db.session.get(Cycle, coach.cycle_id))
    assert PRIVATE not in repr(record)
    assert record.observations[0].debrief.keepers == "K"
    assert not hasattr(record.observations[0].debrief, "private_notes")
    assert db.session.scalars(select(NextStep)).all() == []
