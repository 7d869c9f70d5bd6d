"""Street-network benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_network.py [--extract ../shared/data/osm/heidelberg.osm.pbf]
                                                 [--cells 100000] [--offers 1000] [--radius 1000]

On a real OpenStreetMap extract: building the walkable network from the PBF, then with
random population cells and offers (8 life phases, each offer serving one or two): inserting
them into the network, reach for every phase (one multi-source Dijkstra per phase), the
network 2SFCA (all offer–cell pairs within the radius), a Lotse query (one address) and a
three-isochrone request (5/10/15 min), peak memory, and the per-offer networkx approach a
GIS analyst would write (measured on a subset of offers, scaled to all).
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


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    print(f"  {label}: {time.perf_counter() - start:.3f} s")
    return out, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", default=str(ROOT.parent / "shared" / "data" / "osm" / "heidelberg.osm.pbf"))
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--offers", type=int, default=1000)
    parser.add_argument("--radius", type=float, default=1000.0)
    parser.add_argument("--networkx-offers", type=int, default=30, help="offers timed with networkx (scaled)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.smoke:  # the smaller extract, a few cells and offers
        args.extract = str(Path(args.extract).with_name("lauf_an_der_pegnitz.osm.pbf"))
        args.cells, args.offers, args.networkx_offers = 2_000, 20, 2

    import geopandas as gpd
    import networkx as nx
    import shapely

    from dashboard.analysis import accessibility as acc
    from dashboard.analysis import walking
    from dashboard.sources import streets

    path = Path(args.extract)
    print(f"extract: {path.name}, {args.cells:,} cells, {args.offers:,} offers, radius {args.radius:.0f} m")
    lines, _, _ = streets._osm_ways(path, gpd.GeoSeries([], crs="EPSG:25832").crs)
    area = gpd.GeoSeries([shapely.convex_hull(shapely.union_all(lines))], crs="EPSG:25832")
    (nodes, edges), t_build = timed("build the network from the PBF (read, filter, split, clip)",
                                    streets.read_streets, path, area, margin_m=0)
    graph = walking.graph_from_layers(nodes, edges)
    print(f"  network: {graph.n:,} nodes, {len(edges):,} edges, {edges['length_m'].sum() / 1000:,.0f} km")

    rng = np.random.default_rng(1)
    lo, hi = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    cells = rng.uniform(lo, hi, (args.cells, 2))
    offers = graph.node_xy[rng.choice(graph.n, args.offers)] + rng.normal(0, 30, (args.offers, 2))
    persons = rng.poisson(8, (args.cells, 8)).astype(float)
    phases = np.zeros((args.offers, 8), bool)
    phases[np.arange(args.offers), rng.integers(0, 8, args.offers)] = True
    phases[np.arange(args.offers), rng.integers(0, 8, args.offers)] = True

    placed, t_place = timed("insert offers into the network, attach the cells", walking.place, graph,
                            {"offers": offers}, attached={"cells": cells})

    def reach_all_phases():
        return np.column_stack([np.isfinite(walking.nearest_within(placed, "offers", "cells", args.radius,
                                                                   mask=phases[:, k])) for k in range(8)])

    reached, t_reach = timed("reach, all 8 phases (one multi-source Dijkstra each)", reach_all_phases)
    print(f"    share of cells reached (mean over phases): {reached.mean():.2f}")

    def two_sfca():
        s, c, d = walking.pairs_within(placed, "offers", "cells", args.radius)
        scores = [acc.two_step_fca_pairs(persons[:, k], np.ones(args.offers), c[phases[s, k]], s[phases[s, k]],
                                         d[phases[s, k]]) for k in range(8)]
        return len(s), scores

    (n_pairs, _), t_2sfca = timed("network 2SFCA, all 8 phases (all offer–cell pairs within the radius)", two_sfca)
    print(f"    offer–cell pairs within {args.radius:.0f} m: {n_pairs:,}")

    home = cells[0]
    _, t_lotse = timed("Lotse query (one address → every offer's walk)", lambda: walking.group_distance(
        placed, walking.from_point(placed, *home, 3000.0), "offers"))
    _, t_cells = timed("who lives within 15 min of one address (every cell's walk)", walking.point_distances,
                       placed, *home, float(walking.walking_metres(15)), "cells")

    def isochrones():
        d = walking.from_point(placed, *home, float(walking.walking_metres(15)))
        return [walking.walking_area(graph, d, float(walking.walking_metres(m))) for m in (5, 10, 15)]

    _, t_iso = timed("three isochrones (5/10/15 min)", isochrones)

    g = nx.Graph()
    matrix = placed.matrix.tocoo()
    g.add_weighted_edges_from(zip(matrix.row.tolist(), matrix.col.tolist(), matrix.data.tolist()))
    around, offset = placed.attached["cells"].around, placed.attached["cells"].offset  # each cell's two neighbours on its street, and the walk to them
    k = min(args.networkx_offers, args.offers)

    def per_offer_networkx():
        """2SFCA as a GIS analyst writes it: one cut-off Dijkstra per offer, each cell's walk
        through the nearer of its street's two nodes, the offer's demand per phase, then its
        ratio handed back to its cells (the same pairs and distances as ours)."""
        found = []
        for j in range(k):
            lengths = nx.single_source_dijkstra_path_length(g, int(placed.nodes["offers"][j]), cutoff=args.radius,
                                                            weight="weight")
            node_distance = np.full(placed.n, np.inf)
            node_distance[np.fromiter(lengths.keys(), np.int64)] = np.fromiter(lengths.values(), float)
            walk = np.min(node_distance[around] + offset, axis=1) + placed.connector["offers"][j]
            inside = np.flatnonzero(walk <= args.radius + walking.TOLERANCE_M)
            found.append((inside, persons[inside].sum(axis=0)))
        scores = np.zeros_like(persons)
        for j, (inside, demand) in enumerate(found):
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(phases[j] & (demand > 0), 1.0 / demand, 0.0)
            scores[inside] += ratio
        return found

    found, t_nx = timed(f"networkx, per offer ({k} offers)", per_offer_networkx)
    s, c, _ = walking.pairs_within(placed, "offers", "cells", args.radius, sources=np.arange(k))
    same = all(np.array_equal(np.sort(c[s == j]), inside) for j, (inside, _) in enumerate(found))
    print(f"    the same offer–cell pairs as ours: {'yes' if same else 'NO'}")
    scaled = t_nx / k * args.offers
    print(f"    networkx scaled to {args.offers:,} offers: {scaled:.1f} s → the 2SFCA pairs here are "
          f"{scaled / t_2sfca:.0f}× faster, reach {scaled / t_reach:.0f}× faster")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"  peak memory (resident): {peak:.2f} GiB")
    print(f"summary: build {_fmt(t_build)}, insert points {_fmt(t_place)}, reach {_fmt(t_reach)}, 2SFCA "
          f"{_fmt(t_2sfca)}, Lotse "
          f"{1000 * t_lotse:.0f} ms, isochrones {1000 * t_iso:.0f} ms, peak {peak:.2f} GiB")


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
