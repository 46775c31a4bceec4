"""Every notebook pair is in sync, executed, and carries the Colab badge, bootstrap and slides.

nbval (run by the same `pytest` command) executes the notebooks; this file checks the things
nbval does not: that the committed .ipynb is what scripts/build_notebooks.py makes of the .py.
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def test_there_are_notebooks():
    assert SOURCES, "no notebooks/NN_name.py found"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebook_pair_in_sync_executed_with_badge_bootstrap_and_slides(path):
    assert build.check(path) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebook_badge_points_at_the_configured_repository(path):
    nb = json.loads(path.with_suffix(".ipynb").read_text())
    repo, branch = build.repository()
    first = "".join(nb["cells"][0]["source"])
    assert f"colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{path.stem}.ipynb" in first


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebook_has_the_skeleton(path):
    text = path.read_text()
    assert "**Learning goals" in text, "learning goals missing"
    assert "## Summary" in text, "summary missing"
    assert "## Exercises" in text, "exercises missing"
    assert "tslab.exercises import" in text, "no automatic exercise check"
    assert "<details>" in text, "solutions (in a <details> block) missing"
    assert "seed_everything(" in text, "setup cell does not seed"


def test_bootstrap_does_nothing_outside_colab():
    namespace: dict = {}
    exec(compile(build.bootstrap_source(), "bootstrap", "exec"), namespace)  # must not pip-install here
    assert "google.colab" not in __import__("sys").modules
