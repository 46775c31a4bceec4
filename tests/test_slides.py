"""Slide decks: built from a copy of each executed notebook, one slide per heading, nothing off-screen.

The unit tests check the deck builder on small notebooks (no browser). The browser test builds
every deck and walks it slide by slide with the arrow key in headless Chromium at 1280×720, as an
instructor would, and fails on content beyond the screen, clipped code, two ``#``/``##`` headings
on one slide, visible test markers, blank explorers, page errors and any request that leaves the
machine. It prints slides per deck and the tallest slide. Skipped when Chromium, Playwright or npm
(needed once to vendor reveal.js) is missing, unless ``TSLAB_REQUIRE_BROWSER=1`` (set by CI).

Run it alone, with the per-deck report: ``python -m pytest tests/test_slides.py -s``.
"""

from __future__ import annotations

import base64
import functools
import http.server
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_slides", ROOT / "scripts" / "build_slides.py")
slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slides)

REQUIRED = os.environ.get("TSLAB_REQUIRE_BROWSER") == "1"
VENDOR_DIR = ROOT / "slides" / "_vendor"  # fetched once by the build script, reused (git-ignored)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
MIN_ZOOM = 0.7  # a slide shrunk more than this is too small to read: split it instead


# ------------------------------------------------------------------------------ builder, no browser
def _png(width: int = 64, height: int = 32) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width / 32, height / 32), dpi=32)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _code(source: str, *outputs: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    cell.execution_count = 1
    return cell


def _kinds(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.metadata["slideshow"]["slide_type"], c.source.splitlines()[0] if c.source else "") for c in nb.cells]


def test_every_heading_starts_a_slide_wherever_it_sits():
    md = nbformat.v4.new_markdown_cell
    nb = _notebook(
        md("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://x)\n\n# Title\n\nIntro."),
        md("## 1. First\n\nText.\n\n### A sub-part\n\nMore.\n\n## 2. Second\n\n```python\n# not a heading\n```"),
        md("## Summary\n\n- one\n\n## Exercises\n\n1. do it"),
        md("<details><summary>Solutions</summary>\n\n## not a slide\n\n</details>"),
    )
    deck, records = slides.deck_notebook(nb)
    kinds = [k for k in _kinds(deck) if k[0] != "-"]
    assert kinds == [
        ("slide", "# Title"), ("slide", "## 1. First"), ("subslide", "### A sub-part"),
        ("slide", "## 2. Second"), ("slide", "## Summary"), ("slide", "## Exercises"),
    ]
    assert not any("colab-badge" in c.source for c in deck.cells)
    assert [r["title"] for r in records][-1] == "Exercises"
    assert len(nb.cells) == 4 and "## 2. Second" in nb.cells[1].source  # the notebook is not changed


def test_setup_assert_only_and_tagged_cells_stay_out_and_markers_are_stripped():
    md = nbformat.v4.new_markdown_cell
    tagged = _code("helper = 1")
    tagged.metadata["tags"] = ["slides-skip"]
    nb = _notebook(
        md("# Title"),
        _code("# Colab bootstrap: only on Colab\nimport sys"),
        _code("import torch\nfrom tslab.device import seed_everything\nseed_everything(0)",
              {"output_type": "stream", "name": "stdout", "text": "Running on: cpu\n"}),
        md("## Part"),
        _code("# NBVAL_CHECK_OUTPUT\nx = 1  # NBVAL_IGNORE_OUTPUT\nprint(x)",
              {"output_type": "stream", "name": "stdout", "text": "1\n"}),
        _code("assert x == 1\nassert x > 0"),
        tagged,
    )
    deck, _ = slides.deck_notebook(nb)
    code = [c.source for c in deck.cells if c.cell_type == "code"]
    assert code == ["x = 1\nprint(x)"]


def _widget_notebook(state: dict, model_id: str, text: str, source: str):
    """A notebook whose one code cell (``source``) shows widget ``model_id``, with ``state`` saved."""
    view = {"output_type": "display_data", "data": {
        "application/vnd.jupyter.widget-view+json": {"model_id": model_id, "version_major": 2, "version_minor": 0},
        "text/plain": text}}
    nb = _notebook(nbformat.v4.new_markdown_cell("# T"), _code("import os\nimport sys"), _code(source, view))
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    return nb


