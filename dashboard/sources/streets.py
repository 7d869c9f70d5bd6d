"""The street network people walk on, from an OpenStreetMap extract or a city's own line layer.

:func:`read_streets` reads a local file (``.osm.pbf``, ``.osm``, ``.osm.gz`` with pyosmium;
GeoPackage, Shapefile or any other line layer with pyogrio), keeps the walkable ways (see
:func:`walkable`), splits them where they meet, clips them to the municipality plus a margin,
keeps the largest connected part, and returns the ``street_nodes`` and ``street_edges``
layers of the workspace (metric CRS, lengths in metres). Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dashboard.model.problems import ProblemError, problem

OSM_SUFFIXES = (".pbf", ".osm", ".osm.gz", ".osm.bz2")
DEFAULT_MARGIN_M = 1500.0
"""Streets this far outside the municipality are kept: people walk to offers across the border."""

# Highway types people walk on (OSM wiki "Key:highway"); main roads have footways or verges.
WALKABLE = frozenset({
    "footway", "path", "pedestrian", "steps", "living_street", "residential", "service", "track",
    "unclassified", "road", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    "trunk", "trunk_link", "corridor", "bridleway",
})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive", "destination"})
MAIN_ROADS = frozenset({"trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link"})


def walkable(highway: str, tags: dict) -> bool:
    """Whether a way with ``highway`` and ``tags`` can be walked: the types in :data:`WALKABLE`
    and cycle ways with ``foot=yes|designated|permissive``; never motorways, ``motorroad=yes``,
    ``foot=no`` or ``access=private|no`` (unless foot is explicitly allowed)."""
    foot = tags.get("foot")
    if foot == "no" or tags.get("motorroad") == "yes" or highway.startswith("motorway"):
        return False
    if tags.get("access") in ("private", "no") and foot not in FOOT_ALLOWED:
        return False
    if highway == "cycleway":
        return foot in FOOT_ALLOWED
    return highway in WALKABLE


def is_osm(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in OSM_SUFFIXES)


def read_streets(path, area: gpd.GeoSeries, *, margin_m: float = DEFAULT_MARGIN_M):
    """(street_nodes, street_edges) of the walkable network in ``path`` within ``margin_m``
    metres of ``area`` (the municipality's districts), in ``area``'s CRS.

    Raises :class:`ProblemError` (codes ``streets_unreadable``, ``streets_empty``) for a file
    that cannot be read or holds no walkable street in the area."""
    path = Path(path)
    crs = area.crs
    if not path.is_file():
        raise ProblemError([problem("file_missing", file=path.name)])
    try:
        lines, highway, names = (_osm_ways(path, crs) if is_osm(path) else _line_layer(path, crs))
    except ProblemError:
        raise
    except Exception as exc:  # noqa: BLE001 - osmium/GDAL raise many kinds for a broken file
        raise ProblemError([problem("streets_unreadable", file=path.name, detail=str(exc)[:200])]) from exc
    bounds = shapely.buffer(shapely.union_all(area.geometry.to_numpy()), margin_m)
    keep = shapely.intersects(lines, bounds) if len(lines) else np.zeros(0, bool)
    nodes, edges = _network(lines[keep], highway[keep], names[keep], crs)
    if edges.empty:
        raise ProblemError([problem("streets_empty", file=path.name, margin=int(margin_m))])
    return nodes, edges


def _osm_ways(path: Path, crs):
    """Walkable ways of an OSM file split at every node two ways share (and at their ends):
    (lines in ``crs``, highway, name)."""
    import osmium

    refs, lons, lats, way_of, highways, names = [], [], [], [], [], []
    processor = osmium.FileProcessor(str(path)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
    for way in processor:
        if not way.is_way():
            continue
        tags = dict(way.tags)
        if not walkable(tags.get("highway", ""), tags):
            continue
        k = len(highways)
        try:
            for node in way.nodes:
                lon, lat = node.lon, node.lat  # raises for a node outside the extract
                refs.append(node.ref)
                lons.append(lon)
                lats.append(lat)
                way_of.append(k)
        except osmium.InvalidLocationError:  # a way leaving the extract: keep what is inside
            pass
        highways.append(tags["highway"])
        names.append(tags.get("name"))
    refs, way_of = np.asarray(refs, np.int64), np.asarray(way_of, np.int64)
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(np.asarray(lons), np.asarray(lats))
    return _split_at_shared(refs, way_of, np.column_stack([x, y]), np.asarray(highways, object),
                            np.asarray(names, object))


def _split_at_shared(refs, way_of, xy, highways, names):
    """Cut each way (its vertices in order: ``refs``, ``way_of``, ``xy``) wherever a vertex is
    used by another way or twice, so that ways only meet at their ends. Returns (lines,
    highway, name) of the pieces."""
    if not len(refs):
        return np.array([], dtype=object), highways[:0], names[:0]
    uses = pd.Series(refs).map(pd.Series(refs).value_counts()).to_numpy()
    first = np.r_[True, way_of[1:] != way_of[:-1]]
    last = np.r_[way_of[1:] != way_of[:-1], True]
    cuts = np.flatnonzero((uses > 1) | first | last)
    a, b = cuts[:-1], cuts[1:]
    same_way = way_of[a] == way_of[b]
    a, b = a[same_way], b[same_way]  # a piece runs from one cut vertex to the next of its way
    lengths = b - a + 1
    piece = np.repeat(np.arange(len(a)), lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    lines = shapely.linestrings(xy[np.repeat(a, lengths) + within], indices=piece)
    return np.asarray(lines, dtype=object), highways[way_of[a]], names[way_of[a]]


def _line_layer(path: Path, crs):
    """Lines of a GeoPackage/Shapefile/…: all of them (a city's own street layer), or the
    walkable ones when it has OSM-like ``highway`` (and ``foot``/``access``) columns."""
    import pyogrio

    frame = pyogrio.read_dataframe(path)
    if frame.crs is None:
        raise ProblemError([problem("crs_missing", file=path.name, field="geometry")])
    frame = frame.to_crs(crs).explode(index_parts=False)
    frame = frame[shapely.get_type_id(frame.geometry.to_numpy()) == 1].reset_index(drop=True)
    if "highway" in frame.columns:
        tags = frame.reindex(columns=["foot", "access", "motorroad"]).astype(object).where(lambda f: f.notna(), None)
        keep = [walkable(str(h), {k: v for k, v in t.items() if v is not None})
                for h, t in zip(frame["highway"].fillna(""), tags.to_dict("records"))]
        frame = frame[np.asarray(keep, bool)].reset_index(drop=True)
    highway = frame["highway"].astype(object).to_numpy() if "highway" in frame.columns else \
        np.full(len(frame), "street", dtype=object)
    names = frame["name"].astype(object).to_numpy() if "name" in frame.columns else np.full(len(frame), None, object)
    # a city's layer is noded at crossings; split where a line's end touches another line's inside too
    lines = frame.geometry.to_numpy()
    ends = shapely.get_coordinates(np.concatenate([shapely.get_point(lines, 0), shapely.get_point(lines, -1)]))
    coords, index = shapely.get_coordinates(lines, return_index=True)
    key = np.round(coords, 2)
    at = pd.MultiIndex.from_arrays([key[:, 0], key[:, 1]])
    ends_key = np.round(ends, 2)
    shared = at.isin(pd.MultiIndex.from_arrays([ends_key[:, 0], ends_key[:, 1]]))
    refs = at.factorize()[0]
    refs = np.where(shared, refs, -1 - np.arange(len(refs)))  # inner vertices that no end touches: unique
    return _split_at_shared(refs, index, coords, highway, names)


def _network(lines, highway, names, crs):
    """Nodes (ends of the pieces, 1 cm apart at least) and edges of the largest connected part."""
    empty_nodes = gpd.GeoDataFrame({"node_id": pd.Series(dtype="int64")}, geometry=gpd.GeoSeries([], crs=crs))
    empty_edges = gpd.GeoDataFrame({c: pd.Series(dtype=t) for c, t in
                                    (("u", "int64"), ("v", "int64"), ("length_m", "float64"),
                                     ("highway", "object"), ("name", "object"))},
                                   geometry=gpd.GeoSeries([], crs=crs))
    if not len(lines):
        return empty_nodes, empty_edges
    ends = np.concatenate([shapely.get_coordinates(shapely.get_point(lines, 0)),
                           shapely.get_coordinates(shapely.get_point(lines, -1))])
    key = np.round(ends, 2)
    ids, unique = pd.MultiIndex.from_arrays([key[:, 0], key[:, 1]]).factorize()
    n = len(lines)
    u, v = ids[:n], ids[n:]
    length = shapely.length(lines)
    keep = (u != v) & (length > 0)
    u, v, length, lines, highway, names = u[keep], v[keep], length[keep], lines[keep], highway[keep], names[keep]
    graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(len(unique), len(unique)))
    _, component = connected_components(graph, directed=False)
    largest = np.bincount(component[u]).argmax() if len(u) else 0
    keep = component[u] == largest
    used = np.unique(np.concatenate([u[keep], v[keep]]))
    new_id = np.full(len(unique), -1, np.int64)
    new_id[used] = np.arange(len(used))
    xy = np.array([list(p) for p in unique[used]], float) if len(used) else np.zeros((0, 2))
    nodes = gpd.GeoDataFrame({"node_id": np.arange(len(used), dtype=np.int64)},
                             geometry=shapely.points(xy), crs=crs)
    edges = gpd.GeoDataFrame({"u": new_id[u[keep]], "v": new_id[v[keep]], "length_m": length[keep],
                              "highway": highway[keep], "name": names[keep]},
                             geometry=lines[keep], crs=crs)
    return nodes, edges.reset_index(drop=True)


RAILWAYS = frozenset({"rail", "light_rail", "narrow_gauge", "subway", "tram"})
WATERWAYS = frozenset({"river", "canal", "stream"})
PLACES = frozenset({"city", "town", "village", "suburb", "quarter", "neighbourhood", "hamlet"})
LANDMARKS = {  # (OSM key, value) → landmark kind of the base map; named objects only
    ("amenity", "school"): "school", ("amenity", "kindergarten"): "kindergarten",
    ("railway", "station"): "station", ("railway", "halt"): "station", ("public_transport", "station"): "station",
    ("leisure", "park"): "park",
}
"""Landmarks people find their way by: schools, Kitas, stations and parks (a node, or the middle
of a way's nodes for an area; parks mapped only as multipolygon relations are not read)."""


def read_base_map(path, area: gpd.GeoSeries, *, margin_m: float = DEFAULT_MARGIN_M):
    """(base_lines, base_places) of an OpenStreetMap extract within ``margin_m`` of ``area``:
    railways (kind ``rail``), rivers, canals and streams (kind ``water``), named places
    (towns, villages, quarters …) and named landmarks (:data:`LANDMARKS`: kinds ``school``,
    ``kindergarten``, ``station``, ``park``) for the base map. Empty frames for a line layer."""
    path = Path(path)
    crs = area.crs
    lines = gpd.GeoDataFrame({"kind": pd.Series(dtype=object), "name": pd.Series(dtype=object)},
                             geometry=gpd.GeoSeries([], crs=crs))
    places = gpd.GeoDataFrame({"name": pd.Series(dtype=object), "kind": pd.Series(dtype=object)},
                              geometry=gpd.GeoSeries([], crs=crs))
    if not is_osm(path):
        return lines, places
    import osmium

    kinds, names, coords, place_rows = [], [], [], []
    processor = osmium.FileProcessor(str(path)).with_locations().with_filter(
        osmium.filter.KeyFilter("railway", "waterway", "place", "amenity", "leisure", "public_transport"))
    for obj in processor:
        tags = dict(obj.tags)
        landmark = next((LANDMARKS[k, tags[k]] for k in ("amenity", "railway", "public_transport", "leisure")
                         if (k, tags.get(k)) in LANDMARKS), None) if tags.get("name") else None
        if obj.is_node():
            if tags.get("place") in PLACES and tags.get("name"):
                place_rows.append((tags["name"], tags["place"], obj.location.lon, obj.location.lat))
            elif landmark:
                place_rows.append((tags["name"], landmark, obj.location.lon, obj.location.lat))
            continue
        if not obj.is_way():
            continue
        if landmark:  # an area (school grounds, a park, a station building): the middle of its nodes
            try:
                lon_lat = np.asarray([(node.lon, node.lat) for node in obj.nodes], float)
            except osmium.InvalidLocationError:
                continue
            if len(lon_lat):
                place_rows.append((tags["name"], landmark, *lon_lat.mean(axis=0)))
            continue
        kind = "rail" if tags.get("railway") in RAILWAYS else "water" if tags.get("waterway") in WATERWAYS else None
        if kind is None:
            continue
        try:
            points = [(node.lon, node.lat) for node in obj.nodes]
        except osmium.InvalidLocationError:
            continue
        if len(points) >= 2:
            kinds.append(kind)
            names.append(tags.get("name"))
            coords.append(points)
    to_crs = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    bounds = shapely.buffer(shapely.union_all(area.geometry.to_numpy()), margin_m)
    if coords:
        flat = np.concatenate([np.asarray(c, float) for c in coords])
        x, y = to_crs.transform(flat[:, 0], flat[:, 1])
        index = np.repeat(np.arange(len(coords)), [len(c) for c in coords])
        geoms = shapely.linestrings(np.column_stack([x, y]), indices=index)
        keep = shapely.intersects(geoms, bounds)
        lines = gpd.GeoDataFrame({"kind": np.asarray(kinds, object)[keep], "name": np.asarray(names, object)[keep]},
                                 geometry=geoms[keep], crs=crs)
    if place_rows:
        frame = pd.DataFrame(place_rows, columns=["name", "kind", "lon", "lat"])
        x, y = to_crs.transform(frame["lon"].to_numpy(), frame["lat"].to_numpy())
        points = shapely.points(x, y)
        keep = shapely.intersects(points, bounds)
        places = gpd.GeoDataFrame(frame.loc[keep, ["name", "kind"]].reset_index(drop=True), geometry=points[keep],
                                  crs=crs)
        # one station mapped as railway=station and public_transport=station, or node and area: once
        rounded = np.round(shapely.get_coordinates(places.geometry.to_numpy()) / 100)
        places = places[~pd.DataFrame({"name": places["name"], "kind": places["kind"], "x": rounded[:, 0],
                                       "y": rounded[:, 1]}).duplicated().to_numpy()].reset_index(drop=True)
    return lines.reset_index(drop=True), places


def read_admin_areas(path, levels=(10, 9), *, within=None, crs="EPSG:25832") -> gpd.GeoDataFrame:
    """Administrative areas of an OpenStreetMap extract (``boundary=administrative``) of the
    first of ``levels`` that gives at least two areas (admin levels 9/10: Stadtbezirke,
    Stadtteile), as districts: ``district_id`` (the ``ref`` tag, else ``OSM-R`` + relation
    id), ``name``, polygons in ``crs``. With ``within`` (a polygon in ``crs``, e.g. the
    municipality) only areas whose inner point lies in it, clipped to it. Areas whose
    geometry the extract does not hold completely are left out."""
    import osmium

    wanted = {str(level) for level in levels}
    factory = osmium.geom.WKBFactory()
    rows = []
    processor = osmium.FileProcessor(str(path)).with_areas().with_filter(
        osmium.filter.TagFilter(("boundary", "administrative")))
    for area in processor:
        if not area.is_area() or area.tags.get("admin_level") not in wanted:
            continue
        try:
            geometry = shapely.from_wkb(factory.create_multipolygon(area))
        except RuntimeError:  # an incomplete or broken boundary in the extract
            continue
        ref = area.tags.get("ref")
        rows.append((area.tags.get("admin_level"), ref or f"OSM-{'W' if area.from_way() else 'R'}{area.orig_id()}",
                     area.tags.get("name") or ref or str(area.orig_id()), geometry))
    frame = gpd.GeoDataFrame(rows, columns=["admin_level", "district_id", "name", "geometry"], crs="EPSG:4326")
    frame = frame.to_crs(crs)
    if within is not None:
        frame = frame[shapely.within(frame.geometry.representative_point().to_numpy(), within)]
        frame = frame.assign(geometry=shapely.intersection(frame.geometry.to_numpy(), within))
    for level in map(str, levels):
        chosen = frame[frame["admin_level"] == level]
        if len(chosen) >= 2:
            return chosen.drop(columns="admin_level").reset_index(drop=True)
    return frame.iloc[:0].drop(columns="admin_level")


def grid_districts(outline, size_m: float) -> gpd.GeoDataFrame:
    """A first set of districts for a municipality without any: squares of ``size_m`` metres
    over its ``outline`` (a GeoSeries, metric CRS), clipped to it, named as on a city map
    ("Raster B3": column letters west to east, row numbers north to south)."""
    area = shapely.union_all(outline.geometry.to_numpy() if hasattr(outline, "geometry") else outline)
    minx, miny, maxx, maxy = area.bounds
    columns = int(np.ceil((maxx - minx) / size_m))
    rows = int(np.ceil((maxy - miny) / size_m))
    col, row = np.meshgrid(np.arange(columns), np.arange(rows))
    col, row = col.ravel(), row.ravel()
    x0, y1 = minx + col * size_m, maxy - row * size_m
    squares = shapely.intersection(shapely.box(x0, y1 - size_m, x0 + size_m, y1), area)
    size = shapely.area(squares)
    keep = size > 0.01 * size_m * size_m
    kept = squares[keep].copy()
    tree = shapely.STRtree(kept)
    for sliver in squares[~keep & (size > 0)]:  # a sliver of the outline joins the square it borders most
        near = tree.query(sliver, predicate="intersects")
        if len(near):
            shared = shapely.length(shapely.intersection(shapely.boundary(kept[near]), shapely.boundary(sliver)))
            best = near[int(np.argmax(shared))]
            kept[best] = shapely.union(kept[best], sliver)
    letters = [_column_letters(c) for c in col[keep]]
    return gpd.GeoDataFrame({"district_id": [f"R{c}{r + 1}" for c, r in zip(letters, row[keep])],
                             "name": [f"Raster {c}{r + 1}" for c, r in zip(letters, row[keep])]},
                            geometry=kept, crs=outline.crs)


def _column_letters(k: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    k += 1
    while k:
        k, rest = divmod(k - 1, 26)
        out = chr(65 + rest) + out
    return out
