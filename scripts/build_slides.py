"""Build a reveal.js lecture deck from every executed notebook, presentable offline at 1280×720.

    python scripts/build_slides.py              # all decks -> slides/NN_name.slides.html (+ .plan.md)
    python scripts/build_slides.py 02_rnn       # one deck
    python -m http.server -d slides 8000        # then open http://localhost:8000/02_rnn.slides.html

The deck is built from a **copy** of the executed notebook (the notebook itself is not changed):

- every ``#``/``##`` heading starts a slide and every ``###`` a sub-slide, wherever it sits in a
  markdown cell (cells are split at headings); "Exercises" is a ``##`` heading, so its own slide;
- setup code (the bootstrap and the first code cell, which only imports and seeds) and cells that
  only ``assert`` or import are left out, and so is any cell tagged ``slides-skip``;
  test markers (``# NBVAL_...`` lines) are removed from the code shown;
- a slide whose estimated height is more than one screen is continued on sub-slides (at cell and
  paragraph boundaries; an equation, list, table or code cell is never cut); the deck's own script
  then shrinks code, tables and equations that are too wide (code wraps at spaces as a last resort, so
  numbers never split) and, only if still needed, zooms a slide to fit; code longer than a slide
  is cut between statements, long printed text between lines;
- a long helper ``def`` that a cell defines and then calls shows as its signature and docstring;
- explorers (ipywidgets) become a static picture of their saved state with the slider values and a
  note that they are live in JupyterLab;
- arrow keys walk every slide (``navigationMode: linear``), slide numbers are on, and the title
  slide carries a lecture plan in its speaker notes (press ``S``); the same plan is written to
  ``slides/NN_name.plan.md``.

nbconvert's decks load reveal.js, require.js and MathJax from CDNs by default; this script points
them at local copies in ``slides/_vendor/``, uses a theme with bundled fonts, and drops the mermaid
import and the widget manager, so a deck makes no request outside its folder. The local copies are
fetched **once**, at build time, from the npm registry (``npm pack``, needs Node.js); pass
``--vendor DIR`` to use copies you already have. After building, every deck is checked for a
remaining web address it would load.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import html
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nbformat

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
# what a page *loads* (scripts, images, style sheets, CSS imports, module imports); plain links are fine
EXTERNAL = re.compile(
    r"""(?:<script[^>]*\ssrc=|<img[^>]*\ssrc=|<link[^>]*\shref=|@import\s+url\(|import\s[^;]*?from\s)["']?(https?://[^"')]+)"""
)
BADGE = re.compile(r"^\s*\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\s*$")
HEADING = re.compile(r"^(#{1,3})\s+\S")
NBVAL = re.compile(r"^\s*#\s*NBVAL_\w+.*$|\s+#\s*NBVAL_\w+.*$", re.MULTILINE)
BOOTSTRAP_MARK = "# Colab bootstrap"
SKIP_TAG = "slides-skip"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# Layout of a slide, in CSS pixels of reveal's 1280×720 canvas (see CSS below). The estimates are
# deliberately rough; the deck's script measures the real heights and fits what is left over.
WIDTH, HEIGHT = 1280, 720
BUDGET = 610  # estimated content height that starts a continuation slide
TEXT_LINE, TEXT_CHARS = 31, 112  # markdown: px per line, characters per line
CODE_LINE, CODE_CHARS = 25, 100  # code and printed output
IMG_MAX_H = 440  # images are shown at most this tall
CODE_MAX_LINES = 22  # longer code is cut between statements
OUTPUT_MAX_LINES = 20  # longer printed text is cut between lines
FOOTER = 40  # the bottom band holds the slide number and the arrows


# --------------------------------------------------------------------------------------- vendoring
def vendor(dest: Path) -> None:
    """Unpack reveal.js, require.js, MathJax 2 and jQuery into ``dest/<name>/`` unless already there."""
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
                if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 / 3.10.12: refuse unsafe paths
                    tar.extractall(tmp, filter="data")
                else:  # older patch releases have no filter: check the member paths ourselves
                    for member in tar.getmembers():
                        target = (Path(tmp) / member.name).resolve()
                        if not target.is_relative_to(Path(tmp).resolve()) or member.issym() or member.islnk():
                            raise SystemExit(f"refusing unsafe path {member.name!r} in {tarball.name}")
                    tar.extractall(tmp)
            shutil.rmtree(dest / name, ignore_errors=True)
            shutil.move(str(Path(tmp) / "package"), dest / name)
        print(f"vendored {spec} -> {dest / name}", flush=True)


# ------------------------------------------------------------------------------ the deck's notebook
def _png_size(data: str) -> tuple[int, int]:
    """(width, height) of a base64 PNG, read from its header."""
    raw = base64.b64decode(data[:64])
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        return 640, 480
    return struct.unpack(">II", raw[16:24])


def _is_setup_only(source: str) -> bool:
    """True for code that only imports, asserts or calls ``check_*`` helpers without output to show."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if not tree.body:
        return True
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assert, ast.Pass)):
            continue
        return False
    return True


def _is_setup_cell(cell: nbformat.NotebookNode) -> bool:
    """The course skeleton's setup cell: imports first, then seeding/device choice."""
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return False
    imports = sum(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)
    return imports >= 2 and imports >= len(tree.body) / 2


def _collapse_long_defs(source: str, max_lines: int = 12) -> str:
    """Show a long helper ``def``/``class`` as its signature and docstring when the cell also uses it.

    A cell that defines a long helper and then calls it is about the call and its output; the
    helper's body stays in the notebook. A cell that is only a definition is shown whole.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    if all(isinstance(node, defs) for node in tree.body):
        return source
    lines = source.splitlines()
    for node in reversed(tree.body):
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if not isinstance(node, defs) or node.end_lineno - start + 1 <= max_lines:
            continue
        first = node.body[0]
        has_doc = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
            and isinstance(first.value.value, str)
        keep = first.end_lineno if has_doc else first.lineno - 1
        indent = re.match(r"\s*", lines[first.lineno - 1]).group(0)
        lines[start - 1:node.end_lineno] = lines[start - 1:keep] + [f"{indent}...  # full code in the notebook"]
    return "\n".join(lines)


def _scale_image(out: dict) -> None:
    """Show a figure as large as the slide allows (up to 1.5× its pixel size), keeping its aspect."""
    w, h = _png_size(out["data"]["image/png"])
    k = min(1.5, (WIDTH - 60) / w, IMG_MAX_H / h)
    out.setdefault("metadata", {})["image/png"] = {"width": round(w * k), "height": round(h * k)}


def _split_code(source: str, max_lines: int = CODE_MAX_LINES) -> list[str]:
    """Code longer than a slide, cut between top-level statements into parts of at most ``max_lines``."""
    lines = source.splitlines()
    if len(lines) <= max_lines:
        return [source]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [source]
    starts = []
    for k, node in enumerate(tree.body):
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        floor = tree.body[k - 1].end_lineno if k else 0
        while start > floor and lines[start - 1].lstrip().startswith("#"):
            start -= 1  # a comment right above a statement belongs to it
        starts.append(start if k else 0)
    parts, begin = [], 0
    for k in range(1, len(starts)):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        if end - begin > max_lines:  # statement k would make the part too long: cut before it
            parts.append("\n".join(lines[begin:starts[k]]).strip("\n"))
            begin = starts[k]
    parts.append("\n".join(lines[begin:]).strip("\n"))
    return [p for p in parts if p.strip()]


def _split_stream(out: dict, max_lines: int = OUTPUT_MAX_LINES) -> list[dict]:
    """Printed text longer than a slide, cut into parts of at most ``max_lines`` lines."""
    if out.get("output_type") != "stream":
        return [out]
    lines = out["text"].splitlines(keepends=True)
    if len(lines) <= max_lines:
        return [out]
    return [nbformat.v4.new_output("stream", name=out["name"], text="".join(lines[i:i + max_lines]))
            for i in range(0, len(lines), max_lines)]


def _split_cell(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """A code cell taller than a slide: long code is cut between statements (the outputs follow the
    last part); outputs that do not fit go to output-only cells (no code shown)."""
    codes = _split_code(cell.source)
    cells = []
    for i, code in enumerate(codes[:-1]):
        part = copy.deepcopy(cell)
        part.source, part.outputs, part.id = code, [], f"{cell.id}-c{i}"
        cells.append(part)
    last = copy.deepcopy(cell)
    last.source = codes[-1]
    outputs = [piece for out in cell.outputs for piece in _split_stream(out)]
    groups: list[list] = [[]]
    used = _cell_height(nbformat.v4.new_code_cell(last.source))
    for out in outputs:
        h = _output_height(out)
        if used + h > BUDGET and (groups[-1] or last.source):
            groups.append([])
            used = 0.0
        groups[-1].append(out)
        used += h
    for i, group in enumerate(groups):
        part = copy.deepcopy(last)
        part.outputs = group
        if i:
            part.id = f"{cell.id}-o{i}"
            part.metadata["transient"] = {"remove_source": True}
        cells.append(part)
    return cells


def _plain(value: object) -> str:
    """A widget's HTML value as plain text (tags dropped, entities decoded, no-break spaces as spaces)."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(value))).replace("\xa0", " ")


def _progress_text(view: dict, state: dict) -> str | None:
    """A progress bar's final text (tqdm's ``label 100% 3/3 [...]``), or None if ``view`` is no bar."""
    model = state.get(view["model_id"].replace("IPY_MODEL_", ""), {})
    parts = [state.get(c.replace("IPY_MODEL_", ""), {}) for c in model.get("state", {}).get("children", [])]
    if not any(p.get("model_name") in ("FloatProgressModel", "IntProgressModel") for p in parts):
        return None
    texts = [_plain(p["state"]["value"]).strip() for p in parts if p.get("model_name") == "HTMLModel" and p.get("state", {}).get("value")]
    bar = next(p["state"] for p in parts if p.get("model_name") in ("FloatProgressModel", "IntProgressModel"))
    return " ".join(t for t in texts if t) or f"{bar.get('value', 0):g}/{bar.get('max', 0):g}"


def _widget_html(view: dict, state: dict) -> str | None:
    """A static picture of an explorer's saved state: control values, status text and its plot."""
    controls, texts, images = [], [], []

    def walk(model_id: str) -> None:
        model = state.get(model_id.replace("IPY_MODEL_", ""))
        if model is None:
            return
        s = model.get("state", {})
        name = model.get("model_name", "")
        if name == "OutputModel":
            for out in s.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if png:
                    images.append(png)
        elif name in ("HTMLModel", "LabelModel") and s.get("value"):
            texts.append(_plain(s["value"]).strip(" ·"))
        elif s.get("description") and ("value" in s or "index" in s):
            value = s.get("value")
            if value is None and s.get("_options_labels") and s.get("index") is not None:
                value = s["_options_labels"][s["index"]]
            controls.append(f"{s['description']} = {value}")
        for child in s.get("children", []):
            walk(child)

    walk(view["model_id"])
    if not images:
        return None
    caption = " · ".join(html.escape(t) for t in controls + texts if t)
    png = images[-1].strip()
    w, h = _png_size(png)
    k = min(1.5, (WIDTH - 60) / w, (IMG_MAX_H - 40) / h)
    img = (f'<img class="tslab-explorer-img" src="data:image/png;base64,{png}" width="{round(w * k)}" '
           f'height="{round(h * k)}" alt="explorer plot">')
    return (
        f'<div class="tslab-explorer-static"><p class="tslab-explorer-values">{caption}</p>{img}'
        '<p class="tslab-explorer-note">Saved state of the explorer: it is live in JupyterLab, '
        "where the sliders retrain the model.</p></div>"
    )


def _split_markdown(source: str) -> list[tuple[str, str]]:
    """Cut a markdown cell before every ``#``/``##``/``###`` heading: ``[(level, text), ...]``.

    ``level`` is ``"#"``, ``"##"``, ``"###"`` for a piece that starts with a heading, else ``""``.
    Headings inside code fences, display math or a ``<details>`` block do not count.
    """
    pieces: list[tuple[str, list[str]]] = [("", [])]
    fence = math_block = False
    details = 0
    for line in source.splitlines():
        if BADGE.match(line):
            continue
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
        elif stripped.count("$$") % 2 == 1 and not fence:
            math_block = not math_block
        m = HEADING.match(line) if not (fence or math_block or details > 0) else None
        details += stripped.count("<details") - stripped.count("</details>")
        if m:
            pieces.append((m.group(1), [line]))
        else:
            pieces[-1][1].append(line)
    result = [(level, "\n".join(lines).strip("\n")) for level, lines in pieces]
    return [(level, text) for level, text in result if text.strip()]


def _blocks(markdown: str) -> list[str]:
    """Paragraph-level blocks of markdown, never cutting a fence, display math, list, table or <details>."""
    blocks: list[list[str]] = [[]]
    fence = math_block = False
    details = 0
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
        elif not fence and stripped.count("$$") % 2 == 1:
            math_block = not math_block
        details += stripped.count("<details") - stripped.count("</details>")
        inside = fence or math_block or details > 0
        if not stripped and not inside:
            blocks.append([])
            continue
        # a list item after a blank line continues the list
        if blocks[-1] == [] and len(blocks) > 1 and re.match(r"\s*([-*+]|\d+[.)])\s", line):
            prev = blocks[-2]
            if prev and re.match(r"\s*([-*+]|\d+[.)])\s", prev[0]):
                blocks.pop()
                blocks[-1].append("")
        blocks[-1].append(line)
    return ["\n".join(b) for b in blocks if any(x.strip() for x in b)]


def _text_height(markdown: str) -> float:
    """Rough rendered height (px) of a markdown block on a slide."""
    height = 14.0  # paragraph margin
    lines = markdown.splitlines()
    if lines and lines[0].strip().startswith("<details"):
        return 2 * TEXT_LINE  # collapsed: only the summary shows
    display_math = 0
    for line in lines:
        text = re.sub(r"\$\$?([^$]*)\$\$?", lambda m: "x" * max(1, len(m.group(1)) // 3), line)
        text = re.sub(r"\]\([^)]*\)", "]", text)
        if "$$" in line:
            display_math += 1
            height += 1.5 * TEXT_LINE * (1 + line.count("\\\\")) if len(line.strip()) > 2 else 0
            continue
        if re.match(r"^#{1,3}\s", line):
            height += 70 if line.startswith(("# ", "## ")) else 52
        elif line.strip().startswith("|"):
            height += 38 if not re.match(r"^\s*\|[\s:|-]+\|\s*$", line) else 0
        elif line.strip():
            height += TEXT_LINE * max(1, math.ceil(len(text) / TEXT_CHARS))
    if display_math and "\\frac" in markdown:
        height += 20
    return height


def _output_height(out: dict) -> float:
    data = out.get("data", {})
    if out.get("output_type") == "stream":
        text = out.get("text", "")
    elif "image/png" in data:
        size = out.get("metadata", {}).get("image/png", {})
        w, h = _png_size(data["image/png"])
        return size.get("height", min(h, IMG_MAX_H)) + 10
    elif "text/html" in data:
        body = "".join(data["text/html"])
        if "tslab-explorer-static" in body:
            return IMG_MAX_H + 2 * CODE_LINE + 30
        return 36 * max(1, body.count("<tr")) + 10
    elif "text/markdown" in data:
        return _text_height("".join(data["text/markdown"]))
    else:
        text = "".join(data.get("text/plain", ""))
    lines = text.rstrip("\n").splitlines() or [""]
    return 8 + CODE_LINE * sum(max(1, math.ceil(len(line) / (CODE_CHARS * 1.25))) for line in lines)


def _cell_height(cell: nbformat.NotebookNode) -> float:
    if cell.cell_type == "markdown":
        return _text_height(cell.source)
    lines = [] if cell.metadata.get("transient", {}).get("remove_source") else cell.source.splitlines()
    height = (24 if lines else 0) + CODE_LINE * sum(max(1, math.ceil(len(line) / (CODE_CHARS * 1.25))) for line in lines)
    return height + sum(_output_height(o) for o in cell.get("outputs", []))


def _md(source: str, kind: str = "-") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["slideshow"] = {"slide_type": kind}
    return cell


def deck_notebook(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[dict]]:
    """The notebook as the deck shows it, and one record per slide (for the lecture plan).

    Works on a copy; ``nb`` is not changed.
    """
    nb = copy.deepcopy(nb)
    widget_state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    nb.metadata.pop("widgets", None)  # no widget manager in the deck: explorers become pictures

    # 1. the cells the deck shows, markdown cut at every heading
    units: list[tuple[str, nbformat.NotebookNode]] = []  # (heading level or "", cell)
    seen_setup = False
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if SKIP_TAG in tags or cell.metadata.get("slideshow", {}).get("slide_type") in ("skip", "notes"):
            continue
        if cell.cell_type == "markdown":
            for level, text in _split_markdown(cell.source):
                for i, block in enumerate(_blocks(text)):
                    units.append((level if i == 0 else "", _md(block)))
            continue
        if cell.cell_type != "code":
            continue
        source = NBVAL.sub("", cell.source).strip("\n")
        if source.startswith(BOOTSTRAP_MARK):
            continue
        if not seen_setup:
            seen_setup = True
            if _is_setup_cell(cell):
                continue
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                outputs.append(out)
                continue
            data = out.get("data", {})
            if WIDGET_VIEW in data and (bar := _progress_text(data[WIDGET_VIEW], widget_state)) is not None:
                out = nbformat.v4.new_output("stream", name="stdout", text=bar + "\n")  # a finished progress bar
            elif WIDGET_VIEW in data:
                static = _widget_html(data[WIDGET_VIEW], widget_state)
                text = static or (
                    '<p class="tslab-explorer-note tslab-explorer-missing">Explorer: no saved state '
                    "in this notebook. Run it in JupyterLab.</p>"
                )
                out = nbformat.v4.new_output("display_data", data={"text/html": text})
            elif "image/png" in data:
                data.pop("text/plain", None)  # "<Figure size ...>" means nothing on a slide
                _scale_image(out)
            outputs.append(out)
        if _is_setup_only(source) and not outputs:
            continue
        cell.source = _collapse_long_defs(source)
        cell.outputs = outputs
        cell.metadata = {"slideshow": {"slide_type": "-"}}
        units.extend(("", part) for part in _split_cell(cell))

    # 2. slides: a heading starts one; a slide taller than the budget continues on sub-slides
    cells: list[nbformat.NotebookNode] = []
    slides: list[dict] = []
    title = ""
    for level, cell in units:
        height = _cell_height(cell)
        if level in ("#", "##", "###"):
            title = cell.source.splitlines()[0].lstrip("#").strip()
            cell.metadata["slideshow"] = {"slide_type": "slide" if level in ("#", "##") else "subslide"}
            slides.append({"title": title, "level": level, "height": 0.0, "cells": 0, "code": 0, "explorer": False})
        elif not slides:
            cell.metadata["slideshow"] = {"slide_type": "slide"}
            slides.append({"title": "", "level": "#", "height": 0.0, "cells": 0, "code": 0, "explorer": False})
        elif slides[-1]["height"] + height > BUDGET and slides[-1]["cells"] > 0:
            # a sentence that introduces what follows ("...:") moves along with it
            lead = None
            if slides[-1]["cells"] >= 2 and cells[-1].cell_type == "markdown" and cells[-1].source.rstrip().endswith(":"):
                lead = cells.pop()
                slides[-1]["height"] -= _cell_height(lead)
                slides[-1]["cells"] -= 1
            plain = re.sub(r"[`*$]", "", title)
            cells.append(_md(f'<p class="tslab-cont">{html.escape(plain)} (continued)</p>', "subslide"))
            slides.append({"title": f"{plain} (continued)", "level": "cont", "height": 40.0, "cells": 0,
                           "code": 0, "explorer": False})
            if lead is not None:
                cells.append(lead)
                slides[-1]["height"] += _cell_height(lead)
                slides[-1]["cells"] += 1
        slide = slides[-1]
        slide["height"] += height
        slide["cells"] += 1
        if cell.cell_type == "code":
            slide["code"] += 1
            slide["explorer"] |= any("tslab-explorer" in "".join(o.get("data", {}).get("text/html", ""))
                                     for o in cell.outputs)
        cells.append(cell)
    nb.cells = cells
    return nb, slides


# ----------------------------------------------------------------------------------- lecture plan
MIN_PER_SLIDE, MIN_PER_CODE, MIN_EXPLORER, MIN_EXERCISES = 1.0, 0.5, 5.0, 10.0


def lecture_plan(name: str, slides: list[dict]) -> str:
    """A lecture plan from the slide records: sections, slide numbers, minutes, pauses.

    Minutes are a rule of thumb (1 per slide, ½ per code cell, 5 per explorer demo, 10 for the
    exercises), not a measurement: adjust them to your class.
    """
    sections: list[dict] = []
    for number, slide in enumerate(slides, start=1):
        if slide["level"] in ("#", "##") or not sections:
            sections.append({"title": slide["title"], "first": number, "last": number, "minutes": 0.0,
                             "explorer": False})
        section = sections[-1]
        section["last"] = number
        section["minutes"] += MIN_PER_SLIDE + MIN_PER_CODE * slide["code"] + MIN_EXPLORER * slide["explorer"]
        section["explorer"] |= slide["explorer"]
        if slide["level"] in ("#", "##") and slide["title"].lower().startswith("exercise"):
            section["minutes"] += MIN_EXERCISES
    total = sum(s["minutes"] for s in sections)
    lines = [f"# Lecture plan: {name}", "",
             f"{len(slides)} slides, about {total:.0f} minutes (rule of thumb: 1 min per slide, ½ per code "
             f"cell, {MIN_EXPLORER:.0f} per explorer demo, {MIN_EXERCISES:.0f} for the exercises).", "",
             "| slides | section | minutes | note |", "|---|---|---|---|"]
    for s in sections:
        span = f"{s['first']}" if s["first"] == s["last"] else f"{s['first']}–{s['last']}"
        note = "pause: open the explorer live in JupyterLab" if s["explorer"] else ""
        if s["title"].lower().startswith("exercise"):
            note = "pause: learners work in their notebook"
        lines.append(f"| {span} | {s['title'] or '(title)'} | {s['minutes']:.0f} | {note} |")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------- the template
CSS = """
.reveal { font-size: 100%; }
:root {
  --jp-ui-font-size1: 21px; --jp-content-font-size1: 21px; --jp-code-font-size: 18px;
  --jp-content-font-family: "Source Sans Pro", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  --jp-ui-font-family: var(--jp-content-font-family);
  --jp-code-font-family: "DejaVu Sans Mono", "Liberation Mono", monospace;
}
.reveal .slides section { height: 100%; overflow: hidden; padding: 0; }
.reveal .slides > section > section, .reveal .slides > section { top: 0 !important; }
.reveal .jp-RenderedHTMLCommon { padding-right: 0; }
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3 { text-transform: none; }
.reveal .jp-RenderedHTMLCommon table { width: auto; table-layout: auto; }
.reveal .jp-RenderedHTMLCommon h1 { font-size: 44px; margin: 0 0 12px; }
.reveal .jp-RenderedHTMLCommon h2 { font-size: 36px; margin: 0 0 10px; }
.reveal .jp-RenderedHTMLCommon h3 { font-size: 30px; margin: 0 0 8px; }
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon li { line-height: 1.4; }
.reveal .jp-RenderedHTMLCommon p { margin: 0 0 10px; }
.reveal .jp-RenderedHTMLCommon table { margin: 4px 0 10px; }
.reveal .jp-Cell { padding: 2px 0; }
.reveal .jp-InputArea-editor { padding: 0; }
.reveal pre { box-sizing: border-box; width: 100%; max-width: 100%; }
.reveal .jp-InputArea-editor pre, .reveal div.highlight > pre {
  font-size: var(--jp-code-font-size); line-height: 1.35; white-space: pre; overflow: hidden; padding: 6px 8px; }
.reveal .jp-OutputArea-output pre {
  font-size: var(--jp-code-font-size); line-height: 1.35; white-space: pre; word-break: normal;
  overflow-wrap: normal; overflow: hidden; }
.reveal .jp-OutputArea-output img { max-width: 100%; max-height: 440px; height: auto; object-fit: contain; }
.reveal .tslab-explorer-static img { max-height: 420px; }
.reveal .tslab-explorer-values { font-weight: 600; margin: 0 0 4px; }
.reveal .tslab-explorer-note { font-style: italic; color: #555; margin: 4px 0 0; }
.reveal .tslab-cont { color: #555; font-size: 24px; margin: 0 0 6px; }
.reveal .slide-number { font-size: 18px; }
"""

FIT_JS = """
    // Fit the slide on screen: shrink code/output that is too wide (then wrap at spaces only), and
    // if the slide is still taller than the canvas, zoom it. The zoom is stored for the tests.
    var FOOTER = FOOTER_PX;  // px kept free at the bottom for the slide number and the arrows
    function fitSlide(slide) {
      if (!slide) return;
      slide.style.zoom = '';
      slide.querySelectorAll('pre').forEach(function (pre) {
        pre.style.fontSize = ''; pre.style.whiteSpace = '';
        var size = parseFloat(getComputedStyle(pre).fontSize);
        while (pre.scrollWidth > pre.clientWidth + 1 && size > 13) { size -= 1; pre.style.fontSize = size + 'px'; }
        if (pre.scrollWidth > pre.clientWidth + 1) pre.style.whiteSpace = 'pre-wrap';
      });
      slide.querySelectorAll('.MJXc-display, .MathJax_Display').forEach(function (m) {
        m.style.fontSize = '';
        var pct = 100;  // a display equation wider than the slide is set smaller, never cut
        while (m.scrollWidth > m.clientWidth + 1 && pct > 60) { pct -= 5; m.style.fontSize = pct + '%'; }
      });
      slide.querySelectorAll('table').forEach(function (t) {
        t.style.fontSize = '';
        var box = t.parentElement, size = parseFloat(getComputedStyle(t).fontSize);
        while (t.offsetWidth > box.clientWidth + 1 && size > 13) { size -= 1; t.style.fontSize = size + 'px'; }
      });
      var scale = Reveal.getScale() || 1, top = slide.getBoundingClientRect().top, bottom = top;
      Array.prototype.forEach.call(slide.children, function (child) {
        bottom = Math.max(bottom, child.getBoundingClientRect().bottom);
      });
      var used = (bottom - top) / scale, room = Reveal.getConfig().height - FOOTER;
      var zoom = used > room ? Math.max(0.5, room / used) : 1;
      if (zoom < 1) slide.style.zoom = zoom;
      slide.dataset.tslabZoom = zoom.toFixed(3);
      slide.dataset.tslabHeight = Math.round(used);
      slide.dataset.tslabFitted = '1';
    }
    var mathReady = !(window.MathJax && MathJax.Hub);
    function fitCurrent() {
      var slide = Reveal.getCurrentSlide();
      if (!slide) return;
      slide.dataset.tslabFitted = '';
      if (!mathReady) return;  // called again once MathJax has typeset the page
      var images = Array.prototype.slice.call(slide.querySelectorAll('img')).filter(function (i) { return !i.complete; });
      var done = function () {
        if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(function () { fitSlide(slide); }); }
        else { fitSlide(slide); }
      };
      if (!images.length) return done();
      var left = images.length;
      images.forEach(function (i) { var f = function () { if (--left === 0) done(); };
        i.addEventListener('load', f); i.addEventListener('error', f); });
    }
"""

TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}<link rel="icon" href="data:,">{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
  // no automatic line breaks: they make inline math in a table cell as wide as the page
  MathJax.Hub.Config({CommonHTML: {linebreaks: {automatic: false}}, "HTML-CSS": {linebreaks: {automatic: false}}});
</script>
{%- endblock html_head_js_mathjax -%}
{% block notebook_css %}
{{ super() }}
<style type="text/css">"""
    + CSS
    + """</style>
{% endblock notebook_css %}
{% block footer_js %}
<script>
require(
    {waitSeconds: 60},
    ["{{ reveal_url_prefix }}/dist/reveal.js", "{{ reveal_url_prefix }}/plugin/notes/notes.js"],
    function (Reveal, RevealNotes) {
"""
    + FIT_JS.replace("FOOTER_PX", str(FOOTER))
    + """
      window.Reveal = Reveal;
      Reveal.initialize({
        controls: true, progress: true, history: true, hash: true,
        transition: "none", slideNumber: "c/t", navigationMode: "linear",
        center: false, width: 1280, height: 720, margin: 0.02, minScale: 0.2, maxScale: 2.0,
        plugins: [RevealNotes]
      }).then(function () {
        if (mathReady) return fitCurrent();
        MathJax.Hub.Register.StartupHook('End', function () { mathReady = true; fitCurrent(); });
      });
      document.addEventListener('toggle', fitCurrent, true);  // a solution opened: fit again
      Reveal.on('slidechanged', function () {
        var slide = Reveal.getCurrentSlide();
        if (mathReady && window.MathJax && MathJax.Hub && MathJax.Hub.getAllJax(slide).length) {
          MathJax.Hub.Queue(['Rerender', MathJax.Hub, slide]);  // math typeset while hidden
        }
        fitCurrent();
      });
    }
);
</script>
{% endblock footer_js %}
"""
)


def build(ipynb: Path, out: Path, vendor_rel: str) -> tuple[Path, list[dict]]:
    """Convert one executed notebook into ``out/<stem>.slides.html`` (and its ``.plan.md``)."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    nb, slides = deck_notebook(nbformat.read(ipynb, as_version=4))
    plan = lecture_plan(ipynb.stem, slides)
    notes = _md(plan, "notes")
    nb.cells.insert(1, notes)  # speaker notes of the title slide (press S)
    config = Config()
    exporter_config = {
        "reveal_url_prefix": f"{vendor_rel}/reveal.js",
        "require_js_url": f"{vendor_rel}/requirejs/require.js",
        "mathjax_url": f"{vendor_rel}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        "jquery_url": f"{vendor_rel}/jquery/dist/jquery.min.js",
        "reveal_theme": "white",  # its font ships with reveal.js; "simple" imports Google Fonts
        "reveal_transition": "none",
        "exclude_input_prompt": True,
        "exclude_output_prompt": True,
        "template_file": "tslab_slides.html.j2",
    }
    for key, value in exporter_config.items():
        setattr(config.SlidesExporter, key, value)
    exporter = SlidesExporter(config=config, extra_loaders=[DictLoader({"tslab_slides.html.j2": TEMPLATE})])
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": ipynb.stem}})
    deck = out / f"{ipynb.stem}.slides.html"
    deck.write_text(body)
    (out / f"{ipynb.stem}.plan.md").write_text(plan)
    return deck, slides


def external_urls(html_path: Path) -> list[str]:
    """Web addresses a deck would still load (none should remain)."""
    return EXTERNAL.findall(html_path.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description="Build offline reveal.js decks from the notebooks.")
    parser.add_argument("names", nargs="*", help="notebook names or number prefixes (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: slides/)")
    parser.add_argument("--vendor", type=Path,
                        help="folder with reveal.js/, requirejs/, mathjax/, jquery/ (default: OUT/_vendor)")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch the vendored assets")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    vendor_dir = (args.vendor or out / "_vendor").resolve()
    if not args.no_fetch:
        vendor_dir.mkdir(parents=True, exist_ok=True)
        vendor(vendor_dir)
    rel = Path(os.path.relpath(vendor_dir, out)).as_posix()
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = [p for p in paths if any(p.stem.startswith(n) for n in args.names)]
    problems = 0
    for ipynb in paths:
        deck, slides = build(ipynb, out, rel)
        urls = external_urls(deck)
        problems += bool(urls)
        status = f"STILL LOADS {urls}" if urls else "offline"
        print(f"{deck.relative_to(out.parent)}: {len(slides)} slides ({status})", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