def test_explorer_becomes_its_saved_picture_with_values_and_a_note():
    png = _png()
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o"]}},
        "s": {"model_name": "IntSliderModel", "state": {"description": "hidden size", "value": 32}},
        "o": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"}}]}},
    }
    deck, records = slides.deck_notebook(_widget_notebook(state, "box", "VBox(...)", "explore()"))
    (cell,) = [c for c in deck.cells if c.cell_type == "code"]
    page = cell.outputs[0]["data"]["text/html"]
    assert png in page and "hidden size = 32" in page and "live in JupyterLab" in page
    assert "widgets" not in deck.metadata and any(r["explorer"] for r in records)


def test_a_finished_progress_bar_becomes_its_text_not_a_blank_widget():
    state = {
        "bar": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_l", "IPY_MODEL_p", "IPY_MODEL_r"]}},
        "l": {"model_name": "HTMLModel", "state": {"value": "candidates: 100%"}},
        "p": {"model_name": "FloatProgressModel", "state": {"value": 3, "max": 3}},
        "r": {"model_name": "HTMLModel", "state": {"value": " 3/3 [00:02&lt;00:00]"}},
    }
    deck, records = slides.deck_notebook(_widget_notebook(state, "bar", "candidates: 0%", "search()"))
    (cell,) = [c for c in deck.cells if c.cell_type == "code"]
    assert cell.outputs[0]["output_type"] == "stream" and cell.outputs[0]["text"] == "candidates: 100% 3/3 [00:02<00:00]\n"
    assert not any(r["explorer"] for r in records)


def test_a_long_section_continues_on_sub_slides_and_no_cell_is_cut():
    md = nbformat.v4.new_markdown_cell
    long_output = {"output_type": "stream", "name": "stdout", "text": "a line\n" * 20}
    nb = _notebook(md("# T"), md("## Long"), *[_code(f"print({i})", long_output) for i in range(4)])
    deck, records = slides.deck_notebook(nb)
    kinds = [k for k, _ in _kinds(deck)]
    assert kinds.count("slide") == 2 and kinds.count("subslide") >= 2
    assert [r["title"] for r in records][2] == "Long (continued)"
    assert sum(c.cell_type == "code" for c in deck.cells) == 4


def test_long_code_is_cut_between_statements_and_long_output_between_lines():
    source = "\n".join(f"# step {i}\nx{i} = {i}\n" for i in range(20))
    parts = slides._split_code(source, max_lines=22)
    assert len(parts) == 3 and all(len(p.splitlines()) <= 22 for p in parts)
    assert parts[1].startswith("# step") and "\n".join(parts).count("x") == source.count("x")
    only_def = "def f():\n" + "    x = 1\n" * 30
    assert slides._split_code(only_def) == [only_def.strip()]  # one statement: never cut inside it
    cell = _code(source, {"output_type": "stream", "name": "stdout", "text": "".join(f"{i}\n" for i in range(50))})
    cell.id = "abc"
    parts = slides._split_cell(cell)
    shown = [p for p in parts if not p.metadata.get("transient", {}).get("remove_source")]
    assert [p.source for p in shown] == slides._split_code(source)
    printed = "".join(o["text"] for p in parts for o in p.outputs)
    assert printed == "".join(f"{i}\n" for i in range(50))  # every line, in order, none split


def test_long_helper_def_shows_as_signature_and_docstring_when_the_cell_calls_it():
    body = "\n".join(f"    y = {i}" for i in range(15))
    source = f'def helper(x):\n    """Does things."""\n{body}\n    return y\n\n\nprint(helper(1))'
    shown = slides._collapse_long_defs(source)
    assert shown.splitlines()[:3] == ["def helper(x):", '    """Does things."""', "    ...  # full code in the notebook"]
    assert shown.endswith("print(helper(1))")
    only = f"def helper(x):\n{body}\n    return y"
    assert slides._collapse_long_defs(only) == only  # a cell that only defines it: the code is the point


