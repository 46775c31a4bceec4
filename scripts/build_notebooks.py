"""Regenerate the course notebooks: ``notebooks/NN_name.py`` → executed ``notebooks/NN_name.ipynb``.

The ``.py`` (jupytext percent format) is the source. For each notebook this script

1. writes the "Open in Colab" badge and the Colab bootstrap cell from the repository named once
   in ``pyproject.toml`` (``[tool.tslab] repository``),
2. sets slide metadata from the headings (``#``/``##`` start a slide, ``###`` a sub-slide, the
   bootstrap cell is skipped), so ``jupyter nbconvert --to slides`` gives a usable deck,
3. executes it top to bottom on the CPU in a fresh kernel (``TSLAB_DEVICE=cpu``),
4. writes the executed ``.ipynb`` and the ``.py`` back, so the pair stays in sync.

Usage::

    python scripts/build_notebooks.py              # every notebook
    python scripts/build_notebooks.py 02_rnn 03    # some (name or number prefix)
    python scripts/build_notebooks.py --check      # only verify badge, bootstrap, slides and pairing
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import re
import sys
import time
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, as a package
    import tomli as tomllib

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BOOTSTRAP_MARK = "# Colab bootstrap"
BADGE_RE = re.compile(r"^\[!\[Open In Colab\]\(.*\)\]\(.*\)\s*$")


def repository() -> tuple[str, str]:
    """``(owner/name, branch)`` from pyproject.toml's ``[tool.tslab]`` table."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["tslab"]
    return config["repository"], config.get("branch", "main")


def badge_line(stem: str) -> str:
    repo, branch = repository()
    url = f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{stem}.ipynb"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def bootstrap_source() -> str:
    repo, branch = repository()
    return f'''{BOOTSTRAP_MARK}: on Google Colab only, install tslab (and nothing else) from the repository.
# Colab already has torch, numpy, pandas, ipywidgets, statsmodels: --no-deps keeps them untouched.
# Anywhere else this cell does nothing (install the course with `pip install -e ".[dev]"`).
import subprocess
import sys

if "google.colab" in sys.modules:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "tslab @ git+https://github.com/{repo}@{branch}"],
        check=True,
    )'''


def slide_type(cell: nbformat.NotebookNode) -> str | None:
    if cell.cell_type == "code" and cell.source.startswith(BOOTSTRAP_MARK):
        return "skip"
    if cell.cell_type != "markdown":
        return None
    lines = [line for line in cell.source.splitlines() if line.strip() and not BADGE_RE.match(line)]
    first = lines[0] if lines else ""
    if first.startswith(("# ", "## ")):
        return "slide"
    if first.startswith("### "):
        return "subslide"
    return None


def prepare(nb: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """Badge in the first markdown cell, the bootstrap cell after it, slide metadata everywhere."""
    nb = copy.deepcopy(nb)
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown":
        raise ValueError(f"{stem}: the first cell must be the markdown title cell")
    title_lines = [line for line in cells[0].source.splitlines() if not BADGE_RE.match(line)]
    while title_lines and not title_lines[0].strip():
        title_lines.pop(0)
    cells[0].source = "\n".join([badge_line(stem), "", *title_lines])
    boot = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.startswith(BOOTSTRAP_MARK)]
    for i in reversed(boot):
        del cells[i]
    # the bootstrap goes right before the first code cell (after title and learning goals)
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    cells.insert(first_code, nbformat.v4.new_code_cell(bootstrap_source()))
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        # stable cell ids (a hash of the source) keep rebuilds from rewriting every id in the diff
        cell_id = hashlib.sha1(cell.source.encode()).hexdigest()[:8]
        cell.id = cell_id if cell_id not in seen else f"{cell_id}-{i}"
        seen.add(cell.id)
        cell.metadata.pop("slideshow", None)
        kind = slide_type(cell)
        if kind:
            cell.metadata["slideshow"] = {"slide_type": kind}
    nb.metadata["jupytext"] = {
        "formats": "ipynb,py:percent",
        "cell_metadata_filter": "tags,-all",  # only tags (e.g. slides-skip) in the .py; slide metadata comes from headings
        "notebook_metadata_filter": "-all",
    }
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = 600) -> float:
    """Run every cell in a fresh CPU kernel, in the notebooks folder; return the wall time in seconds."""
    from nbclient import NotebookClient

    os.environ["TSLAB_DEVICE"] = "cpu"
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # no per-cell timestamps: diffs of a rebuilt notebook stay readable
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def select(names: list[str]) -> list[Path]:
    sources = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    if not names:
        return sources
    chosen = [p for p in sources if any(p.stem == n or p.stem.startswith(n) for n in names)]
    unknown = [n for n in names if not any(p.stem == n or p.stem.startswith(n) for p in sources)]
    if unknown:
        raise SystemExit(f"no notebook matches {unknown}; available: {[p.stem for p in sources]}")
    return chosen


def check(path: Path) -> list[str]:
    """Problems with one notebook pair: badge, bootstrap, slides, and .py/.ipynb in sync."""
    problems = []
    ipynb = path.with_suffix(".ipynb")
    if not ipynb.exists():
        return [f"{path.name}: no {ipynb.name}"]
    source = jupytext.read(path)
    executed = nbformat.read(ipynb, as_version=4)
    wanted = prepare(source, path.stem)
    if [(c.cell_type, c.source) for c in wanted.cells] != [(c.cell_type, c.source) for c in executed.cells]:
        problems.append(f"{ipynb.name} is out of sync with {path.name} (or lacks badge/bootstrap): rebuild it")
    if any(c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None for c in executed.cells):
        problems.append(f"{ipynb.name} has unexecuted code cells: rebuild it")
    if not any(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in executed.cells):
        problems.append(f"{ipynb.name} has no slide metadata")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="notebook names or number prefixes (default: all)")
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 on a problem")
    parser.add_argument("--no-execute", action="store_true", help="write the pair without running it")
    args = parser.parse_args()
    paths = select(args.names)
    if args.check:
        problems = [p for path in paths for p in check(path)]
        print("\n".join(problems) or f"{len(paths)} notebook pair(s) OK")
        return 1 if problems else 0
    for path in paths:
        nb = prepare(jupytext.read(path), path.stem)
        seconds = 0.0 if args.no_execute else execute(nb)
        jupytext.write(nb, path.with_suffix(".ipynb"))
        jupytext.write(nb, path, fmt="py:percent")
        print(f"{path.stem}: {'written' if args.no_execute else f'executed in {seconds:.1f} s'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
