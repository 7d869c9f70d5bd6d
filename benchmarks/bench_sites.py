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


if __name__ == "__main__":
    main()
