"""Tap latency on the capture screen in Chromium, for every kind's control, and what the screen
transfers with every kind loaded.

Latency is read in the page: from the tap's event time (event.timeStamp) to the control's
figure or state changing in the DOM (a MutationObserver), and to the end of the first frame
that shows it (requestAnimationFrame, then a task after it, i.e. once that frame is produced).
The scan pad's tap is read twice: to its figure, and to the pad closing (its dialog losing
"open"), which is what the coach waits for."""

from __future__ import annotations

import gzip
from typing import NamedTuple
from urllib.request import Request, urlopen

from playwright.sync_api import sync_playwright

from .common import CHROMIUM_ARGS, chromium_path, live_server, make_app, make_coach, sqlite_url
from .common import summary as summarise

# Arguments: the tapped control's selector, the element whose change answers the tap, and
# optionally the one attribute of that element to watch (else any change in its subtree).
# After each frame from the tap on, a task checks whether the change has happened: the first
# frame that includes it ends the measure, whether the app changed it in its handler or later
# in a requestAnimationFrame callback (the scan pad closes in one).
INSTRUMENT = """
([target, watched, attribute]) => {
  window.__latency = [];
  const button = document.querySelector(target);
  let t0 = null;
  let dom = null;
  let frames = 0;
  const afterFrame = () => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (t0 === null) return;
      if (dom === null && ++frames < 60) { requestAnimationFrame(afterFrame); return; }
      if (dom !== null) window.__latency.push([dom, performance.now() - t0]);
      t0 = null;
    };
    channel.port2.postMessage(null);
  };
  button.addEventListener('click', (e) => {
    t0 = e.timeStamp; dom = null; frames = 0;
    requestAnimationFrame(afterFrame);
  }, { capture: true });
  new MutationObserver(() => {
    if (t0 !== null && dom === null) dom = performance.now() - t0;
  }).observe(document.querySelector(watched), attribute
    ? { attributes: true, attributeFilter: [attribute] }
    : { childList: true, characterData: true, subtree: true, attributes: true });
}
"""

TAPS = 200


class Control(NamedTuple):
    name: str
    target: str  # what the coach taps (and the tap measured)
    watched: str  # what changes in answer
    opener: str | None = None  # tapped first, unmeasured (the scan's button opens its pad)
    attribute: str | None = None  # watch only this attribute of `watched`


CONTROLS = (
    Control("tally", "button.tap[data-kind=tally]", "button.tap[data-kind=tally] .tap-count"),
    Control("category", "[data-kind=category] button.tap",
            "[data-kind=category] button.tap .tap-count"),
    Control("scan pad (All on task)", "[data-kind=scan] [data-act=all]",
            "[data-kind=scan] button.tap .tap-count", opener="[data-kind=scan] button.tap"),
    # The same tap, until the pad is gone: its dialog loses "open", and the frame after.
    Control("scan pad closes", "[data-kind=scan] [data-act=all]", "[data-kind=scan] dialog",
            opener="[data-kind=scan] button.tap", attribute="open"),
    Control("interval toggle", "[data-kind=interval] button.toggle",
            "[data-kind=interval] button.toggle"),
    Control("timer", "button.tap[data-kind=timer]", "button.tap[data-kind=timer]"),
    Control("seat (36-seat map)", "[data-kind=seatmap] button.seat",
            "[data-kind=seatmap] button.seat"),
)


def add_every_kind(cycle) -> None:
    """The bench cycle's tally, duration and note, plus one look-for of each newer kind (the
    participation map a room of 36 seats)."""
    from app.cycles.services import add_lookfor

    add_lookfor(cycle, "Questions", "category",
                {"categories": ["Recall", "Inference", "Evaluation"]})
    add_lookfor(cycle, "On task", "scan", {"of": 28, "every_s": 300})
    # Long intervals: the taps stay in one, so every tap is a toggle, not a boundary.
    add_lookfor(cycle, "COPUS", "interval", {"interval_s": 900, "codes": [
        {"code": "Lec", "label": "Lecturing"}, {"code": "CQ", "label": "Clicker question"},
        {"code": "Grp", "label": "Group work"}]})
    add_lookfor(cycle, "Wait time", "timer", {"threshold_s": 3})
    add_lookfor(cycle, "Who talks", "seatmap", seat_map(6, 6))


