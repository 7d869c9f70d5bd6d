"""No benchmark rots: each script runs in its ``--smoke`` size and prints its figures.

Nothing here asserts a time (the machine is shared); a benchmark whose code no longer
matches the library (e.g. a function that moved) fails here, not months later.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED

FIGURE = re.compile(r"\d+(\.\d+)?\s*(s|ms|MB|KiB|GiB)\b")

# script, extra arguments, words its output must contain, needs ../shared, starts Chromium
BENCHMARKS = [
    ("bench_report.py", [], ["single profile PDF", "city PDF, 2 districts"], False, False),
    ("bench_partner.py", [], ["offers_for_family", "Wegweiser PDF", "network figure"], False, False),
    ("bench_coverage.py", [], ["all measures", "2SFCA", "PySAL access"], False, False),
    ("bench_estimate.py", [], ["register on grid", "summary:"], False, False),
    ("bench_sites.py", [], ["greedy:", "exact (HiGHS):", "spopt MCLP (CBC)", "summary:", "demo city, kita"], False,
     False),
    ("bench_scenario.py", [], ["store one change", "first comparison", "after the first run", "summary:"], False,
     False),
    ("bench_monitoring.py", [], ["measures of every report day", "Monitoringbericht PDF + XLSX",
                                 "page 'Qualitätsziele': first load", "summary:"], False, False),
    ("bench_postgis.py", [], ["read the workspace", "one edit (transaction)", "map page, filter change",
                              "edit seen by a second app process", "partner sessions on two app processes",
                              "summary:"], False, False),
    ("bench_language_switch.py", [], ["first switch German -> English", "later switches to English"], False, False),
    ("bench_network.py", [], ["build the network from the PBF", "networkx"], True, False),
    ("bench_map.py", ["--no-browser"], ["Python time to build the map", "demo city:", "filter change"], False, False),
    ("bench_map.py", [], ["Chromium: click 'Karte' -> painted"], False, True),
    ("bench_map.py", ["--base-map"], ["demo city base map", "with base map"], False, True),
    ("bench_interactions.py", [], ["open map ('Karte')", "filter: a life phase", "Lotse: search an address"],
     False, True),
]


def test_every_benchmark_is_run_here():
    scripts = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert scripts == {b[0] for b in BENCHMARKS}


@pytest.mark.parametrize("script, extra, words, shared, browser",
                         [pytest.param(*b, marks=[pytest.mark.browser] if b[4] else [],
                                       id=" ".join([b[0], *b[1]])) for b in BENCHMARKS])
def test_benchmark_runs_in_its_smoke_size(script, extra, words, shared, browser):
    if shared and not (SHARED / "osm").exists():
        pytest.skip("needs ../shared/data/osm")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--smoke", *extra], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    for word in words:
        assert word in out.stdout, (word, out.stdout[-2000:])
    assert len(FIGURE.findall(out.stdout)) >= 2, out.stdout[-2000:]
