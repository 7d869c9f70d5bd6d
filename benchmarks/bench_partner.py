"""Partner view, Lotse and networks benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_partner.py [--offers 5000] [--districts 300] [--smoke]

For the demo city and a synthetic workspace: offers near a family (Lotse, one address),
the Wegweiser PDF, one organisation's reach and nearby offers (partner view), and the
network layout and figure (demo only: the synthetic city has no networks).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


REPEAT = {"n": 5}  # 1 with --smoke


def timed(fn, repeat=5):
    repeat = min(repeat, REPEAT["n"])
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), result


def bench(name, ws):
    from dashboard.analysis import networks
    from dashboard.analysis.nearby import (
        FamilySituation,
        nearby_same_phase,
        offers_for_family,
        organisation_offers,
        site_reach,
    )
    from dashboard.present.report import wegweiser_pdf

    ws = ws.current()
    centre = ws.districts.geometry.union_all().representative_point()
    family = FamilySituation(pregnant=True, child_ages=(1, 4, 9), parents=True)
    seconds, found = timed(lambda: offers_for_family(ws, centre.x, centre.y, family))
    print(f"{name}: offers_for_family ({len(ws.offers)} offers) {seconds * 1000:.1f} ms, {len(found)} found")
    seconds, pdf = timed(lambda: wegweiser_pdf(ws, centre.x, centre.y, found), repeat=3)
    print(f"{name}: Wegweiser PDF {seconds:.2f} s, {len(pdf) / 1024:.0f} KiB")
    partner_id = ws.offers["partner_id"].value_counts().index[0]
    offers = organisation_offers(ws, partner_id)
    from dashboard.analysis.coverage import prepare_demand

    seconds, demand = timed(lambda: prepare_demand(ws), repeat=3)
    print(f"{name}: prepare_demand (once per workspace, cached in the app) {seconds * 1000:.0f} ms")
    seconds, reach = timed(lambda: site_reach(ws, offers, demand=demand), repeat=3)
    print(f"{name}: site_reach of {partner_id} ({len(offers)} offers) {seconds * 1000:.0f} ms")
    seconds, near = timed(lambda: nearby_same_phase(ws, offers), repeat=3)
    print(f"{name}: nearby_same_phase {seconds * 1000:.1f} ms, {len(near)} pairs")
    if len(ws.networks):
        g = networks.network_graph(ws)
        seconds, pos = timed(lambda: networks.layout(g), repeat=3)
        print(f"{name}: network layout ({g.number_of_nodes()} nodes) {seconds * 1000:.0f} ms")
        from dashboard.present.network_chart import network_figure

        seconds, _ = timed(lambda: network_figure(ws, positions=pos), repeat=3)
        print(f"{name}: network figure {seconds * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--districts", type=int, default=300)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.offers, args.districts, REPEAT["n"] = 200, 20, 1
    from dashboard.model.workspace import read_workspace
    from dashboard.sources.synthetic import generate_synthetic_workspace

    bench("demo", read_workspace(ROOT / "geodata" / "demo_city.gpkg"))
    ws = generate_synthetic_workspace(n_districts=args.districts, n_offers=args.offers)
    if "partner_id" not in ws.offers or ws.offers["partner_id"].isna().all():
        ws.offers["partner_id"] = ws.offers["provider"]
    bench(f"synthetic {args.offers} offers/{args.districts} districts", ws)


if __name__ == "__main__":
    main()
