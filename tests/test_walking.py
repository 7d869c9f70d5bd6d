"""Walking distances on the street network, checked against networkx (an independent
shortest-path code) on the two real OpenStreetMap extracts and on a hand-made town with a
river and one bridge."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from conftest import SHARED
from scipy.sparse.csgraph import dijkstra

from dashboard.analysis import walking
from dashboard.sources import streets

OSM = SHARED / "osm"
CRS = "EPSG:25832"
needs_osm = pytest.mark.skipif(not (OSM / "heidelberg.osm.pbf").exists(), reason="needs ../shared/data/osm")


def extract(name: str):
    """The whole extract's walkable network (area: the hull of its streets, no margin)."""
    path = OSM / f"{name}.osm.pbf"
    lines, _, _ = streets._osm_ways(path, gpd.GeoSeries([], crs=CRS).crs)
    area = gpd.GeoSeries([shapely.convex_hull(shapely.union_all(lines))], crs=CRS)
    return streets.read_streets(path, area, margin_m=0)


def nx_graph(graph: walking.StreetGraph) -> nx.Graph:
    g = nx.Graph()
    for a, b, w in zip(graph.u.tolist(), graph.v.tolist(), graph.length.tolist()):
        if not g.has_edge(a, b) or g[a][b]["weight"] > w:
            g.add_edge(a, b, weight=w)
    return g


@pytest.fixture(scope="module", params=["heidelberg", "lauf_an_der_pegnitz"])
def real(request):
    if not (OSM / f"{request.param}.osm.pbf").exists():
        pytest.skip("needs ../shared/data/osm")
    nodes, edges = extract(request.param)
    graph = walking.graph_from_layers(nodes, edges)
    return request.param, nodes, edges, graph, nx_graph(graph)


def test_the_extracts_become_one_walkable_network(real):
    name, nodes, edges, graph, g = real
    assert nx.is_connected(g) and g.number_of_nodes() == len(nodes)
    assert not edges["highway"].str.startswith("motorway").any()
    assert {"footway", "residential", "steps"} <= set(edges["highway"]) or name != "heidelberg"
    # lengths are the lines' lengths in metres; ends are the nodes they join
    assert np.allclose(edges["length_m"], edges.length, rtol=1e-9)
    start = shapely.get_coordinates(shapely.get_point(edges.geometry.to_numpy(), 0))
    assert np.allclose(start, graph.node_xy[graph.u], atol=0.01)


def test_the_nearest_street_equals_geos(real):
    """``snap`` (sampled k-d tree, exact check of the candidates) against GEOS's nearest
    search on the real streets: the same distance to the street for points near streets, far
    from any (beyond the hull) and exactly on one, and the meeting point on the street found."""
    _, _, edges, graph, _ = real
    rng = np.random.default_rng(11)
    lo, hi = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    span = hi - lo
    points = np.vstack([rng.uniform(lo - 0.2 * span, hi + 0.2 * span, (3000, 2)),
                        graph.node_xy[rng.choice(graph.n, 3000)] + rng.normal(0, 40, (3000, 2)),
                        graph.node_xy[rng.choice(graph.n, 200)]])
    snapped = walking.snap(graph, points)
    lines = edges.geometry.to_numpy()
    _, geos = shapely.STRtree(lines).query_nearest(shapely.points(points), return_distance=True, all_matches=False)
    assert np.allclose(snapped.connector, geos, rtol=0, atol=1e-6)
    met = shapely.line_interpolate_point(lines[snapped.edge], snapped.along)  # stored length = line length
    assert np.allclose(shapely.distance(shapely.points(points), met), geos, rtol=0, atol=1e-6)
    assert (snapped.connector[-200:] < 0.01).all()  # a node: on its streets (to the centimetre)


def test_shortest_paths_equal_networkx(real):
    _, _, _, graph, g = real
    rng = np.random.default_rng(7)
    origins = rng.choice(graph.n, 5, replace=False)
    ours = dijkstra(graph.matrix(), directed=False, indices=origins)
    for k, origin in enumerate(origins):
        theirs = nx.single_source_dijkstra_path_length(g, int(origin), weight="weight")
        nodes = np.fromiter(theirs.keys(), np.int64)
        expected = np.fromiter(theirs.values(), float)
        assert np.allclose(ours[k, nodes], expected, rtol=1e-9, atol=1e-9)


