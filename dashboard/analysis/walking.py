"""Walking distances on the street network (metres), with compiled shortest paths.

A point (population cell centre, offer, a family's address) reaches the network by a
straight *connector* to the nearest street; from there it walks along the streets. The
distance between two points is ``connector_a + network path + connector_b``.

:func:`street_graph` makes the graph of a workspace's ``street_nodes``/``street_edges``;
:func:`place` inserts the workspace's points into it as nodes (each street cut where a
point meets it), so that distances between them are exact, also for two points on the same
street. Then :func:`nearest_within` (every target's distance to the closest of many
sources: one multi-source Dijkstra), :func:`pairs_within` (all source–target pairs within a
limit, bounded Dijkstras tile by tile) and :func:`from_point` (one ad-hoc point, e.g. the
Lotse's address) answer the analysis' questions. Shortest paths:
``scipy.sparse.csgraph.dijkstra``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

TINY_M = 1e-6
"""Length (metres) given to zero-length links (a point exactly on a street, two points at one
place): a sparse graph has no zero-weight edges."""
TOLERANCE_M = 1e-3
"""A point this close beyond a limit still counts as within it (the tiny links add up)."""
CHUNK_BYTES = 200_000_000
"""Memory for the dense distance rows of one chunk of bounded Dijkstras."""
WALKING_SPEED_KMH = 4.5
"""Default walking speed; the pram/older-people profile walks slower (:data:`SPEEDS_KMH`)."""
SPEEDS_KMH = {"default": WALKING_SPEED_KMH, "slow": 3.0}
SAMPLE_SPACING_M = 15.0
"""Greatest distance (metres) between the points sampled along every street piece for the
nearest-street search (:func:`snap`): more points, fewer candidates per search."""
NEAREST_CANDIDATES = 16
"""Sampled street points looked at first per searched point; a point whose candidates may
lie beyond them is searched again with all sampled points in reach."""


def walking_minutes(distance_m, speed_kmh: float = WALKING_SPEED_KMH):
    """Minutes to walk ``distance_m`` metres at ``speed_kmh``."""
    return np.asarray(distance_m, float) / (speed_kmh * 1000 / 60)


def walking_metres(minutes, speed_kmh: float = WALKING_SPEED_KMH):
    """Metres walked in ``minutes`` at ``speed_kmh`` (the inverse of :func:`walking_minutes`)."""
    return np.asarray(minutes, float) * (speed_kmh * 1000 / 60)


@dataclass(frozen=True, eq=False)
class StreetGraph:
    """The street network: node positions (metres), edges (node positions ``u``/``v``,
    length in metres, line) and their spatial index."""

    node_xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    lines: np.ndarray

    @property
    def n(self) -> int:
        return len(self.node_xy)

    @cached_property
    def pieces(self) -> StreetPieces:
        """The streets as straight pieces with points sampled along them (for :func:`snap`)."""
        return StreetPieces.of(self.lines)

    def matrix(self) -> csr_matrix:
        """Symmetric sparse adjacency (shortest of parallel edges)."""
        return _symmetric(self.u, self.v, self.length, self.n)


def street_graph(ws) -> StreetGraph | None:
    """The workspace's street network as a graph, or None when it has none."""
    if not ws.has_streets:
        return None
    return graph_from_layers(ws.street_nodes, ws.street_edges)


def graph_from_layers(nodes, edges) -> StreetGraph:
    """A :class:`StreetGraph` from ``street_nodes``/``street_edges`` frames (``u``/``v`` are node ids)."""
    index = np.asarray(nodes["node_id"], np.int64)
    position = np.full(index.max() + 1 if len(index) else 0, -1, np.int64)
    position[index] = np.arange(len(index))
    u = position[np.asarray(edges["u"], np.int64)]
    v = position[np.asarray(edges["v"], np.int64)]
    lines = edges.geometry.to_numpy()
    return StreetGraph(shapely.get_coordinates(nodes.geometry.to_numpy()), u, v,
                       np.asarray(edges["length_m"], float), lines)


