"""The training lab in a real browser: JupyterLab on loopback, headless Chromium
driven by Playwright. Runs all cells of notebook 07, waits until the lab says it is
live, checks its layout (nothing clipped, covered or wrapped), moves the learning-rate
and hidden-size sliders, clicks Train, and waits until the curves are redrawn and the
kernel reports the new settings. It waits only for conditions, never for a time or for
network idle. Everything it writes goes to a temporary folder.
The server requires a random token (secrets.token_hex), so that no other local user
can run code through it while the test runs.
"""
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from common.lab_view import BATCH_SIZES, EPOCHS, HIDDEN_SIZES, LEARNING_RATES, PLACEHOLDER, SUBSETS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NOTEBOOK = "07_training_on_mnist.ipynb"
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


# Every problem of the lab's layout in the page: texts clipped (readouts, labels, buttons), controls
# that overlap or stick out of the lab, toggle buttons on more than one row. widest: for each slider
# (in order) the widest text its readout must show, measured in the readout's own font.
LAYOUT_PROBLEMS = """([lab, widest]) => {
    const problems = [];
    const box = lab.getBoundingClientRect();
    const canvas = document.createElement("canvas").getContext("2d");
    const textWidth = (text, element) => { canvas.font = getComputedStyle(element).font; return canvas.measureText(text).width; };
    const readouts = [...lab.querySelectorAll(".widget-readout")];
    if (readouts.length !== widest.length) problems.push(`${readouts.length} slider readouts, not ${widest.length}`);
    readouts.forEach((r, i) => {
        if (i < widest.length && r.clientWidth < textWidth(widest[i], r)) problems.push(`readout ${i} is ${r.clientWidth} px, too narrow for "${widest[i]}"`);
    });
    const labels = [...lab.querySelectorAll(".widget-html-content")].filter(e => e.closest(".widget-hbox"));
    const parts = [...readouts, ...labels, ...lab.querySelectorAll("button, select, .noUi-target, .progress")];
    for (const e of parts) {
        const b = e.getBoundingClientRect();
        if (e.scrollWidth > e.clientWidth + 1) problems.push(`"${e.textContent.trim()}" is clipped (${e.scrollWidth} > ${e.clientWidth} px)`);
        if (b.left < box.left - 1 || b.right > box.right + 1) problems.push(`"${e.textContent.trim() || e.className}" sticks out of the lab`);
    }
    for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
        const [a, b] = [parts[i], parts[j]];
        if (a.contains(b) || b.contains(a)) continue;
        const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1;
        if (overlap) problems.push(`"${a.textContent.trim() || a.className}" and "${b.textContent.trim() || b.className}" overlap`);
    }
    for (const group of lab.querySelectorAll(".widget-toggle-buttons")) {
        const rows = new Set([...group.querySelectorAll("button")].map(b => Math.round(b.getBoundingClientRect().top)));
        if (rows.size !== 1) problems.push(`toggle buttons ${group.textContent} on ${rows.size} rows`);
    }
    return problems;
}"""


def widest_readouts(x_train_size=60000):
    """The widest text each slider of the lab shows (in its order), by character count."""
    subsets = [n for n in SUBSETS if n < x_train_size] + [x_train_size]
    return [max((f"{v:g}" for v in values), key=len) for values in (LEARNING_RATES, HIDDEN_SIZES, BATCH_SIZES, EPOCHS,
                                                                  subsets)]


def run_notebooks():
    """notebooks/run_notebooks.py as a module: the notebooks' environment and MNIST check."""
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "notebooks" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requirements_missing():
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """PIDs of every process below pid, read from /proc."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.fixture
def jupyterlab(tmp_path, full_mnist_dir):
    """A JupyterLab server serving a copy of notebook 07 (which needs the full MNIST set:
    full_mnist_dir skips without it). Yields the server's URL, the token and the temporary folder."""
    reason = requirements_missing()
    if reason:
        pytest.skip(reason)
    with jupyterlab_server(tmp_path, [ROOT / "notebooks" / NOTEBOOK], {"MNIST_DIR": str(full_mnist_dir)}) as served:
        yield served