def brute_distance(graph, g, a_xy, b_xy, cutoff=None):
    """Point-to-point walk from networkx node distances and the snapped positions (with a
    ``cutoff``: exact up to it, inf or larger beyond)."""
    sa, sb = walking.snap(graph, a_xy), walking.snap(graph, b_xy)
    out = np.empty((len(a_xy), len(b_xy)))
    for i in range(len(a_xy)):
        ea = sa.edge[i]
        ends_a = {int(graph.u[ea]): sa.along[i], int(graph.v[ea]): graph.length[ea] - sa.along[i]}
        lengths = {}
        for node, off in ends_a.items():
            for target, d in nx.single_source_dijkstra_path_length(g, node, cutoff=cutoff, weight="weight").items():
                lengths[target] = min(lengths.get(target, np.inf), off + d)
        for j in range(len(b_xy)):
            eb = sb.edge[j]
            best = min(lengths.get(int(graph.u[eb]), np.inf) + sb.along[j],
                       lengths.get(int(graph.v[eb]), np.inf) + graph.length[eb] - sb.along[j])
            if ea == eb:
                best = min(best, abs(sa.along[i] - sb.along[j]))
            out[i, j] = sa.connector[i] + best + sb.connector[j]
    return out


def test_point_distances_equal_networkx(real):
    """Offers, cells and an ad-hoc address: exact walks, also for points on one street."""
    name, _, edges, graph, g = real
    rng = np.random.default_rng(3)
    lo, hi = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    centre = (lo + hi) / 2
    cells = centre + rng.uniform(-1500, 1500, (60, 2))
    mid = shapely.get_coordinates(shapely.line_interpolate_point(edges.geometry.iloc[100], 0.3, normalized=True))
    offers = np.vstack([centre + rng.uniform(-1500, 1500, (6, 2)), mid + [3.0, 0], mid + [0, 4.0]])
    cells = np.vstack([cells, mid + [-2.0, 1.0]])  # a cell on the same street as two offers
    expected = brute_distance(graph, g, offers, cells)
    placed = walking.place(graph, {"offers": offers}, attached={"cells": cells})
    limit = 2500.0
    s, t, d = walking.pairs_within(placed, "offers", "cells", limit)
    got = np.full(expected.shape, np.inf)
    got[s, t] = d
    within = expected <= limit - 1e-6
    assert np.allclose(got[within], expected[within], rtol=1e-9, atol=1e-5)
    assert np.isinf(got[expected > limit + 1e-6]).all()
    nearest = walking.nearest_within(placed, "offers", "cells", limit)
    best = expected.min(axis=0)
    assert np.allclose(nearest[best <= limit - 1e-6], best[best <= limit - 1e-6], rtol=1e-9, atol=1e-5)
    home = centre + [37.0, -21.0]
    from_home, _ = walking.point_distances(placed, *home, limit, "cells")
    home_cell = np.vstack([cells, home + [1.5, -2.0]])  # a cell on the address's own street
    placed_home = walking.place(graph, {"offers": offers}, attached={"cells": home_cell})
    near, _ = walking.point_distances(placed_home, *home, limit, "cells")
    assert near[-1] == pytest.approx(brute_distance(graph, g, home[None, :], home_cell[-1:])[0, 0], abs=1e-6)
    reference = brute_distance(graph, g, home[None, :], cells)[0]
    ok = reference <= limit - 1e-6
    assert np.allclose(from_home[ok], reference[ok], rtol=1e-9, atol=1e-5), name


