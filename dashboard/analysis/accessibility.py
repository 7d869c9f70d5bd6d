"""Catchments and the two-step floating catchment area (2SFCA) method.

Coordinates are metres in a projected CRS; distances are straight lines.

2SFCA after Luo & Wang (2003):

    R_j = S_j / Σ_{i: d_ij ≤ r} w(d_ij) D_i          (supply-to-demand ratio of site j)
    A_i = Σ_{j: d_ij ≤ r} w(d_ij) R_j                  (accessibility of demand location i)

with w ≡ 1 (classic, as PySAL ``access`` ``two_stage_fca``) or the Gaussian
w(d) = exp(-d² / (2σ²)) (E2SFCA-style distance decay, as ``access.weights.gaussian``).

Pairs (i, j) with d_ij ≤ r come either from a KD-tree (any demand locations) or, when the
demand locations lie on a regular square grid (e.g. 100 m population cells), from a fixed
stencil of grid offsets around each site: no tree, no search, one vectorised pass over
sites in chunks, so memory stays bounded for millions of cells.

On a grid the unweighted 2SFCA needs no pair list at all: a catchment is a stack of row
runs (one contiguous range of cells per grid row, from the circle equation). Step 1 reads
two row-prefix-sum values per run; step 2 writes +R_j / −R_j at the ends of each run into
a difference array whose running sum along the rows is the accessibility of every cell.
That is O(sites × rows) instead of O(sites × cells in reach). Cells within a rounding
margin of the radius are decided on their actual coordinates, like the KD-tree path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

CHUNK_PAIRS = 4_000_000  # pairs held in memory at once (≈ 100 MB)


@dataclass(frozen=True)
class Lattice:
    """Demand locations on a square grid: x = x0 + ix·h, y = y0 + iy·h (metres)."""

    x0: float
    y0: float
    h: float
    ix: np.ndarray
    iy: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.iy.max()) + 1, int(self.ix.max()) + 1


def detect_lattice(xy: np.ndarray, rtol: float = 1e-9, max_cells: int = 400_000_000) -> Lattice | None:
    """The square grid the points lie on, or None (too few points, irregular, duplicated or
    too sparse). The spacing is guessed from a sample and verified on every point."""
    xy = np.asarray(xy, float)
    if len(xy) < 4:
        return None
    x0, y0 = xy[:, 0].min(), xy[:, 1].min()
    sample = xy[:: max(1, len(xy) // 4096)]
    for candidate in (sample, xy):
        ux, uy = np.unique(candidate[:, 0]), np.unique(candidate[:, 1])
        diffs = np.concatenate([np.diff(ux), np.diff(uy)])
        diffs = diffs[diffs > 0]
        if not len(diffs):
            continue
        lattice = _on_lattice(xy, float(x0), float(y0), float(diffs.min()), rtol, max_cells)
        if lattice is not None:
            return lattice
    return None


def _on_lattice(xy, x0, y0, h, rtol, max_cells) -> Lattice | None:
    fx, fy = (xy[:, 0] - x0) / h, (xy[:, 1] - y0) / h
    ix, iy = np.rint(fx), np.rint(fy)
    tol = rtol * max(1.0, ix.max(), iy.max())
    if np.abs(fx - ix).max() > tol or np.abs(fy - iy).max() > tol:
        return None
    if (ix.max() + 1) * (iy.max() + 1) > max_cells:
        return None
    lattice = Lattice(x0, y0, h, ix.astype(np.int64), iy.astype(np.int64))
    flat = lattice.iy * (int(ix.max()) + 1) + lattice.ix
    if np.bincount(flat).max() > 1:  # duplicate locations: not a plain grid
        return None
    return lattice


def iter_pairs(demand_xy, supply_xy, radius: float, lattice: Lattice | None = None):
    """Yield chunks (demand index, supply index, distance m) of all pairs with d ≤ radius.

    Supply indices ascend over the chunks and every pair of one site is in the same chunk.
    """
    demand_xy = np.asarray(demand_xy, float)
    supply_xy = np.asarray(supply_xy, float)
    if len(supply_xy) == 0 or len(demand_xy) == 0:
        return
    if lattice is None:
        yield from _tree_pairs(demand_xy, supply_xy, radius)
    else:
        yield from _stencil_pairs(demand_xy, supply_xy, radius, lattice)


def _tree_pairs(demand_xy, supply_xy, radius):
    tree = cKDTree(demand_xy)
    per_site = max(1, int(tree.n / max(1, len(supply_xy))))
    step = max(1, min(len(supply_xy), CHUNK_PAIRS // max(per_site, 1)))
    for start in range(0, len(supply_xy), step):
        sites = supply_xy[start:start + step]
        hits = tree.query_ball_point(sites, radius)
        counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        if counts.sum() == 0:
            continue
        d_idx = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
        s_idx = np.repeat(np.arange(start, start + len(sites)), counts)
        dist = np.hypot(demand_xy[d_idx, 0] - supply_xy[s_idx, 0], demand_xy[d_idx, 1] - supply_xy[s_idx, 1])
        keep = dist <= radius
        yield d_idx[keep], s_idx[keep], dist[keep]


def _stencil_pairs(demand_xy, supply_xy, radius, lat: Lattice):
    grid = np.full(lat.shape, -1, dtype=np.int64)
    grid[lat.iy, lat.ix] = np.arange(len(demand_xy))
    ny, nx = lat.shape
    reach = int(np.ceil(radius / lat.h)) + 1
    di, dj = np.meshgrid(np.arange(-reach, reach + 1), np.arange(-reach, reach + 1))
    di, dj = di.ravel(), dj.ravel()
    # a site lies within half a cell of its nearest grid node: keep offsets that can be in range
    near = (np.maximum(np.abs(di) - 0.5, 0) ** 2 + np.maximum(np.abs(dj) - 0.5, 0) ** 2) * lat.h ** 2 <= radius ** 2
    di, dj = di[near], dj[near]
    ci = np.rint((supply_xy[:, 0] - lat.x0) / lat.h).astype(np.int64)
    cj = np.rint((supply_xy[:, 1] - lat.y0) / lat.h).astype(np.int64)
    step = max(1, CHUNK_PAIRS // len(di))
    for start in range(0, len(supply_xy), step):
        stop = min(start + step, len(supply_xy))
        gi = ci[start:stop, None] + di[None, :]
        gj = cj[start:stop, None] + dj[None, :]
        inside = (gi >= 0) & (gi < nx) & (gj >= 0) & (gj < ny)
        rows = np.full(gi.shape, -1, dtype=np.int64)
        rows[inside] = grid[gj[inside], gi[inside]]
        s_idx, k = np.nonzero(rows >= 0)
        d_idx = rows[s_idx, k]
        s_idx = s_idx + start
        dist = np.hypot(demand_xy[d_idx, 0] - supply_xy[s_idx, 0], demand_xy[d_idx, 1] - supply_xy[s_idx, 1])
        keep = dist <= radius
        yield d_idx[keep], s_idx[keep], dist[keep]


# ---------------------------------------------------------------------------------------
# Grid path without pairs (see module doc)
# ---------------------------------------------------------------------------------------
@dataclass
class _Runs:
    """Each site's catchment on the padded demand grid as one run of cells per grid row.

    Grid arrays use the layout (rows, cols + 1). ``start``/``stop`` are flat indices of a
    run's first cell and of the cell after its last; ``run_site`` says whose run it is;
    ``cell`` is the flat index of every demand location."""

    shape: tuple[int, int]
    sites: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    run_site: np.ndarray
    cell: np.ndarray


def _grid_runs(lat: Lattice, demand_xy, supply_xy, radius: float) -> _Runs:
    h = lat.h
    reach = int(np.ceil(radius / h))
    pad = reach + 2
    ny, nx = lat.shape
    ny, nx = ny + 2 * pad, nx + 2 * pad
    width = nx + 1
    fx = (supply_xy[:, 0] - lat.x0) / h + pad  # site position in (padded) cell units
    fy = (supply_xy[:, 1] - lat.y0) / h + pad
    node_y = np.rint(fy)
    usable = (fx >= reach + 1) & (fx < nx - reach - 1) & (node_y >= reach + 1) & (node_y < ny - reach - 1)
    sites = np.flatnonzero(usable)
    fxs, fys, node = fx[sites], fy[sites], node_y[sites]
    rr = (radius / h) ** 2
    eps = 1e-7
    order = np.arange(len(sites))
    starts, stops, owners = [], [], []
    for dy in range(-reach, reach + 1):  # one grid row offset at a time: small arrays, no big temporaries
        y = node + dy
        dy2 = (y - fys) ** 2
        inside = dy2 <= rr
        if not inside.any():
            continue
        half = np.sqrt(rr - dy2[inside])
        left, right = fxs[inside] - half, fxs[inside] + half
        lo, hi = np.ceil(left), np.floor(right)
        rows = y[inside]
        owner = order[inside]
        for end_, bound, is_left in ((left, lo, True), (right, hi, False)):
            near = np.flatnonzero(np.abs(end_ - np.rint(end_)) < eps)
            if len(near):  # run end within rounding of a cell centre: decide on actual coordinates
                _settle_ends(lat, demand_xy, supply_xy[sites[owner[near]]], rows[near], np.rint(end_[near]), pad,
                             radius, bound, near, is_left)
        full = lo <= hi
        base = rows[full].astype(np.int64) * width
        starts.append(base + lo[full].astype(np.int64))
        stops.append(base + hi[full].astype(np.int64) + 1)
        owners.append(owner[full])
    def cat(parts):
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    return _Runs((ny, width), sites, cat(starts), cat(stops), cat(owners), (lat.iy + pad) * width + lat.ix + pad)


def _settle_ends(lat, demand_xy, site_xy, rows, cols, pad, radius, bound, positions, is_left):
    """Set run ends (``bound[positions]``) for cells whose centre lies on the radius up to
    rounding, using the actual coordinates (those of the demand location where there is one)."""
    for j, pos in enumerate(positions):  # a handful of cells at most
        iy, ix = int(rows[j]) - pad, int(cols[j]) - pad
        match = np.flatnonzero((lat.iy == iy) & (lat.ix == ix))
        ex, ey = demand_xy[match[0]] if len(match) else (lat.x0 + ix * lat.h, lat.y0 + iy * lat.h)
        inside = np.hypot(ex - site_xy[j, 0], ey - site_xy[j, 1]) <= radius
        bound[pos] = cols[j] + (0 if inside else (1 if is_left else -1))


def _sum_over_runs(runs: _Runs, values: np.ndarray) -> np.ndarray:
    """Σ of a per-location quantity over each site's runs (two prefix-sum reads per run)."""
    shifted = np.zeros(runs.shape[0] * runs.shape[1])
    shifted[runs.cell + 1] = values  # prefix layout: column x holds the sum of cells before x
    prefix = np.cumsum(shifted.reshape(runs.shape), axis=1).ravel()
    return np.bincount(runs.run_site, weights=prefix[runs.stop] - prefix[runs.start], minlength=len(runs.sites))


