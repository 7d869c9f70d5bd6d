"""Site suggestion (MCLP) benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_sites.py [--cells 20000] [--candidates 300] [--k 5] [--radius 1000] [--smoke]

Random populated cells and candidate sites in a 10 km square (persons per cell: Poisson, mean
5), the pairs within the radius by straight line; then :func:`dashboard.analysis.sites.greedy_sites`
and the exact :func:`dashboard.analysis.sites.best_sites` (HiGHS via scipy), with the persons
reached, the optimality gap and the time of each; then PySAL spopt's MCLP (CBC through PuLP,
a test-only dependency) on the same data: its time and whether it reaches the same persons.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--radius", type=float, default=1000.0)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.cells, args.candidates = 500, 20
    from scipy.spatial import cKDTree

    from dashboard.analysis import sites

    rng = np.random.default_rng(1)
    cells = rng.uniform(0, 10_000, (args.cells, 2))
    candidates = rng.uniform(0, 10_000, (args.candidates, 2))
    persons = rng.poisson(5, args.cells).astype(float)
    near = cKDTree(candidates).query_ball_point(cells, args.radius)
    cell = np.repeat(np.arange(args.cells), [len(p) for p in near])
    site = np.concatenate(near).astype(np.int64)
    print(f"{args.cells:,} cells × {args.candidates} candidates, k = {args.k}, {args.radius:.0f} m: "
          f"{len(cell):,} pairs within reach")
    t0 = time.perf_counter()
    greedy, gains = sites.greedy_sites(persons, cell, site, args.candidates, args.k)
    t_greedy = time.perf_counter() - t0
    print(f"  greedy: {t_greedy:.3f} s, {gains.sum():,.0f} persons reached")
    t0 = time.perf_counter()
    best = sites.best_sites(persons, cell, site, args.candidates, args.k)
    t_exact = time.perf_counter() - t0
    print(f"  exact (HiGHS): {t_exact:.3f} s, {best.reached:,.0f} persons reached, optimality gap {best.gap:.1e}, "
          f"sites {', '.join(map(str, best.sites))}")
    # the reference: PySAL spopt's MCLP (CBC through PuLP) on the same data, in the same run
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    reference = MCLP.from_cost_matrix(cdist(cells, candidates), persons, service_radius=args.radius,
                                      p_facilities=args.k).solve(pulp.PULP_CBC_CMD(msg=False))
    t_spopt = time.perf_counter() - t0
    theirs = [j for j in range(args.candidates) if len(reference.fac2cli[j]) > 0]
    reached = sites.reached_weight(persons, cell, site, theirs)
    print(f"  spopt MCLP (CBC): {t_spopt:.3f} s, {reached:,.0f} persons reached "
          f"({'the same' if abs(reached - best.reached) < 1e-6 else 'DIFFERENT'}), {t_spopt / t_exact:.0f}× our time")
    print(f"summary: greedy {t_greedy:.3f} s, exact {t_exact:.3f} s, spopt {t_spopt:.3f} s, "
          f"exact − greedy {best.reached - gains.sum():,.0f} persons")
    workspaces(args)


def workspaces(args):
    """The whole question on workspaces: the demo city (street network, 6,450 cells) and, where
    ../shared is beside the project, the real streets of Lauf an der Pegnitz (OpenStreetMap)
    with a made-up population (the extract has none)."""
    from dashboard.analysis import suggest
    from dashboard.analysis.coverage import CoverageParams, coverage, prepare_demand
    from dashboard.model.workspace import read_workspace

    ws = read_workspace(ROOT / "geodata" / "demo_city.gpkg").current()
    demand = prepare_demand(ws)
    cov = coverage(ws, CoverageParams(), demand)
    for source in ("grid", "addresses"):
        t0 = time.perf_counter()
        found = suggest.suggest_sites(ws, "kita", args.k, candidates=source, need_weighted=True, demand=demand, cov=cov)
        print(f"  demo city, kita, k = {args.k}, {source} ({len(found.candidates):,} candidates, walked): "
              f"{time.perf_counter() - t0:.2f} s, objective {found.choice.reached:,.1f} "
              f"(greedy {found.choice.greedy_reached:,.1f}), gap {found.choice.gap:.1e}, {found.choice.method}")
    extract = ROOT.parent / "shared" / "data" / "osm" / "lauf_an_der_pegnitz.osm.pbf"
    if not extract.exists():
        print("  (no ../shared/data/osm: the real extract is left out)")
        return
    import geopandas as gpd
    import pandas as pd
    import shapely

    from dashboard.model.life_phases import default_life_phases
    from dashboard.model.workspace import Workspace
    from dashboard.sources import streets

    crs = "EPSG:25832"
    lines, _, _ = streets._osm_ways(extract, gpd.GeoSeries([], crs=crs).crs)
    hull = shapely.convex_hull(shapely.union_all(lines))
    nodes, edges = streets.read_streets(extract, gpd.GeoSeries([hull], crs=crs), margin_m=0)
    x0, y0, x1, y1 = hull.bounds
    gx, gy = np.meshgrid(np.arange(x0, x1, 100.0), np.arange(y0, y1, 100.0))
    inside = shapely.contains_xy(hull, gx + 50, gy + 50)
    gx, gy = gx[inside], gy[inside]
    rng = np.random.default_rng(7)
    cells = gpd.GeoDataFrame({"cell_id": [f"c{i}" for i in range(len(gx))],
                              "age_0_3": rng.poisson(2, len(gx)).astype(float)},
                             geometry=shapely.box(gx, gy, gx + 100, gy + 100), crs=crs)
    districts = gpd.GeoDataFrame({"district_id": ["A"], "name": ["Lauf"], "parent_id": None, "parent_name": None},
                                 geometry=[hull], crs=crs)
    offers = gpd.GeoDataFrame(pd.DataFrame({
        "offer_id": ["o1"], "name": ["Bestand"], "provider": ["x"], "category": ["Beratung"], "sectors": [("Soziales",)],
        "life_phases": [("early_childhood",)], "audience": [("Eltern",)], "service_area": [()], "capacity": [None],
        "valid_from": [pd.NaT], "valid_to": [pd.NaT]}), geometry=[hull.centroid], crs=crs)
    real = Workspace(meta={"schema_version": "1.0"}, districts=districts, life_phases=default_life_phases(),
                     offers=offers, age_bands=pd.DataFrame({"column": ["age_0_3"], "age_from": [0.0], "age_to": [3.0]}),
                     population_cells=cells, street_nodes=nodes, street_edges=edges)
    t0 = time.perf_counter()
    found = suggest.suggest_sites(real, "early_childhood", args.k, candidates="grid")
    print(f"  Lauf an der Pegnitz (OSM streets, {len(edges):,} edges; {len(cells):,} made-up cells), k = {args.k}, "
          f"grid candidates ({len(found.candidates):,}): {time.perf_counter() - t0:.2f} s, "
          f"objective {found.choice.reached:,.0f} persons (greedy {found.choice.greedy_reached:,.0f}), "
          f"gap {found.choice.gap:.1e}, {found.choice.method}")


if __name__ == "__main__":
    main()