def test_pairs_are_exact_tile_by_tile(real):
    """Offers all over the extract (many search tiles): every offer–cell and offer–offer pair
    within 500 m equals networkx's, none beyond is reported."""
    _, _, _, graph, g = real
    rng = np.random.default_rng(11)
    offers = graph.node_xy[rng.choice(graph.n, 15, replace=False)] + rng.normal(0, 20, (15, 2))
    offers = np.vstack([offers, offers[:10] + rng.uniform(-300, 300, (10, 2))])  # some close to each other
    cells = np.repeat(offers, 12, axis=0) + rng.uniform(-700, 700, (300, 2))
    limit = 500.0
    placed = walking.place(graph, {"offers": offers}, attached={"cells": cells})
    for group, xy in (("cells", cells), ("offers", offers)):
        expected = brute_distance(graph, g, offers, xy, cutoff=limit)
        s, t, d = walking.pairs_within(placed, "offers", group, limit)
        got = np.full(expected.shape, np.inf)
        got[s, t] = d
        assert len(s) == len(set(zip(s.tolist(), t.tolist())))
        within = expected <= limit - 1e-6
        assert within.sum() > 35 and np.allclose(got[within], expected[within], rtol=1e-9, atol=1e-5)
        assert np.isinf(got[expected > limit + 1e-6]).all()


def test_pairs_stay_exact_when_a_link_is_shorter_than_the_straight_line():
    """A ferry, a tunnel drawn straight, a layer's own lengths: a link may be shorter than the
    line between its ends. The tiles' boxes would miss what lies beyond it; the search must not."""
    x0, y0 = 400_000.0, 5_700_000.0
    xy = np.array([[x0, y0], [x0 + 100, y0], [x0 + 5000, y0], [x0 + 5100, y0]])
    nodes = gpd.GeoDataFrame({"node_id": np.arange(4)}, geometry=shapely.points(xy), crs=CRS)
    edges = gpd.GeoDataFrame({"u": [0, 1, 2], "v": [1, 2, 3], "length_m": [100.0, 10.0, 100.0]},
                             geometry=[shapely.LineString(xy[i:i + 2]) for i in range(3)], crs=CRS)
    graph = walking.graph_from_layers(nodes, edges)
    offers = np.array([[x0 + 10, y0 + 1], [x0 + 5090, y0 - 1]])
    placed = walking.place(graph, {"offers": offers}, attached={"cells": np.array([[x0 + 5050, y0 + 1]])})
    s, t, d = walking.pairs_within(placed, "offers", "cells", 200.0)
    assert sorted(zip(s.tolist(), d.round(6).tolist())) == [(0, 152.0), (1, 42.0)]
    s, t, d = walking.pairs_within(placed, "offers", "offers", 200.0)
    assert sorted(zip(s.tolist(), t.tolist(), d.round(6).tolist())) == [
        (0, 0, 2.0), (0, 1, 192.0), (1, 0, 192.0), (1, 1, 2.0)]


def river_town():
    """Two streets 100 m apart along a river (y = 50), joined by one bridge at x = 2,000 m."""
    x0, y0 = 400_000.0, 5_700_000.0
    lines = [shapely.LineString([(x0, y0), (x0 + 2000, y0)]),  # south bank street
             shapely.LineString([(x0, y0 + 100), (x0 + 2000, y0 + 100)]),  # north bank street
             shapely.LineString([(x0 + 2000, y0), (x0 + 2000, y0 + 100)])]  # the bridge
    area = gpd.GeoSeries([shapely.box(x0 - 100, y0 - 500, x0 + 2100, y0 + 600)], crs=CRS)
    return x0, y0, gpd.GeoDataFrame({"highway": ["residential", "residential", "footway"]}, geometry=lines,
                                     crs=CRS), area


def test_the_river_decides_who_is_reached(tmp_path):
    """Straight line: 100 m across the river. On foot: over the bridge, 4 km."""
    x0, y0, lines, area = river_town()
    path = tmp_path / "strassen.gpkg"
    lines.to_file(path, layer="strassen")
    nodes, edges = streets.read_streets(path, area, margin_m=0)
    assert len(edges) == 3 and len(nodes) == 4
    graph = walking.graph_from_layers(nodes, edges)
    home, offer = np.array([[x0 + 10, y0 - 5]]), np.array([[x0 + 10, y0 + 105]])
    placed = walking.place(graph, {"offers": offer}, attached={"cells": home})
    walk = walking.nearest_within(placed, "offers", "cells", 10_000)[0]
    assert walk == pytest.approx(5 + 1990 + 100 + 1990 + 5)
    assert np.hypot(*(offer - home)[0]) * 1.3 < 1000  # the straight-line rule says "reached"
    assert np.isinf(walking.nearest_within(placed, "offers", "cells", 1000)[0])  # the street says no
    assert walking.walking_minutes(4500) == pytest.approx(60)