def _spread_over_runs(runs: _Runs, values: np.ndarray | None) -> np.ndarray:
    """Per demand location: Σ ``values`` of the sites whose runs contain it (difference
    array, one running sum); ``values=None`` counts the runs exactly (integers)."""
    size = runs.shape[0] * runs.shape[1]
    weights = None if values is None else values[runs.run_site]
    diff = np.bincount(runs.start, weights=weights, minlength=size) - \
        np.bincount(runs.stop, weights=weights, minlength=size)
    return np.cumsum(diff.reshape(runs.shape), axis=1).ravel()[runs.cell]


def _grid_two_step_fca(lat, demand_xy, demand, supply_xy, supply, radius) -> np.ndarray:
    runs = _grid_runs(lat, demand_xy, supply_xy, radius)
    if len(runs.sites) == 0:
        return np.zeros(len(demand_xy))
    total = _sum_over_runs(runs, demand)  # step 1: demand within reach of each site
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0, supply[runs.sites] / total, 0.0)
    score = _spread_over_runs(runs, ratio)  # step 2
    # cancellation in the running sums may leave ~1e-19 where no site reaches: exact zeros there
    score[_spread_over_runs(runs, None) == 0] = 0.0
    return score


def _grid_covered(lat, demand_xy, supply_xy, radius) -> np.ndarray:
    runs = _grid_runs(lat, demand_xy, supply_xy, radius)
    if len(runs.sites) == 0:
        return np.zeros(len(demand_xy), bool)
    return _spread_over_runs(runs, None) > 0


