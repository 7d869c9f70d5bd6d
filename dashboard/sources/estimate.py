"""Where people live from the grid, how old they are from the register: the register's fine
age bands (per district, statistical block or the whole municipality) distributed over the
population grid (dasymetric), fitted to both at once (iterative proportional fitting).

In words a council member follows: the residents' register knows exactly how many children
under 3 live in a district, but not where in it; the census grid knows how many people (in
coarse age classes such as "under 18") live in each 100 m square, but not how many are under
3. The estimate gives each square the district's mix of ages within each coarse class: a
square holding 10 % of the district's under-18s gets 10 % of its under-3s, 3-to-6-year-olds
and so on. Then every district's fine bands add up exactly to the register and every
square's coarse classes to the census. Where the two sources disagree on a district's total
(another date, secrecy), the register counts; the grid says where. Withheld census squares
(fewer than 3 persons) count as :data:`WITHHELD_SEED` persons before scaling.

:func:`fit_margins` is the general fitting step (any number of margins), :func:`register_on_grid`
the combination, :func:`area_shares` the cells' parts in districts or blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

OPEN_BAND_YEARS = 20.0
"""An open top band (e.g. 80+) is taken as this many years wide."""
WITHHELD_SEED = 1.0
"""Persons a withheld grid value (secrecy: 1 or 2 persons) counts as before the fit."""
MIN_SHARE = 0.001
"""A cell's part in a district below this share (0.1 % of its area) counts as none."""


def phase_band_weights(age_bands: pd.DataFrame, life_phases: pd.DataFrame) -> pd.DataFrame:
    """Share of each age band (rows, by ``column``) that belongs to each phase (columns).

    Share = overlap in years / band width; e.g. band 25–<30 and phase 18–<27 → 2/5.
    """
    lo = age_bands["age_from"].to_numpy(float)
    hi = age_bands["age_to"].to_numpy(float)
    hi = np.where(np.isnan(hi), lo + OPEN_BAND_YEARS, hi)
    p_lo = life_phases["age_from"].to_numpy(float)
    p_hi = life_phases["age_to"].to_numpy(float)
    p_hi = np.where(np.isnan(p_hi), np.inf, p_hi)
    overlap = np.clip(np.minimum(hi[:, None], p_hi[None, :]) - np.maximum(lo[:, None], p_lo[None, :]), 0, None)
    return pd.DataFrame(overlap / (hi - lo)[:, None], index=list(age_bands["column"]),
                        columns=list(life_phases["phase_id"]))


def area_shares(cells: gpd.GeoDataFrame, units: gpd.GeoDataFrame | gpd.GeoSeries):
    """Sparse cell→unit allocation (units: districts, blocks): (cell index, unit index,
    share), shares per cell sum to 1 (by area; persons spread evenly over a cell).

    Cells touching no unit are left out; slivers below :data:`MIN_SHARE` of a cell (edges
    of polygons drawn at other scales) are given to the cell's other units. Indices are
    positions (0-based)."""
    cell_geoms = np.asarray(cells.geometry.to_numpy() if hasattr(cells, "geometry") else cells)
    units = units if isinstance(units, gpd.GeoSeries) else units.geometry
    unit_geoms = units.to_numpy()
    cell_idx, unit_idx = units.sindex.query(cell_geoms, predicate="intersects")
    share = np.ones(len(cell_idx))
    per_cell = np.bincount(cell_idx, minlength=len(cell_geoms))
    split = per_cell[cell_idx] > 1
    if split.any():
        area = shapely.area(shapely.intersection(cell_geoms[cell_idx[split]], unit_geoms[unit_idx[split]]))
        total = np.bincount(cell_idx[split], weights=area, minlength=len(cell_geoms))
        with np.errstate(invalid="ignore", divide="ignore"):
            share[split] = np.where(total[cell_idx[split]] > 0, area / total[cell_idx[split]], 0.0)
    keep = share >= MIN_SHARE
    cell_idx, unit_idx, share = cell_idx[keep], unit_idx[keep], share[keep]
    total = np.bincount(cell_idx, weights=share, minlength=len(cell_geoms))
    return cell_idx, unit_idx, share / total[cell_idx]


@dataclass
class Fit:
    """A fitted array and how the fit went: iterations, the largest relative deviation of a
    margin from its target at the end."""

    values: np.ndarray
    iterations: int
    deviation: float