def test_a_sentence_introducing_code_moves_with_it_to_the_next_slide():
    md = nbformat.v4.new_markdown_cell
    long_output = {"output_type": "stream", "name": "stdout", "text": "a line\n" * 18}
    nb = _notebook(md("# T"), md("## Part"), _code("print(1)", long_output), md("Now the same from code:"),
                   _code("print(2)", long_output))
    deck, _ = slides.deck_notebook(nb)
    sources = [c.source for c in deck.cells]
    cont = next(i for i, c in enumerate(deck.cells) if c.metadata["slideshow"]["slide_type"] == "subslide")
    assert sources[cont + 1:cont + 3] == ["Now the same from code:", "print(2)"]


def test_lecture_plan_lists_sections_minutes_and_pauses():
    records = [
        {"title": "T", "level": "#", "code": 0, "explorer": False},
        {"title": "1. A", "level": "##", "code": 2, "explorer": False},
        {"title": "1. A (continued)", "level": "cont", "code": 1, "explorer": True},
        {"title": "Exercises", "level": "##", "code": 1, "explorer": False},
    ]
    plan = slides.lecture_plan("99_x", records)
    assert "| 2–3 | 1. A | 8 | pause: open the explorer live in JupyterLab |" in plan
    assert "| 4 | Exercises | 12 | pause: learners work in their notebook |" in plan
    assert "4 slides, about 21 minutes" in plan


def test_external_url_check_catches_scripts_styles_and_imports(tmp_path):
    page = tmp_path / "x.html"
    page.write_text(
        '<script src="https://unpkg.com/reveal.js@4/dist/reveal.js"></script><a href="https://x.org">ok</a>'
        "<style>@import url(https://fonts.googleapis.com/css?family=Lato);</style>"
        "<script type='module'>import m from 'https://cdn.x/mermaid.mjs';</script>"
    )
    assert slides.external_urls(page) == [
        "https://unpkg.com/reveal.js@4/dist/reveal.js", "https://fonts.googleapis.com/css?family=Lato",
        "https://cdn.x/mermaid.mjs",
    ]


def test_deck_points_only_at_local_copies(tmp_path):
    # --no-fetch: the check is on the addresses the deck would load, not on the vendored files
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_slides.py"), "00", "--out", str(tmp_path), "--no-fetch"],
        check=True, capture_output=True,
    )
    deck = tmp_path / "00_setup.slides.html"
    html = deck.read_text()
    assert slides.external_urls(deck) == []
    assert "_vendor/reveal.js/dist/reveal.js" in html and "_vendor/mathjax/MathJax.js" in html
    assert "mermaid" not in html and "colab-badge.svg" not in html and "NBVAL" not in html
    assert 'slideNumber: "c/t"' in html and "Lecture plan" in html
    assert (tmp_path / "00_setup.plan.md").exists()


