"""Nothing that carries coaching data may be kept by the browser's HTTP cache or its
back/forward cache: every response but the static files and the service worker says
`Cache-Control: no-store` (pages, htmx fragments, CSV, JSON, share views, errors, redirects)."""

from __future__ import annotations

import re

from tests import helpers

# Addressed by content (a new file is a new URL), and the worker must be re-checked each visit.
OWN_RULES = {"static": None, "pwa.service_worker": "no-cache"}


def filled(rule: str, ids: dict[str, str]) -> str:
    """A rule's URL with every variable given a real id of the coach's (or 1 if unknown)."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: ids.get(m.group(1), "1"), rule)


def the_coachs_ids(app, coach, client) -> dict[str, str]:
    with app.app_context():
        oid, event_ids = helpers.record_observation(coach, [(0, 5), (None, 9, {"note": "n"})])
    token = helpers.csrf_token(client, "/")
    shared = client.post(f"/observations/{oid}/share", data={"days": "30"},
                         headers={"HX-Request": "true", "X-CSRFToken": token})
    share_token = re.search(r"/s/([A-Za-z0-9_-]{43,})", shared.get_data(as_text=True)).group(1)
    return {"teacher_id": str(coach.teacher_id), "cycle_id": str(coach.cycle_id),
            "lookfor_id": str(coach.lookfor_ids[0]), "observation_id": oid,
            "event_id": event_ids[0], "step_id": "1", "token": share_token}


def test_every_response_with_coaching_data_is_no_store(app, coach, coach_client):
    ids = the_coachs_ids(app, coach, coach_client)
    token = helpers.csrf_token(coach_client, "/")
    seen = set()
    calls = sorted(
        ((method, rule) for rule in app.url_map.iter_rules() if rule.endpoint not in OWN_RULES
         for method in rule.methods - {"HEAD", "OPTIONS"}),
        # Reads first, then writes, signing out last: every other request is signed in.
        key=lambda call: (call[0] != "GET", "sign_out" in call[1].endpoint
                          or call[1].endpoint == "auth.logout", call[1].rule),
    )
    for method, rule in calls:
        url = filled(rule.rule, ids)
        if rule.endpoint == "debrief.edit_event":
            url += f"?event={ids['event_id']}"
        # As a page, and as the htmx fragment the same URL may answer with.
        for headers in ({}, {"HX-Request": "true"}):
            response = coach_client.open(
                url, method=method, data={"csrf_token": token},
                headers={"X-CSRFToken": token, **headers},
            )
            assert response.headers.get("Cache-Control") == "no-store", (
                method, url, headers, response.status_code)
            seen.add((rule.endpoint, response.status_code // 100))
    # The walk met real pages, fragments and downloads, not only errors.
    for endpoint in ("teachers.index", "cycles.show", "observations.capture", "debrief.show",
                     "observations.events_csv", "debrief.edit_event", "share.show",
                     "sync.cycles", "sync.csrf_token"):
        assert (endpoint, 2) in seen, endpoint


def test_static_files_and_the_worker_keep_their_own_rules(client):
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    with client.get("/static/css/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")
