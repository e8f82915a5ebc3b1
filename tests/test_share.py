from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Debrief, NextStep, ShareLink, utcnow
from app.share import services
from tests import helpers


def share(client, oid, days="30"):
    token = helpers.csrf_token(client, "/")
    response = client.post(f"/observations/{oid}/share", data={"days": days},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    match = re.search(r'value="(http://[^"]+/s/([^"]+))"', response.get_data(as_text=True))
    return match.group(2)


def shared_world(app, coach):
    with app.app_context():
        oid, _ = helpers.record_observation(coach, [
            (0, 65), (None, 125, {"note": "Great lesson: all engaged"}),
        ])
        db.session.add(Debrief(observation_id=oid, keepers="Wait time", polishers="Cold calls",
                               private_notes="PRIVATE-COACH-ONLY"))
        db.session.add(NextStep(observation_id=oid, action="Try think-pair-share"))
        db.session.commit()
    return oid


def test_token_is_long_random_and_stored_only_as_hash(coach_client, coach, app):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    assert len(token) >= 43  # 256 bits, url-safe base64
    with app.app_context():
        link = db.session.scalar(select(ShareLink))
        assert link.token_hash == services.hash_token(token) and token not in link.token_hash
        assert timedelta(days=29) < link.expires_at - utcnow() <= timedelta(days=30)


def test_teacher_sees_the_debrief_without_private_notes_or_nudges(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    teacher = app.test_client()
    response = teacher.get(f"/s/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Students ask more of the questions" in html
    assert "<svg class=\"timeline\"" in html and "Great lesson: all engaged" in html
    assert "Wait time" in html and "Cold calls" in html and "Try think-pair-share" in html
    assert "PRIVATE-COACH-ONLY" not in html and "Private notes" not in html
    assert "Low-inference check" not in html
    assert "Your reflection" in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_teacher_reflects_and_agrees_and_coach_sees_it(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    teacher = app.test_client()
    csrf = helpers.csrf_token(teacher, f"/s/{token}")
    response = teacher.post(f"/s/{token}/reflection",
                            data={"reflection": "I talked less this time.", "csrf_token": csrf})
    assert response.status_code == 303
    with app.app_context():
        step_id = db.session.scalar(select(NextStep.id))
    assert teacher.post(f"/s/{token}/next-steps/{step_id}/agree",
                        data={"csrf_token": csrf}).status_code == 303
    with app.app_context():
        assert db.session.get(NextStep, step_id).agreed_at is not None
    coach_view = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert "I talked less this time." in coach_view
    # The step's own row says so (the table's header says "Agreed" whatever happened).
    assert agreement(coach_view, step_id) == "Agreed"
    teacher_view = teacher.get(f"/s/{token}").get_data(as_text=True)
    assert agreement(teacher_view, step_id) == "Agreed" and "Mark agreed" not in teacher_view


def agreement(html: str, step_id: int) -> str:
    """The text of the agreement cell in one next step's row."""
    row = re.search(rf'<tr id="next-step-{step_id}">(.*?)</tr>', html, re.S)
    assert row, f"no row for next step {step_id}"
    cell = re.search(r'<td data-label="Agreed">(.*?)</td>', row.group(1), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split()) if cell else ""


def test_agreement_is_not_there_before_the_teacher_agrees(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    with app.app_context():
        step_id = db.session.scalar(select(NextStep.id))
    coach_view = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert agreement(coach_view, step_id) == "Not yet"
    teacher_view = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert "Mark agreed" in teacher_view and agreement(teacher_view, step_id) != "Agreed"


def test_teacher_writes_need_csrf(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    response = app.test_client().post(f"/s/{token}/reflection", data={"reflection": "x"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Debrief, oid).teacher_reflection is None


def test_teacher_writes_are_rate_limited(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    teacher = app.test_client()
    csrf = helpers.csrf_token(teacher, f"/s/{token}")
    statuses = [
        teacher.post(f"/s/{token}/reflection", data={"reflection": f"v{i}", "csrf_token": csrf})
        .status_code for i in range(22)
    ]
    assert statuses[:20] == [303] * 20 and statuses[20:] == [429, 429]


def test_revoked_link_answers_410_and_unknown_404(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid)
    csrf = helpers.csrf_token(coach_client, "/")
    # The teacher had the page open, with a valid form token, before the link was revoked.
    teacher = app.test_client()
    teacher_csrf = helpers.csrf_token(teacher, f"/s/{token}")
    with app.app_context():
        step_id = db.session.scalar(select(NextStep.id))
    response = coach_client.post(f"/observations/{oid}/share/revoke",
                                 headers={"HX-Request": "true", "X-CSRFToken": csrf})
    assert response.status_code == 200
    gone = teacher.get(f"/s/{token}")
    assert gone.status_code == 410 and "This link has ended" in gone.get_data(as_text=True)
    assert gone.headers["Cache-Control"] == "no-store"
    # Writes past a valid CSRF check still meet the revoked link: 410, and nothing is saved.
    for path, data in ((f"/s/{token}/reflection", {"reflection": "late"}),
                       (f"/s/{token}/next-steps/{step_id}/agree", {})):
        late = teacher.post(path, data={**data, "csrf_token": teacher_csrf})
        assert late.status_code == 410, (path, late.status_code)
        assert "This link has ended" in late.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Debrief, oid).teacher_reflection is None
        assert db.session.get(NextStep, step_id).agreed_at is None
    assert teacher.get("/s/not-a-real-token").status_code == 404


def test_expired_link_answers_410(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = share(coach_client, oid, days="7")
    with app.app_context():
        link = db.session.scalar(select(ShareLink))
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert app.test_client().get(f"/s/{token}").status_code == 410


def test_a_new_link_replaces_the_old_one(app, coach_client, coach):
    oid = shared_world(app, coach)
    first = share(coach_client, oid)
    second = share(coach_client, oid)
    teacher = app.test_client()
    assert teacher.get(f"/s/{first}").status_code == 410
    assert teacher.get(f"/s/{second}").status_code == 200


def test_guessing_tokens_is_throttled(app):
    client = app.test_client()
    statuses = [client.get(f"/s/guess{i}").status_code for i in range(32)]
    assert statuses[:30] == [404] * 30 and statuses[30:] == [429, 429]


def test_expiry_must_be_one_of_the_choices(coach_client, coach, app):
    oid = shared_world(app, coach)
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/observations/{oid}/share", data={"days": "3650"},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 400


def qr_modules(svg: str) -> list[list[bool]]:
    """The dark modules of a QR code drawn by segno as one SVG path (each run of dark modules
    is an "h" stroke along a row; "m" moves), as rows of booleans without the quiet zone."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path class="qrline" stroke="#000" d="([^"]+)"', svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                grid[int(y)][column] = True
            x += float(a)
    border = 4
    return [row[border:size - border] for row in grid[border:size - border]]


def segno_modules(url: str) -> list[list[bool]]:
    import segno

    return [[bool(cell) for cell in row] for row in segno.make(url, error="m", micro=False).matrix]


def test_the_link_is_shown_with_a_qr_code_that_encodes_it(app, coach_client, coach):
    oid = shared_world(app, coach)
    token = helpers.csrf_token(coach_client, "/")
    for headers in ({"HX-Request": "true", "X-CSRFToken": token}, {"X-CSRFToken": token}):
        response = coach_client.post(f"/observations/{oid}/share", data={"days": "30"},
                                     headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        link = re.search(r'id="share-url" type="text" readonly value="([^"]+)"', html).group(1)
        svg = re.search(r'<svg role="img" aria-label="QR code of the link[^"]*".*?</svg>',
                        html, re.S).group(0)
        assert qr_modules(svg) == segno_modules(link)
        assert ">Copy link</button>" in html
    # The token is in the page only: the database holds its hash, not the code or the link.
    with app.app_context():
        stored = db.session.scalar(select(ShareLink).where(ShareLink.revoked_at.is_(None)))
        assert stored.token_hash == services.hash_token(link.rsplit("/", 1)[1])


def test_the_qr_code_is_only_shown_with_the_token(app, coach_client, coach):
    oid = shared_world(app, coach)
    share(coach_client, oid)
    html = coach_client.get(f"/observations/{oid}").get_data(as_text=True)
    assert "A link is open until" in html and "QR code" not in html and "Copy link" not in html
