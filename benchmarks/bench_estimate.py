"""Register on grid benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_estimate.py [--cells 1000000] [--districts 400]

A synthetic city: a square grid of 100 m cells with the five Zensus 2022 age classes (some
withheld), irregular districts (Voronoi), a register with 20 fine age bands per district;
then :func:`dashboard.sources.estimate.register_on_grid` (area shares, consistency scaling,
iterative proportional fitting). Also the real Arnsberg 100 m grid (../shared) cut into
quadrants. Time and peak memory (resident) per case.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

FINE = [(0, 3), (3, 6), (6, 10), (10, 14), (14, 18), (18, 21), (21, 25), (25, 27), (27, 30), (30, 35), (35, 40),
        (40, 45), (45, 50), (50, 55), (55, 60), (60, 65), (65, 70), (70, 75), (75, 80), (80, None)]
COARSE = [(0, 18), (18, 30), (30, 50), (50, 65), (65, None)]


def synthetic(n_cells: int, n_districts: int, rng):
    import geopandas as gpd
    import pandas as pd
    import shapely

    side = int(round(np.sqrt(n_cells)))
    x, y = np.meshgrid(np.arange(side) * 100.0, np.arange(side) * 100.0)
    x, y = x.ravel() + 400_000, y.ravel() + 5_600_000
    boxes = shapely.box(x, y, x + 100, y + 100)
    counts = rng.poisson(rng.gamma(0.6, 8.0, (len(x), 1)) * np.array([0.18, 0.14, 0.26, 0.22, 0.2]))
    values = counts.astype(float)
    values[(counts > 0) & (counts < 3)] = np.nan  # Zensus secrecy
    cells = gpd.GeoDataFrame({f"g{k}": values[:, k] for k in range(5)}, geometry=boxes, crs="EPSG:25832")
    seeds = shapely.points(np.column_stack([rng.uniform(x.min(), x.max() + 100, n_districts),
                                            rng.uniform(y.min(), y.max() + 100, n_districts)]))
    frame = shapely.box(x.min(), y.min(), x.max() + 100, y.max() + 100)
    voronoi = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    units = gpd.GeoDataFrame({"unit_id": [f"D{k:03d}" for k in range(len(voronoi))]},
                             geometry=shapely.intersection(voronoi, frame), crs="EPSG:25832")
    grid_bands = pd.DataFrame({"column": [f"g{k}" for k in range(5)], "age_from": [float(a) for a, _ in COARSE],
                               "age_to": [float(b) if b is not None else np.nan for _, b in COARSE]})
    fine = pd.DataFrame({"column": [f"f{k}" for k in range(len(FINE))], "age_from": [float(a) for a, _ in FINE],
                         "age_to": [float(b) if b is not None else np.nan for _, b in FINE]})
    register = pd.DataFrame({"unit_id": units["unit_id"]})
    totals = rng.integers(2000, 20000, len(units))
    mix = rng.dirichlet(np.ones(len(FINE)) * 5, len(units))
    for k in range(len(FINE)):
        register[f"f{k}"] = totals * mix[:, k]
    return cells, grid_bands, units, register, fine


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"  {label}: {took:.2f} s (peak memory so far {peak:.2f} GiB)")
    return out, took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--districts", type=int, default=400)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.cells, args.districts = 10_000, 20
    import pandas as pd

    from dashboard.sources.estimate import register_on_grid

    rng = np.random.default_rng(1)
    shared = ROOT.parent / "shared" / "data"
    if (shared / "arnsberg").exists() and not args.smoke:
        from test_estimate import real_grid

        cells, units = real_grid("arnsberg")
        grid_bands = pd.DataFrame({"column": ["u10", "o80"], "age_from": [0.0, 80.0], "age_to": [10.0, np.nan]})
        fine = pd.DataFrame({"column": [f"f{k}" for k in range(len(FINE))], "age_from": [float(a) for a, _ in FINE],
                             "age_to": [float(b) if b is not None else np.nan for _, b in FINE]})
        register = pd.DataFrame({"unit_id": units["unit_id"], **{f"f{k}": rng.integers(100, 2000, len(units))
                                                                 for k in range(len(FINE))}})
        print(f"Arnsberg 100 m (real grid, {len(cells):,} cells, 4 districts, 20 fine bands):")
        result, t_arnsberg = timed("register on grid", register_on_grid, cells, grid_bands, units, register, fine)
        print(f"    iterations {result.iterations}, largest margin deviation {result.deviation:.1e}")
    print(f"synthetic: {args.cells:,} cells, {args.districts} districts, 5 coarse classes, 20 fine bands")
    (cells, grid_bands, units, register, fine), _ = timed("make the city", synthetic, args.cells, args.districts, rng)
    result, t_big = timed("register on grid", register_on_grid, cells, grid_bands, units, register, fine)
    placed = ~register["unit_id"].isin(result.units_without_cells).to_numpy()
    gap = np.abs(result.unit_persons.to_numpy() - register.set_index("unit_id").to_numpy(float))[placed].max()
    print(f"    iterations {result.iterations}, largest margin deviation {result.deviation:.1e}, "
          f"largest district difference {gap:.1e} persons ({(~placed).sum()} districts without a cell)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"summary: {args.cells:,} cells × 20 bands × {args.districts} districts {t_big:.1f} s, peak {peak:.2f} GiB")


if __name__ == "__main__":
    main()
