"""The participation map's editor on the server: the look-for form reads a map either as the
grid editor's JSON or as the lines a coach types without scripts, fills both from a saved map,
keeps seat ids stable, refuses to drop a seat or code that recorded events use, and the map
travels in tool files."""

from __future__ import annotations

import json

import pytest

from app import kinds
from app.cycles import services
from app.extensions import db
from app.models import Cycle, LookFor
from tests import helpers
from tests.test_library import upload

SEATMAP = kinds.get("seatmap")
CODES = [{"code": "Q", "label": "Asked a question"}, {"code": "A", "label": "Answered"}]


def room(seats=32, cols=8) -> dict:
    """A map of `seats` seats in rows of `cols`, two dimensions: Language (every third seat
    EL) and Table (1-4, by pairs of columns)."""
    return {
        "seats": [{"id": f"s{n}", "label": f"S{n}", "row": (n - 1) // cols + 1,
                   "col": (n - 1) % cols + 1,
                   "groups": {"Language": "EL" if n % 3 == 0 else "non-EL",
                              "Table": str(((n - 1) % cols) // 2 + 1)}}
                  for n in range(1, seats + 1)],
        "dimensions": ["Language", "Table"],
        "codes": CODES,
    }


def edit(client, lookfor_id, cycle_id, hx=True, **fields):
    data = {f"lf{lookfor_id}-label": fields.pop("label", "Who talks"),
            f"lf{lookfor_id}-kind": "seatmap", f"lf{lookfor_id}-fields": "seatmap"}
    data.update({f"lf{lookfor_id}-{name}": value for name, value in fields.items()})
    token = helpers.csrf_token(client, "/")
    headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if hx else {})}
    return client.post(f"/cycles/{cycle_id}/lookfors/{lookfor_id}", data=data, headers=headers)


def stored(lookfor_id):
    db.session.expire_all()
    lookfor = db.session.get(LookFor, lookfor_id)
    return lookfor.kind, lookfor.config


def field(values: dict):
    return lambda name: values.get(name, "")


# config_from_form and form_values -----------------------------------------------------------

def test_lines_without_scripts_become_a_map_with_new_ids():
    raw = SEATMAP.config_from_form(field({
        "seats": "1, 1, AB, Language=EL, Table=1\n\n 1, 2 \n2, 1, , Table=2\n2,2,A,B,Table = 3",
        "dimensions": "Language: EL, non-EL\nTable",
        "codes": "Q = Asked a question\nA: Answered\nV",
    }))
    assert SEATMAP.parse_config(raw) == {
        "seats": [
            {"id": "s1", "label": "AB", "row": 1, "col": 1,
             "groups": {"Language": "EL", "Table": "1"}},
            {"id": "s2", "label": "", "row": 1, "col": 2, "groups": {}},
            {"id": "s3", "label": "", "row": 2, "col": 1, "groups": {"Table": "2"}},
            {"id": "s4", "label": "A,B", "row": 2, "col": 2, "groups": {"Table": "3"}},
        ],
        "dimensions": ["Language", "Table"],
        "codes": [{"code": "Q", "label": "Asked a question"}, {"code": "A", "label": "Answered"},
                  {"code": "V", "label": "V"}],
    }


def test_the_editors_json_wins_over_the_lines():
    config = room(5)
    raw = SEATMAP.config_from_form(field({"map": json.dumps(config), "seats": "9, 9, X",
                                          "dimensions": "Other", "codes": ""}))
    assert SEATMAP.parse_config(raw) == config


def test_form_values_fill_both_and_read_back_the_same_map():
    config = SEATMAP.parse_config({**room(32), "seats": room(32)["seats"][::-1]})
    values = SEATMAP.form_values(config)
    assert json.loads(values["map"]) == config
    assert values["dimensions"] == "Language: EL, non-EL\nTable: 1, 2, 3, 4"
    assert values["codes"] == "Q = Asked a question\nA = Answered"
    assert values["seats"].splitlines()[:2] == ["1, 1, S1, Language=non-EL, Table=1",
                                                "1, 2, S2, Language=non-EL, Table=1"]
    # Without scripts the map is sent as lines (and the hidden ids), not as JSON.
    again = SEATMAP.parse_config(SEATMAP.config_from_form(field({**values, "map": ""})))
    assert sorted(again["seats"], key=lambda s: s["id"]) == sorted(
        config["seats"], key=lambda s: s["id"])
    assert again["dimensions"] == config["dimensions"] and again["codes"] == config["codes"]


def test_lines_keep_each_saved_places_id_and_new_seats_take_the_next_number():
    config = SEATMAP.parse_config({"seats": [
        {"id": "s1", "row": 1, "col": 1}, {"id": "s7", "label": "GH", "row": 1, "col": 2},
        {"id": "door", "row": 3, "col": 3}]})
    values = SEATMAP.form_values(config)
    values.update(map="", seats="1, 2, GH2\n1, 3, New\n3, 3\n4, 4, Another")
    seats = SEATMAP.parse_config(SEATMAP.config_from_form(field(values)))["seats"]
    assert [(s["id"], s["row"], s["col"], s["label"]) for s in seats] == [
        ("s7", 1, 2, "GH2"), ("s8", 1, 3, "New"), ("door", 3, 3, ""), ("s9", 4, 4, "Another")]


@pytest.mark.parametrize("values, reason", [
    ({"seats": "one, 1"}, "seat line 1 must start with its row and column"),
    ({"seats": "1, 1\n2"}, "seat line 2 must start with its row and column"),
    ({"seats": "1, 1, AB, Language=EL, CD"}, "seat line 1: after the label, give dimension=value"),
    ({"map": "{not json"}, "the map from the editor could not be read"),
    ({"map": "[" * 100_000}, "the map from the editor could not be read"),
])
def test_unreadable_text_says_why(values, reason):
    with pytest.raises(kinds.KindError, match=reason):
        SEATMAP.config_from_form(field(values))


def test_a_garbled_ids_field_only_costs_new_ids():
    for ids in ("", "[1]", "{bad", '{"1,1": 5, "x": "s3", "1,2": "s4"}'):
        seats = SEATMAP.config_from_form(field({"seats": "1, 1\n1, 2", "seat_ids": ids}))["seats"]
        assert [s["id"] for s in seats] == (["s5", "s4"] if "s4" in ids else ["s1", "s2"])


# Through the look-for form ---------------------------------------------------------------------

def test_a_map_through_the_form_as_json_and_as_lines(coach_client, coach, ctx):
    lid = coach.lookfor_ids[0]
    config = room(32)
    response = edit(coach_client, lid, coach.cycle_id, map=json.dumps(config),
                    dimensions="ignored", codes="", seats="")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Saved" in response.get_data(as_text=True)
    assert stored(lid) == ("seatmap", config)
    # The row comes back with the lines filled in and the map handed to the grid editor.
    html = response.get_data(as_text=True)
    assert ">Seats (one per line: row, column, label, then dimension=value…)</label>" in html
    assert ">Dimensions (one per line)</label>" in html
    assert ">Codes (one per line: CODE = meaning)</label>" in html
    assert "1, 1, S1, Language=non-EL, Table=1\n" in html
    assert f'name="lf{lid}-map" value=""' in html
    assert "data-map=\"{&#34;seats&#34;: [{&#34;id&#34;: &#34;s1&#34;" in html
    assert "data-kind-editor=\"/static/js/kinds-editor/seatmap.js?v=" in html
    # Without scripts: the lines, a seat removed (s32 was never recorded) and one added.
    values = SEATMAP.form_values(config)
    seats = values["seats"].replace("4, 8, S32, Language=non-EL, Table=4", "5, 1, New")
    response = edit(coach_client, lid, coach.cycle_id, hx=False, map="", seats=seats,
                    seat_ids=values["seat_ids"], dimensions=values["dimensions"],
                    codes=values["codes"] + "\nV = Volunteered")
    assert response.status_code == 302
    _, saved = stored(lid)
    assert [s["id"] for s in saved["seats"]] == [f"s{n}" for n in range(1, 32)] + ["s33"]
    assert saved["seats"][-1] == {"id": "s33", "label": "New", "row": 5, "col": 1, "groups": {}}
    assert saved["codes"][-1] == {"code": "V", "label": "Volunteered"}


BAD_MAPS = [
    ({"map": json.dumps({"seats": [], "dimensions": [], "codes": []})},
     "Participation map: a map has 1 to 100 seats."),
    ({"map": json.dumps({**room(3), "codes": CODES * 2})},
     "Participation map: each code must be different."),
    ({"map": "{nope"}, "Participation map: the map from the editor could not be read"),
    ({"seats": "1, 1, ABCDEFGHI"}, "a seat&#39;s label must be at most 8 characters"),
    ({"seats": "11, 1"}, "row must be a whole number from 1 to 10"),
    ({"seats": "1, 1, A, Gender=F", "dimensions": "Language"}, "unknown dimension"),
    ({"seats": "1, 1\n1, 1"}, "two seats share a place"),
    ({"seats": "1, 1", "codes": "\n".join(f"C{n}" for n in range(13))}, "at most 12 codes"),
    ({"seats": "1, x"}, "seat line 1 must start with its row and column"),
]


@pytest.mark.parametrize("fields, reason", BAD_MAPS)
def test_a_bad_map_is_a_400_with_its_reason_and_nothing_is_saved(coach_client, coach, ctx,
                                                                  fields, reason):
    lid = coach.lookfor_ids[0]
    before = stored(lid)
    response = edit(coach_client, lid, coach.cycle_id, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert reason in html
    assert f'<div id="lf{lid}-config"' in html
    assert stored(lid) == before


def test_the_fields_fragment_and_the_no_script_second_step(coach_client, coach, ctx):
    base = f"/cycles/{coach.cycle_id}/lookfor-fields"
    html = coach_client.get(f"{base}?prefix=new&new-kind=seatmap").get_data(as_text=True)
    assert 'name="new-fields" value="seatmap"' in html
    assert ">Seats (one per line: row, column, label, then dimension=value…)</label>" in html
    assert 'data-map=""' in html and 'name="new-map" value=""' in html
    lid = coach.lookfor_ids[0]
    response = edit(coach_client, lid, coach.cycle_id, hx=False, fields="tally")
    html = response.get_data(as_text=True)
    assert "Fill in the settings for Participation map below, then press Save." in html
    assert stored(lid) == ("tally", {})
    # The grid editor belongs to the cycle page: the capture screen never loads it.
    services.update_lookfor(db.session.get(LookFor, lid), "Who talks", "seatmap", room(4))
    capture = coach_client.get(f"/cycles/{coach.cycle_id}/capture").get_data(as_text=True)
    assert "seatmap" in capture and "kinds-editor" not in capture


# Recorded events keep their seats and codes --------------------------------------------------

@pytest.fixture
def recorded_map(coach, ctx):
    """The first look-for as a 6-seat map; s3 contributed (Q) and s5 was marked absent."""
    lookfor = db.session.get(LookFor, coach.lookfor_ids[0])
    services.update_lookfor(lookfor, "Who talks", "seatmap", room(6, cols=3))
    helpers.record_observation(coach, [(0, 5, {"data": {"seat": "s3", "codes": ["Q"]}}),
                                       (0, 1, {"data": {"seat": "s5", "absent": True}})])
    return db.session.get(LookFor, coach.lookfor_ids[0])


def change(lookfor, config):
    services.update_lookfor(lookfor, "Who talks", "seatmap", config)
    return stored(lookfor.id)[1]


def test_a_seat_in_recorded_events_stays(recorded_map):
    config = room(6, cols=3)
    for gone in ("s3", "s5"):
        without = {**config, "seats": [s for s in config["seats"] if s["id"] != gone]}
        with pytest.raises(services.CycleError, match=rf"seat S{gone[1]} \(row \d, seat \d\) is "
                           "in recorded events, so it stays"):
            change(recorded_map, without)
    assert stored(recorded_map.id)[1] == config
    # An unused seat may go; a used one may get a new label, groups and place (same id).
    seats = [s for s in config["seats"] if s["id"] != "s6"]
    seats[2] = {**seats[2], "label": "Z", "row": 4, "col": 1, "groups": {"Language": "EL"}}
    assert change(recorded_map, {**config, "seats": seats})["seats"][2] == {
        "id": "s3", "label": "Z", "row": 4, "col": 1, "groups": {"Language": "EL"}}


def test_a_code_in_recorded_events_stays_dimensions_may_change(recorded_map):
    config = room(6, cols=3)
    with pytest.raises(services.CycleError, match="Q is in recorded events, so that code stays"):
        change(recorded_map, {**config, "codes": CODES[1:]})
    # A new meaning, an unused code gone, and the dimensions renamed and dropped: fine.
    regrouped = {**config, "dimensions": ["Home language"],
                 "seats": [{**s, "groups": {"Home language": "EL"}} for s in config["seats"]],
                 "codes": [{"code": "Q", "label": "Any question"}]}
    assert change(recorded_map, regrouped) == regrouped


def test_lines_moving_a_recorded_seat_is_removing_it(coach_client, coach, recorded_map):
    values = SEATMAP.form_values(room(6, cols=3))
    moved = values["seats"].replace("1, 3, S3", "3, 3, S3")
    response = edit(coach_client, recorded_map.id, coach.cycle_id, **{**values, "map": "",
                                                                      "seats": moved})
    assert response.status_code == 400
    assert "seat S3 (row 1, seat 3) is in recorded events, so it stays" in response.get_data(
        as_text=True)


# Tool files carry the map ----------------------------------------------------------------------

def test_export_and_import_carry_a_32_seat_two_dimension_map(coach_client, coach, ctx):
    services.update_lookfor(db.session.get(LookFor, coach.lookfor_ids[0]), "Who talks",
                            "seatmap", room(32))
    exported = coach_client.get(f"/cycles/{coach.cycle_id}/tools.json")
    assert exported.status_code == 200
    item = exported.json["lookfors"][0]
    assert (item["label"], item["kind"], item["config"]) == ("Who talks", "seatmap", room(32))
    teacher = db.session.get(Cycle, coach.cycle_id).teacher
    target = services.create_cycle(teacher, goal="Next term", focus_area="student_outcomes").id
    assert upload(coach_client, target, exported.data).status_code == 200
    db.session.expire_all()
    imported = db.session.get(Cycle, target).lookfors[0]
    assert (imported.label, imported.kind, imported.config) == ("Who talks", "seatmap", room(32))
