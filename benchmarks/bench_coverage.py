"""Coverage benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_coverage.py [--skip-large]

1. demo city: all measures (coverage table, gaps, duplicates, transitions) for all phases;
2. 2SFCA on a regular 100 m grid of 448 × 448 cells with 10,000 offers at 1,000 m: ours
   (grid stencil; and the KD-tree path) against PySAL `access` given a KD-tree cost table;
3. state-sized case: 1,000,000 population cells × 50,000 offers at 1,000 m, all measures,
   run in a child process to report its peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import timed  # noqa: E402


def all_measures(ws, params=None):
    from dashboard.analysis import coverage as C

    params = params or C.CoverageParams()
    demand = C.prepare_demand(ws)
    cov = C.coverage(ws, params, demand=demand)
    return cov, C.gaps(cov, ws), C.duplicates(ws, params, demand=demand), C.broken_transitions(cov, ws), demand


def bench_demo(repeat: int = 5):
    from dashboard.analysis import coverage as C
    from dashboard.model.workspace import read_workspace

    ws = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    all_measures(ws)
    t_all, (cov, gaps, dups, trans, demand) = timed(lambda: all_measures(ws), repeat)
    t_cov, _ = timed(lambda: C.coverage(ws, demand=demand), repeat)
    print(f"demo city ({len(ws.population_cells)} cells, {len(ws.offers)} offers, {len(ws.life_phases)} phases):")
    print(f"  all measures incl. preparing the population:  {t_all:6.3f} s "
          f"({len(gaps)} gaps, {len(dups)} duplicate pairs, {len(trans)} broken transitions)")
    print(f"  coverage table with prepared population:      {t_cov:6.3f} s")


def bench_2sfca(n: int = 448, n_offers: int = 10_000):
    import pandas as pd
    from access import Access
    from scipy.spatial import cKDTree

    from dashboard.analysis.accessibility import two_step_fca

    rng = np.random.default_rng(42)
    h, radius = 100.0, 1000.0
    gx, gy = np.meshgrid(350_000 + h / 2 + np.arange(n) * h, 5_600_000 + h / 2 + np.arange(n) * h)
    demand_xy = np.column_stack([gx.ravel(), gy.ravel()])
    demand = rng.poisson(20, len(demand_xy)).astype(float)
    supply_xy = rng.uniform(0, n * h, (n_offers, 2)) + [350_000, 5_600_000]
    supply = rng.integers(1, 5, len(supply_xy)).astype(float)

    from dashboard.analysis.accessibility import detect_lattice

    t_grid, ours = timed(lambda: two_step_fca(demand_xy, demand, supply_xy, supply, radius), 5)
    lattice = detect_lattice(demand_xy)
    t_known, _ = timed(lambda: two_step_fca(demand_xy, demand, supply_xy, supply, radius, lattice=lattice), 5)
    t_tree, tree = timed(lambda: two_step_fca(demand_xy, demand, supply_xy, supply, radius, lattice=None), 1)

    t0 = time.perf_counter()
    hits = cKDTree(supply_xy).query_ball_point(demand_xy, radius)
    origin = np.repeat(np.arange(len(demand_xy)), [len(x) for x in hits])
    dest = np.concatenate([np.asarray(x, dtype=int) for x in hits])
    cost = pd.DataFrame({"origin": origin, "dest": dest, "cost": np.hypot(*(demand_xy[origin] - supply_xy[dest]).T)})
    t_cost = time.perf_counter() - t0
    model = Access(demand_df=pd.DataFrame({"id": np.arange(len(demand_xy)), "pop": demand}), demand_index="id",
                   demand_value="pop", supply_df=pd.DataFrame({"id": np.arange(len(supply_xy)), "sup": supply}),
                   supply_index="id", supply_value="sup", cost_df=cost, cost_origin="origin", cost_dest="dest",
                   cost_name="cost")
    runs = []
    for k in range(3):
        t0 = time.perf_counter()
        ref = model.two_stage_fca(name=f"x{k}", max_cost=radius)[f"x{k}_sup"]
        runs.append(time.perf_counter() - t0)
    ref = ref.reindex(np.arange(len(demand_xy))).fillna(0)
    t_access = statistics.median(runs)
    rel = np.max(np.abs(ours - ref.to_numpy()) / np.maximum(np.abs(ref.to_numpy()), 1e-300))
    print(f"2SFCA, {n} × {n} grid (100 m), {len(supply_xy):,} offers, {radius:.0f} m ({len(cost):,} pairs):")
    print(f"  ours, grid stencil (grid detected):           {t_grid:6.3f} s")
    print(f"  ours, grid stencil (grid known, as in the app): {t_known:5.3f} s")
    print(f"  ours, KD-tree pairs:                          {t_tree:6.3f} s")
    print(f"  PySAL access two_stage_fca (cost table given, median of 3): {t_access:6.3f} s "
          f"(+ {t_cost:.2f} s to build the cost table)")
    print(f"  speed-up vs access (grid detected / known):   {t_access / t_grid:6.1f} × / {t_access / t_known:.1f} ×")
    print(f"  max relative difference to access:            {rel:.1e} (tree vs stencil {np.abs(tree - ours).max():.1e})")


def large_case():
    """Child process: 1,000,000 cells (1000 × 1000 at 100 m), 400 districts, 50,000 offers."""
    from dashboard.sources.synthetic import generate_synthetic_workspace

    t0 = time.perf_counter()
    ws = generate_synthetic_workspace(n_districts=400, n_offers=50_000, side_m=100_000.0, cell_m=100.0, seed=3)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    cov, gaps, dups, trans, demand = all_measures(ws)
    t_all = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"state-sized case: {len(ws.population_cells):,} cells, {len(ws.offers):,} offers, "
          f"{len(ws.districts)} districts, 1,000 m:")
    print(f"  building the synthetic workspace:             {t_build:6.1f} s")
    print(f"  all measures, all {len(ws.life_phases)} phases:                    {t_all:6.1f} s "
          f"({len(gaps)} gaps, {len(dups)} duplicate pairs, {len(trans)} transitions)")
    print(f"  peak memory of the process:                   {peak:6.2f} GiB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--large-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.large_child:
        large_case()
        return
    if args.smoke:
        bench_demo(repeat=1)
        bench_2sfca(n=60, n_offers=200)
        return
    bench_demo()
    bench_2sfca()
    if not args.skip_large:
        subprocess.run([sys.executable, __file__, "--large-child"], check=False)


if __name__ == "__main__":
    main()
