from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Coach, Cycle, Event, Observation


def test_seed_demo_only_into_an_empty_database(runner, ctx):
    result = runner.invoke(args=["seed-demo"])
    assert "demo@lookfor.test / lookfor-demo" in result.output
    coach = db.session.scalar(select(Coach))
    assert coach.check_password("lookfor-demo")
    cycle = db.session.scalar(select(Cycle))
    assert cycle.is_open and [lf.kind for lf in cycle.lookfors] == [
        "tally", "tally", "duration", "duration", "note"]
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 2
    events = db.session.scalar(select(func.count()).select_from(Event))
    assert events > 10

    again = runner.invoke(args=["seed-demo"])
    assert "already has coaches" in again.output
    assert db.session.scalar(select(func.count()).select_from(Coach)) == 1
    assert db.session.scalar(select(func.count()).select_from(Event)) == events


def test_migrations_match_the_models(ctx):
    """The schema the migrations built is the one the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []


def test_reset_password_sets_it_and_signs_the_coach_out_everywhere(app, runner, coach):
    from tests import helpers

    phone = app.test_client()
    helpers.login(phone, coach.email, coach.password)
    assert phone.get("/").status_code == 200
    result = runner.invoke(args=["reset-password", "--email", "Coach@School.test",
                                 "--password", "reset by the admin"])
    assert result.exit_code == 0, result.output
    assert "every device they used is signed out" in result.output
    assert phone.get("/").status_code == 302
    assert phone.get("/api/v1/cycles").status_code == 401
    assert helpers.login(app.test_client(), coach.email, coach.password).status_code == 401
    assert helpers.login(app.test_client(), coach.email, "reset by the admin").status_code == 302


def test_reset_password_prompts_twice(app, runner, coach):
    result = runner.invoke(args=["reset-password", "--email", coach.email],
                           input="prompted new one\nprompted new one\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("New password") >= 2  # asked, then asked to repeat
    with app.app_context():
        assert db.session.get(Coach, coach.coach_id).check_password("prompted new one")


def test_reset_password_refuses_an_unknown_email_or_a_short_password(runner, coach):
    unknown = runner.invoke(args=["reset-password", "--email", "nobody@school.test",
                                  "--password", "long enough pw"])
    assert unknown.exit_code != 0 and "No coach has the email nobody@school.test" in unknown.output
    short = runner.invoke(args=["reset-password", "--email", coach.email, "--password", "short"])
    assert short.exit_code != 0 and "at least 8 characters" in short.output


def test_every_check_constraint_in_the_database_is_the_models(ctx):
    """Alembic's comparison above does not look at CHECK constraints: a new kind in the
    registry (and so in the model's CHECK) with no migration would pass it, and every insert of
    that kind would then fail. Here each CHECK of the migrated database, read back from the
    engine's own catalogue, must be the model's, and no more or fewer."""
    with db.engine.connect() as connection:
        found = checks_in_database(connection)
    assert ("look_for", "ck_look_for_kind") in found
    assert found == checks_in_models()


def checks_in_models() -> dict[tuple[str, str], str]:
    from sqlalchemy import CheckConstraint

    return {
        (table.name, str(constraint.name)): normalise_check(str(constraint.sqltext))
        for table in db.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }


def checks_in_database(connection) -> dict[tuple[str, str], str]:
    """(table, constraint name) -> normalised SQL of each CHECK, from sqlite_master or
    pg_constraint."""
    from sqlalchemy import text

    if connection.dialect.name == "postgresql":
        rows = connection.execute(text(
            "SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid) FROM pg_constraint co"
            " JOIN pg_class cl ON cl.oid = co.conrelid"
            " JOIN pg_namespace ns ON ns.oid = cl.relnamespace"
            " WHERE co.contype = 'c' AND ns.nspname = current_schema()"))
        return {(table, name): normalise_check(check_bodies(definition)[0][1])
                for table, name, definition in rows}
    rows = connection.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"))
    return {(table, name): normalise_check(body)
            for table, sql in rows for name, body in check_bodies(sql)}


def check_bodies(sql: str) -> list[tuple[str | None, str]]:
    """Each `[CONSTRAINT name] CHECK (body)` in a piece of DDL: (name, body), the body read up
    to its matching parenthesis (quoted text skipped)."""
    import re

    found = []
    for match in re.finditer(r'(?:CONSTRAINT\s+"?(\w+)"?\s+)?CHECK\s*\(', sql, re.I):
        depth, index = 1, match.end()
        while depth:
            char = sql[index]
            if char == "'":
                index = sql.index("'", index + 1)
                while sql.startswith("''", index):  # an escaped quote inside the text
                    index = sql.index("'", index + 2)
            depth += {"(": 1, ")": -1}.get(char, 0)
            index += 1
        found.append((match.group(1), sql[match.end():index - 1]))
    return found


def normalise_check(sql: str) -> str:
    """One spelling for the same rule on either engine: PostgreSQL stores `kind in ('a', 'b')`
    as `((kind)::text = ANY ((ARRAY['a'::character varying, ...])::text[]))`. Casts and
    parentheses go, `= ANY (ARRAY[...])` reads as `in`, and an in-list is sorted."""
    import re

    sql = re.sub(r"::[a-z_]+(?: varying)?(?:\[\])?", "", sql, flags=re.I)
    tokens = [token if token.startswith("'") else token.lower()
              for token in re.findall(r"'(?:[^']|'')*'|\w+|[^\s\w]", sql)
              if token not in ("(", ")")]
    text = re.sub(r"= any array \[ (.*?) \]", r"in \1", " ".join(tokens))
    column_in = re.fullmatch(r"(\w+) in ('(?:[^']|'')*'(?: , '(?:[^']|'')*')*)", text)
    if column_in:
        values = sorted(column_in.group(2).split(" , "))
        text = f"{column_in.group(1)} in ({', '.join(values)})"
    return text
