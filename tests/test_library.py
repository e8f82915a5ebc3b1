"""The library of ready-made tools, and tool files out of a cycle and into another: every
library file parses, a tool appends its look-fors, export and import round-trip every kind,
and a bad file adds nothing."""

from __future__ import annotations

import json

import pytest

from app.cycles import services
from app.extensions import db
from app.library.services import MAX_FILE_BYTES, library, parse_tool_file
from app.models import Cycle, LookFor, Teacher
from app.observations.services import capture_config
from tests import helpers

# The issue's table: each kind's config, exactly as stored and exported.
EVERY_KIND = [
    {"label": "Student question", "kind": "tally", "config": {}},
    {"label": "Teacher talk", "kind": "duration", "config": {}},
    {"label": "Quote", "kind": "note", "config": {}},
    {"label": "Teacher question", "kind": "category",
     "config": {"categories": ["Recall", "Inference", "Evaluation"]}},
    {"label": "On task", "kind": "scan", "config": {"of": 28, "every_s": 300}},
    {"label": "COPUS mini", "kind": "interval",
     "config": {"interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"},
                                              {"code": "CQ", "label": "Comprehension question"}]}},
    {"label": "Wait time", "kind": "timer", "config": {"threshold_s": 3}},
]


def tool_file(lookfors, **overrides) -> bytes:
    return json.dumps({"format": "lookfor-tools", "version": 1, "lookfors": lookfors,
                       **overrides}).encode()


def htmx(client, url, data=None, **kwargs):
    token = helpers.csrf_token(client, "/")
    return client.post(url, data=data or {}, headers={"HX-Request": "true", "X-CSRFToken": token},
                       **kwargs)


def upload(client, cycle_id, raw: bytes, name="tools.json", hx=True):
    token = helpers.csrf_token(client, "/")
    headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if hx else {})}
    # The body is built here: werkzeug's test client spools a large one to a temporary file it
    # never closes (a ResourceWarning, an error under filterwarnings).
    body = (b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"tool_file\"; filename=\""
            + name.encode() + b"\"\r\nContent-Type: application/json\r\n\r\n" + raw
            + b"\r\n--BOUNDARY--\r\n")
    return client.post(f"/cycles/{cycle_id}/tools", headers=headers, data=body,
                       content_type="multipart/form-data; boundary=BOUNDARY")


def live(cycle_id) -> list[dict]:
    db.session.expire_all()
    return [{"label": lf.label, "kind": lf.kind, "config": lf.config}
            for lf in db.session.get(Cycle, cycle_id).lookfors]


def second_cycle(coach) -> int:
    teacher = db.session.get(Teacher, coach.teacher_id)
    return services.create_cycle(teacher, goal="Another goal", focus_area="student_outcomes").id


# The library's files ---------------------------------------------------------------------------

