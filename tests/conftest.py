"""Shared fixtures: the demo workspace, a running app server and headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from pgserver import free_port

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
    from dashboard.model.workspace import read_workspace

    return read_workspace(DEMO)


@pytest.fixture(scope="session")
def pg():
    """A throwaway PostgreSQL 15 + PostGIS server for this test run (tests/pgserver.py); skipped
    with the reason where the binaries are not installed (``make database`` installs them)."""
    from pgserver import Server, missing

    reason = missing()
    if reason:
        pytest.skip(reason)
    server = Server().start()
    yield server
    from dashboard.model import postgis

    postgis.close_pools()
    server.stop()


@pytest.fixture(scope="session")
def pg_demo_template(pg) -> str:
    """Name of a database holding the demo workspace in schema ``demo`` (a template: copied, never used)."""
    from dashboard.model import postgis
    from dashboard.model.store import copy_workspace

    pg.create_database("demo_template")
    copy_workspace(DEMO, pg.url("demo", "demo_template"))
    postgis.close_pools()  # a template database must have no open connection
    return "demo_template"


_pg_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_workspace(pg, pg_demo_template) -> str:
    """URL of a private copy of the demo workspace in the database (a fresh database each test)."""
    from dashboard.model import postgis

    name = f"t{next(_pg_databases)}"
    pg.create_database(name, template=pg_demo_template)
    yield pg.url("demo", name)
    postgis.close_pools()


def content_of(location) -> str:
    """What a workspace holds, as a stamp that changes with any write: a file's SHA-256, a
    database's change counter."""
    import hashlib

    from dashboard.model.workspace import is_database

    if is_database(location):
        from dashboard.model.store import change_stamp

        return str(change_stamp(location))
    return hashlib.sha256(Path(location).read_bytes()).hexdigest()


PAGE_TEST_MARKS = ("run_app(", "new_app(", "AppTest.")


def pytest_generate_tests(metafunc):
    """Every page test (one that runs the app through AppTest) runs once per workspace back end,
    GeoPackage and PostgreSQL/PostGIS, so the two cannot drift."""
    import inspect

    try:
        source = inspect.getsource(metafunc.function)
    except (OSError, TypeError):
        return
    if any(mark in source for mark in PAGE_TEST_MARKS) and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["gpkg", "postgis"], indirect=True)


@pytest.fixture(autouse=True)
def backend(request, monkeypatch):
    """The workspace back end of this test: 'gpkg' (the default) or 'postgis', where the app's
    workspace (environment and the built-in default) and ``workspace_copy`` are a private copy of
    the demo in the test database."""
    name = getattr(request, "param", "gpkg")
    if name == "postgis":
        from dashboard.model import settings

        url = request.getfixturevalue("pg_workspace")
        monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", url)
        monkeypatch.setattr(settings, "DEMO_WORKSPACE", url)
        request.node.workspace_url = url
    return name


@pytest.fixture
def workspace_copy(request, tmp_path, backend):
    """A private copy of the demo workspace: a file, or (back end 'postgis') the test database's."""
    if backend == "postgis":
        return request.node.workspace_url
    target = tmp_path / "stadt.gpkg"
    shutil.copy(DEMO, target)
    return target


class AppServer:
    """The app as `make run` starts it (`python -m dashboard serve`) on a loopback port.

    Its output is read continuously (a full pipe would block the server) and kept in
    ``output``; ``url`` answers only once this very process has reported its own address.
    """

    def __init__(self, proc: subprocess.Popen, port: int):
        self.proc, self.port, self.url = proc, port, f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.decode(errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def ready(self, deadline: float) -> bool:
        """Wait until the server answers its health check on our port; False if it died."""
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            if f":{self.port}" in self.output:  # our process printed its URL: the port is ours
                try:
                    with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5) as r:
                        if r.read() == b"ok":
                            return True
                except OSError:
                    pass
            self._reader.join(0.2)
        return False

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def launch(workspace: Path | None = None, env_extra: dict | None = None, args: tuple = (),
           args_for_port=None) -> AppServer:
    """Start the app on a free loopback port (another port if that one was taken meanwhile);
    ``args_for_port(port)`` gives Streamlit options that depend on the port (e.g. secrets)."""
    env = dict(os.environ)
    if workspace is not None:
        env["PRAEVENTIONSATLAS_WORKSPACE"] = str(workspace)
    env.update(env_extra or {})
    for _attempt in range(3):
        port = free_port()
        extra = tuple(args_for_port(port)) if args_for_port else ()
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--server.port", str(port),
             "--server.address", "127.0.0.1", *args, *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        server = AppServer(proc, port)
        if server.ready(time.time() + 90):
            return server
        server.stop()
        if "already in use" not in server.output:
            break
    raise RuntimeError(f"app did not start: {server.output[-2000:]}")