def test_unwalkable_ways_are_left_out():
    assert streets.walkable("residential", {}) and streets.walkable("steps", {})
    assert not streets.walkable("motorway", {}) and not streets.walkable("motorway_link", {})
    assert not streets.walkable("footway", {"foot": "no"})
    assert not streets.walkable("service", {"access": "private"})
    assert streets.walkable("service", {"access": "private", "foot": "yes"})
    assert not streets.walkable("cycleway", {}) and streets.walkable("cycleway", {"foot": "designated"})
    assert not streets.walkable("trunk", {"motorroad": "yes"})
    assert not streets.walkable("construction", {})


@needs_osm
def test_the_base_map_reads_railways_water_and_place_names():
    path = OSM / "lauf_an_der_pegnitz.osm.pbf"
    lines, _, _ = streets._osm_ways(path, gpd.GeoSeries([], crs=CRS).crs)
    area = gpd.GeoSeries([shapely.convex_hull(shapely.union_all(lines))], crs=CRS)
    base_lines, places = streets.read_base_map(path, area, margin_m=0)
    assert {"rail", "water"} <= set(base_lines["kind"]) and base_lines.crs == area.crs
    assert "Lauf an der Pegnitz" in set(places["name"])
    assert set(places["kind"]) <= streets.PLACES | set(streets.LANDMARKS.values())  # places and landmarks
    assert {"Bertleinschule", "Barth-Park"} <= set(places["name"])  # a school and a park of Lauf
    assert shapely.intersects(places.geometry.to_numpy(), area.iloc[0]).all()
    grid, _ = streets.read_base_map(OSM / "nothing.gpkg", area)  # a line layer has no base map
    assert grid.empty


def test_the_inserted_points_around_each_point_match_a_search_per_street():
    """``_cuts_around`` (one sort, no loop) against a search on each point's own street, with
    points exactly at an inserted point, on streets with none and beyond the last one."""
    from types import SimpleNamespace

    from dashboard.analysis.walking import _cuts_around

    rng = np.random.default_rng(3)
    cut_edge = np.sort(rng.integers(0, 40, 300))
    cut_along = np.round(rng.uniform(0, 100, 300), 0)
    order = np.lexsort((cut_along, cut_edge))
    placed = SimpleNamespace(cut_edge=cut_edge[order], cut_along=cut_along[order])
    edge = rng.integers(0, 50, 2000)
    along = np.round(rng.uniform(0, 100, 2000), 0)  # many ties with the inserted points
    before, after = _cuts_around(placed, edge, along)
    for i in range(len(edge)):
        lo, hi = np.searchsorted(placed.cut_edge, edge[i], "left"), np.searchsorted(placed.cut_edge, edge[i], "right")
        j = np.searchsorted(placed.cut_along[lo:hi], along[i], side="right")
        assert before[i] == (lo + j - 1 if j > 0 else -1)
        assert after[i] == (lo + j if j < hi - lo else -1)


def test_the_nearest_street_beyond_the_first_candidates_is_found():
    """Twenty short streets a little farther away than a street whose samples lie just beyond
    theirs: the first candidates are all theirs, the nearest street is found in the second search."""
    from dashboard.analysis.walking import NEAREST_CANDIDATES, StreetPieces

    angles = np.linspace(0.3, 2.8, 20)
    tiny = [shapely.LineString([(100.1 * np.cos(a), 100 + 100.1 * np.sin(a)),
                                (100.11 * np.cos(a), 100 + 100.11 * np.sin(a))]) for a in angles]
    street = shapely.LineString([(-7.4, 0), (7.6, 0)])  # 100 m below the point, sampled at its ends
    pieces = StreetPieces.of(np.array([*tiny, street], dtype=object))
    assert 2 * len(tiny) > NEAREST_CANDIDATES
    piece, dist, fraction = pieces.nearest(np.array([[0.0, 100.0]]))
    assert pieces.edge[piece[0]] == len(tiny) and dist[0] == pytest.approx(100.0)
    assert fraction[0] == pytest.approx(7.4 / 15)