def test_every_library_file_parses_and_the_issue_names_each_tool():
    tools = {tool.title: tool for tool in library()}
    assert list(tools) == [
        "Questioning levels", "Wait time", "Talk time", "Praise and redirect",
        "On-task scan every 5 minutes", "COPUS instructor", "COPUS students", "Verbatim notes",
        "Participation map",
    ]
    from app.library.services import TOOLS_DIR

    for path in sorted(TOOLS_DIR.glob("*.json")):
        specs = parse_tool_file(path.read_bytes())  # raises on any misfit
        assert specs == list(next(t for t in library() if t.slug == path.stem).lookfors)
    for tool in library():
        assert tool.description and tool.goals and tool.kinds
    assert [(s.kind, s.config) for s in tools["Wait time"].lookfors] == [
        ("timer", {"threshold_s": 3})]
    assert [(s.label, s.kind) for s in tools["Talk time"].lookfors] == [
        ("Teacher talk", "duration"), ("Student talk", "duration")]
    assert tools["On-task scan every 5 minutes"].lookfors[0].config["every_s"] == 300
    assert tools["Questioning levels"].lookfors[0].kind == "category"
    assert tools["Praise and redirect"].lookfors[0].kind == "category"
    assert tools["Verbatim notes"].lookfors[0].kind == "note"
    (room,) = tools["Participation map"].lookfors
    assert room.kind == "seatmap" and room.config["dimensions"] == ["Language"]
    assert [(s["id"], s["label"], s["row"], s["col"], s["groups"])
            for s in room.config["seats"]] == [
        (f"s{n}", str(n), (n - 1) // 6 + 1, (n - 1) % 6 + 1, {}) for n in range(1, 37)]
    assert room.config["codes"] == [
        {"code": "Q", "label": "Asked a question"}, {"code": "A", "label": "Answered"},
        {"code": "C", "label": "Called on"}, {"code": "V", "label": "Volunteered"}]


@pytest.mark.parametrize("title, count", [("COPUS instructor", 12), ("COPUS students", 13)])
def test_copus_tools_have_the_protocols_codes_with_their_meanings(title, count):
    (spec,) = next(tool for tool in library() if tool.title == title).lookfors
    assert spec.kind == "interval" and spec.config["interval_s"] == 120
    codes = spec.config["codes"]
    assert len(codes) == count == len({c["code"] for c in codes})
    # Each code carries its meaning, not only its abbreviation.
    assert all(len(c["label"]) > len(c["code"]) for c in codes)


# Adding a tool from the cycle page --------------------------------------------------------------

def test_cycle_page_lists_every_tool_with_what_it_measures(coach_client, coach):
    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    assert "Add from the library" in html
    for tool in library():
        assert f">Add {tool.title}</button>" in html
        assert f"{tool.goals}" in html
    assert "Times the pause after each question" in html
    assert "<strong>Kinds:</strong> Timer" in html


def test_add_from_the_library_appends_its_lookfors_and_rerenders_the_list(coach_client, coach,
                                                                          ctx):
    before = live(coach.cycle_id)
    response = htmx(coach_client, f"/cycles/{coach.cycle_id}/library", {"tool": "talk-time"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="tools"')
    assert "Added Talk time: 2 look-fors." in html
    # The look-for list comes back out of band, with the new rows.
    assert '<section id="lookfors" aria-labelledby="lookfors-heading" hx-swap-oob="true">' in html
    assert html.count('value="Student talk"') == 1
    assert live(coach.cycle_id) == before + [
        {"label": "Teacher talk", "kind": "duration", "config": {}},
        {"label": "Student talk", "kind": "duration", "config": {}},
    ]
    htmx(coach_client, f"/cycles/{coach.cycle_id}/library", {"tool": "wait-time"})
    assert live(coach.cycle_id)[-1] == {"label": "Wait time", "kind": "timer",
                                        "config": {"threshold_s": 3}}


def test_an_unknown_tool_adds_nothing(coach_client, coach, ctx):
    before = live(coach.cycle_id)
    response = htmx(coach_client, f"/cycles/{coach.cycle_id}/library", {"tool": "../etc"})
    assert response.status_code == 400
    assert "Choose a tool from the library." in response.get_data(as_text=True)
    assert live(coach.cycle_id) == before


def test_without_scripts_adding_a_tool_goes_back_to_the_page(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/library",
                                 data={"tool": "wait-time", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cycles/{coach.cycle_id}"
    assert "Added Wait time: 1 look-for." in coach_client.get(response.headers["Location"]).text


def test_a_cycle_holds_at_most_40_lookfors(coach_client, coach, ctx):
    cycle = db.session.get(Cycle, coach.cycle_id)
    for number in range(37):
        services.add_lookfor(cycle, f"Extra {number}")
    assert len(live(coach.cycle_id)) == 40
    response = htmx(coach_client, f"/cycles/{coach.cycle_id}/library", {"tool": "wait-time"})
    assert response.status_code == 400
    assert "at most 40 look-fors" in response.get_data(as_text=True)
    with pytest.raises(services.CycleError, match="at most 40"):
        services.add_lookfor(db.session.get(Cycle, coach.cycle_id), "One more")
    assert len(live(coach.cycle_id)) == 40


# Export and import --------------------------------------------------------------------------------

def test_export_downloads_the_live_lookfors_as_a_tool_file(coach_client, coach, ctx):
    services.remove_lookfor(db.session.get(LookFor, coach.lookfor_ids[0]))
    response = coach_client.get(f"/cycles/{coach.cycle_id}/tools.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.json"')
    assert response.json == {"format": "lookfor-tools", "version": 1, "lookfors": [
        {"label": "Teacher talk", "kind": "duration", "config": {}},
        {"label": "Quote", "kind": "note", "config": {}},
    ]}


def test_round_trip_of_every_kind_into_another_cycle(coach_client, coach, ctx):
    source = second_cycle(coach)
    assert upload(coach_client, source, tool_file(EVERY_KIND)).status_code == 200
    assert live(source) == EVERY_KIND
    exported = coach_client.get(f"/cycles/{source}/tools.json")

    target = coach.cycle_id
    before = live(target)
    response = upload(coach_client, target, exported.data, name="lookfor-tools.json")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Imported 7 look-fors." in html
    assert 'hx-swap-oob="true"' in html and 'value="COPUS mini"' in html
    assert live(target) == before + EVERY_KIND


BAD_FILES = {
    "not JSON": (b"{this is not json", "not a Lookfor tool file (it is not JSON)"),
    "not UTF-8": (b"\xff\xfe\xfa", "not a Lookfor tool file (it is not JSON)"),
    "a list": (b"[]", 'no "format": "lookfor-tools"'),
    "wrong format": (json.dumps({"format": "copus", "version": 1, "lookfors": []}).encode(),
                     'no "format": "lookfor-tools"'),
    "wrong version": (tool_file(EVERY_KIND, version=2), "version 2; this Lookfor reads version 1"),
    "no version": (json.dumps({"format": "lookfor-tools", "lookfors": EVERY_KIND}).encode(),
                   "has no version number"),
    "no look-fors": (tool_file([]), "1 to 40 look-fors"),
    "unknown kind": (tool_file([EVERY_KIND[0], {"label": "Map", "kind": "sociogram",
                                                "config": {}}]),
                     "Look-for 2: unknown kind 'sociogram'"),
    "bad config in the 3rd of 3": (
        tool_file([EVERY_KIND[0], EVERY_KIND[3],
                   {"label": "Scan", "kind": "scan", "config": {"of": 0}}]),
        "Look-for 3: the number of students (of) must be a whole number from 1 to 200"),
    "a label with NUL": (tool_file([{"label": "a\x00b", "kind": "tally", "config": {}}]),
                         "Look-for 1: the label must not contain a NUL character"),
    "a lone surrogate": (b'{"format":"lookfor-tools","version":1,"lookfors":'
                         b'[{"label":"\\ud800","kind":"tally","config":{}}]}',
                         "Look-for 1: the label must be valid Unicode text"),
    "a kind that is a list": (tool_file([{"label": "x", "kind": [], "config": {}}]),
                              "Look-for 1: unknown kind []"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_tool_file_gets_a_clear_400_and_adds_nothing(coach_client, coach, ctx, case):
    raw, message = BAD_FILES[case]
    before = live(coach.cycle_id)
    response = upload(coach_client, coach.cycle_id, raw)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="tools"')
    assert message.replace("'", "&#39;").replace('"', "&#34;") in html
    assert "Nothing was imported." in html
    assert "hx-swap-oob" not in html
    assert live(coach.cycle_id) == before


def test_import_service_is_all_or_nothing(coach, ctx):
    cycle = db.session.get(Cycle, coach.cycle_id)
    before = live(coach.cycle_id)
    bad_third = tool_file([EVERY_KIND[3], EVERY_KIND[5],
                           {"label": "Bad", "kind": "category", "config": {"categories": ["x"]}}])
    with pytest.raises(services.CycleError, match="Look-for 3: give 2 to 12 categories"):
        services.import_tools(cycle, bad_third)
    assert live(coach.cycle_id) == before


def test_a_file_over_512_kb_is_413(coach_client, coach, ctx):
    before = live(coach.cycle_id)
    raw = tool_file(EVERY_KIND[:1]) + b" " * MAX_FILE_BYTES
    response = upload(coach_client, coach.cycle_id, raw)
    assert response.status_code == 413
    assert "over 512 KB" in response.get_data(as_text=True)
    assert live(coach.cycle_id) == before
    # Just under the limit is read (and here imported: whitespace is valid JSON).
    raw = tool_file(EVERY_KIND[:1]).ljust(MAX_FILE_BYTES)
    assert upload(coach_client, coach.cycle_id, raw).status_code == 200


def test_import_keeps_the_cycle_within_40_lookfors(coach_client, coach, ctx):
    thirty_eight = [{"label": f"L{n}", "kind": "tally", "config": {}} for n in range(38)]
    response = upload(coach_client, coach.cycle_id, tool_file(thirty_eight))
    assert response.status_code == 400
    assert "this would make 41" in response.get_data(as_text=True)
    assert len(live(coach.cycle_id)) == 3


def test_import_without_a_file_asks_for_one(coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/tools", data={"csrf_token": token},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Choose a tool file to import." in response.get_data(as_text=True)


def test_without_scripts_import_redirects_or_shows_the_page_with_the_error(coach_client, coach,
                                                                           ctx):
    response = upload(coach_client, coach.cycle_id, tool_file(EVERY_KIND[3:4]), hx=False)
    assert response.status_code == 302
    assert "Imported 1 look-for." in coach_client.get(f"/cycles/{coach.cycle_id}").text
    response = upload(coach_client, coach.cycle_id, b"nope", hx=False)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<!doctype html>" in html and "it is not JSON" in html and 'id="lookfors"' in html


# What devices read ----------------------------------------------------------------------------

def test_cycles_api_and_capture_config_carry_each_lookfors_config(coach_client, coach, ctx):
    cycle = db.session.get(Cycle, coach.cycle_id)
    services.import_tools(cycle, tool_file(EVERY_KIND[3:]))
    (listed,) = coach_client.get("/api/v1/cycles").json["cycles"]
    assert [{k: lf[k] for k in ("label", "kind", "config")} for lf in listed["lookfors"]] == [
        {"label": "Student question", "kind": "tally", "config": {}},
        {"label": "Teacher talk", "kind": "duration", "config": {}},
        {"label": "Quote", "kind": "note", "config": {}},
        *EVERY_KIND[3:],
    ]
    assert all(set(lf) == {"id", "label", "kind", "config"} for lf in listed["lookfors"])
    db.session.expire_all()
    config = capture_config(db.session.get(Cycle, coach.cycle_id))
    assert [lf["config"] for lf in config["lookfors"]] == [{}, {}, {}] + [
        item["config"] for item in EVERY_KIND[3:]]
