"""Lookfor: tap-to-record classroom observation for instructional coaching cycles."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, logs, security, timezones
from .extensions import compress, csrf, db, htmx, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then the environment, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Before any route is added: every <int:...> in the app is a bounded id.
    app.url_map.converters["int"] = security.IdConverter
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
        if "SQLALCHEMY_ENGINE_OPTIONS" not in test_config:
            url = app.config["SQLALCHEMY_DATABASE_URI"]
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.engine_options(url)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    logs.init_app(app)
    timezones.init_app(app)

    from . import (
        account,
        auth,
        coaching_log,
        cycles,
        debrief,
        goals,
        observations,
        pwa,
        report,
        schedule,
        share,
        summary,
        sync,
        teachers,
    )
    from .cli import register_cli

    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(teachers.bp)
    app.register_blueprint(coaching_log.bp)
    app.register_blueprint(cycles.bp)
    app.register_blueprint(cycles.tools_bp)
    app.register_blueprint(observations.bp)
    app.register_blueprint(debrief.bp)
    app.register_blueprint(goals.bp)
    app.register_blueprint(summary.bp)
    app.register_blueprint(share.bp)
    app.register_blueprint(share.cycle_bp)
    app.register_blueprint(share.links_bp)
    app.register_blueprint(report.bp)
    app.register_blueprint(schedule.bp)
    app.register_blueprint(schedule.booking_bp)
    app.register_blueprint(schedule.calendar_bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(sync.bp)
    security.init_app(app)
    register_cli(app)
    if hops := app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the N proxies in front saw them (see README).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets the capture sync write while pages read; foreign keys are off by default."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