def gaussian(sigma: float):
    """Distance-decay weight w(d) = exp(-d² / (2σ²)), σ in metres (as access.weights.gaussian)."""
    if sigma <= 0:
        raise ValueError(f"sigma must be positive (metres), got {sigma!r}")
    return lambda d: np.exp(-d * d / (2.0 * sigma * sigma))


def two_step_fca(demand_xy, demand, supply_xy, supply, radius, weight=None, lattice="auto") -> np.ndarray:
    """2SFCA accessibility score per demand location (supply units per demand unit).

    demand_xy (n, 2) and supply_xy (m, 2): coordinates in metres; demand (n,) e.g.
    persons; supply (m,) e.g. offers or places; radius: catchment in metres (a location
    exactly at the radius is inside); weight: optional distance-decay function of metres
    (e.g. :func:`gaussian`). Sites with no demand in reach contribute nothing. With
    ``lattice='auto'`` a regular grid of demand locations is detected and served by the
    stencil method; pass None to force the KD-tree.
    """
    demand_xy = _as_xy(demand_xy, "demand_xy")
    supply_xy = _as_xy(supply_xy, "supply_xy")
    demand = np.asarray(demand, float)
    supply = np.asarray(supply, float)
    if demand.shape != (len(demand_xy),) or supply.shape != (len(supply_xy),):
        raise ValueError(f"demand has shape {demand.shape} for {len(demand_xy)} locations and supply "
                         f"{supply.shape} for {len(supply_xy)} sites")
    if not radius > 0:
        raise ValueError(f"radius must be positive (metres), got {radius!r}")
    lat = detect_lattice(demand_xy) if isinstance(lattice, str) and lattice == "auto" else lattice
    if lat is not None and weight is None:
        return _grid_two_step_fca(lat, demand_xy, demand, supply_xy, supply, float(radius))
    score = np.zeros(len(demand_xy))
    for d_idx, s_idx, dist in iter_pairs(demand_xy, supply_xy, radius, lat):
        score += two_step_fca_pairs(demand, supply, d_idx, s_idx, dist, weight)
    return score