def fit_margins(seed: np.ndarray, margins, tol: float = 1e-10, max_iter: int = 200) -> Fit:
    """Iterative proportional fitting of a non-negative array (flattened, (n,)) to margins.

    ``margins``: (group, target) pairs: ``group`` (n,) int, the group of every element
    (-1: in none); ``target`` (k,) the sum each group must have (NaN: no condition). Each
    iteration scales the elements of every group to its target, margin by margin, until the
    largest relative deviation is below ``tol``. Groups summing to 0 with a positive target
    cannot be met (give the seed some weight there)."""
    values = np.asarray(seed, float).copy()
    prepared = []
    for group, target in margins:  # elements in no group: an extra group without a condition
        target = np.append(np.asarray(target, float), np.nan)
        group = np.where(np.asarray(group) >= 0, group, len(target) - 1)
        prepared.append((group, target, np.flatnonzero(np.isfinite(target))))
    deviation = np.inf
    for iteration in range(1, max_iter + 1):
        for group, target, _ in prepared:
            sums = np.bincount(group, weights=values, minlength=len(target))
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(np.isfinite(target) & (sums > 0), target / sums, 1.0)
            values *= factor[group]
        deviation = 0.0
        for group, target, known in prepared:
            if len(known):
                sums = np.bincount(group, weights=values, minlength=len(target))
                scale = np.maximum(np.abs(target[known]), 1.0)
                deviation = max(deviation, float(np.max(np.abs(sums[known] - target[known]) / scale)))
        if deviation < tol:
            return Fit(values, iteration, deviation)
    return Fit(values, max_iter, deviation)


def _intervals(bands: pd.DataFrame, open_years: float | None) -> np.ndarray:
    """(k, 2) age intervals [from, to) of bands (``age_from``, ``age_to``; open: + open_years or inf)."""
    lo = bands["age_from"].to_numpy(float)
    hi = bands["age_to"].to_numpy(float)
    hi = np.where(np.isnan(hi), lo + open_years if open_years is not None else np.inf, hi)
    return np.column_stack([lo, hi])


@dataclass
class RegisterOnGrid:
    """The result of :func:`register_on_grid`: persons per cell (rows as the grid's) and fine
    band (columns as the register's); ``iterations`` and ``deviation`` of the fit; codes of
    what could not be placed: ``units_without_cells`` (unit ids whose register counts found
    no grid cell), ``cells_without_register`` (cells split by years only, their unit not in
    the register). ``pieces`` keeps a cell's parts in different units apart: summed by unit
    they give the register exactly."""

    persons: pd.DataFrame
    pieces: pd.DataFrame  # per part of a cell in one unit: cell, unit (positions; -1: in none), share, fine bands
    unit_persons: pd.DataFrame  # the fit per unit (rows: unit ids) and fine band: the register where it has figures
    iterations: int
    deviation: float
    units_without_cells: list = field(default_factory=list)
    cells_without_register: int = 0


