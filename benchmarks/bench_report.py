"""Report benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_report.py [--smoke]

Times the whole-city PDF of the demo city (summary + one chapter per district) and a
single Sozialraumprofil, each from a freshly loaded workspace (coverage included) and with
the coverage already computed (as in the running app).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    from pypdf import PdfReader

    from dashboard.analysis import coverage as C
    from dashboard.model.workspace import read_workspace
    from dashboard.present.report import report_pdf

    ws = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    report_pdf(ws, ["SR01"])  # warm-up: imports, fonts
    single = []
    for district in ("SR07",) if args.smoke else ("SR07", "SR01", "SR13"):
        t0 = time.perf_counter()
        pdf = report_pdf(ws, [district])
        single.append(time.perf_counter() - t0)
    demand = C.prepare_demand(ws)
    cov = C.coverage(ws, demand=demand)
    t0 = time.perf_counter()
    report_pdf(ws, ["SR07"], cov=cov, demand=demand)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    city = report_pdf(ws, list(ws.districts["district_id"][:2]) if args.smoke else None)
    t_city = time.perf_counter() - t0
    pages = len(PdfReader(io.BytesIO(city)).pages)
    print(f"demo city, {len(ws.districts)} districts:")
    print(f"  single profile PDF (incl. coverage):   {statistics.median(single):5.2f} s "
          f"({len(PdfReader(io.BytesIO(pdf)).pages)} pages)")
    print(f"  single profile PDF (coverage cached):  {warm:5.2f} s")
    print(f"  {'city PDF, 2 districts (smoke)' if args.smoke else 'whole-city PDF':<37s} {t_city:5.2f} s ({pages} pages, {len(city) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
