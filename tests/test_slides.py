"""Slide decks: built from the executed notebooks, one slide per heading, no CDN at lecture time."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_slides", ROOT / "scripts" / "build_slides.py")
slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slides)


def test_deck_loads_nothing_from_the_network(tmp_path):
    # --no-fetch: the check is on the addresses the deck would load, not on the vendored files
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_slides.py"), "00", "--out", str(tmp_path), "--no-fetch"],
        check=True, capture_output=True,
    )
    deck = tmp_path / "00_setup.slides.html"
    html = deck.read_text()
    assert slides.external_urls(deck) == []
    assert "_vendor/reveal.js/dist/reveal.js" in html and "_vendor/mathjax/MathJax.js" in html
    assert html.count("<section") >= 5  # one per heading of the notebook
    assert "colab-badge.svg" not in html


def test_external_url_check_catches_a_cdn_script(tmp_path):
    page = tmp_path / "x.html"
    page.write_text('<script src="https://unpkg.com/reveal.js@4/dist/reveal.js"></script><a href="https://x.org">ok</a>')
    assert slides.external_urls(page) == ["https://unpkg.com/reveal.js@4/dist/reveal.js"]
