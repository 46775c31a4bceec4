"""Build a reveal.js slide deck from every executed notebook, usable offline in the lecture hall.

    python scripts/build_slides.py              # all decks -> slides/NN_name.slides.html
    python scripts/build_slides.py 02_rnn       # one deck
    python -m http.server -d slides 8000        # then open http://localhost:8000/02_rnn.slides.html

Slides come from the headings (``#``/``##`` start a slide, ``###`` a sub-slide; see
``scripts/build_notebooks.py``). nbconvert's decks load reveal.js, require.js and MathJax from CDNs
by default; this script points them at local copies in ``slides/_vendor/`` instead, so the decks
need no network when they are shown. The local copies are fetched **once**, at build time, from
the npm registry (``npm pack``, needs Node.js); pass ``--vendor DIR`` to use copies you already
have. After building, every deck is checked for a remaining CDN address.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "slides"
# npm package -> the file that must exist once unpacked
VENDOR = {
    "reveal.js@4.6.1": "dist/reveal.js",
    "requirejs@2.3.7": "require.js",
    "mathjax@2.7.9": "MathJax.js",
    "jquery@2.2.4": "dist/jquery.min.js",
}
# what a page *loads* (scripts, images, style sheets, module imports); plain links are fine
EXTERNAL = re.compile(
    r"""(?:<script[^>]*\ssrc=|<img[^>]*\ssrc=|<link[^>]*\shref=|import\s[^;]*?from\s)["'](https?://[^"']+)["']"""
)
BADGE = re.compile(r"""<a href="https://colab\.research\.google\.com/[^"]*"><img[^>]*></a>""")
MERMAID_IMPORT = re.compile(r"""from\s+'https?://[^']*mermaid[^']*'""")
MERMAID_STUB = "export default { initialize() {}, run() {} };  // the course has no mermaid diagrams\n"
# widget views need a live kernel anyway; their static outputs are in the deck
ALLOWED_EXTERNAL = ("https://cdn.jsdelivr.net/npm/@jupyter-widgets/", "https://unpkg.com/@jupyter-widgets/")


def vendor(dest: Path) -> None:
    """Unpack reveal.js, require.js and MathJax 2 into ``dest/<name>/`` unless already there."""
    for spec, marker in VENDOR.items():
        name = spec.split("@")[0]
        if (dest / name / marker).exists():
            continue
        if shutil.which("npm") is None:
            raise SystemExit(f"npm is needed once to fetch {spec} into {dest} (or pass --vendor DIR)")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            (tarball,) = Path(tmp).glob("*.tgz")
            with tarfile.open(tarball) as tar:
                tar.extractall(tmp, filter="data")
            shutil.rmtree(dest / name, ignore_errors=True)
            shutil.move(str(Path(tmp) / "package"), dest / name)
        print(f"vendored {spec} -> {dest / name}", flush=True)
    (dest / "mermaid-stub.mjs").write_text(MERMAID_STUB)


def build(ipynb: Path, out: Path, vendor_rel: str) -> Path:
    """Convert one executed notebook into ``out/<stem>.slides.html`` with local asset URLs."""
    subprocess.run(
        [
            sys.executable, "-m", "nbconvert", "--to", "slides", str(ipynb), "--output-dir", str(out),
            f"--SlidesExporter.reveal_url_prefix={vendor_rel}/reveal.js",
            f"--SlidesExporter.require_js_url={vendor_rel}/requirejs/require.js",
            f"--SlidesExporter.mathjax_url={vendor_rel}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
            f"--SlidesExporter.jquery_url={vendor_rel}/jquery/dist/jquery.min.js",
            "--SlidesExporter.reveal_scroll=True",
            "--SlidesExporter.reveal_transition=none",
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    deck = out / f"{ipynb.stem}.slides.html"
    # the "Open in Colab" badge is an image from the web and means nothing on a projector
    html = BADGE.sub("", deck.read_text())
    # nbconvert's reveal template imports mermaid from a CDN whatever the settings say
    html = MERMAID_IMPORT.sub(f"from '{vendor_rel}/mermaid-stub.mjs'", html)
    deck.write_text(html)
    return deck


def external_urls(html: Path) -> list[str]:
    """CDN addresses a deck would still load (none should remain)."""
    return [u for u in EXTERNAL.findall(html.read_text()) if not u.startswith(ALLOWED_EXTERNAL)]


def main() -> int:
    parser = argparse.ArgumentParser(description="Build offline reveal.js decks from the notebooks.")
    parser.add_argument("names", nargs="*", help="notebook names or number prefixes (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: slides/)")
    parser.add_argument("--vendor", type=Path, help="folder with reveal.js/, requirejs/, mathjax/ (default: OUT/_vendor)")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch the vendored assets")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    vendor_dir = (args.vendor or out / "_vendor").resolve()
    if not args.no_fetch:
        vendor_dir.mkdir(parents=True, exist_ok=True)
        vendor(vendor_dir)
    rel = Path(shutil.os.path.relpath(vendor_dir, out)).as_posix()
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = [p for p in paths if any(p.stem.startswith(n) for n in args.names)]
    problems = 0
    for ipynb in paths:
        deck = build(ipynb, out, rel)
        urls = external_urls(deck)
        problems += bool(urls)
        print(f"{deck.relative_to(out.parent)}" + (f"  STILL LOADS {urls}" if urls else "  (offline)"), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
