"""Delete my account: the email typed to confirm, then every row of the coach's gone from
every table (checked by walking every table of the metadata, not by the code under test), the
coach signed out for good, every private link of theirs answering 404, and another coach's
data untouched."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.account.deletion import WrongConfirmation, delete_account
from app.extensions import db
from app.models import Coach, RateLimitHit
from tests import helpers
from tests.test_export import fill_every_table


def hashable(value: object) -> object:
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


def every_row() -> dict[str, set[tuple]]:
    """Every row of every table, as tuples of (column, value)."""
    return {
        table.name: {tuple(sorted((k, hashable(v)) for k, v in row.items())) for row in
                     db.session.execute(select(table)).mappings()}
        for table in db.metadata.sorted_tables
    }


def rows_of(coach_id: int, rows: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """The rows that reference the coach, directly or through rows that do (their teachers,
    cycles, observations, offers…), by any foreign key, found by a fixed point over the rows
    themselves."""
    owned_values = {("coach", "id", coach_id)}
    owned: dict[str, set[tuple]] = {name: set() for name in rows}
    tables = {t.name: t for t in db.metadata.sorted_tables}
    changed = True
    while changed:
        changed = False
        for name, table_rows in rows.items():
            keys = [(k.parent.name, k.column.table.name, k.column.name)
                    for k in tables[name].foreign_keys]
            if name == "coach":
                keys.append(("id", "coach", "id"))
            for row in table_rows - owned[name]:
                values = dict(row)
                if any((table, column, values[own]) in owned_values
                       for own, table, column in keys):
                    owned[name].add(row)
                    owned_values |= {(name, column, value) for column, value in row}
                    changed = True
    return owned


def test_the_walk_finds_the_coachs_rows_in_every_table_but_throttling(app, coach, other_coach):
    with app.app_context():
        fill_every_table(coach)
        found = rows_of(coach.coach_id, every_row())
    assert {name for name, rows in found.items() if not rows} == {"rate_limit_hit"}


@pytest.fixture
def two_coaches(app, coach, other_coach):
    with app.app_context():
        links = fill_every_table(coach)
        fill_every_table(other_coach)
        db.session.add(RateLimitHit(key="login:address:127.0.0.1"))
        db.session.commit()
    return coach, other_coach, links


def test_delete_removes_every_row_of_the_coach_and_nothing_else(app, two_coaches):
    coach, other, _ = two_coaches
    with app.app_context():
        before = every_row()
        theirs = rows_of(coach.coach_id, before)
        # Throttling counts have no key to a coach: theirs is the one kept under their id.
        theirs["rate_limit_hit"] = {row for row in before["rate_limit_hit"]
                                    if ("key", f"password:coach:{coach.coach_id}") in row}
        removed = delete_account(db.session.get(Coach, coach.coach_id),
                                 f" {coach.email.upper()} ")
        after = every_row()
    for name in before:
        # Table by table: nothing of theirs is left, and every other row is as it was.
        assert rows_of(coach.coach_id, after)[name] == set(), name
        assert after[name] == before[name] - theirs[name], name
        assert removed.get(name, 0) == len(before[name] - after[name]), name
    assert {n for n, rows in theirs.items() if not rows} == set()
    # The throttling count kept under their id went too; the network's own stayed.
    assert {dict(row)["key"] for row in after["rate_limit_hit"]} == {
        f"password:coach:{other.coach_id}", "login:address:127.0.0.1"}


def test_a_wrong_email_deletes_nothing(app, two_coaches):
    coach, other, _ = two_coaches
    with app.app_context():
        before = every_row()
        for typed in ("", None, other.email, coach.email + "x"):
            with pytest.raises(WrongConfirmation):
                delete_account(db.session.get(Coach, coach.coach_id), typed)
        assert every_row() == before


def post(client, path: str, data: dict):
    token = helpers.csrf_token(client, "/account")
    return client.post(path, data={**data, "csrf_token": token})


def test_the_account_page_has_the_delete_form(coach_client):
    html = coach_client.get("/account").get_data(as_text=True)
    assert ">Type your email to confirm</label>" in html
    assert 'value="Delete my account"' in html and 'action="/account/delete"' in html


@pytest.mark.parametrize("typed", ["", "someone@else.test", "x" * 300])
def test_a_wrong_email_answers_400_with_a_message(app, two_coaches, coach_client, typed):
    with app.app_context():
        before = every_row()
    response = post(coach_client, "/account/delete", {"confirm_email": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Type your email" in html or "not your account" in html
    with app.app_context():
        assert every_row() == before
    assert coach_client.get("/").status_code == 200  # still signed in


def test_delete_signs_out_everywhere_and_ends_every_link(app, two_coaches):
    coach, other, links = two_coaches
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        helpers.login(client, coach.email, coach.password)
    teacher = app.test_client()
    assert teacher.get(f"/s/{links.share}").status_code == 200
    response = post(here, "/account/delete", {"confirm_email": coach.email})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Your account and everything in it are deleted." in here.get(
        "/login").get_data(as_text=True)
    for client in (here, elsewhere):
        assert client.get("/").headers["Location"].startswith("/login")
    # They cannot sign in again; the other coach still can.
    failed = helpers.login(app.test_client(), coach.email, coach.password)
    assert failed.status_code == 401
    assert "That email and password do not match." in failed.get_data(as_text=True)
    assert helpers.login(app.test_client(), other.email, other.password).status_code == 302
    # Every private link of theirs now answers as an unknown token.
    urls = [("share.show", f"/s/{links.share}"), ("cycle_share.show", f"/c/{links.cycle}"),
            ("booking.show", f"/b/{links.booking}"),
            ("calendar.feed", f"/calendar/{links.calendar}.ics")]
    for endpoint, url in urls:
        if endpoint in app.view_functions:
            assert teacher.get(url).status_code in (404, 410), url
    with app.app_context():
        assert db.session.scalar(select(Coach).where(Coach.email == coach.email)) is None