def start_app(workspace: Path | None = None, env_extra: dict | None = None, args: tuple = ()):
    """(process, base URL) of a freshly started app (see :func:`launch`)."""
    server = launch(workspace, env_extra, args)
    return server.proc, server.url


@pytest.fixture(scope="session")
def app_url():
    server = launch()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run 'make test' (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _script_finished(payload) -> bool:
    """True for the server's websocket message that a script run has finished (Streamlit's
    ForwardMsg ``script_finished``, successfully or as a fragment)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return False
    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:  # noqa: BLE001 - not a ForwardMsg
        return False
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished in (
        ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


def _keep_socket(page):
    """Count the script runs the server reports as finished, on every websocket the page
    opens (Streamlit reconnects when a busy server misses a heartbeat)."""
    page.finished_runs = 0

    def on_socket(ws):
        if "/_stcore/stream" not in ws.url:
            return
        page.app_socket = ws

        def on_frame(payload):
            if _script_finished(payload):
                page.finished_runs += 1

        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)


def new_context(browser, width: int = 1400, height: int = 1700):
    """A browser context whose pages keep the app's websocket (see :func:`rerun`)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.on("page", _keep_socket)
    return context


def app_idle(page, timeout=60_000):
    """Wait until the page shows no script run in flight (Streamlit's root element)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def rerun(page, action, timeout=60_000):
    """Do ``action()`` (a click or input that makes the app rerun) and wait until the server
    reports that a script run has finished after it (its websocket message ``script_finished``):
    the app's own state, not a time, and not the page's DOM, which may skip the "running"
    state when the browser is slow and handles several messages at once. Waits on frames of
    whichever socket is current (it may be replaced by a reconnect meanwhile)."""
    before = page.finished_runs
    action()
    deadline = time.monotonic() + timeout / 1000
    while page.finished_runs <= before:
        left = deadline - time.monotonic()
        if left <= 0:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "rerun_timeout.png"), full_page=True)
            raise TimeoutError(f"no script run finished within {timeout / 1000:.0f} s after the action")
        try:  # wakes on the next frame of the current socket (events are handled meanwhile)
            page.app_socket.wait_for_event("framereceived", timeout=min(left, 2.0) * 1000)
        except Exception:  # noqa: BLE001 - no frame within 2 s, or the socket closed: look again
            pass


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
    context = new_context(browser)
    try:
        pg = context.new_page()
        pg.watch = PageWatch(pg, urlparse(app_url).netloc)
        yield pg
    finally:
        context.close()


def settled(page, has_map: bool = False):
    """The page as a user sees it: its title shown, no script run in flight (Streamlit fades
    what a running script may replace) and, where there is one, the map drawn (its frame
    returned)."""
    page.wait_for_selector("h1", timeout=60_000)
    app_idle(page)
    frame = wait_for_map(page) if has_map else None
    page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    return frame


@pytest.fixture
def wide(browser):
    """A browser tab of a planner's screen (1440 × 900)."""
    context = new_context(browser, width=1440, height=900)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def planner_session(browser, workspace: Path, folder: Path):
    """(server, tab): the app on ``workspace`` with the planner account anna / geheim123 (in
    ``folder``) and a 1440 × 900 tab, not signed in yet."""
    from dashboard.model.accounts import add_account

    accounts = folder / "konten.toml"
    add_account(accounts, "anna", "planner", "geheim123")
    server = launch(workspace, {"PRAEVENTIONSATLAS_ACCOUNTS": str(accounts)})
    context = new_context(browser, width=1440, height=900)
    try:
        yield server, context.new_page()
    finally:
        context.close()
        server.stop()


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
    """Wait until Streamlit has finished the current rerun (see :func:`app_idle`)."""
    app_idle(page, timeout)
