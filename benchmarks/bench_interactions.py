"""What a planner does, timed in headless Chromium: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_interactions.py [--offers 5000] [--districts 300] [--repeats 5] [--smoke]

On the demo city and on a synthetic workspace (default 5,000 offers, 300 districts), each
step as a person does it, from the click (or key) to the page showing its answer: the map
drawn again and painted, Streamlit idle, the new content visible. Each repetition is a new
browser session (the server's caches stay warm after the first, as for a planner's second
visit); the table gives the median and the first (cold) time.

Steps: open the map (click 'Karte'), change a filter (a life phase), choose a district,
switch the shading to a life phase's target population and then its measure, open the gaps
page, open its duplicates tab, open the Lotse, and search an address there (demo only: the
synthetic workspace has no address list).

The waits are generic, so this file measures older versions too (copy it into an old
checkout): after an action the map counts as drawn again when its frame holds a layer group
drawn after the action, or when the frame was replaced and its new map holds layer groups.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

MAP_FRAME = """() => [...document.querySelectorAll('iframe[data-testid="stCustomComponentV1"]')]
    .filter(f => f.offsetParent !== null && f.getBoundingClientRect().height > 100)[0] || null"""

MARK = f"""(token) => {{  // mark the map's frame and its drawn layer groups as 'before'
    const f = ({MAP_FRAME})(); if (!f || !f.contentWindow) {{ return false; }}
    const w = f.contentWindow; w.paBench = token;
    (w.feature_group || []).forEach(g => {{ g._paBefore = true; }});
    return true; }}"""

DRAWN = f"""(token) => {{  // the map drawn after the mark: new groups, or a new frame with its map
    const f = ({MAP_FRAME})(); if (!f || !f.contentWindow) {{ return false; }}
    const w = f.contentWindow, groups = w.feature_group || [];
    if (!w.map || !w.L || groups.length === 0) {{ return false; }}
    if (w.paBench === token && !groups.some(g => !g._paBefore)) {{ return false; }}
    return w.document.querySelectorAll('.leaflet-overlay-pane path, .leaflet-overlay-pane canvas').length > 0; }}"""

PAINTED = f"""() => new Promise(r => {{  // two frames of the map's window: what was drawn is painted
    const w = ({MAP_FRAME})().contentWindow;
    w.requestAnimationFrame(() => w.requestAnimationFrame(() => r(true))); }})"""


class Session:
    """One browser session on the app: runs the planner's steps and records their times."""

    def __init__(self, browser, url: str):
        from conftest import new_context

        self.context = new_context(browser, width=1440, height=900)
        self.page = self.context.new_page()
        self.url = url
        self.times: dict[str, float] = {}
        self.token = 0

    def close(self):
        self.context.close()

    def timed(self, name: str, action, done):
        t0 = time.perf_counter()
        action()
        done()
        self.times[name] = time.perf_counter() - t0

    def idle(self):
        from conftest import app_idle

        app_idle(self.page)
        self.page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=120_000)

    def mark(self):
        self.token += 1
        self.page.wait_for_function(MARK, arg=self.token, timeout=120_000, polling=50)

    def map_drawn(self):
        """After an action: Streamlit idle, the map drawn again and painted."""
        self.page.wait_for_function(DRAWN, arg=self.token, timeout=120_000, polling=50)
        self.idle()
        self.page.wait_for_function(DRAWN, arg=self.token, timeout=120_000, polling=50)
        self.page.evaluate(PAINTED)

    def rerun_then(self, action, then):
        """``action`` makes the app rerun: wait for the server's 'finished', then ``then``."""
        from conftest import rerun

        rerun(self.page, action, timeout=120_000)
        then()

    def choose(self, box_label: str, option: str, in_sidebar: bool = False):
        scope = self.page.locator('[data-testid="stSidebar"]') if in_sidebar else self.page
        box = scope.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(has_text=box_label).first
        # in the middle of the view first: at the screen's lower edge (a long navigation above the
        # sidebar's filters) its list would open below the window
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.click()
        return lambda: self.page.get_by_role("option", name=option, exact=True).first.click()

    def map_steps(self, district_name: str):
        page = self.page
        page.goto(self.url)
        page.wait_for_selector("h1", timeout=120_000)
        self.idle()
        self.timed("open map ('Karte')", lambda: page.get_by_role("link", name="Karte").first.click(),
                   lambda: (self.page.wait_for_function(DRAWN, arg=-1, timeout=120_000, polling=50),
                            self.idle(), self.page.evaluate(PAINTED)))
        self.mark()
        click = self.choose("Lebensphasen", "Kita-Alter (3–<6)", in_sidebar=True)
        self.timed("filter: a life phase", lambda: self.rerun_then(click, lambda: None), self.map_drawn)
        page.keyboard.press("Escape")
        self.idle()
        self.mark()
        click = self.choose("Sozialraum im Fokus", district_name)
        self.timed("choose a district", lambda: self.rerun_then(click, lambda: None), self.map_drawn)
        page.wait_for_selector(f"h3:has-text('{district_name}')", timeout=120_000)
        self.mark()
        self.timed("shading: target population", lambda: self.rerun_then(
            lambda: page.get_by_text("Zielgruppe einer Lebensphase", exact=True).click(), lambda: None), self.map_drawn)
        self.mark()
        self.timed("measure: share", lambda: self.rerun_then(
            lambda: page.get_by_text("Anteil an der Bevölkerung", exact=True).click(), lambda: None), self.map_drawn)

    def gaps_and_lotse(self, address: str | None):
        page = self.page
        self.timed("open gaps page", lambda: page.get_by_role("link", name="Lücken & Parallelstrukturen").first.click(),
                   lambda: (page.wait_for_selector("h1:has-text('Lücken')", timeout=120_000),
                            self.page.wait_for_function(DRAWN, arg=-1, timeout=120_000, polling=50),
                            self.idle(), self.page.evaluate(PAINTED)))
        tab = page.get_by_role("tab", name="Parallelstrukturen")
        self.timed("gaps: duplicates tab", tab.click,
                   lambda: page.wait_for_selector('[role="tabpanel"]:visible [data-testid="stDataFrame"], '
                                                  '[role="tabpanel"]:visible [data-testid="stMarkdown"]',
                                                  timeout=120_000))
        self.timed("open Lotse", lambda: page.get_by_role("link", name="Lotse").first.click(),
                   lambda: (page.wait_for_selector("h1:has-text('Lotse')", timeout=120_000), self.idle()))
        if address is None:
            return
        page.get_by_label("Alter der Kinder").fill("1; 4")
        page.keyboard.press("Enter")
        self.idle()
        page.get_by_label("Adresse", exact=True).fill(address)
        self.timed("Lotse: search an address", lambda: page.get_by_role("button", name="Suchen").click(),
                   lambda: (page.wait_for_selector("text=passende Angebote, die nächsten zuerst", timeout=120_000),
                            self.page.wait_for_function(DRAWN, arg=-1, timeout=120_000, polling=50),
                            self.idle(), self.page.evaluate(PAINTED)))


