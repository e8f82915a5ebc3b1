from __future__ import annotations

from sqlalchemy import select

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
