"""JupyterLab in a real browser: open a notebook, run all cells, move the hidden-size slider.

Starts JupyterLab on 127.0.0.1 (no token, a temporary root folder holding a copy of the
notebook), drives headless Chromium with Playwright, and asserts that the slider explorer's
parameter count changes when the hidden-size slider moves. Skipped when Chromium or Playwright is
missing, unless ``TSLAB_REQUIRE_BROWSER=1`` (set by CI), where a missing browser is a failure.
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
NOTEBOOK = ROOT / "notebooks" / "03_lstm.ipynb"
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
    _need(NOTEBOOK.exists(), f"{NOTEBOOK.name} does not exist")
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
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


def test_slider_explorer_updates_in_jupyterlab(lab_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(f"{lab_url}/lab/tree/{NOTEBOOK.name}")
    page.locator(".jp-Notebook").first.wait_for()
    _wait_idle(page, 120)

    page.get_by_text("Run", exact=True).first.click()
    page.get_by_text("Run All Cells", exact=True).click()

    count = page.locator(".tslab-param-count").first
    count.wait_for(state="visible", timeout=240_000)
    _wait_idle(page)
    count.scroll_into_view_if_needed()
    before = count.inner_text()
    assert "Parameters" in before, before

    handle = page.locator(".tslab-hidden-size .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
        arg=[".tslab-param-count", before],
        timeout=60_000,
    )
    after = count.inner_text()
    assert after != before and "Parameters" in after, (before, after)
    page.close()