def seat_map(rows: int, cols: int) -> dict:
    """A room of rows × cols seats, two dimensions and four contribution codes."""
    seats = [{"id": f"s{n}", "label": str(n), "row": (n - 1) // cols + 1,
              "col": (n - 1) % cols + 1,
              "groups": {"Language": "EL" if n % 3 == 0 else "non-EL",
                         "Table": str(((n - 1) % cols) // 2 + 1)}}
             for n in range(1, rows * cols + 1)]
    codes = [{"code": c, "label": label} for c, label in (
        ("Q", "Asked a question"), ("A", "Answered"), ("C", "Called on"), ("V", "Volunteered"))]
    return {"seats": seats, "dimensions": ["Language", "Table"], "codes": codes}


def centre(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def measure_taps(page, cdp, rate: int, control: Control) -> tuple[dict, dict]:
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.reload()
    page.wait_for_selector("#capture[data-state=running]")
    page.evaluate(INSTRUMENT, [control.target, control.watched, control.attribute])
    # Clear of the fixed action bar at the bottom, where a click would land on it instead.
    page.locator(control.opener or control.target).first.evaluate(
        "(el) => el.scrollIntoView({ block: 'center' })")
    first = centre(page, control.opener or control.target)
    for _ in range(TAPS):
        page.mouse.click(*first)
        if control.opener:
            page.wait_for_selector(f"{control.target} >> visible=true")
            page.wait_for_timeout(150)  # a coach's eye finds the button before the thumb taps
            page.mouse.click(*centre(page, control.target))
        page.wait_for_timeout(40)  # a brisk coach: 25 taps a second at most
    page.wait_for_function(f"() => window.__latency.length >= {TAPS}")
    samples = page.evaluate("window.__latency")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    return summarise([s[0] for s in samples]), summarise([s[1] for s in samples])


def transferred(base: str, urls: list[str], cookie: str) -> tuple[int, int, int, list]:
    """Bytes of the capture screen's JS and CSS: raw, gzipped at level 9, and as the app serves
    them to a browser that accepts Brotli."""
    rows, raw_total, gz_total, served_total = [], 0, 0, 0
    for url in urls:
        body = urlopen(Request(url, headers={"Cookie": cookie})).read()
        served = urlopen(Request(url, headers={"Cookie": cookie,
                                               "Accept-Encoding": "br, gzip"})).read()
        gz = len(gzip.compress(body, 9))
        raw_total, gz_total, served_total = (raw_total + len(body), gz_total + gz,
                                             served_total + len(served))
        rows.append((url.replace(base, "").split("?")[0], len(body), gz, len(served)))
    return raw_total, gz_total, served_total, rows


def open_capture(base: str, p):
    """A phone-sized page signed in as the bench coach, with an observation running on a cycle
    of every kind; returns (browser, context, page)."""
    browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill("bench@lookfor.test")
    page.get_by_label("Password").fill("bench password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return browser, context, page


def run() -> tuple[str, dict]:
    app = make_app(sqlite_url())
    with app.app_context():
        coach, cycle = make_coach()
        add_every_kind(cycle)
        cycle_id = cycle.id
    with live_server(app) as base, sync_playwright() as p:
        browser, context, page = open_capture(base, p)
        page.goto(f"/cycles/{cycle_id}/capture")
        # Nothing starts by itself; after this, each reload resumes the same observation.
        page.get_by_role("button", name="Start observation").click()
        page.wait_for_selector("#capture[data-state=running]")
        urls = page.evaluate(
            "performance.getEntriesByType('resource').map(e => e.name)"
            ".filter(u => /\\.(js|css)(\\?|$)/.test(u))"
        )
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        raw, gz, served, files = transferred(base, sorted(set(urls)), cookie)
        cdp = context.new_cdp_session(page)
        latency = {}
        for control in CONTROLS:
            rates = (1, 4) if control.name == "tally" else (4,)
            for rate in rates:
                latency[(control.name, rate)] = measure_taps(page, cdp, rate, control)
        browser.close()

    figures = {"latency": latency, "raw": raw, "gz": gz, "served": served,
               "normal": latency[("tally", 1)], "throttled": latency[("tally", 4)]}
    lines = [
        "## Capture screen: tap latency (Chromium, headless)",
        "",
        f"{TAPS} taps on each kind's control, one every ~40 ms, on a cycle with every kind. From "
        "the tap's event time to the control's figure or state changing in the DOM, and to the "
        "end of the first frame that shows it. The scan pad's tap is \"All on task\" (its pad "
        "opened first, unmeasured, 150 ms before), read to its figure and to the pad closing; "
        "the timer alternates start and stop; the seat is the first of a 36-seat map. "
        "Target at 4x (issue 13): DOM p95 ≤ 12 ms, frame p95 ≤ 33 ms for every control.",
        "",
        "| control | CPU | DOM median | DOM p95 | next frame median | next frame p95 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (name, rate), (dom, frame) in latency.items():
        lines.append(
            f"| {name} | {rate}x | {dom['median']:.2f} ms | {dom['p95']:.2f} ms | "
            f"{frame['median']:.2f} ms | {frame['p95']:.2f} ms |"
        )
    lines += [
        "",
        "## Capture screen: JS + CSS transferred",
        "",
        "Every script and stylesheet the capture screen loads with every kind in its cycle: "
        "minified as served, gzipped at level 9, and *served*: what the app itself sends a "
        "browser that accepts Brotli (compressed once per file version). Target ≤ 30 KB.",
        "",
        "| file | bytes | gzipped | served (br) |",
        "| --- | --- | --- | --- |",
        *[f"| {name} | {size:,} | {g:,} | {b:,} |" for name, size, g, b in files],
        f"| **total** | **{raw:,}** | **{gz:,} ({gz / 1024:.1f} KB)** | "
        f"**{served:,} ({served / 1024:.1f} KB)** |",
        "",
    ]
    return "\n".join(lines), figures