@dataclass(frozen=True, eq=False)
class StreetPieces:
    """Every street line cut into its straight pieces (from ``a`` to ``b``, metres; ``edge``:
    the line's index, ``start``: metres along the line where the piece begins, ``line_length``:
    each line's own length) and points sampled along each piece at most
    :data:`SAMPLE_SPACING_M` apart (``sample_piece``, in a k-d tree)."""

    a: np.ndarray
    b: np.ndarray
    edge: np.ndarray
    start: np.ndarray
    line_length: np.ndarray
    sample_piece: np.ndarray
    tree: cKDTree

    @classmethod
    def of(cls, lines: np.ndarray) -> StreetPieces:
        coords, line = shapely.get_coordinates(lines, return_index=True)
        step = np.hypot(*(coords[1:] - coords[:-1]).T)
        same = line[1:] == line[:-1]
        walked = np.r_[0.0, np.cumsum(np.where(same, step, 0.0))]  # metres along each line, restarting
        first = np.r_[True, ~same]
        walked -= np.repeat(walked[first], np.diff(np.r_[np.flatnonzero(first), len(coords)]))
        a, b, edge, start = coords[:-1][same], coords[1:][same], line[:-1][same], walked[:-1][same]
        line_length = np.zeros(len(lines))
        np.add.at(line_length, edge, step[same])
        # samples at both ends of every piece and between, at most SAMPLE_SPACING_M apart: any
        # point of a piece lies within half that of one of its samples
        count = np.maximum(np.ceil(step[same] / SAMPLE_SPACING_M).astype(np.int64), 1) + 1
        piece = np.repeat(np.arange(len(a)), count)
        k = np.arange(len(piece)) - np.repeat(np.cumsum(count) - count, count)
        fraction = k / np.repeat(count - 1, count)
        samples = a[piece] + fraction[:, None] * (b - a)[piece]
        return cls(a, b, edge, start, line_length, piece, cKDTree(samples))

    def distance(self, xy: np.ndarray, piece: np.ndarray):
        """(metres from each point to its piece, fraction along the piece of the nearest spot)."""
        a, ab = self.a[piece], self.b[piece] - self.a[piece]
        fraction = np.clip(((xy - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0.0, 1.0)
        return np.hypot(*(xy - a - fraction[:, None] * ab).T), fraction

    def nearest(self, xy: np.ndarray):
        """(piece, distance in metres, fraction along it) of the street piece nearest to each
        point, exactly: the true nearest piece has a sample within (distance to the nearest
        sample + half the spacing), so the pieces of all samples that close are compared. Most
        points find them among their nearest :data:`NEAREST_CANDIDATES` samples; the rest are
        searched again within that radius. Both cores search."""
        k = min(NEAREST_CANDIDATES, self.tree.n)
        sample_dist, sample = self.tree.query(xy, k=k, workers=-1)
        sample_dist, sample = sample_dist.reshape(len(xy), k), sample.reshape(len(xy), k)
        reach = sample_dist[:, 0] + SAMPLE_SPACING_M / 2 + TOLERANCE_M
        piece = self.sample_piece[sample]
        near = sample_dist <= reach[:, None]  # only these samples' pieces can be the nearest
        dist, fraction = np.full((len(xy), k), np.inf), np.zeros((len(xy), k))
        dist[near], fraction[near] = self.distance(np.repeat(xy, near.sum(axis=1), axis=0), piece[near])
        best = np.argmin(dist, axis=1)
        rows = np.arange(len(xy))
        out = [piece[rows, best], dist[rows, best], fraction[rows, best]]
        again = np.flatnonzero(sample_dist[:, -1] <= reach) if k == NEAREST_CANDIDATES else np.zeros(0, np.int64)
        if len(again):  # candidates may lie beyond the first k samples: all samples in reach
            found = self.tree.query_ball_point(xy[again], reach[again], return_sorted=False, workers=-1)
            sizes = np.fromiter(map(len, found), np.int64, len(found))
            point = np.repeat(np.arange(len(again)), sizes)
            candidate = self.sample_piece[np.concatenate(found).astype(np.int64)]
            d, f = self.distance(xy[again][point], candidate)
            order = np.lexsort((d, point))
            first = order[np.r_[True, point[order][1:] != point[order][:-1]]]
            out[0][again], out[1][again], out[2][again] = candidate[first], d[first], f[first]
        return tuple(out)


def _symmetric(u, v, weight, n) -> csr_matrix:
    rows, cols = np.concatenate([u, v]), np.concatenate([v, u])
    w = np.concatenate([weight, weight])
    order = np.lexsort((w, cols, rows))  # per (row, col) the shortest first
    rows, cols, w = rows[order], cols[order], w[order]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
    return csr_matrix((np.maximum(w[first], TINY_M), (rows[first], cols[first])), shape=(n, n))


@dataclass(frozen=True)
class Snapped:
    """Points on the network: the ``edge`` each lies nearest to, the distance ``along`` it from
    its ``u`` end and the straight ``connector`` to it (metres)."""

    edge: np.ndarray
    along: np.ndarray
    connector: np.ndarray


def snap(graph: StreetGraph, xy: np.ndarray) -> Snapped:
    """The nearest street of each point (of equally near ones, any) and where on it the point
    meets it (:meth:`StreetPieces.nearest`)."""
    xy = np.asarray(xy, float).reshape(-1, 2)
    if not len(xy):
        return Snapped(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    pieces = graph.pieces
    piece, connector, fraction = pieces.nearest(xy)
    edge = pieces.edge[piece]
    along = pieces.start[piece] + fraction * np.hypot(*(pieces.b[piece] - pieces.a[piece]).T)
    # measure along the street as the edge's stored length does (the line's own length)
    scale = graph.length[edge] / np.maximum(pieces.line_length[edge], TINY_M)
    return Snapped(edge, np.clip(along * scale, 0, graph.length[edge]), connector)


@dataclass(frozen=True, eq=False)
class Attached:
    """Points attached to the placed network (:func:`place`): per point the two nodes
    ``around`` it on its street (k, 2), the walk to each ``offset`` (k, 2, metres: connector +
    along the street) and where it meets its street."""

    around: np.ndarray
    offset: np.ndarray
    where: Snapped

    nodes: int  # of the placed network

    @cached_property
    def by_node(self):
        """Node → its attached points, CSR style: (indptr (nodes + 1), point)."""
        order = np.argsort(self.around.ravel(), kind="stable")
        point = np.repeat(np.arange(len(self.around)), 2)[order]
        return np.searchsorted(self.around.ravel()[order], np.arange(self.nodes + 1)), point


@dataclass(frozen=True, eq=False)
class PlacedNetwork:
    """The street graph with groups of points inserted as nodes: ``nodes[group]`` are their
    node numbers, ``connector[group]`` their straight connectors (metres); ``cuts`` lists, per
    original edge, the inserted nodes in order (for ad-hoc points, :func:`attach`)."""

    graph: StreetGraph
    matrix: csr_matrix
    nodes: dict
    connector: dict
    cut_edge: np.ndarray  # inserted node → original edge, sorted by (edge, along)
    cut_along: np.ndarray
    cut_node: np.ndarray
    node_xy: np.ndarray  # every node's position (metres): the street's, then the inserted points'
    attached: dict = field(default_factory=dict)  # group → Attached

    @property
    def n(self) -> int:
        return self.matrix.shape[0]


def place(graph: StreetGraph, groups: dict, attached: dict | None = None) -> PlacedNetwork:
    """Insert the points of every group (name → (k, 2) coordinates in metres) into the graph:
    each street is cut at the points that meet it, so paths between them are exact.

    Groups in ``attached`` (many points that are only ever reached, e.g. population cells)
    are not inserted but *attached* to the two nodes around them on their street
    (:func:`attach`): the graph stays small, and a walk to such a point is the shorter of the
    walks via its two neighbours, exact as long as no inserted point lies between them."""
    names = list(groups)
    xy = [np.asarray(groups[g], float).reshape(-1, 2) for g in names]
    sizes = [len(a) for a in xy]
    snapped = snap(graph, np.concatenate(xy) if sum(sizes) else np.zeros((0, 2)))
    total = len(snapped.edge)
    new_nodes = graph.n + np.arange(total)
    order = np.lexsort((snapped.along, snapped.edge))
    edge, along, node = snapped.edge[order], snapped.along[order], new_nodes[order]
    # chains: per cut edge u → p1 → … → pk → v; untouched edges stay as they are
    touched = np.zeros(len(graph.u), bool)
    touched[edge] = True
    first = np.r_[True, edge[1:] != edge[:-1]]
    last = np.r_[edge[1:] != edge[:-1], True]
    prev_node = np.where(first, graph.u[edge], np.r_[0, node[:-1]])
    prev_along = np.where(first, 0.0, np.r_[0.0, along[:-1]])
    end_u = np.concatenate([prev_node, node[last]])
    end_v = np.concatenate([node, graph.v[edge[last]]])
    weight = np.concatenate([along - prev_along, graph.length[edge[last]] - along[last]])
    u = np.concatenate([graph.u[~touched], end_u])
    v = np.concatenate([graph.v[~touched], end_v])
    w = np.concatenate([graph.length[~touched], weight])
    matrix = _symmetric(u, v, w, graph.n + total)
    bounds = np.cumsum([0, *sizes])
    nodes = {g: new_nodes[bounds[k]:bounds[k + 1]] for k, g in enumerate(names)}
    connector = {g: snapped.connector[bounds[k]:bounds[k + 1]] for k, g in enumerate(names)}
    node_xy = np.empty((graph.n + total, 2))
    node_xy[:graph.n] = graph.node_xy
    if total:  # where each point meets its street
        lines = graph.lines[edge]
        on_line = along * shapely.length(lines) / np.maximum(graph.length[edge], TINY_M)
        node_xy[node] = shapely.get_coordinates(shapely.line_interpolate_point(lines, on_line))
    placed = PlacedNetwork(graph, matrix, nodes, connector, edge, along, node, node_xy)
    for name, points in (attached or {}).items():
        where = snap(graph, np.asarray(points, float).reshape(-1, 2))
        _, around, offset = _attach(placed, where)
        k = len(around) // 2
        placed.attached[name] = Attached(np.column_stack([around[:k], around[k:]]),
                                         np.column_stack([offset[:k], offset[k:]]), where, placed.n)
    return placed


def attach(placed: PlacedNetwork, xy) -> tuple[np.ndarray, np.ndarray]:
    """Where ad-hoc points join the placed network: for each point the two nodes around it on
    its street (original ends or inserted points) and the walk to each (connector + along).
    Returns (point index repeated, node, offset) as arrays of pairs."""
    return _attach(placed, snap(placed.graph, xy))


def _cuts_around(placed: PlacedNetwork, edge: np.ndarray, along: np.ndarray):
    """For points on streets (their ``edge`` and metres ``along`` it): the index into the
    placed network's cut arrays of the inserted point just before each on its street (-1:
    none, the street's start is next) and just after it (-1: none). An inserted point at the
    same place counts as before. One sort of cuts and points together, no loop."""
    n_cut = len(placed.cut_edge)
    lo = np.searchsorted(placed.cut_edge, edge, side="left")
    hi = np.searchsorted(placed.cut_edge, edge, side="right")
    kind = np.r_[np.zeros(n_cut, np.int8), np.ones(len(edge), np.int8)]  # cuts before points at a tie
    order = np.lexsort((kind, np.r_[placed.cut_along, along], np.r_[placed.cut_edge, edge]))
    is_point = order >= n_cut
    cuts_before = np.empty(len(edge), np.int64)  # cuts sorted before each point (all streets)
    cuts_before[order[is_point] - n_cut] = np.cumsum(~is_point)[is_point]
    return np.where(cuts_before > lo, cuts_before - 1, -1), np.where(cuts_before < hi, cuts_before, -1)


def _attach(placed: PlacedNetwork, s: Snapped):
    graph = placed.graph
    k = len(s.edge)
    before_node, before_along = graph.u[s.edge].copy(), np.zeros(k)
    after_node, after_along = graph.v[s.edge].copy(), graph.length[s.edge].copy()
    if len(placed.cut_edge):  # streets with inserted points: the neighbours on it
        before, after = _cuts_around(placed, s.edge, s.along)
        b, a = before >= 0, after >= 0
        before_node[b], before_along[b] = placed.cut_node[before[b]], placed.cut_along[before[b]]
        after_node[a], after_along[a] = placed.cut_node[after[a]], placed.cut_along[after[a]]
    point = np.concatenate([np.arange(k), np.arange(k)])
    node = np.concatenate([before_node, after_node])
    offset = np.concatenate([s.connector + (s.along - before_along), s.connector + (after_along - s.along)])
    return point, node, offset


def _with_source(matrix: csr_matrix, nodes, offsets) -> csr_matrix:
    """The graph plus one extra node (the last) linked to ``nodes`` at ``offsets`` (one way)."""
    n = matrix.shape[0]
    extra = csr_matrix((np.maximum(np.asarray(offsets, float), TINY_M), (np.full(len(nodes), n), np.asarray(nodes))),
                       shape=(n + 1, n + 1))
    grown = csr_matrix((matrix.data, matrix.indices, np.r_[matrix.indptr, matrix.indptr[-1]]), shape=(n + 1, n + 1))
    return (grown + extra).tocsr()


def nearest_within(placed: PlacedNetwork, source: str, target: str, limit_m: float,
                   mask: np.ndarray | None = None) -> np.ndarray:
    """Walking distance (metres) from each point of group ``target`` to the closest point of
    group ``source`` (those where ``mask``), or inf beyond ``limit_m``: one Dijkstra."""
    nodes, offsets = placed.nodes[source], placed.connector[source]
    if mask is not None:
        nodes, offsets = nodes[mask], offsets[mask]
    if not len(nodes):
        return np.full(_size(placed, target), np.inf)
    graph = _with_source(placed.matrix, nodes, offsets)
    dist = dijkstra(graph, directed=True, indices=graph.shape[0] - 1, limit=limit_m + TOLERANCE_M)
    out = group_distance(placed, dist, target)
    out[out > limit_m + TOLERANCE_M] = np.inf
    return out


def pairs_within(placed: PlacedNetwork, source: str, target: str, limit_m: float,
                 sources: np.ndarray | None = None):
    """Every (source, target) pair of points within ``limit_m`` metres' walk: arrays of source
    index, target index and distance. Bounded Dijkstras tile by tile (:func:`_searches`); an
    attached target is reached through the nearer of its two neighbours."""
    chosen = np.arange(len(placed.nodes[source])) if sources is None else np.asarray(sources)
    limit = limit_m + TOLERANCE_M
    attached = placed.attached.get(target)
    if attached is not None:
        indptr, via_point = attached.by_node
        near = np.zeros(len(attached.around), bool)
    else:
        target_of = np.full(placed.n, -1, np.int64)  # node → target point (targets are distinct nodes)
        target_of[placed.nodes[target]] = np.arange(len(placed.nodes[target]))
    position = np.full(placed.n, -1, np.int64)  # node → column in the current block
    out_s, out_t, out_d = [], [], []
    for members, part, dist in _searches(placed, placed.nodes[source][chosen], limit):
        position[part] = np.arange(len(part))
        if attached is not None:  # the targets next to the part, each by the nearer neighbour
            count = indptr[part + 1] - indptr[part]
            slot = np.repeat(indptr[part], count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            near[via_point[slot]] = True
            targets = np.flatnonzero(near)
            near[targets] = False
            column = position[attached.around[targets]]
            offset = np.where(column >= 0, attached.offset[targets], np.inf)
            column = np.maximum(column, 0)
        else:
            column = np.flatnonzero(target_of[part] >= 0)
            targets = target_of[part[column]]
        position[part] = -1
        start_conn = placed.connector[source][chosen[members]]
        step = max(1, int(CHUNK_BYTES // (8 * max(len(targets), 1))))
        for first in range(0, len(members), step):
            rows = dist[first:first + step]
            if attached is not None:
                walk = np.minimum(rows[:, column[:, 0]] + offset[:, 0], rows[:, column[:, 1]] + offset[:, 1])
            else:
                walk = rows[:, column] + placed.connector[target][targets]
            walk += start_conn[first:first + step, None]
            r, c = np.nonzero(walk <= limit)
            out_s.append(chosen[members[first + r]])
            out_t.append(targets[c])
            out_d.append(walk[r, c])
    if not out_s:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(out_s), np.concatenate(out_t), np.concatenate(out_d)


def _searches(placed: PlacedNetwork, starts: np.ndarray, limit_m: float):
    """Bounded Dijkstras from ``starts`` (nodes): yields blocks (start indices, nodes of the
    part searched, distances (starts × nodes), inf beyond ``limit_m``). The starts are
    searched tile by tile, each on the part of the network around its tile that a walk of
    ``limit_m`` can reach (the tile's box widened by the limit: a path is not shorter than the
    straight line), so the rows stay short. Exact regardless of geometry: a start whose walk
    could leave its part within the limit is searched again on the whole network. Memory per
    block: :data:`CHUNK_BYTES`."""
    starts = np.asarray(starts, np.int64)
    if not len(starts):
        return
    xy = placed.node_xy
    reach = limit_m * 1.01 + 10.0  # room for node positions rounded to the centimetre
    tile = max(2 * limit_m, 100.0)
    cell = np.floor((xy[starts] - xy[starts].min(axis=0)) / tile).astype(np.int64)
    key = cell[:, 0] * (cell[:, 1].max() + 1) + cell[:, 1]
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1], True])
    by_x = np.argsort(xy[:, 0], kind="stable")
    xs = xy[by_x, 0]
    inside = np.zeros(placed.n, bool)
    again = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        members = order[a:b]
        lo, hi = xy[starts[members]].min(axis=0) - reach, xy[starts[members]].max(axis=0) + reach
        candidates = by_x[np.searchsorted(xs, lo[0], side="left"):np.searchsorted(xs, hi[0], side="right")]
        y = xy[candidates, 1]
        part = np.sort(candidates[(y >= lo[1]) & (y <= hi[1])])
        rows = placed.matrix[part]
        inside[part] = True
        leaving = ~inside[rows.indices]  # the part's border: its nodes with a link out, the shortest such link
        inside[part] = False
        exit_m = np.full(len(part), np.inf)
        np.minimum.at(exit_m, np.repeat(np.arange(len(part)), np.diff(rows.indptr))[leaving], rows.data[leaving])
        border = np.flatnonzero(np.isfinite(exit_m))
        sub = rows[:, part]
        local = np.searchsorted(part, starts[members])
        step = max(1, int(CHUNK_BYTES // (8 * len(part))))
        for first in range(0, len(members), step):
            dist = dijkstra(sub, directed=False, indices=local[first:first + step], limit=limit_m)
            leaks = (dist[:, border] + exit_m[border] <= limit_m).any(axis=1)
            again.append(members[first:first + step][leaks])
            yield members[first:first + step][~leaks], part, dist[~leaks]
    again = np.concatenate(again)
    step = max(1, int(CHUNK_BYTES // (8 * placed.n)))
    for first in range(0, len(again), step):
        members = again[first:first + step]
        yield members, np.arange(placed.n), dijkstra(placed.matrix, directed=False, indices=starts[members],
                                                     limit=limit_m)


def _size(placed: PlacedNetwork, group: str) -> int:
    return len(placed.attached[group].around) if group in placed.attached else len(placed.nodes[group])


def from_point(placed: PlacedNetwork, x: float, y: float, limit_m: float) -> np.ndarray:
    """Walking distance (metres) from one ad-hoc point to every node of the placed network
    (inf beyond ``limit_m``); read a group's distances with :func:`group_distance`."""
    _, node, offset = attach(placed, np.array([[x, y]]))
    graph = _with_source(placed.matrix, node, offset)
    return dijkstra(graph, directed=True, indices=graph.shape[0] - 1, limit=limit_m + TOLERANCE_M)[:-1]


def distances_between(placed: PlacedNetwork, group: str, a, b, limit_m: float = 50_000.0) -> np.ndarray:
    """Walking distance (metres) between points ``a[k]`` and ``b[k]`` of one group."""
    a, b = np.asarray(a), np.asarray(b)
    nodes, conn = placed.nodes[group], placed.connector[group]
    starts, inverse = np.unique(a, return_inverse=True)
    dist = dijkstra(placed.matrix, directed=False, indices=nodes[starts], limit=limit_m)
    return dist[inverse, nodes[b]] + conn[a] + conn[b]


def point_distances(placed: PlacedNetwork, x: float, y: float, limit_m: float, group: str):
    """Walking distance (metres) from one ad-hoc point to every point of ``group`` (inf beyond
    ``limit_m``), and the node distances (for :func:`walking_area`). An attached point on the
    same stretch of street as the ad-hoc one is walked to directly, not via a junction."""
    node_distance = from_point(placed, x, y, limit_m)
    out = group_distance(placed, node_distance, group)
    if group in placed.attached:
        where = placed.attached[group].where
        here = snap(placed.graph, np.array([[x, y]]))
        edge, along = here.edge[0], here.along[0]
        on_edge = placed.cut_edge == edge
        cuts = np.sort(placed.cut_along[on_edge])
        same = np.flatnonzero(where.edge == edge)
        lo = np.minimum(where.along[same], along)
        hi = np.maximum(where.along[same], along)
        between = np.searchsorted(cuts, hi, side="left") - np.searchsorted(cuts, lo, side="right")
        same = same[between == 0]  # no inserted point between them: the street itself is the way
        direct = here.connector[0] + np.abs(where.along[same] - along) + where.connector[same]
        out[same] = np.minimum(out[same], direct)
    out[out > limit_m + TOLERANCE_M] = np.inf
    return out, node_distance


def group_distance(placed: PlacedNetwork, node_distance: np.ndarray, group: str) -> np.ndarray:
    """A group's walking distances from node distances (e.g. :func:`from_point`'s)."""
    if group in placed.attached:
        points = placed.attached[group]
        return np.min(node_distance[points.around] + points.offset, axis=1)
    return node_distance[placed.nodes[group]] + placed.connector[group]


def reachable_lines(graph: StreetGraph, node_distance: np.ndarray, limit_m: float) -> np.ndarray:
    """The streets (and parts of streets) within ``limit_m`` metres' walk, given the walking
    distance of every street node (inf: not reached). A street reached from both ends within
    the limit counts whole; otherwise the part walked from each end (drawn straight)."""
    d = node_distance[:graph.n]
    ru, rv = limit_m - d[graph.u], limit_m - d[graph.v]
    length = graph.length
    whole = (ru >= 0) & (rv >= 0) & (ru + rv >= length)
    from_u = (ru > 0) & ~whole
    from_v = (rv > 0) & ~whole
    parts = [graph.lines[whole]]
    for mask, start, reach, reverse in ((from_u, graph.u, ru, False), (from_v, graph.v, rv, True)):
        if not mask.any():
            continue
        lines, walked = graph.lines[mask], np.minimum(reach[mask], length[mask])
        scale = shapely.length(lines) / np.maximum(length[mask], TINY_M)
        at = shapely.line_interpolate_point(lines, (length[mask] - walked if reverse else walked) * scale)
        ends = np.stack([graph.node_xy[start[mask]], shapely.get_coordinates(at)], axis=1)
        parts.append(shapely.linestrings(ends))
    return np.concatenate(parts)


def walking_area(graph: StreetGraph, node_distance: np.ndarray, limit_m: float, width_m: float = 60.0):
    """The area within ``limit_m`` metres' walk: the reachable streets widened by ``width_m``
    on each side (houses along them). Empty polygon when nothing is reached."""
    lines = reachable_lines(graph, node_distance, limit_m)
    if not len(lines):
        return shapely.Polygon()
    return shapely.buffer(shapely.multilinestrings(lines), width_m, quad_segs=2)
