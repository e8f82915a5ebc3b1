"""Several gunicorn worker processes, concurrent devices, resends and a server killed
mid-batch: every event is stored exactly once."""

from __future__ import annotations

import gc
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Event
from bench.common import make_app, make_coach, make_events
from bench.load import run_load
from bench.server import Gunicorn, SyncClient


@pytest.fixture(autouse=True)
def no_leaked_connections():
    """These tests build apps of their own: any connection they leave open warns here, in the
    test that leaked it, rather than in whichever test the collector next runs in."""
    yield
    gc.collect()


def test_concurrent_devices_through_gunicorn_store_each_event_once(scratch_database_url):
    figures = run_load(scratch_database_url, clients=4, batches=5, per_batch=20,
                       resend_every=2, workers=2)
    assert figures["stored"] == 4 * 5 * 20
    assert figures["resends"] == 4 * 3


def test_server_killed_mid_batch_then_retry_stores_each_event_once(scratch_database_url):
    app = make_app(scratch_database_url)
    with app.app_context():
        coach, cycle = make_coach()
        cycle_id, lookfor_ids = cycle.id, [lf.id for lf in cycle.lookfors]
    observation = {"id": str(uuid.uuid4()), "cycle_id": cycle_id,
                   "started_at": "2026-03-02T09:00:00Z", "ended_at": None}
    events = make_events(observation["id"], lookfor_ids, 5000, 3_600_000)
    batch = {"observations": [observation], "events": events}

    server = Gunicorn(scratch_database_url, workers=2).start()
    client = SyncClient(server.url)
    client.sign_in("bench@lookfor.test", "bench password")
    client.fetch_token()
    outcome: dict = {}

    def send():
        try:
            outcome["first"] = client.sync(batch)
        except OSError as exc:  # the connection dies with the server
            outcome["first"] = exc

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.15)  # the batch is on the wire or being stored
    server.kill()
    sender.join()
    assert not isinstance(outcome["first"], tuple) or outcome["first"][0] != 500

    # Same secret key, so the device's session and token still hold after the restart.
    restarted = Gunicorn(scratch_database_url, workers=2)
    restarted.port, restarted.url = server.port, server.url
    with restarted:
        answer, attempts = client.sync_until_accepted(batch)
    assert len(answer["events"]["accepted"]) == 5000 and not answer["events"]["rejected"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 5000
        assert db.session.scalar(select(func.count(func.distinct(Event.id)))) == 5000
        db.session.remove()  # hand its connection back first, so dispose() closes it
        db.engine.dispose()
