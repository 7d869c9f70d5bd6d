"""Language-switch benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_language_switch.py [--page gaps] [--runs 5] [--synthetic]

Runs a page of the app through Streamlit's AppTest (the server's script run, no browser) on
the shipped demo workspace, or (``--synthetic``) on a generated large city (300 districts,
5,000 offers). It times the page's first run, a rerun in German, the first switch to
English, and further switches to English (both languages cached, each in a new
session). The first switch is what a planner feels when pressing "English" during a council
meeting; with the numbers computed once per workspace it only re-renders.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_run(at) -> float:
    start = time.perf_counter()
    at.run(timeout=300)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="gaps")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", action="store_true", help="a generated city: 300 districts, 5,000 offers")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    if args.synthetic:
        import os
        import tempfile

        from dashboard.model.workspace import write_workspace
        from dashboard.sources.synthetic import generate_synthetic_workspace

        path = Path(tempfile.mkdtemp()) / "synthetic.gpkg"
        write_workspace(generate_synthetic_workspace(n_districts=300, n_offers=5000, seed=1), path)
        os.environ["PRAEVENTIONSATLAS_WORKSPACE"] = str(path)
        print(f"workspace: {path} (300 districts, 5,000 offers)")

    from streamlit.testing.v1 import AppTest

    entry = ROOT / "dashboard" / "app" / "main.py"

    def opened():
        """A new session on the page (German). Each switch is timed in a session of its own:
        AppTest keeps a select box's label from before a switch and cannot run a second one (a
        browser sends the label, which the app re-keys: see state._keep_choices)."""
        at = AppTest.from_file(str(entry), default_timeout=300)
        at.run()
        at.switch_page(str(ROOT / "pages" / f"{args.page}.py"))
        return at

    at = opened()
    first = timed_run(at)
    warm_de = timed_run(at)
    at.sidebar.radio(key="lang_widget").set_value("en")
    first_switch = timed_run(at)
    assert not at.exception, at.exception
    forth = []
    for _ in range(args.runs):
        at = opened()
        timed_run(at)
        at.sidebar.radio(key="lang_widget").set_value("en")
        forth.append(timed_run(at))
        assert not at.exception, at.exception
    print(f"page {args.page}: first run (cold caches) {first:.2f} s, German rerun {warm_de:.2f} s")
    print(f"  first switch German -> English: {first_switch:.2f} s")
    print(f"  later switches to English, both languages cached (median of {args.runs}): "
          f"{statistics.median(forth):.2f} s")


if __name__ == "__main__":
    main()
