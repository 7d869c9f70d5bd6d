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
    """The square grid the points lie on, or None (too few points, irregular, or too sparse)."""
    xy = np.asarray(xy, float)
    if len(xy) < 4:
        return None
    ux, uy = np.unique(xy[:, 0]), np.unique(xy[:, 1])
    if len(ux) < 2 or len(uy) < 2:
        return None
    h = min(np.diff(ux).min(), np.diff(uy).min())
    if h <= 0:
        return None
    x0, y0 = ux[0], uy[0]
    fx, fy = (xy[:, 0] - x0) / h, (xy[:, 1] - y0) / h
    ix, iy = np.rint(fx), np.rint(fy)
    tol = rtol * max(1.0, np.abs(fx).max(), np.abs(fy).max())
    if np.abs(fx - ix).max() > tol or np.abs(fy - iy).max() > tol:
        return None
    if (ix.max() + 1) * (iy.max() + 1) > max_cells:
        return None
    lattice = Lattice(float(x0), float(y0), float(h), ix.astype(np.int64), iy.astype(np.int64))
    grid = np.full(lattice.shape, -1, dtype=np.int64)
    grid[lattice.iy, lattice.ix] = np.arange(len(xy))
    if (grid >= 0).sum() != len(xy):  # duplicate locations: not a plain grid
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
    score = np.zeros(len(demand_xy))
    for d_idx, s_idx, dist in iter_pairs(demand_xy, supply_xy, radius, lat):
        w = weight(dist) if weight is not None else 1.0
        first = s_idx.min()
        local = s_idx - first
        total = np.bincount(local, weights=demand[d_idx] * w, minlength=local.max() + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(total > 0, supply[first:first + len(total)] / total, 0.0)
        score += np.bincount(d_idx, weights=ratio[local] * w, minlength=len(demand_xy))
    return score


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
    for d_idx, _, _ in iter_pairs(demand_xy, supply_xy, radius, lattice):
        out[d_idx] = True
    return out


def _as_xy(xy, name):
    arr = np.asarray(xy, float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2) in metres, got {arr.shape}")
    return arr
