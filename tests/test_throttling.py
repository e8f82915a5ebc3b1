"""Throttling never locks out the innocent: sign-in failures count per account (and per account
and address), made-up emails never refuse a real coach, sign-ups are limited per address, a live
share link always opens, and behind TRUSTED_PROXIES the address is the real client's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from tests import helpers
from tests.test_access import live_token
from tests.test_share import shared_world


def login_from(client, email: str, password: str, address: str):
    token = helpers.csrf_token(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_made_up_emails_from_one_address_do_not_lock_out_a_real_coach(app, coach):
    attacker = app.test_client()
    statuses = [login_from(attacker, f"nobody{i}@school.test", "guess", "198.51.100.7")
                .status_code for i in range(25)]
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429] * 5
    # The real coach behind the same school address still signs in.
    response = login_from(app.test_client(), coach.email, coach.password, "198.51.100.7")
    assert response.status_code == 302


def test_an_accounts_failures_from_one_address_do_not_lock_it_out_elsewhere(app, coach):
    attacker = app.test_client()
    for _ in range(5):
        assert login_from(attacker, coach.email, "guess", "198.51.100.7").status_code == 401
    assert login_from(attacker, coach.email, coach.password, "198.51.100.7").status_code == 429
    response = login_from(app.test_client(), coach.email, coach.password, "203.0.113.20")
    assert response.status_code == 302


def test_an_account_is_refused_after_failures_from_many_addresses(app, coach):
    """Guessing one account's password from many addresses is bounded too."""
    attacker = app.test_client()
    for i in range(20):
        login_from(attacker, coach.email, "guess", f"198.51.100.{i}")
    response = login_from(app.test_client(), coach.email, coach.password, "203.0.113.20")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_another_accounts_failures_never_refuse_a_coach(app, coach, other_coach):
    attacker = app.test_client()
    for i in range(25):
        login_from(attacker, other_coach.email, "guess", f"198.51.100.{i % 3}")
    response = login_from(app.test_client(), coach.email, coach.password, "198.51.100.1")
    assert response.status_code == 302


def test_unknown_and_real_emails_are_throttled_alike(app, coach):
    """The answers do not tell which emails have an account."""
    def statuses(email: str, address: str) -> list[int]:
        client = app.test_client()
        return [login_from(client, email, "guess", address).status_code for _ in range(7)]

    real = statuses(coach.email, "198.51.100.1")
    assert real == statuses("ghost@school.test", "198.51.100.2")
    assert real == [401] * 5 + [429] * 2


def test_a_very_long_email_is_refused_plainly(client, coach):
    response = login_from(client, "a" * 5000 + "@school.test", "guess", "198.51.100.3")
    assert response.status_code == 401


def test_sign_ups_are_throttled_per_address(app, coach):
    client = app.test_client()

    def sign_up(i: int, address: str):
        token = helpers.csrf_token(client, "/signup")
        return client.post(
            "/signup",
            data={"name": "Spam", "email": coach.email, "password": "long enough",
                  "csrf_token": token},
            environ_base={"REMOTE_ADDR": address},
        )

    statuses = [sign_up(i, "198.51.100.9").status_code for i in range(22)]
    assert statuses[:20] == [400] * 20 and statuses[20:] == [429, 429]
    refused = sign_up(99, "198.51.100.9").get_data(as_text=True)
    assert "Too many sign-up attempts" in refused
    assert sign_up(100, "203.0.113.20").status_code == 400  # another address is not affected


def test_unknown_share_tokens_never_block_a_live_link(app, coach):
    oid = shared_world(app, coach)
    token = live_token(app, oid)
    guesser = app.test_client()
    statuses = [guesser.get(f"/s/guess{i}").status_code for i in range(32)]
    assert statuses[:30] == [404] * 30 and statuses[30:] == [429, 429]
    # The teacher behind the same address still opens the live link, and can write through it.
    assert guesser.get(f"/s/{token}").status_code == 200
    csrf = helpers.csrf_token(guesser, f"/s/{token}")
    saved = guesser.post(f"/s/{token}/reflection", data={"reflection": "x", "csrf_token": csrf})
    assert saved.status_code == 303


def test_opening_a_live_link_often_is_never_counted(app, coach):
    token = live_token(app, shared_world(app, coach))
    teacher = app.test_client()
    assert {teacher.get(f"/s/{token}").status_code for _ in range(35)} == {200}
    assert teacher.get("/s/a-typo").status_code == 404


def test_trusted_proxies_take_the_client_address_from_x_forwarded_for(app, coach):
    from app import create_app
    from app.models import RateLimitHit

    def failed_sign_in_address(trusted: int) -> set[str]:
        proxied = create_app({**app.config, "TRUSTED_PROXIES": trusted})
        client = proxied.test_client()
        token = helpers.csrf_token(client, "/login")
        client.post("/login", data={"email": coach.email, "password": "guess",
                                    "csrf_token": token},
                    headers={"X-Forwarded-For": "203.0.113.77"},
                    environ_base={"REMOTE_ADDR": "10.0.0.2"})
        with proxied.app_context():
            keys = {h.key for h in db.session.scalars(select(RateLimitHit))}
            db.session.execute(RateLimitHit.__table__.delete())
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # this app's own engine: hand its connections back
        return {key.rsplit(":", 1)[-1] for key in keys}

    assert "203.0.113.77" in failed_sign_in_address(1)
    # Without a trusted proxy the header is anyone's to forge: it is ignored.
    addresses = failed_sign_in_address(0)
    assert "10.0.0.2" in addresses and "203.0.113.77" not in addresses


def test_trusted_proxies_must_be_a_whole_number(monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setenv("TRUSTED_PROXIES", "two")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