def measure(workspace: Path, repeats: int) -> dict[str, list[float]]:
    """Every step's times over ``repeats`` fresh browser sessions on one app server."""
    from urllib.parse import urlparse

    from conftest import CHROMIUM, CHROMIUM_ARGS, PageWatch, launch
    from playwright.sync_api import sync_playwright

    from dashboard.model.workspace import read_workspace

    ws = read_workspace(workspace)
    district_name = str(ws.districts["name"].iloc[min(2, len(ws.districts) - 1)])
    address = None
    if ws.addresses is not None and len(ws.addresses):
        row = ws.addresses.iloc[len(ws.addresses) // 2]
        address = f"{row['street']} {row['number']}"
    server = launch(workspace)
    times: dict[str, list[float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(repeats):
                session = Session(browser, server.url)
                watch = PageWatch(session.page, urlparse(server.url).netloc)
                try:
                    session.map_steps(district_name)
                    session.gaps_and_lotse(address)
                except Exception:
                    shot = Path(tempfile.gettempdir()) / "bench_interactions_failed.png"
                    session.page.screenshot(path=str(shot), full_page=True)
                    state = session.page.evaluate(f"""() => {{ const f = ({MAP_FRAME})(); const w = f && f.contentWindow;
                        return w ? {{map: !!w.map, groups: (w.feature_group || []).length, drawn: w.paDrawn,
                                     paths: w.document.querySelectorAll('.leaflet-overlay-pane path').length}}
                                 : 'no map frame'; }}""")
                    print(f"failed after {list(session.times)}; map frame: {state}; screenshot: {shot}")
                    raise
                finally:
                    session.close()
                if watch.external:
                    raise RuntimeError(f"external requests: {watch.external[:3]}")
                for name, seconds in session.times.items():
                    times.setdefault(name, []).append(seconds)
            browser.close()
    finally:
        server.stop()
    return times


def print_table(columns: dict[str, dict[str, list[float]]], repeats: int):
    steps = list(dict.fromkeys(s for times in columns.values() for s in times))
    head = f"{'step':32}" + "".join(f"{name + ': median / first':>34}" for name in columns)
    print(head)
    print("-" * len(head))
    for step in steps:
        cells = []
        for times in columns.values():
            v = times.get(step)
            cells.append(f"{statistics.median(v):8.2f} s / {v[0]:5.2f} s".rjust(34) if v else f"{'—':>34}")
        print(f"{step:32}" + "".join(cells))
    print(f"(median of {repeats} browser sessions; first = the first session, caches cold)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--districts", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one session each: runs in seconds")
    parser.add_argument("--only", choices=("demo", "synthetic"), help="one of the two workspaces")
    args = parser.parse_args()
    if args.smoke:
        args.offers, args.districts, args.repeats = 200, 20, 1

    from dashboard.model.workspace import write_workspace
    from dashboard.sources.synthetic import generate_synthetic_workspace

    columns = {}
    if args.only != "synthetic":
        columns["demo city"] = measure(ROOT / "geodata" / "demo_city.gpkg", args.repeats)
    if args.only == "demo":
        return print_table(columns, args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.gpkg"
        write_workspace(generate_synthetic_workspace(args.districts, args.offers), path)
        columns[f"{args.offers} offers"] = measure(path, args.repeats)
    print_table(columns, args.repeats)


if __name__ == "__main__":
    main()