# ------------------------------------------------------------------------------------ the browser
def _need(condition: bool, reason: str) -> None:
    if not condition:
        if REQUIRED:
            pytest.fail(f"{reason} (TSLAB_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep pytest output clean
        pass


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every deck built into a temporary folder and served on 127.0.0.1: ``(base_url, {stem: records})``."""
    ready = all((VENDOR_DIR / spec.split("@")[0] / marker).exists() for spec, marker in slides.VENDOR.items())
    _need(ready or shutil.which("npm") is not None, "npm is not installed (needed once to vendor reveal.js)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    _need(chromium is not None, "Chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need(False, "playwright is not installed (pip install playwright)")
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    slides.vendor(VENDOR_DIR)
    out = tmp_path_factory.mktemp("slides")
    (out / "_vendor").symlink_to(VENDOR_DIR, target_is_directory=True)
    records = {}
    for ipynb in sorted(slides.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        deck, recs = slides.build(ipynb, out, "_vendor")
        assert slides.external_urls(deck) == [], deck.name
        records[ipynb.stem] = recs
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", records, chromium
    finally:
        server.shutdown()
        server.server_close()


SLIDE_CHECK = """() => {
  const s = Reveal.getCurrentSlide();
  const box = s.getBoundingClientRect();
  const bottom = Math.min(innerHeight, box.bottom - %d * Reveal.getScale()), right = Math.min(innerWidth, box.right);
  const seen = (e) => e.checkVisibility() && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0;
  const describe = (e) => (e.tagName + ' "' + (e.innerText || e.alt || '').trim().slice(0, 60) + '"');
  const off = [];
  s.querySelectorAll('p, li, pre, img, table, h1, h2, h3, summary, .MJXc-display, .mjx-chtml, .MathJax_Display, .MathJax, .jp-OutputArea-output')
    .forEach((e) => { if (!seen(e)) return; const r = e.getBoundingClientRect();
      if (r.bottom > bottom + 1 || r.right > right + 1 || r.top < -1 || r.left < -1)
        off.push(describe(e) + ' at ' + Math.round(r.left) + ',' + Math.round(r.top) + '-' + Math.round(r.right) + ',' + Math.round(r.bottom)); });
  const clipped = [...s.querySelectorAll('pre')].filter((p) => seen(p) &&
      (p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1)).map(describe);
  const headings = [...s.querySelectorAll('h1, h2')].filter(seen).map((h) => h.innerText.trim());
  const widgets = [...s.querySelectorAll('.jupyter-widgets, .widget-area, .tslab-explorer-missing, ' +
      '[data-mime-type="application/vnd.jupyter.widget-view+json"]')].length +
    [...s.querySelectorAll('.tslab-explorer-static')].filter((w) => { const i = w.querySelector('img');
      return !i || !i.complete || i.naturalWidth === 0; }).length;
  const broken = [...s.querySelectorAll('img')].filter((i) => seen(i) && (!i.complete || i.naturalWidth === 0)).length;
  return {index: Reveal.getIndices(), zoom: parseFloat(s.dataset.tslabZoom || '1'),
          height: parseFloat(s.dataset.tslabHeight || '0'), off, clipped, headings,
          nbval: /NBVAL_/.test(s.innerText), widgets, broken,
          number: (document.querySelector('.slide-number') || {}).innerText || ''};
}""" % slides.FOOTER


def walk_deck(page, url: str) -> list[dict]:
    """Open a deck, press → until the last slide, and return the measurements of every slide."""
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && Reveal.getCurrentSlide().dataset.tslabFitted === '1'")
    total = page.evaluate("() => Reveal.getTotalSlides()")
    results = []
    for i in range(total):
        if i:
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "(n) => Reveal.getSlidePastCount() === n && Reveal.getCurrentSlide().dataset.tslabFitted === '1'", arg=i
            )
        results.append(page.evaluate(SLIDE_CHECK))
    return results


def test_every_deck_walks_on_screen_offline(decks):
    from playwright.sync_api import sync_playwright

    base, records, chromium = decks
    start = time.perf_counter()
    problems: list[str] = []
    report: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.set_default_timeout(30_000)
        outside: list[str] = []
        errors: list[str] = []
        failed: list[str] = []

        def route(r):
            host = urlparse(r.request.url).hostname
            if r.request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
                return r.continue_()
            outside.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        for stem in records:
            outside.clear(), errors.clear(), failed.clear()
            walked = walk_deck(page, f"{base}/{stem}.slides.html")
            tallest = max(walked, key=lambda r: r["height"])
            report.append(f"{stem}: {len(walked)} slides, tallest {tallest['height']:.0f} px "
                          f"(slide {tallest['number']}), smallest zoom {min(r['zoom'] for r in walked):.2f}")
            for r in walked:
                where = f"{stem} slide {r['number']} {r['index']}"
                if r["off"]:
                    problems.append(f"{where}: beyond the screen: {r['off'][:3]}")
                if r["clipped"]:
                    problems.append(f"{where}: clipped code/output: {r['clipped'][:3]}")
                if len(r["headings"]) > 1:
                    problems.append(f"{where}: {len(r['headings'])} headings on one slide: {r['headings']}")
                if r["nbval"]:
                    problems.append(f"{where}: a test marker is visible")
                if r["widgets"] or r["broken"]:
                    problems.append(f"{where}: blank explorer or broken image")
                if r["zoom"] < MIN_ZOOM:
                    problems.append(f"{where}: shrunk to {r['zoom']:.2f} to fit (too dense: split it)")
            problems += [f"{stem}: page error {e}" for e in errors]
            problems += [f"{stem}: request left the machine: {u}" for u in outside]
            problems += [f"{stem}: failed request {u}" for u in failed if urlparse(u.split()[-1]).hostname == "127.0.0.1"]
            assert len(walked) == len(records[stem]), (stem, len(walked), len(records[stem]))
        browser.close()
    report.append(f"walked in {time.perf_counter() - start:.0f} s")
    print("\n" + "\n".join(report))
    assert not problems, "\n".join(problems)