@contextlib.contextmanager
def jupyterlab_server(tmp_path, notebooks, extra_env=None):
    """A JupyterLab server on 127.0.0.1 serving copies of the given notebooks from a temporary
    folder, with throw-away settings; stopped with its kernels by PID. It requires a random
    token, passed in its environment (JUPYTER_TOKEN), not on its command line, which any local
    user can read in /proc. Yields the server's URL, the token and the temporary folder."""
    served = tmp_path / "served"
    served.mkdir()
    for path in notebooks:
        shutil.copy(path, served / path.name)
    app_settings = tmp_path / "app-settings"
    app_settings.mkdir()
    (app_settings / "overrides.json").write_text(json.dumps(OVERRIDES))
    token = secrets.token_hex(32)
    env = {**os.environ, **run_notebooks().reproducible_env(), **(extra_env or {}),
           "JUPYTER_TOKEN": token,
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "IPYTHONDIR": str(tmp_path / "ipython"), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    port = free_port()
    log = open(tmp_path / "jupyterlab.log", "w")  # noqa: SIM115 (closed in teardown)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.root_dir={served}",
         f"--LabApp.app_settings_dir={app_settings}", f"--LabApp.user_settings_dir={tmp_path / 'user-settings'}",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
        cwd=served, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        status = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
        for _ in range(300):
            try:
                urllib.request.urlopen(status, timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((tmp_path / "jupyterlab.log").read_text()) from None
                time.sleep(0.2)
        else:
            raise RuntimeError("JupyterLab did not answer within 60 s:\n" + (tmp_path / "jupyterlab.log").read_text())
        assert token not in Path(f"/proc/{server.pid}/cmdline").read_text()  # readable by any user
        yield url, token, tmp_path
    finally:
        pids = [server.pid, *descendants(server.pid)]  # the server and its kernels
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            server.wait()
        log.close()


def test_lab_sliders_and_train_in_a_real_browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    url, token, tmp_path = jupyterlab
    for headers in ({}, {"Authorization": "token wrong"}):  # without the token, no access
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(f"{url}/api/contents", headers=headers), timeout=5)
        assert refused.value.code == 403
    stored = (ROOT / "notebooks" / NOTEBOOK).read_bytes()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}")
            status_bar = page.locator("#jp-main-statusbar")
            status_bar.get_by_text("Idle").wait_for(timeout=60_000)
            # before it runs, JupyterLab shows the stored output's text: a line saying how to start the lab
            page.locator(".jp-OutputArea-output", has_text=PLACEHOLDER).wait_for(timeout=30_000)

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
            page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
            outputs = page.locator(".jp-OutputArea-output")
            outputs.filter(has_text="runs on the comparison plot").wait_for(timeout=180_000)  # the lab's last cell
            # the front end has told the kernel it shows the lab: only now does the lab say Train works
            status = page.locator(".widget-html-content", has_text="Press Train for run 3")
            status.wait_for(timeout=60_000)
            assert "Inactive" not in status.inner_text()
            handles = page.locator(".noUi-handle")
            handles.nth(4).wait_for(timeout=30_000)
            lab = page.locator(".widget-vbox", has=page.locator(".noUi-handle")).first
            lab.scroll_into_view_if_needed()
            problems = page.evaluate(LAYOUT_PROBLEMS, [lab.element_handle(), widest_readouts()])
            assert problems == [], problems
            for index in (0, 1):  # learning rate 0.1 -> 0.2, hidden size 100 -> 200 (the next 1-2-3-5 options)
                handles.nth(index).focus()
                page.keyboard.press("ArrowRight")
            curves = page.locator("img.widget-image").first
            before = curves.get_attribute("src")
            page.locator("button.jupyter-button", has_text="Train").click()

            run = page.locator(".widget-html-content tr", has_text="hidden=200")  # the table of runs
            run.filter(has_text="finished").wait_for(timeout=60_000)
            assert "lr=0.2 " in run.first.inner_text()
            page.wait_for_function("([img, src]) => img.src !== src", arg=[curves.element_handle(), before],
                                   timeout=10_000)
            page.screenshot(path=str(tmp_path / "lab.png"), full_page=False)
            curves.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "lab-curves.png"))
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            raise
        finally:
            browser.close()
    assert (tmp_path / "lab-curves.png").stat().st_size > 10_000
    assert (ROOT / "notebooks" / NOTEBOOK).read_bytes() == stored  # nothing written into the repo
