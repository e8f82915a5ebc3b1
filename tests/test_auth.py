from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Coach
from tests import helpers


def test_login_page_has_contract_labels(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert 'value="Sign in"' in html
    assert '<meta name="csrf-token"' in html


def test_sign_in_and_out(client, coach):
    response = helpers.login(client, coach.email, coach.password)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    token = helpers.csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused(client, coach):
    response = helpers.login(client, coach.email, "not the password")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client, coach):
    response = client.post("/login", data={"email": coach.email, "password": coach.password})
    assert response.status_code == 403
    assert client.get("/").status_code == 302


def test_repeated_failures_are_throttled_with_429(client, coach):
    for _ in range(5):
        assert helpers.login(client, coach.email, "wrong password").status_code == 401
    response = helpers.login(client, coach.email, coach.password)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_remember_me_cookie_lasts_30_days_and_is_httponly(client, coach):
    response = helpers.login(client, coach.email, coach.password)
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    assert "Max-Age=2592000" in remember or "Expires=" in remember
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie


def test_cookies_are_secure_when_https(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("HTTPS", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_session_is_fresh_after_sign_in(client, coach):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    helpers.login(client, coach.email, coach.password)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_signup_creates_account_and_signs_in(client, ctx):
    token = helpers.csrf_token(client, "/signup")
    response = client.post(
        "/signup",
        data={"name": "New Coach", "email": "New@School.test", "password": "long enough",
              "csrf_token": token},
    )
    assert response.status_code == 302
    coach = db.session.scalar(select(Coach).where(Coach.email == "new@school.test"))
    assert coach is not None and coach.password_hash.startswith("scrypt:")
    assert client.get("/").status_code == 200


def test_signup_rejects_a_taken_email(client, coach):
    token = helpers.csrf_token(client, "/signup")
    response = client.post(
        "/signup",
        data={"name": "Dup", "email": coach.email, "password": "long enough", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_signup_can_be_turned_off(app, client):
    app.config["ALLOW_SIGNUP"] = False
    try:
        assert client.get("/signup").status_code == 404
    finally:
        app.config["ALLOW_SIGNUP"] = True


def test_login_redirects_only_to_local_paths(client, coach):
    token = helpers.csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": coach.email, "password": coach.password, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_create_coach_command(runner, ctx):
    result = runner.invoke(
        args=["create-coach", "--email", "cli@school.test", "--name", "Cli", "--password",
              "secret password"]
    )
    assert result.exit_code == 0, result.output
    coach = db.session.scalar(select(Coach).where(Coach.email == "cli@school.test"))
    assert coach.check_password("secret password")


def test_create_coach_command_prompts_for_password(runner, ctx):
    result = runner.invoke(
        args=["create-coach", "--email", "p@school.test", "--name", "P"],
        input="prompted password\nprompted password\n",
    )
    assert result.exit_code == 0, result.output
    coach = db.session.scalar(select(Coach).where(Coach.email == "p@school.test"))
    assert coach.check_password("prompted password")


# Sessions end on the server (issue 8, A4).


def signed_in_client(app, coach):
    client = app.test_client()
    assert helpers.login(client, coach.email, coach.password).status_code == 302
    return client


def stolen_cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def replay(app, cookies: dict[str, str]):
    """A fresh browser carrying copies of the given cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def assert_signed_out(app, cookies: dict[str, str]) -> None:
    page = replay(app, cookies).get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    api = replay(app, cookies).get("/api/v1/cycles")
    assert api.status_code == 401
    assert api.json == {"error": "not_signed_in", "message": "Sign in again to sync."}


def test_cookies_copied_before_sign_out_are_signed_out_afterwards(app, coach):
    client = signed_in_client(app, coach)
    cookies = stolen_cookies(client)
    assert replay(app, cookies).get("/").status_code == 200  # the copy works while signed in
    token = helpers.csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert_signed_out(app, cookies)
    assert_signed_out(app, {"remember_token": cookies["remember_token"]})
    assert_signed_out(app, {"session": cookies["session"]})


def test_the_remember_cookie_differs_at_every_sign_in(app, coach):
    first = stolen_cookies(signed_in_client(app, coach))["remember_token"]
    second = stolen_cookies(signed_in_client(app, coach))["remember_token"]
    assert first != second
    # Neither carries the coach's id: only a random token whose hash is stored.
    assert not first.startswith(f"{coach.coach_id}|")


def test_signing_out_ends_only_that_sign_in(app, coach):
    phone, laptop = signed_in_client(app, coach), signed_in_client(app, coach)
    token = helpers.csrf_token(phone, "/")
    phone.post("/logout", data={"csrf_token": token})
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_only_a_hash_of_the_session_token_is_stored(app, coach):
    from app.models import CoachSession

    client = signed_in_client(app, coach)
    remember = stolen_cookies(client)["remember_token"]
    with app.app_context():
        rows = db.session.scalars(select(CoachSession)).all()
        assert len(rows) == 1 and rows[0].coach_id == coach.coach_id
        assert len(rows[0].token_hash) == 64 and rows[0].token_hash not in remember


def test_the_remember_cookie_alone_signs_back_in_with_one_query(app, coach):
    """A coach back after the browser dropped its session cookie; the user loader looks the
    sign-in up in one query, on every request."""
    from sqlalchemy import event

    cookies = stolen_cookies(signed_in_client(app, coach))
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    for jar in ({"remember_token": cookies["remember_token"]}, cookies):
        client = replay(app, jar)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                statements.clear()
                response = client.get("/api/v1/csrf")
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        assert len(statements) == 1, statements


def _last_seen(app, days_ago: float) -> None:
    """Every sign-in as last used days_ago."""
    from app.models import CoachSession, utcnow

    with app.app_context():
        db.session.execute(update(CoachSession).values(
            last_seen_at=utcnow() - timedelta(days=days_ago)))
        db.session.commit()


def test_a_sign_in_unused_for_30_days_ends_and_is_deleted_at_the_next_sign_in(app, coach):
    from app.models import CoachSession

    cookies = stolen_cookies(signed_in_client(app, coach))
    _last_seen(app, 31)
    assert_signed_out(app, cookies)
    assert_signed_out(app, {"remember_token": cookies["remember_token"]})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CoachSession)) == 1
    signed_in_client(app, coach)  # any sign-in sweeps the ended ones away
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CoachSession)) == 1


def test_a_sign_in_used_every_day_stays_signed_in(app, coach):
    from app.models import CoachSession, utcnow

    client = signed_in_client(app, coach)
    for _ in range(3):  # a month and more, a request every 29 days
        _last_seen(app, 29)
        assert client.get("/").status_code == 200
        with app.app_context():
            seen = db.session.scalar(select(CoachSession.last_seen_at))
            assert utcnow() - seen < timedelta(minutes=1)


def test_an_old_style_cookie_with_a_coach_id_is_signed_out(app, coach):
    """Cookies made before sessions were stored carried the coach's id: they no longer sign in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(coach.coach_id)
        session["_fresh"] = True
    assert client.get("/").status_code == 302


# No account enumeration by timing (issue 8, A6).


def test_an_unknown_email_checks_a_dummy_hash_like_a_wrong_password(client, coach, monkeypatch):
    from app.auth import services

    checked: list[str] = []
    real = services.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    assert helpers.login(client, "ghost@school.test", "some guess").status_code == 401
    assert helpers.login(client, "ghost2@school.test", "other guess").status_code == 401
    assert len(checked) == 2 and checked[0] == checked[1]  # one dummy, computed once
    assert checked[0].startswith("scrypt:")