def two_step_fca_pairs(demand, supply, d_idx, s_idx, dist, weight=None) -> np.ndarray:
    """2SFCA from the pairs (demand index, site index, distance m) within the catchment, e.g.
    walking distances on the street network; every pair of a site must be given at once.
    ``demand`` (n,) and ``supply`` (m,) as in :func:`two_step_fca`."""
    demand, supply = np.asarray(demand, float), np.asarray(supply, float)
    if not len(d_idx):
        return np.zeros(len(demand))
    w = weight(np.asarray(dist, float)) if weight is not None else 1.0
    first = s_idx.min()
    local = s_idx - first
    total = np.bincount(local, weights=demand[d_idx] * w, minlength=local.max() + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0, supply[first:first + len(total)] / total, 0.0)
    return np.bincount(d_idx, weights=ratio[local] * w, minlength=len(demand))


def covered(demand_xy, supply_xy, radius, lattice="auto") -> np.ndarray:
    """Boolean per demand location: at least one site within ``radius`` metres."""
    demand_xy = _as_xy(demand_xy, "demand_xy")
    supply_xy = _as_xy(supply_xy, "supply_xy")
    out = np.zeros(len(demand_xy), bool)
    if len(supply_xy) == 0 or len(demand_xy) == 0:
        return out
    if isinstance(lattice, str) and lattice == "auto":
        lattice = detect_lattice(demand_xy)
    if lattice is None:  # nearest-site query is cheaper than all pairs
        dist, _ = cKDTree(supply_xy).query(demand_xy, k=1, distance_upper_bound=radius * (1 + 1e-12))
        exact = np.isfinite(dist)
        return exact & (dist <= radius)
    return _grid_covered(lattice, demand_xy, supply_xy, float(radius))


def _as_xy(xy, name):
    arr = np.asarray(xy, float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2) in metres, got {arr.shape}")
    return arr
