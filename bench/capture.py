"""Tap latency on the capture screen in Chromium, and what the screen transfers.

Latency is read in the page: from the tap's event time (event.timeStamp) to the count
changing in the DOM (a MutationObserver), and to the next frame (requestAnimationFrame, then a
task after it, i.e. once that frame is produced)."""

from __future__ import annotations

import gzip
from urllib.request import Request, urlopen

from playwright.sync_api import sync_playwright

from .common import CHROMIUM_ARGS, chromium_path, live_server, make_app, make_coach, sqlite_url
from .common import summary as summarise

INSTRUMENT = """
() => {
  window.__latency = [];
  const button = document.querySelector('button.tap[data-kind=tally]');
  const count = button.querySelector('.tap-count');
  let tapAt = null;
  button.addEventListener('click', (e) => { tapAt = e.timeStamp; }, { capture: true });
  new MutationObserver(() => {
    if (tapAt === null) return;
    const t0 = tapAt; tapAt = null;
    const dom = performance.now() - t0;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__latency.push([dom, performance.now() - t0]);
      channel.port2.postMessage(null);
    });
  }).observe(count, { childList: true, characterData: true, subtree: true });
}
"""

TAPS = 200


def measure_taps(page, cdp, rate: int) -> tuple[dict, dict]:
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.reload()
    page.wait_for_selector("#capture[data-state=running]")
    page.evaluate(INSTRUMENT)
    box = page.locator("button.tap[data-kind=tally]").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for _ in range(TAPS):
        page.mouse.click(x, y)
        page.wait_for_timeout(40)  # a brisk coach: 25 taps a second at most
    page.wait_for_function(f"() => window.__latency.length >= {TAPS}")
    samples = page.evaluate("window.__latency")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    return summarise([s[0] for s in samples]), summarise([s[1] for s in samples])


def transferred(base: str, urls: list[str], cookie: str) -> tuple[int, int, list]:
    """Bytes of the capture screen's JS and CSS, raw and gzipped (as a proxy would serve)."""
    rows, raw_total, gz_total = [], 0, 0
    for url in urls:
        body = urlopen(Request(url, headers={"Cookie": cookie})).read()
        gz = len(gzip.compress(body, 9))
        raw_total += len(body)
        gz_total += gz
        rows.append((url.replace(base, "").split("?")[0], len(body), gz))
    return raw_total, gz_total, rows


def run() -> tuple[str, dict]:
    app = make_app(sqlite_url())
    with app.app_context():
        coach, cycle = make_coach()
        cycle_id = cycle.id
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill("bench@lookfor.test")
        page.get_by_label("Password").fill("bench password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        page.goto(f"/cycles/{cycle_id}/capture")
        # Nothing starts by itself; after this, each reload resumes the same observation.
        page.get_by_role("button", name="Start observation").click()
        page.wait_for_selector("#capture[data-state=running]")
        urls = page.evaluate(
            "performance.getEntriesByType('resource').map(e => e.name)"
            ".filter(u => /\\.(js|css)(\\?|$)/.test(u))"
        )
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        raw, gz, files = transferred(base, sorted(set(urls)), cookie)
        cdp = context.new_cdp_session(page)
        normal = measure_taps(page, cdp, 1)
        throttled = measure_taps(page, cdp, 4)
        browser.close()

    figures = {"normal": normal, "throttled": throttled, "raw": raw, "gz": gz}
    lines = [
        "## Capture screen: tap latency (Chromium, headless)",
        "",
        f"{TAPS} taps on a tally button, one every ~40 ms. From the tap's event time to the count "
        "changing in the DOM, and to the next frame.",
        "",
        "| CPU | DOM median | DOM p95 | next frame median | next frame p95 | target (4x) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, (dom, frame) in (("1x", normal), ("4x throttled", throttled)):
        target = "DOM p95 ≤ 16 ms, frame p95 ≤ 33 ms" if name != "1x" else ""
        lines.append(
            f"| {name} | {dom['median']:.2f} ms | {dom['p95']:.2f} ms | "
            f"{frame['median']:.2f} ms | {frame['p95']:.2f} ms | {target} |"
        )
    lines += [
        "",
        "## Capture screen: JS + CSS transferred",
        "",
        "Every script and stylesheet the capture screen loads, gzipped at level 9 (as a reverse "
        "proxy would serve them; gunicorn itself does not compress). Target ≤ 30 KB.",
        "",
        "| file | bytes | gzipped |",
        "| --- | --- | --- |",
        *[f"| {name} | {size:,} | {g:,} |" for name, size, g in files],
        f"| **total** | **{raw:,}** | **{gz:,} ({gz / 1024:.1f} KB)** |",
        "",
    ]
    return "\n".join(lines), figures
