from __future__ import annotations

import pytest

from app.cycles import services
from app.extensions import db
from app.models import Cycle, LookFor
from tests import helpers


def test_new_cycle_form_has_contract_fields(coach_client, coach):
    html = coach_client.get(f"/teachers/{coach.teacher_id}/cycles/new").get_data(as_text=True)
    for label in ("Goal", "Focus area", "Baseline", "Target", "Norms", "Look-fors"):
        assert f">{label}</label>" in html
    assert "Debrief within 24 hours of each observation" in html
    for area in ("Student outcomes", "Instructional practice", "Classroom management"):
        assert area in html
    assert 'value="Save"' in html


def test_create_cycle_from_textarea(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/teachers/{coach.teacher_id}/cycles/new",
        data={
            "goal": "80% cite text evidence",
            "focus_area": "instructional_practice",
            "baseline": "40%",
            "target": "80%",
            "norms": "Debrief within 24 hours of each observation",
            "lookfors": "Open question\n\n  Wait time  \n- Cold call\nopen question\n",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    cycle_id = int(response.headers["Location"].rsplit("/", 1)[1])
    cycle = db.session.get(Cycle, cycle_id)
    assert [(lf.label, lf.kind) for lf in cycle.lookfors] == [
        ("Open question", "tally"), ("Wait time", "tally"), ("Cold call", "tally"),
    ]
    assert cycle.status == "planning" and cycle.focus_area == "instructional_practice"
    page = coach_client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "80% cite text evidence" in page and "Start observation" in page


def test_create_cycle_requires_goal(coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/teachers/{coach.teacher_id}/cycles/new",
        data={"goal": "", "focus_area": "student_outcomes", "csrf_token": token},
    )
    assert response.status_code == 400


def htmx_post(client, url, data):
    token = helpers.csrf_token(client, "/")
    return client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})


