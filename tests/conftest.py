"""Shared fixtures: the demo workspace, a running app server and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "geodata" / "demo_city.gpkg"
SHARED = ROOT.parent / "shared" / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return DEMO


@pytest.fixture(scope="session")
def demo_ws():
    from dashboard.workspace import read_workspace

    return read_workspace(DEMO)


@pytest.fixture
def workspace_copy(tmp_path) -> Path:
    """A private copy of the demo workspace file."""
    target = tmp_path / "stadt.gpkg"
    shutil.copy(DEMO, target)
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(workspace: Path | None = None, env_extra: dict | None = None, port: int | None = None,
              args: tuple = ()):
    """Start the app as `make run` does (`python -m dashboard serve`) on a (free) loopback port;
    returns (process, base URL)."""
    port = port or _free_port()
    env = dict(os.environ)
    if workspace is not None:
        env["PRAEVENTIONSATLAS_WORKSPACE"] = str(workspace)
    env.update(env_extra or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--server.port", str(port),
         "--server.address", "127.0.0.1", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"app did not start: {proc.stdout.read().decode(errors='replace')[-2000:]}")


@pytest.fixture(scope="session")
def app_url():
    proc, url = start_app()
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run 'make test' (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageWatch:
    """Records every request host and console error of a page."""

    def __init__(self, page, allowed_host: str):
        self.page, self.allowed = page, allowed_host
        self.external: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        page.on("request", self._request)
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _request(self, request):
        from urllib.parse import urlparse

        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.netloc != self.allowed:
            self.external.append(request.url)


@pytest.fixture
def page(browser, app_url):
    from urllib.parse import urlparse

    # Tall enough that the map needs no scrolling: Playwright's clicks into an iframe inside
    # Streamlit's scrolled main container land off by the scroll distance.
    context = browser.new_context(viewport={"width": 1400, "height": 1700})
    pg = context.new_page()
    watch = PageWatch(pg, urlparse(app_url).netloc)
    pg.watch = watch
    yield pg
    context.close()


def wait_for_map(page, timeout=30_000):
    """Wait until the st_folium iframe shows a Leaflet map with drawn vector paths; returns the frame."""
    page.wait_for_selector('iframe[data-testid="stCustomComponentV1"]', timeout=timeout)
    handle = page.query_selector('iframe[data-testid="stCustomComponentV1"]')
    frame = handle.content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=timeout)
    frame.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0",
                            timeout=timeout)
    return frame


def wait_idle(page, timeout=30_000):
    """Wait until Streamlit has finished the current rerun (its "Running…" status is gone), so
    that a following click is not swallowed by a rerun still in flight."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|Läuft/)",
        timeout=timeout)