def register_on_grid(cells: gpd.GeoDataFrame, grid_bands: pd.DataFrame, units: gpd.GeoDataFrame,
                     register: pd.DataFrame, fine_bands: pd.DataFrame, *, unit_id: str = "unit_id",
                     total: str | None = "persons_total", tol: float = 1e-10) -> RegisterOnGrid:
    """Distribute a register's fine age bands over grid cells (see the module doc).

    ``cells``: the grid (polygons) with a column per coarse class (``grid_bands``: column,
    age_from, age_to; NaN: withheld) and optionally ``total`` (all ages); ``units``:
    polygons of the register's units with ``unit_id``; ``register``: one row per unit
    (``unit_id``) with a column per fine band (``fine_bands``: column, age_from, age_to; NaN:
    withheld). Ages the coarse classes leave out are placed like the grid's total (or, without
    one, like all its classes together)."""
    cell_idx, unit_idx, share = area_shares(cells, units)
    n_cells = len(cells)
    covered = np.zeros(n_cells, bool)
    covered[cell_idx] = True
    outside = np.flatnonzero(~covered)  # cells in no unit: split by years only
    cell_idx = np.concatenate([cell_idx, outside])
    unit_idx = np.concatenate([unit_idx, np.full(len(outside), -1)])
    share = np.concatenate([share, np.ones(len(outside))])

    # coarse classes: the grid's bands, then the ages they leave out (a remainder class)
    coarse = _intervals(grid_bands, None)
    order = np.argsort(coarse[:, 0])
    coarse, columns = coarse[order], list(np.asarray(grid_bands["column"])[order])
    values = cells[columns].to_numpy(float) if columns else np.zeros((n_cells, 0))
    withheld = np.isnan(values)
    known = np.where(withheld, WITHHELD_SEED, values)
    gaps, edge = [], 0.0
    for lo, hi in coarse:
        if lo > edge:
            gaps.append((edge, lo))
        edge = max(edge, hi)
    if np.isfinite(edge):
        gaps.append((edge, np.inf))
    if gaps:
        has_total = total is not None and total in cells.columns
        base = cells[total].to_numpy(float) if has_total else known.sum(axis=1)
        rest = np.clip(np.nan_to_num(base, nan=WITHHELD_SEED) - (known.sum(axis=1) if has_total else 0), 0, None)
        years = np.array([hi - lo if np.isfinite(hi) else OPEN_BAND_YEARS for lo, hi in gaps])
        coarse = np.vstack([coarse, np.array(gaps)])
        known = np.hstack([known, rest[:, None] * years[None, :] / years.sum()])
    # atoms: the pieces of age that are one fine band and one coarse class
    fine = _intervals(fine_bands, OPEN_BAND_YEARS)
    fine_width = fine[:, 1] - fine[:, 0]
    f_of, g_of, years = [], [], []
    for f, (flo, fhi) in enumerate(fine):
        for g, (glo, ghi) in enumerate(coarse):
            overlap = min(fhi, ghi) - max(flo, glo)
            if overlap > 0:
                f_of.append(f), g_of.append(g), years.append(overlap)
    f_of, g_of, years = np.array(f_of, int), np.array(g_of, int), np.array(years, float)
    n_fine, n_coarse, n_atoms = len(fine), len(coarse), len(f_of)
    class_years = np.bincount(g_of, weights=years, minlength=n_coarse)

    # the register per unit and fine band; per unit and coarse class what it implies
    reg = register.assign(**{unit_id: register[unit_id].astype(str)}).set_index(unit_id) \
        .reindex(units[unit_id].astype(str).to_numpy())
    fine_cols = list(fine_bands["column"])
    R = reg[fine_cols].to_numpy(float)  # (units, fine)
    W = np.zeros((n_fine, n_coarse))
    np.add.at(W, (f_of, g_of), years / fine_width[f_of])
    Rg = np.nan_to_num(R) @ W  # (units, coarse)
    Rg[np.isnan(R) @ (W > 0) > 0] = np.nan  # a withheld band leaves the classes it touches open
    in_register = np.isfinite(R).any(axis=1)

    # pieces of cells in units, with their coarse classes scaled to the register's totals
    piece_class = known[cell_idx] * share[:, None]  # (pieces, coarse)
    unit_ok = unit_idx >= 0
    target_class = np.where(unit_ok[:, None], Rg[np.maximum(unit_idx, 0)], np.nan)
    sums = np.zeros((len(units), n_coarse))
    np.add.at(sums, unit_idx[unit_ok], piece_class[unit_ok])
    # a unit with register persons in a class but no grid weight there: spread like the unit's grid persons
    # (or its area), so the register's people are placed somewhere in it
    empty = (sums <= 0) & (np.nan_to_num(Rg, nan=0) > 0)
    if empty.any():
        weight = piece_class.sum(axis=1)
        unit_weight = np.bincount(unit_idx[unit_ok], weights=weight[unit_ok], minlength=len(units))
        fallback = np.where(unit_weight[np.maximum(unit_idx, 0)] > 0, weight, share)
        for g in np.flatnonzero(empty.any(axis=0)):
            rows = unit_ok & empty[np.maximum(unit_idx, 0), g]
            piece_class[rows, g] = fallback[rows]
        sums = np.zeros((len(units), n_coarse))
        np.add.at(sums, unit_idx[unit_ok], piece_class[unit_ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(np.isfinite(target_class) & (sums[np.maximum(unit_idx, 0)] > 0),
                         target_class / sums[np.maximum(unit_idx, 0)], 1.0)
    piece_class = piece_class * scale

    # seed: each piece's coarse classes split over their atoms by years; then fit both margins
    n_pieces = len(cell_idx)
    seed = piece_class[:, g_of] * (years / class_years[g_of])[None, :]  # (pieces, atoms)
    coarse_group = (np.arange(n_pieces)[:, None] * n_coarse + g_of[None, :]).ravel()
    fine_group = np.where(unit_ok[:, None], unit_idx[:, None] * n_fine + f_of[None, :], -1).ravel()
    placed = np.bincount(unit_idx[unit_ok], minlength=len(units)) > 0  # units with some grid cell
    fine_target = np.where((in_register & placed)[:, None], R, np.nan).ravel()
    fit = fit_margins(seed.ravel(), [(coarse_group, piece_class.ravel()), (fine_group, fine_target)], tol=tol)
    atoms = fit.values.reshape(n_pieces, n_atoms)
    by_fine = np.zeros((n_pieces, n_fine))
    for a in range(n_atoms):
        by_fine[:, f_of[a]] += atoms[:, a]
    persons = np.zeros((n_cells, n_fine))
    np.add.at(persons, cell_idx, by_fine)
    per_unit = np.zeros((len(units), n_fine))
    np.add.at(per_unit, unit_idx[unit_ok], by_fine[unit_ok])
    ids = reg.index.to_numpy()
    pieces = pd.DataFrame(by_fine, columns=fine_cols)
    pieces.insert(0, "share", share)
    pieces.insert(0, "unit", unit_idx)
    pieces.insert(0, "cell", cell_idx)
    return RegisterOnGrid(
        persons=pd.DataFrame(persons, columns=fine_cols, index=cells.index),
        pieces=pieces,
        unit_persons=pd.DataFrame(per_unit, columns=fine_cols, index=ids),
        iterations=fit.iterations, deviation=fit.deviation,
        units_without_cells=[str(i) for i in ids[in_register & ~placed & (np.nan_to_num(R).sum(axis=1) > 0)]],
        cells_without_register=int(np.count_nonzero(np.bincount(
            cell_idx[~unit_ok | ~in_register[np.maximum(unit_idx, 0)]], minlength=n_cells))))


# ---------------------------------------------------------------------------------------
# Age classes withheld in a cell whose total is published (Zensus 2022)
# ---------------------------------------------------------------------------------------
MIN_MIX_CELLS = 5
"""A district's own age mix is used when it has at least this many fully published cells;
otherwise the municipality's."""


def fill_withheld_classes(values: np.ndarray, total: np.ndarray, group: np.ndarray,
                          min_cells: int = MIN_MIX_CELLS) -> tuple[np.ndarray, np.ndarray]:
    """Persons of withheld age classes where a cell's total is published.

    ``values``: (cells, classes) persons, NaN withheld; ``total``: (cells,) published totals
    (NaN withheld); ``group``: (cells,) district index of each cell (-1: none). Where the total
    is published and classes are withheld, the remainder (total minus the cell's published
    classes; 0 when the published parts already exceed the total) is spread over the withheld
    classes by the age mix of the cell's district — the summed classes of its fully published
    cells — or, with fewer than ``min_cells`` such cells, the municipality's; without any fully
    published cell evenly. Published classes stay as they are, the classes of a cell add up to
    its total, and every filled class lies between 0 and the remainder.

    Returns (filled values, mask of the cells filled)."""
    values = np.asarray(values, dtype=float)
    total = np.asarray(total, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    out = values.copy()
    withheld = np.isnan(values)
    todo = withheld.any(axis=1) & np.isfinite(total)
    if not todo.any():
        return out, todo
    complete = ~withheld.any(axis=1)
    n_groups = int(group.max()) + 1 if len(group) and group.max() >= 0 else 0
    city_mix = values[complete].sum(axis=0) if complete.any() else np.zeros(values.shape[1])
    mix = np.tile(city_mix, (n_groups + 1, 1))  # the last row: cells in no district
    if n_groups:
        inside = complete & (group >= 0)
        own = np.zeros((n_groups, values.shape[1]))
        np.add.at(own, group[inside], values[inside])
        counts = np.bincount(group[inside], minlength=n_groups)
        enough = counts >= min_cells
        mix[:n_groups][enough] = own[enough]
    rows = np.flatnonzero(todo)
    weights = mix[np.where(group[rows] >= 0, group[rows], n_groups)] * withheld[rows]
    sums = weights.sum(axis=1, keepdims=True)
    even = withheld[rows].astype(float)
    weights = np.where(sums > 0, weights / np.where(sums > 0, sums, 1), even / even.sum(axis=1, keepdims=True))
    remainder = np.maximum(total[rows] - np.nansum(values[rows], axis=1), 0.0)
    filled = out[rows]
    filled[withheld[rows]] = (weights * remainder[:, None])[withheld[rows]]
    out[rows] = filled
    return out, todo
