"""Responses are compressed when the client accepts it (no compressing proxy needed), and read
back the same; a client that does not ask gets them plain."""

from __future__ import annotations

import gzip

from tests import helpers


def test_a_long_debrief_is_sent_compressed_and_reads_the_same(coach_client, coach, app):
    with app.app_context():
        oid, _ = helpers.record_observation(
            coach, [(i % 2, i, {"duration_ms": 1000} if i % 2 else {}) for i in range(400)])
    plain = coach_client.get(f"/observations/{oid}")
    assert "Content-Encoding" not in plain.headers
    packed = coach_client.get(f"/observations/{oid}", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.get_data())
    # The pages differ only in their per-request CSRF tokens.
    assert len(body) == len(plain.get_data())
    assert len(packed.get_data()) * 4 < len(body)


def test_the_sync_api_answers_compressed_json(coach_client, coach):
    token = coach_client.get("/api/v1/csrf").json["csrf_token"]
    response = coach_client.post(
        "/api/v1/sync", json={"observations": [], "events": [{"id": f"x{i}"} for i in range(300)]},
        headers={"X-CSRFToken": token, "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"rejected"' in gzip.decompress(response.get_data())


def test_static_files_are_sent_precompressed_per_encoding_with_their_own_validators(client):
    import brotli

    url = "/static/vendor/pico-2.1.1.classless.min.css"
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    validators = {plain.headers["ETag"]}
    middleware = {"br": lambda b: brotli.compress(b, quality=4),
                  "gzip": lambda b: gzip.compress(b, 6)}
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        packed = client.get(url, headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert decode(packed.get_data()) == plain.get_data()
        # At the strongest level: smaller than the middleware's default would send.
        assert len(packed.get_data()) < len(middleware[encoding](plain.get_data()))
        validators.add(packed.headers["ETag"])
        again = client.get(url, headers={"Accept-Encoding": encoding,
                                         "If-None-Match": packed.headers["ETag"]})
        assert again.status_code == 304
    assert len(validators) == 3
    icon = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in icon.headers
