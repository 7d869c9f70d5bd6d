"""Qualitätskreislauf benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_monitoring.py [--workspace geodata/demo_city.gpkg] [--repeat 3] [--smoke]

Timed (median of ``--repeat`` runs):

* the measures of every report day (library: :func:`dashboard.analysis.quality.monitor`, all
  districts × phases × measures and the quality goals, each day as of its records and population);
* the page "Qualitätsziele" in the app (Streamlit's AppTest, the workspace already loaded by the
  start page): its first load (monitoring computed) and a rerun after a widget change (cached);
* the Monitoringbericht: PDF and XLSX (as the CLI writes them, monitoring included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", default=str(ROOT / "geodata" / "demo_city.gpkg"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="one run each (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 1
    from dashboard.analysis import quality as Q
    from dashboard.model.workspace import read_workspace
    from dashboard.present import quality as words
    from dashboard.sources.targets import current

    ws = read_workspace(args.workspace)
    t_mon, mon = timed(lambda: Q.monitor(ws), args.repeat)
    n = len(mon.values)
    print(f"workspace {Path(args.workspace).name}: {len(ws.districts)} districts, {len(ws.life_phases)} phases, "
          f"{len(mon.days)} report days, {n:,} values")
    print(f"  measures of every report day (library): {t_mon:.2f} s ({t_mon / len(mon.days):.2f} s per day)")

    def report():
        m = Q.monitor(ws)
        status = Q.target_table(m, current(ws.targets))
        since, changes = Q.changes_since(m, ws)
        return (words.monitoring_pdf(ws, m, status, changes, since, "de", current(ws.assessments)),
                words.monitoring_xlsx(ws, m, status, changes, "de", current(ws.assessments)))

    t_report, (pdf, xlsx) = timed(report, args.repeat)
    print(f"  Monitoringbericht PDF + XLSX (monitoring included): {t_report:.2f} s "
          f"({len(pdf) / 1e3:.0f} kB PDF, {len(xlsx) / 1e3:.0f} kB XLSX)")

    os.environ["PRAEVENTIONSATLAS_WORKSPACE"] = str(Path(args.workspace).resolve())
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.app import cache
    from dashboard.model.settings import ENTRY_SCRIPT

    firsts, afters = [], []
    for _ in range(args.repeat):
        at = AppTest(ENTRY_SCRIPT, default_timeout=120)
        at.run()  # the start page: the workspace is loaded
        cache.monitoring.clear()
        cache.changes_since.clear()
        st.cache_data.clear()
        t0 = time.perf_counter()
        at.switch_page(str(ROOT / "pages" / "quality.py")).run()
        firsts.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
        t0 = time.perf_counter()
        at.selectbox(key="q_d_phase").set_value("early_childhood").run()
        afters.append(time.perf_counter() - t0)
    first, after = statistics.median(firsts), statistics.median(afters)
    print(f"  page 'Qualitätsziele': first load {first:.2f} s, after a widget change {after:.2f} s")
    print(f"summary: monitoring {t_mon:.2f} s; page first {first:.2f} s / after {after:.2f} s "
          f"(aims: < 2 s / < 0.3 s); report {t_report:.2f} s (aim: < 20 s)")


if __name__ == "__main__":
    main()