def test_rename_and_change_kind_with_htmx(coach_client, coach, ctx):
    lid = coach.lookfor_ids[0]
    response = htmx_post(
        coach_client,
        f"/cycles/{coach.cycle_id}/lookfors/{lid}",
        {f"lf{lid}-label": "Student-initiated question", f"lf{lid}-kind": "duration"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="lookfor-{lid}"')
    assert "Saved" in html
    lookfor = db.session.get(LookFor, lid)
    assert (lookfor.label, lookfor.kind) == ("Student-initiated question", "duration")


def test_htmx_write_without_token_is_refused(coach_client, coach):
    lid = coach.lookfor_ids[0]
    response = coach_client.post(
        f"/cycles/{coach.cycle_id}/lookfors/{lid}",
        data={f"lf{lid}-label": "x", f"lf{lid}-kind": "tally"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403


def test_bad_kind_is_a_400_with_message(coach_client, coach):
    lid = coach.lookfor_ids[0]
    response = htmx_post(
        coach_client, f"/cycles/{coach.cycle_id}/lookfors/{lid}",
        {f"lf{lid}-label": "x", f"lf{lid}-kind": "sociogram"},
    )
    assert response.status_code == 400
    assert "Choose a kind: Tally, Duration, Note" in response.get_data(as_text=True)


def labels(cycle_id):
    db.session.expire_all()
    return [lf.label for lf in db.session.get(Cycle, cycle_id).lookfors]


def test_reorder_add_and_remove(coach_client, coach, ctx):
    first, second, third = coach.lookfor_ids
    base = f"/cycles/{coach.cycle_id}/lookfors"
    assert htmx_post(coach_client, f"{base}/{third}/move", {"direction": "up"}).status_code == 200
    assert labels(coach.cycle_id) == ["Student question", "Quote", "Teacher talk"]
    response = htmx_post(coach_client, f"{base}/{first}/move", {"direction": "up"})
    assert response.status_code == 200  # already first: nothing moves
    assert labels(coach.cycle_id) == ["Student question", "Quote", "Teacher talk"]
    response = htmx_post(coach_client, base, {"new-label": "Wait time", "new-kind": "duration"})
    assert response.get_data(as_text=True).lstrip().startswith('<section id="lookfors"')
    assert labels(coach.cycle_id)[-1] == "Wait time"
    htmx_post(coach_client, f"{base}/{second}/delete", {})
    assert labels(coach.cycle_id) == ["Student question", "Quote", "Wait time"]
    # Removed look-fors are archived: their row stays for the events recorded against them.
    assert db.session.get(LookFor, second).archived


def test_status_change(coach_client, coach, ctx):
    response = htmx_post(coach_client, f"/cycles/{coach.cycle_id}/status", {"status": "closed"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Cycle, coach.cycle_id).status == "closed"
    assert "No open cycle" in coach_client.get("/").get_data(as_text=True)


def test_non_htmx_post_redirects_back_to_the_cycle(coach_client, coach):
    token = helpers.csrf_token(coach_client, "/")
    lid = coach.lookfor_ids[1]
    response = coach_client.post(
        f"/cycles/{coach.cycle_id}/lookfors/{lid}/move",
        data={"direction": "down", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cycles/{coach.cycle_id}"


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("a\nb\n", ["a", "b"]),
    ("* a\n• b\n  - c ", ["a", "b", "c"]),
    ("A\na\n", ["A"]),
])
def test_parse_lookfor_lines(text, expected):
    assert services.parse_lookfor_lines(text) == expected


# The look-for editor: a kind and its config --------------------------------------------------

KIND_LABELS = ["Tally", "Duration", "Note", "Category", "Scan", "Interval", "Timer",
               "Participation map"]


def test_kind_select_offers_every_kind_of_the_registry_in_order(coach_client, coach):
    from app import kinds

    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    lid = coach.lookfor_ids[0]
    select = html.split(f'<select id="lf{lid}-kind"')[1].split("</select>")[0]
    options = [part.split(">")[1].split("<")[0] for part in select.split("<option")[1:]]
    assert options == KIND_LABELS == [kinds.get(name).label for name in kinds.names()]
    add_form = html.split('<select id="new-kind"')[1].split("</select>")[0]
    assert add_form.count("<option") == len(KIND_LABELS)


def edit(client, world, index, kind, hx=True, **fields):
    lid = world.lookfor_ids[index]
    data = {f"lf{lid}-label": fields.pop("label", "Edited"), f"lf{lid}-kind": kind,
            f"lf{lid}-fields": fields.pop("shown", kind)}
    data.update({f"lf{lid}-{name}": value for name, value in fields.items()})
    token = helpers.csrf_token(client, "/")
    headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if hx else {})}
    return client.post(f"/cycles/{world.cycle_id}/lookfors/{lid}", data=data, headers=headers)


def stored(lookfor_id):
    db.session.expire_all()
    lookfor = db.session.get(LookFor, lookfor_id)
    return lookfor.kind, lookfor.config


@pytest.mark.parametrize("kind, fields, config", [
    ("category", {"categories": "Recall\n\n Inference \nEvaluation\n"},
     {"categories": ["Recall", "Inference", "Evaluation"]}),
    ("scan", {"of": "28", "every_min": "5"}, {"of": 28, "every_s": 300}),
    ("scan", {"of": "28", "every_min": ""}, {"of": 28}),
    ("scan", {"of": "30", "every_min": "2.5"}, {"of": 30, "every_s": 150}),
    ("interval", {"interval_s": "120", "codes": "Lec = Lecturing\nCQ: Comprehension question\nW"},
     {"interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"},
                                   {"code": "CQ", "label": "Comprehension question"},
                                   {"code": "W", "label": "W"}]}),
    ("timer", {"threshold_s": "3"}, {"threshold_s": 3}),
    ("timer", {"threshold_s": "2.5"}, {"threshold_s": 2.5}),
    ("timer", {"threshold_s": ""}, {}),
    ("note", {}, {}),
])
def test_each_kinds_config_through_the_form(coach_client, coach, ctx, kind, fields, config):
    response = edit(coach_client, coach, 0, kind, **fields)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Saved" in response.get_data(as_text=True)
    assert stored(coach.lookfor_ids[0]) == (kind, config)
    # The row shows the saved config back in the kind's own fields.
    again = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    for name, value in fields.items():
        if value.strip() and name != "categories":
            assert f'name="lf{coach.lookfor_ids[0]}-{name}"' in again


def test_adding_a_lookfor_with_its_config(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/cycles/{coach.cycle_id}/lookfors",
        data={"new-label": "Wait time", "new-kind": "timer", "new-fields": "timer",
              "new-threshold_s": "3"},
        headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert "Added Wait time." in response.get_data(as_text=True)
    lookfor = db.session.get(Cycle, coach.cycle_id).lookfors[-1]
    assert (lookfor.label, lookfor.kind, lookfor.config) == ("Wait time", "timer",
                                                             {"threshold_s": 3})


BAD_CONFIGS = [
    ("category", {"categories": "Only one"}, "Category: give 2 to 12 categories."),
    ("category", {"categories": "Same\nsame"}, "Category: each category must be different."),
    ("category", {"categories": "A\n" + "x" * 41}, "at most 40 characters"),
    ("scan", {"of": "0", "every_min": ""},
     "Scan: the number of students (of) must be a whole number from 1 to 200."),
    ("scan", {"of": "many", "every_min": ""},
     "Scan: the number of students in the class is a whole number."),
    ("scan", {"of": "28", "every_min": "90"}, "remind every 0.2 to 60 minutes"),
    ("scan", {"of": "28", "every_min": "inf"}, "remind every 0.2 to 60 minutes"),
    ("interval", {"interval_s": "5", "codes": "A = a"},
     "Interval: the interval in seconds (interval_s) must be a whole number from 10 to 900."),
    ("interval", {"interval_s": "120", "codes": ""}, "Interval: give 1 to 40 codes."),
    ("interval", {"interval_s": "120", "codes": "A B"}, "a code must not contain spaces"),
    ("interval", {"interval_s": "120", "codes": "A = a\nA = again"}, "each code must be different"),
    ("timer", {"threshold_s": "-1"}, "Timer: the threshold (threshold_s) must be more than 0"),
    ("timer", {"threshold_s": "soon"}, "Timer: the threshold is a number of seconds."),
]


@pytest.mark.parametrize("kind, fields, message", BAD_CONFIGS)
def test_a_bad_config_is_a_400_with_its_reason_and_nothing_is_saved(coach_client, coach, ctx,
                                                                    kind, fields, message):
    before = stored(coach.lookfor_ids[0])
    response = edit(coach_client, coach, 0, kind, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    # The coach's text comes back in the kind's fields, to correct it.
    assert f'<div id="lf{coach.lookfor_ids[0]}-config"' in html
    assert stored(coach.lookfor_ids[0]) == before
    token = helpers.csrf_token(coach_client, "/")
    data = {"new-label": "New one", "new-kind": kind, "new-fields": kind}
    data.update({f"new-{name}": value for name, value in fields.items()})
    response = coach_client.post(f"/cycles/{coach.cycle_id}/lookfors", data=data,
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert labels(coach.cycle_id) == ["Student question", "Teacher talk", "Quote"]


def test_config_fields_fragment_for_the_chosen_kind(coach_client, coach, ctx):
    base = f"/cycles/{coach.cycle_id}/lookfor-fields"
    html = coach_client.get(f"{base}?prefix=new&new-kind=interval").get_data(as_text=True)
    assert html.lstrip().startswith('<div id="new-config"')
    assert 'name="new-fields" value="interval"' in html
    assert ">Interval (seconds)</label>" in html and 'value="120"' in html
    assert ">Codes (one per line: CODE = meaning)</label>" in html
    for kind, label in [("category", "Categories (one per line)"),
                        ("scan", "Students in the class"), ("scan", "Remind every (minutes)"),
                        ("timer", "Threshold (seconds)")]:
        html = coach_client.get(f"{base}?prefix=new&new-kind={kind}").get_data(as_text=True)
        assert f">{label}</label>" in html
    # A look-for's own kind comes with its saved values.
    lid = coach.lookfor_ids[0]
    services.update_lookfor(db.session.get(LookFor, lid), "Levels", "category",
                            {"categories": ["Recall", "Inference"]})
    html = coach_client.get(f"{base}?prefix=lf{lid}&lf{lid}-kind=category").get_data(as_text=True)
    assert "Recall\nInference</textarea>" in html
    assert coach_client.get(f"{base}?prefix=x1&x1-kind=scan").status_code == 404
    assert coach_client.get(f"{base}?prefix=new&new-kind=sociogram").status_code == 400
    for absent in ("lf999", f"lf{2**31}", "lf9999999999"):
        assert coach_client.get(f"{base}?prefix={absent}&{absent}-kind=scan").status_code == 404


def test_without_scripts_a_new_kind_comes_back_with_its_fields(coach_client, coach, ctx):
    lid = coach.lookfor_ids[0]
    response = edit(coach_client, coach, 0, "category", hx=False, shown="tally")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<!doctype html>" in html
    assert "Fill in the settings for Category below, then press Save." in html
    assert f'<label for="lf{lid}-categories">Categories (one per line)</label>' in html
    assert f'name="lf{lid}-fields" value="category"' in html
    assert stored(lid) == ("tally", {})
    response = edit(coach_client, coach, 0, "category", hx=False, categories="Praise\nRedirect")
    assert response.status_code == 302
    assert stored(lid) == ("category", {"categories": ["Praise", "Redirect"]})
    # A kind without config needs no second step.
    assert edit(coach_client, coach, 0, "note", hx=False, shown="category").status_code == 302
    assert stored(lid) == ("note", {})


def test_without_scripts_adding_a_kind_with_config_asks_for_its_fields(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/cycles/{coach.cycle_id}/lookfors",
        data={"new-label": "On task", "new-kind": "scan", "new-fields": "tally",
              "csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Fill in the settings for Scan below, then press Add look-for." in html
    assert 'value="On task"' in html and ">Students in the class</label>" in html
    assert labels(coach.cycle_id) == ["Student question", "Teacher talk", "Quote"]


# Recorded events are never reinterpreted ---------------------------------------------------------

LOCK_SENTENCE = ("Recorded events keep this kind. To record it another way, add a new "
                 "look-for.")


def test_the_kind_is_fixed_once_a_lookfor_has_events(coach_client, coach, ctx):
    lid = coach.lookfor_ids[0]
    helpers.record_observation(coach, [(0, 5)])
    html = coach_client.get(f"/cycles/{coach.cycle_id}").get_data(as_text=True)
    row = html.split(f'<li id="lookfor-{lid}"')[1].split("</li>")[0]
    assert LOCK_SENTENCE in row
    assert "disabled" in row.split(f'<select id="lf{lid}-kind"')[1].split(">")[0]
    other_row = html.split(f'<li id="lookfor-{coach.lookfor_ids[2]}"')[1].split("</li>")[0]
    assert LOCK_SENTENCE not in other_row

    response = edit(coach_client, coach, 0, "duration")
    assert response.status_code == 400
    assert LOCK_SENTENCE in response.get_data(as_text=True)
    assert stored(lid) == ("tally", {})
    with pytest.raises(services.CycleError, match="Recorded events keep this kind"):
        services.update_lookfor(db.session.get(LookFor, lid), "x", "category",
                                {"categories": ["A", "B"]})
    # Renaming stays possible: the disabled select sends no kind, and the kind stays.
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(f"/cycles/{coach.cycle_id}/lookfors/{lid}",
                                 data={f"lf{lid}-label": "Student-initiated question",
                                       f"lf{lid}-fields": "tally"},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and "Saved" in response.get_data(as_text=True)
    assert LOCK_SENTENCE in response.get_data(as_text=True)
    assert labels(coach.cycle_id)[0] == "Student-initiated question"


def test_a_deleted_event_still_fixes_the_kind(coach, ctx):
    from app.models import Event

    _, (event_id,) = helpers.record_observation(coach, [(0, 5)])
    db.session.get(Event, event_id).deleted = True
    db.session.commit()
    with pytest.raises(services.CycleError, match="Recorded events keep this kind"):
        services.update_lookfor(db.session.get(LookFor, coach.lookfor_ids[0]), "x", "note")


def category_with_events(coach):
    lookfor = db.session.get(LookFor, coach.lookfor_ids[0])
    services.update_lookfor(lookfor, "Questions", "category",
                            {"categories": ["Recall", "Inference", "Evaluation"]})
    helpers.record_observation(coach, [(0, 5, {"data": {"category": "Inference"}}),
                                       (0, 9, {"data": {"category": "Recall"}})])
    return db.session.get(LookFor, coach.lookfor_ids[0])


def test_categories_in_use_stay_others_may_come_and_go(coach_client, coach, ctx):
    category_with_events(coach)
    response = edit(coach_client, coach, 0, "category", label="Questions",
                    categories="Recall\nEvaluation")
    assert response.status_code == 400
    assert "Inference is in recorded events, so it stays" in response.get_data(as_text=True)
    response = edit(coach_client, coach, 0, "category", label="Questions",
                    categories="Recall\nInferring\nEvaluation")  # a rename is a removal
    assert response.status_code == 400
    assert stored(coach.lookfor_ids[0])[1]["categories"] == ["Recall", "Inference", "Evaluation"]
    # Add one, remove an unused one, reorder: fine.
    response = edit(coach_client, coach, 0, "category", label="Questions",
                    categories="Inference\nRecall\nAnalysis")
    assert response.status_code == 200
    assert stored(coach.lookfor_ids[0])[1] == {"categories": ["Inference", "Recall", "Analysis"]}


def test_a_deleted_events_category_may_go(coach, ctx):
    from app.models import Event

    lookfor = db.session.get(LookFor, coach.lookfor_ids[0])
    services.update_lookfor(lookfor, "Q", "category", {"categories": ["Recall", "Oops"]})
    _, (event_id,) = helpers.record_observation(coach, [(0, 5, {"data": {"category": "Oops"}})])
    db.session.get(Event, event_id).deleted = True
    db.session.commit()
    services.update_lookfor(db.session.get(LookFor, lookfor.id), "Q", "category",
                            {"categories": ["Recall", "Inference"]})
    assert stored(lookfor.id)[1] == {"categories": ["Recall", "Inference"]}


def test_interval_codes_in_use_stay_their_meanings_may_change(coach, ctx):
    lookfor = db.session.get(LookFor, coach.lookfor_ids[0])
    config = {"interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"},
                                           {"code": "CQ", "label": "Question"},
                                           {"code": "W", "label": "Working"}]}
    services.update_lookfor(lookfor, "COPUS", "interval", config)
    helpers.record_observation(coach, [(0, 0, {"data": {"codes": ["Lec"]},
                                               "duration_ms": 120_000})])
    lookfor = db.session.get(LookFor, coach.lookfor_ids[0])
    with pytest.raises(services.CycleError, match="Lec is in recorded intervals"):
        services.update_lookfor(lookfor, "COPUS", "interval",
                                {"interval_s": 120, "codes": [{"code": "CQ", "label": "Q"}]})
    with pytest.raises(services.CycleError, match="the interval stays"):
        services.update_lookfor(lookfor, "COPUS", "interval", {**config, "interval_s": 60})
    services.update_lookfor(lookfor, "COPUS", "interval", {"interval_s": 120, "codes": [
        {"code": "Lec", "label": "Lecturing to the class"}, {"code": "G", "label": "Group"}]})
    assert [c["code"] for c in stored(lookfor.id)[1]["codes"]] == ["Lec", "G"]


def test_a_scans_class_size_and_a_timers_threshold_may_change(coach, ctx):
    scan = db.session.get(LookFor, coach.lookfor_ids[0])
    services.update_lookfor(scan, "On task", "scan", {"of": 28})
    timer = db.session.get(LookFor, coach.lookfor_ids[2])
    services.update_lookfor(timer, "Wait", "timer", {"threshold_s": 3})
    helpers.record_observation(coach, [(0, 60, {"data": {"on": 20, "of": 28}}),
                                       (2, 70, {"duration_ms": 2500})])
    services.update_lookfor(db.session.get(LookFor, scan.id), "On task", "scan",
                            {"of": 30, "every_s": 300})
    services.update_lookfor(db.session.get(LookFor, timer.id), "Wait", "timer",
                            {"threshold_s": 5})
    assert stored(scan.id) == ("scan", {"of": 30, "every_s": 300})
    assert stored(timer.id) == ("timer", {"threshold_s": 5})


# A new cycle with tools from the library ----------------------------------------------------------

def test_new_cycle_form_lists_the_library(coach_client, coach):
    from app.library.services import library

    html = coach_client.get(f"/teachers/{coach.teacher_id}/cycles/new").get_data(as_text=True)
    assert "<summary>Add from the library</summary>" in html
    for tool in library():
        assert f'name="tools" value="{tool.slug}"' in html
        assert tool.title in html and tool.goals in html
    assert "<strong>Kinds:</strong> Interval" in html


def test_a_new_cycle_starts_with_the_chosen_tools(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/teachers/{coach.teacher_id}/cycles/new",
        data={"goal": "Wait 3 s after questions", "focus_area": "instructional_practice",
              "lookfors": "Cold call", "tools": ["wait-time", "questioning-levels"],
              "csrf_token": token})
    assert response.status_code == 302
    cycle = db.session.get(Cycle, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert [(lf.label, lf.kind, lf.config) for lf in cycle.lookfors] == [
        ("Cold call", "tally", {}),
        ("Wait time", "timer", {"threshold_s": 3}),
        ("Teacher question", "category", {"categories": ["Recall", "Inference", "Evaluation"]}),
    ]


def test_an_unknown_tool_on_the_new_cycle_form_is_a_400(coach_client, coach, ctx):
    token = helpers.csrf_token(coach_client, "/")
    response = coach_client.post(
        f"/teachers/{coach.teacher_id}/cycles/new",
        data={"goal": "A goal", "focus_area": "student_outcomes", "tools": ["nope"],
              "csrf_token": token})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Cycle)) == 1
