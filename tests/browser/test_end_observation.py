"""Ending an observation: online it leads to the debrief; offline it is kept on the device with a
local summary, and its end reaches the server once the network is back."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Observation
from tests.browser.conftest import (
    lookfor_button,
    open_capture,
    read_outbox,
    ready_for_the_day,
    sign_in,
    stored_events,
    sync_status,
)

pytestmark = pytest.mark.browser


def stored_observation(app, observation_id: str) -> Observation | None:
    with app.app_context():
        observation = db.session.get(Observation, observation_id)
        db.session.expunge_all()
        return observation


def count_cell(page, label: str, within=None):
    """The count beside a look-for's row header in a summary table (the first one on the page,
    or the first within `within`)."""
    header = page.get_by_role("rowheader", name=label, exact=True)
    rows = (within or page).get_by_role("row").filter(has=header)
    return rows.first.get_by_role("cell").first


def test_ending_online_opens_the_debrief_with_the_counts(page, app, coach):
    sign_in(page, coach.email, coach.password)
    open_capture(page, coach.cycle_id)
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Student question").click()
    lookfor_button(page, "Teacher talk").click()  # still running when the observation ends

    page.get_by_role("button", name="End observation").click()
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(count_cell(page, "Student question")).to_have_text("2")
    expect(count_cell(page, "Teacher talk")).to_have_text("1")

    observation = stored_observation(app, observation_id)
    assert observation is not None and observation.ended_at is not None
    talk = [
        e
        for e in stored_events(app, observation_id).values()
        if e["lookfor_id"] == coach.lookfor_ids[1]
    ]
    assert [e["duration_ms"] is not None for e in talk] == [True]


def test_ending_offline_keeps_it_and_syncs_the_end_later(page, context, app, coach, live_server):
    sign_in(page, coach.email, coach.password)
    ready_for_the_day(page)
    live_server.requests.clear()
    context.set_offline(True)
    open_capture(page, coach.cycle_id)
    capture_url = page.url
    observation_id = page.locator("#capture").get_attribute("data-observation-id")
    for _ in range(3):
        lookfor_button(page, "Student question").click()

    page.get_by_role("button", name="End observation").click()
    panel = page.locator("#ended-panel")
    expect(panel.get_by_role("heading", name="Observation ended")).to_be_visible()
    expect(count_cell(page, "Student question", within=panel)).to_have_text("3")
    expect(panel).to_contain_text("Saved on this device")
    expect(page.get_by_role("button", name="End observation")).to_be_disabled()
    assert page.url == capture_url
    expect(sync_status(page)).to_have_text("4 changes waiting to sync")
    (local,) = read_outbox(page)["observations"]
    assert local["ended_at"] is not None and local["pending"] == 1
    assert live_server.requests == []
    assert stored_observation(app, observation_id) is None

    context.set_offline(False)
    # Once it has synced, the debrief the ended panel promised opens by itself.
    page.wait_for_url(f"**/observations/{observation_id}")
    expect(count_cell(page, "Student question")).to_have_text("3")
    observation = stored_observation(app, observation_id)
    assert observation.ended_at == datetime.fromisoformat(local["ended_at"])
    assert len(stored_events(app, observation_id)) == 3
