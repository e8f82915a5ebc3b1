"""Each kind on its own: which configs and event data it accepts, and its figures, computed
here independently (exact fractions by hand) rather than through the app's helpers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app import kinds
from app.kinds import KindError, Mark


def mark(offset_ms=0, count=1, duration_ms=None, note=None, data=None) -> Mark:
    return Mark(offset_ms, count, duration_ms, note, data)


def test_registry_orders_every_kind_and_derives_the_check():
    assert kinds.names() == ["tally", "duration", "note", "category", "scan", "interval", "timer",
                             "seatmap"]
    assert kinds.check_sql() == (
        "kind in ('tally', 'duration', 'note', 'category', 'scan', 'interval', 'timer', "
        "'seatmap')"
    )


@pytest.mark.parametrize(
    ("kind", "config", "expected"),
    [
        ("tally", None, {}),
        ("tally", {}, {}),
        ("category", {"categories": [" Recall ", "Inference"]},
         {"categories": ["Recall", "Inference"]}),
        ("scan", {"of": 28}, {"of": 28}),
        ("scan", {"of": 28, "every_s": 300}, {"of": 28, "every_s": 300}),
        ("interval", {"interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"}]},
         {"interval_s": 120, "codes": [{"code": "Lec", "label": "Lecturing"}]}),
        ("interval", {"interval_s": 10, "codes": [{"code": "W"}]},
         {"interval_s": 10, "codes": [{"code": "W", "label": "W"}]}),
        ("timer", {"threshold_s": 3}, {"threshold_s": 3}),
        ("timer", {}, {}),
        ("timer", {"threshold_s": 2.5}, {"threshold_s": 2.5}),
    ],
)
def test_configs_that_fit(kind, config, expected):
    assert kinds.get(kind).parse_config(config) == expected


@pytest.mark.parametrize(
    ("kind", "config", "reason"),
    [
        ("tally", {"x": 1}, "no config"),
        ("category", {"categories": ["Only one"]}, "2 to 12"),
        ("category", {"categories": [f"C{i}" for i in range(13)]}, "2 to 12"),
        ("category", {"categories": ["Same", "same"]}, "different"),
        ("category", {"categories": ["A", 3]}, "text"),
        ("category", {"categories": ["A", "B"], "extra": 1}, "unknown field"),
        ("category", [], "object"),
        ("scan", {"of": 0}, "of"),
        ("scan", {"of": 201}, "of"),
        ("scan", {"of": True}, "of"),
        ("scan", {"every_s": 300}, "needs of"),
        ("interval", {"interval_s": 9, "codes": [{"code": "A"}]}, "interval_s"),
        ("interval", {"interval_s": 901, "codes": [{"code": "A"}]}, "interval_s"),
        ("interval", {"interval_s": 120, "codes": []}, "1 to 40"),
        ("interval", {"interval_s": 120, "codes": [{"code": f"C{i}"} for i in range(41)]},
         "1 to 40"),
        ("interval", {"interval_s": 120, "codes": [{"code": "A"}, {"code": "A"}]}, "different"),
        ("interval", {"interval_s": 120, "codes": [{"code": "A B"}]}, "spaces"),
        ("timer", {"threshold_s": 0}, "threshold_s"),
        ("timer", {"threshold_s": "3"}, "threshold_s"),
    ],
)
def test_configs_that_do_not_fit(kind, config, reason):
    with pytest.raises(KindError, match=reason):
        kinds.get(kind).parse_config(config)


CATEGORY = {"categories": ["Recall", "Inference", "Evaluation"]}
SCAN = {"of": 28}
INTERVAL = {"interval_s": 120,
            "codes": [{"code": "Lec", "label": "L"}, {"code": "CQ", "label": "C"}]}


@pytest.mark.parametrize(
    ("kind", "config", "event", "expected"),
    [
        ("tally", {}, {"data": None}, None),
        ("duration", {}, {"data": None, "duration_ms": None}, None),
        ("category", CATEGORY, {"data": {"category": "Inference"}}, {"category": "Inference"}),
        ("scan", SCAN, {"data": {"on": 23, "of": 28}}, {"on": 23, "of": 28}),
        ("scan", SCAN, {"data": {"on": 0, "of": 30}}, {"on": 0, "of": 30}),
        ("interval", INTERVAL, {"data": {"codes": ["CQ", "Lec"]}, "duration_ms": 120_000},
         {"codes": ["CQ", "Lec"]}),
        ("interval", INTERVAL, {"data": {"codes": []}, "duration_ms": 45_000}, {"codes": []}),
        ("timer", {"threshold_s": 3}, {"data": None, "duration_ms": 2500}, None),
    ],
)
def test_event_data_that_fits(kind, config, event, expected):
    assert kinds.get(kind).parse_data(config, event) == expected


@pytest.mark.parametrize(
    ("kind", "config", "event", "reason"),
    [
        ("tally", {}, {"data": {"category": "x"}}, "absent"),
        ("category", CATEGORY, {"data": {"category": "Synthesis"}}, "unknown category"),
        ("category", CATEGORY, {"data": None}, "object"),
        ("category", CATEGORY, {"data": {"category": "Recall", "x": 1}}, "unknown field"),
        ("scan", SCAN, {"data": {"on": 29, "of": 28}}, "on"),
        ("scan", SCAN, {"data": {"on": -1, "of": 28}}, "on"),
        ("scan", SCAN, {"data": {"on": 1, "of": 201}}, "of"),
        ("scan", SCAN, {"data": {"on": 1}}, "needs of"),
        ("interval", INTERVAL, {"data": {"codes": ["XX"]}, "duration_ms": 1000}, "codes"),
        ("interval", INTERVAL, {"data": {"codes": ["CQ", "CQ"]}, "duration_ms": 1000}, "twice"),
        ("interval", INTERVAL, {"data": {"codes": "CQ"}, "duration_ms": 1000}, "codes"),
        ("interval", INTERVAL, {"data": {"codes": []}, "duration_ms": None}, "duration_ms"),
        ("interval", INTERVAL, {"data": {"codes": []}, "duration_ms": 120_001}, "duration_ms"),
        ("timer", {}, {"data": None, "duration_ms": None}, "duration_ms"),
        ("timer", {}, {"data": {"x": 1}, "duration_ms": 100}, "absent"),
    ],
)
def test_event_data_that_does_not_fit(kind, config, event, reason):
    with pytest.raises(KindError, match=reason):
        kinds.get(kind).parse_data(config, event)


def test_tally_duration_and_note_figures():
    length = 35 * 60_000
    tally = kinds.get("tally").figures({}, [mark(count=1), mark(count=2), mark()], length)
    assert tally == {"count": 4, "rate_per_10": float(Fraction(4 * 10, 35))}
    assert kinds.get("tally").figures({}, [], 0) == {"count": 0, "rate_per_10": None}
    spans = [mark(duration_ms=60_000), mark(duration_ms=30_500), mark(duration_ms=None)]
    assert kinds.get("duration").figures({}, spans, length) == {
        "count": 3, "total_ms": 90_500, "share": float(Fraction(90_500, length))}
    assert kinds.get("note").figures({}, [mark(note="a"), mark(note="b")], length) == {"count": 2}


def test_category_figures_are_shares_of_the_lookfors_count():
    marks = [mark(data={"category": c}) for c in ["Recall"] * 4 + ["Inference"] * 2]
    marks.append(mark(count=1, data={"category": "Removed since"}))
    figures = kinds.get("category").figures(CATEGORY, marks, 60_000)
    assert figures["count"] == 7
    assert list(figures["categories"]) == ["Recall", "Inference", "Evaluation", "Removed since"]
    assert figures["categories"]["Recall"] == {"count": 4, "share": float(Fraction(4, 7))}
    assert figures["categories"]["Evaluation"] == {"count": 0, "share": 0.0}
    empty = kinds.get("category").figures(CATEGORY, [], 60_000)
    assert empty["categories"]["Recall"] == {"count": 0, "share": None}


def test_scan_figures_are_the_mean_of_each_scans_share():
    scans = [(23, 28), (28, 28), (10, 27)]
    figures = kinds.get("scan").figures(SCAN, [mark(data={"on": a, "of": b}) for a, b in scans], 1)
    expected_mean = (Fraction(23, 28) + 1 + Fraction(10, 27)) / 3
    assert figures == {"scans": 3, "mean_on_share": float(expected_mean),
                       "min_on_share": float(Fraction(10, 27)), "max_on_share": 1.0}
    assert kinds.get("scan").figures(SCAN, [], 1)["mean_on_share"] is None


def test_interval_figures_are_shares_of_intervals():
    records = [["Lec"], ["Lec", "CQ"], [], ["Lec"]]
    marks = [mark(duration_ms=120_000, data={"codes": c}) for c in records]
    assert kinds.get("interval").figures(INTERVAL, marks, 1) == {
        "intervals": 4,
        "codes": {"Lec": {"intervals": 3, "share": 0.75}, "CQ": {"intervals": 1, "share": 0.25}},
    }


def test_timer_figures_median_mean_and_threshold():
    spans = [1000, 3000, 4500, 2999]
    marks = [mark(duration_ms=d) for d in spans]
    figures = kinds.get("timer").figures({"threshold_s": 3}, marks, 1)
    assert figures == {"count": 4, "median_ms": 2999.5, "mean_ms": 2874.75,
                       "share_at_or_over_threshold": 0.5}
    assert kinds.get("timer").figures({}, marks[:3], 1)["share_at_or_over_threshold"] is None
    assert kinds.get("timer").figures({}, marks[:3], 1)["median_ms"] == 3000.0


def test_csv_cells_per_kind():
    assert kinds.get("category").csv_cells({"category": "Recall"}) == {"category": "Recall"}
    assert kinds.get("scan").csv_cells({"on": 3, "of": 4}) == {"on": 3, "of": 4}
    assert kinds.get("interval").csv_cells({"codes": ["Lec", "CQ"]}) == {"codes": "Lec CQ"}
    assert kinds.get("tally").csv_cells(None) == {}
