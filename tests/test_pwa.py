"""The app shell as served: our JS and CSS minified (never changed in meaning), vendor files as
they are, the kinds' capture modules in the service worker's shell."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pwa.minify import literals, minify_js

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"
# What the capture screen loads (with every kind): each must shrink when served.
CAPTURE_MODULES = [
    "js/app.js", "js/capture.js", "js/recorder.js", "js/outbox.js", "js/sync.js", "js/status.js",
    *sorted(f"js/kinds/{path.name}" for path in (STATIC / "js/kinds").glob("*.js")),
]


def test_literals_reads_strings_templates_and_regular_expressions():
    source = r"""
    // a "comment" with `ticks`
    const a = 'it\'s', b = "two // not a comment", re = /[`'"]\//g;
    /* block `x` */ const c = `one ${a + `two ${b}`} three`, d = x / 2 / y;
    return /^\d+$/.test(c);
    """
    assert literals(source) == [
        r"'it\'s'", '"two // not a comment"', "/[`'\"]\\//", "one ", "two ", "", " three",
        r"/^\d+$/",
    ]


def test_a_nested_template_is_served_as_written():
    nested = 'el.textContent = `Ready: ${n === 1 ? "1 screen" : `${n} screens`} offline.`;\n'
    assert minify_js("// why\n" + nested) == "// why\n" + nested
    plain = "// why\nconst s = `${n} screens`;  // more\nconst t = n / 2;\n"
    assert minify_js(plain) == "const s=`${n} screens`;const t=n/2;"


@pytest.mark.parametrize("name", CAPTURE_MODULES)
def test_every_capture_module_is_minified_without_changing_a_literal(name):
    source = (STATIC / name).read_text()
    minified = minify_js(source)
    assert minified != source, f"{name} is served unminified (a template nested in a ${{}}?)"
    assert literals(minified) == literals(source)


def test_static_files_as_served(client):
    response = client.get("/static/js/capture.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert body == minify_js((STATIC / "js/capture.js").read_text())
    assert "\n//" not in body and len(body) < (STATIC / "js/capture.js").stat().st_size
    again = client.get("/static/js/capture.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    css = client.get("/static/css/app.css")
    assert css.mimetype == "text/css" and "/*" not in css.get_data(as_text=True)
    vendor = "vendor/htmx-2.0.11.min.js"
    with client.get(f"/static/{vendor}") as response:  # sent from the file: closed after
        assert response.data == (STATIC / vendor).read_bytes()
    with client.get("/static/icons/icon-192.png") as response:
        assert response.status_code == 200
    for missing in ("/static/js/nope.js", "/static/../app/__init__.py", "/static/js/"):
        assert client.get(missing).status_code == 404


def test_the_service_worker_precaches_every_kind_module(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    for path in sorted((STATIC / "js/kinds").glob("*.js")):
        assert f"/static/js/kinds/{path.name}?v=" in worker
