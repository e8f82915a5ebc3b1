"""Several gunicorn worker processes, concurrent devices, resends and a server killed
mid-batch: every event is stored exactly once."""

from __future__ import annotations

import gc
import http.client
import json
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


def cookie_header(client: SyncClient) -> str:
    """The signed-in device's cookies, as one Cookie header."""
    jar = next(h.cookiejar for h in client.opener.handlers if hasattr(h, "cookiejar"))
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


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
    body = json.dumps(batch).encode()
    body_sent = threading.Event()
    outcome: dict = {}

    def send():
        """The device's first try, by hand so the test knows when the whole body is out."""
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            connection.request("POST", "/api/v1/sync", body=body, headers={
                "Content-Type": "application/json", "X-CSRFToken": client.token,
                "Cookie": cookie_header(client)})
            body_sent.set()
            response = connection.getresponse()
            outcome["first"] = (response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:  # the connection dies with it
            outcome["first"] = exc
        finally:
            body_sent.set()
            connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    # The whole body is out; storing 5,000 events takes the server a few hundred ms, so a
    # moment later it is mid-batch: kill it then.
    assert body_sent.wait(30)
    time.sleep(0.05)
    server.kill()
    sender.join(30)
    # The kill interrupted the batch in flight: the device never got an answer, and the
    # batch's one transaction was cut, so none of it was stored.
    assert isinstance(outcome.get("first"), OSError | http.client.HTTPException), (
        f"the server answered before it was killed: {outcome.get('first')!r:.200}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        db.session.remove()

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


def test_two_app_servers_on_one_database_store_one_coachs_batches_once(scratch_database_url):
    """Two app servers (two gunicorns, as two machines would be) on one database: the same
    coach's two devices send the same batches to both at the same moment, then two newer
    versions of every event, one to each, at the same moment. Nothing is lost or doubled; the
    newest version wins whichever server commits first."""
    app = make_app(scratch_database_url)
    with app.app_context():
        coach, cycle = make_coach()
        cycle_id, lookfor_ids = cycle.id, [lf.id for lf in cycle.lookfors]
        db.session.remove()
        db.engine.dispose()
    observation = {"id": str(uuid.uuid4()), "cycle_id": cycle_id,
                   "started_at": "2026-03-02T09:00:00Z", "ended_at": None}
    batches = [make_events(observation["id"], lookfor_ids, 400, 3_600_000) for _ in range(4)]
    def corrected(events: list, version: int) -> list:
        return [{**e, "version": version, "note": f"v{version}", "lookfor_id": lookfor_ids[2],
                 "duration_ms": None} for e in events]
    with Gunicorn(scratch_database_url, workers=1) as one, \
            Gunicorn(scratch_database_url, workers=1) as two:
        devices = [SyncClient(one.url), SyncClient(two.url)]
        for device in devices:
            device.sign_in("bench@lookfor.test", "bench password")
            device.fetch_token()
        errors: list[BaseException] = []

        def send_both(first: list, second: list) -> None:
            start = threading.Barrier(2)

            def send(device: SyncClient, events: list) -> None:
                try:
                    start.wait(10)
                    answer, _ = device.sync_until_accepted(
                        {"observations": [observation], "events": events})
                    assert len(answer["events"]["accepted"]) == len(events), answer
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=send, args=pair)
                       for pair in zip(devices, (first, second), strict=True)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)

        for events in batches:
            send_both(events, events)
        for events in batches:
            send_both(corrected(events, 2), corrected(events, 3))
    assert not errors, errors
    with app.app_context():
        rows = db.session.execute(select(Event.id, Event.version, Event.note)).all()
        db.session.remove()
        db.engine.dispose()
    assert len(rows) == len({row.id for row in rows}) == 4 * 400
    assert {(row.version, row.note) for row in rows} == {(3, "v3")}
