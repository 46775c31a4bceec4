"""JupyterLab in a real browser: open each notebook with an explorer, run all cells, move sliders.

Starts JupyterLab on 127.0.0.1 (no token, a temporary root folder holding copies of the
notebooks), drives headless Chromium with Playwright, and for the slider explorer of every
notebook (02-05) presses arrow keys on its sliders: each key press must bring a new plot (and
the parameter count must follow). The time from key press to new plot is printed per explorer
(median and worst): a benchmark figure, not a timed assert. Skipped when Chromium or Playwright
is missing, unless ``TSLAB_REQUIRE_BROWSER=1`` (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [ROOT / "notebooks" / f"{name}.ipynb" for name in ("02_rnn", "03_lstm", "04_gru", "05_training")]
# Each key press lands on a setting the notebook's own cells have not trained yet (they end on
# hidden 32 with 2 layers in 02-04, 1 layer in 05), so every measured update trains a new model.
PRESSES = [("hidden-size", "ArrowLeft"), ("hidden-size", "ArrowLeft"), ("num-layers", "ArrowRight"),
           ("hidden-size", "ArrowRight")]
REQUIRED = os.environ.get("TSLAB_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if REQUIRED:
            pytest.fail(f"{reason} (TSLAB_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    """A JupyterLab server on localhost with no token, serving a temporary copy of the notebook."""
    for notebook in NOTEBOOKS:
        _need(notebook.exists(), f"{notebook.name} does not exist")
    root = tmp_path_factory.mktemp("lab")
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, root / notebook.name)
    settings = root / "_settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no "news" toast over the page, no update check (the machine may have no network)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port = _free_port()
    env = {**os.environ, "TSLAB_DEVICE": "cpu", "JUPYTER_CONFIG_DIR": str(root / "_config")}
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.root_dir={root}", "--IdentityProvider.token=", "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True", f"--LabApp.user_settings_dir={root / '_settings'}",
        f"--LabApp.workspaces_dir={root / '_workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    server = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    out = server.stdout.read().decode(errors="replace") if server.stdout else ""
                    pytest.fail(f"JupyterLab did not start:\n{out[-3000:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    _need(chromium is not None, "Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _wait_idle(page, timeout_s: float = 240) -> None:
    """Wait until the kernel has been idle for two seconds in a row."""
    deadline = time.time() + timeout_s
    idle_since = None
    while time.time() < deadline:
        status = page.locator(".jp-StatusBar-TextItem", has_text="Python 3").first
        text = status.inner_text() if status.count() else ""
        if "Idle" in text:
            idle_since = idle_since or time.time()
            if time.time() - idle_since > 2:
                return
        else:
            idle_since = None
        time.sleep(0.25)
    raise AssertionError(f"kernel not idle after {timeout_s} s")


def _shutdown_kernels(url: str) -> None:
    with urllib.request.urlopen(f"{url}/api/kernels", timeout=10) as response:
        kernels = json.load(response)
    for kernel in kernels:
        request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _plot_src(page) -> str:
    return page.eval_on_selector(".tslab-output img", "e => e.src")


def _measure_explorer(page, lab_url: str, name: str, workspace: str) -> list[float]:
    """Run the notebook, then time each key press in PRESSES until the explorer shows a new plot."""
    page.goto(f"{lab_url}/lab/workspaces/{workspace}/tree/{name}")
    page.locator(".jp-Notebook").first.wait_for()
    _wait_idle(page, 120)
    page.get_by_text("Run", exact=True).first.click()
    page.get_by_text("Run All Cells", exact=True).click()
    count = page.locator(".tslab-param-count").first
    count.wait_for(state="visible", timeout=240_000)
    page.locator(".tslab-output img").first.wait_for(state="attached", timeout=240_000)
    _wait_idle(page)
    count.scroll_into_view_if_needed()
    seconds = []
    for slider, key in PRESSES:
        before_count, before_plot = count.inner_text(), _plot_src(page)
        assert "Parameters" in before_count, before_count
        handle = page.locator(f".tslab-{slider} .noUi-handle").first
        handle.focus()
        start = time.perf_counter()
        handle.press(key)
        page.wait_for_function(
            "old => { const e = document.querySelector('.tslab-output img'); return e && e.src !== old; }",
            arg=before_plot, timeout=120_000,
        )
        seconds.append(time.perf_counter() - start)
        after_count = count.inner_text()
        assert after_count != before_count and "Parameters" in after_count, (name, slider, before_count, after_count)
        _wait_idle(page, 60)
    return seconds


def test_every_explorer_answers_key_presses_with_a_new_plot(lab_url, browser, capsys):
    import statistics

    lines = []
    for i, notebook in enumerate(NOTEBOOKS):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            seconds = _measure_explorer(page, lab_url, notebook.name, f"w{i}")
        finally:
            page.close()
            _shutdown_kernels(lab_url)
        lines.append(f"{notebook.stem:<12} key press -> new plot: median {statistics.median(seconds):.2f} s, "
                     f"worst {max(seconds):.2f} s  ({', '.join(f'{t:.2f}' for t in seconds)})")
    with capsys.disabled():
        print("\nexplorer latency in JupyterLab (headless Chromium):\n" + "\n".join(lines))
