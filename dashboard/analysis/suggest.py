"""Standortvorschlag: where k new offers of some life phases reach the most persons not reached today.

The planner's question "We can fund three new parent cafés: where do they reach the most
children?" as one call, :func:`suggest_sites`:

* **Who counts.** Persons of the chosen life phases (summed over the phases) in each
  population cell who are *not reached today*: no matching sited offer within the walking
  distance (on the street network where the workspace has one, else straight line × detour,
  the same rule as :func:`dashboard.analysis.coverage.coverage`) and no matching outreach
  offer serving the cell's district. Optionally each cell's persons are weighted by the need
  index of the district holding most of it (:func:`dashboard.analysis.need.need_weight`).
* **Where a site may go.** Candidates (:class:`Candidates`): the planner's list (a layer of
  schools, Kitas, community buildings), the workspace's address list, or the populated grid
  cells' centres. Long lists are thinned to one candidate per square of
  :data:`THIN_START_M` metres or more (the first in each square), so the problem stays small.
* **The choice.** The maximal covering location problem on the sparse (cell, candidate)
  pairs within reach, solved exactly by :func:`dashboard.analysis.sites.best_sites` (the
  greedy choice beside it, with the optimality gap).
* **What is published.** Persons newly reached per site (in the order chosen: what each
  adds to the ones before it), of them in districts of high need (need classes 4–5), and in
  total: counts of free areas, published by the cell-key method
  (:func:`dashboard.analysis.nearby.area_counts`), withheld below the disclosure threshold.
  The objective itself (need-weighted or not) is a model figure and stays in the library
  and the CLI's solver columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from dashboard.analysis import sites as mclp
from dashboard.analysis.coverage import Coverage, CoverageParams, Demand, coverage, prepare_demand
from dashboard.analysis.nearby import area_counts
from dashboard.analysis.need import need_index, need_weight
from dashboard.model.problems import ProblemError, Problems

CANDIDATE_SOURCES = ("layer", "addresses", "grid")
MAX_CANDIDATES = 8000
"""Longer candidate lists are thinned (one per square) until at most this many are left."""
THIN_START_M = 50.0
HIGH_NEED_CLASSES = (4, 5)
"""Need classes (quintiles of the need index, 5 = highest) that count as "high need"."""


@dataclass(frozen=True)
class Candidates:
    """Candidate sites: ``xy`` (n, 2) metres in the workspace CRS, ``label`` (n,) a name or an
    address (None where unknown), ``source`` one of :data:`CANDIDATE_SOURCES`, ``thinned_m``
    the square size they were thinned to (0: not thinned), ``given``: how many there were."""

    xy: np.ndarray
    label: np.ndarray
    source: str
    thinned_m: float = 0.0
    given: int = 0

    def __len__(self) -> int:
        return len(self.xy)


def _thin(xy: np.ndarray, label: np.ndarray, source: str, limit: int = MAX_CANDIDATES) -> Candidates:
    """At most ``limit`` candidates: the first of each square, squares doubling from
    :data:`THIN_START_M` until few enough are left."""
    given = len(xy)
    size = 0.0
    keep = np.arange(given)
    while len(keep) > limit:
        size = THIN_START_M if not size else size * 2
        square = np.floor(xy / size).astype(np.int64)
        _, keep = np.unique(square, axis=0, return_index=True)
        keep = np.sort(keep)
    return Candidates(xy[keep], label[keep], source, size, given)


def layer_candidates(points: gpd.GeoDataFrame, crs, limit: int = MAX_CANDIDATES) -> Candidates:
    """Candidates from a layer the planner lists (points; areas by a point inside them), in
    the workspace CRS ``crs``; labels from its ``name`` column where it has one."""
    points = points[points.geometry.notna() & ~points.geometry.is_empty]
    if points.crs is not None and crs is not None:
        points = points.to_crs(crs)
    geoms = points.geometry.to_numpy()
    geoms = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    label = points["name"].astype(object).where(points["name"].notna(), None).to_numpy() if "name" in points \
        else np.full(len(points), None, object)
    return _thin(shapely.get_coordinates(geoms).reshape(-1, 2), label, "layer", limit)


def address_candidates(ws, limit: int = MAX_CANDIDATES) -> Candidates:
    """Candidates from the workspace's address list (label "street number")."""
    a = ws.addresses
    a = a[a.geometry.notna()]
    label = (a["street"].astype(str) + " " + a["number"].astype(str)).to_numpy(object)
    return _thin(shapely.get_coordinates(a.geometry.to_numpy()).reshape(-1, 2), label, "addresses", limit)


def grid_candidates(ws, demand: Demand, limit: int = MAX_CANDIDATES) -> Candidates:
    """Candidates at the centres of populated grid cells (label: the cell's id)."""
    populated = np.flatnonzero(demand.persons.sum(axis=1) > 0)
    return _thin(demand.xy[populated], np.asarray(demand.units, object)[populated], "grid", limit)


@dataclass
class SiteSuggestion:
    """The proposal and how it was reached.

    ``sites``: one row per chosen site, strongest first: ``rank`` (1…), ``x``, ``y`` (metres,
    workspace CRS), ``label``, ``district_id``, ``district_name`` (the district it lies in,
    None outside every district), ``new_persons`` and ``new_persons_high_need`` (published:
    what the site adds to the ones ranked before it; NaN withheld), ``gain`` (the objective's
    gain, need-weighted persons with ``need_weighted``), ``near_address`` (the nearest address
    of the workspace's list within 200 m, None where none); ``new_persons``/
    ``new_persons_high_need``: all sites together (published); ``unreached``: the cells'
    persons not reached today (published); ``choice``: the solver's answer
    (:class:`dashboard.analysis.sites.SiteChoice`); ``assumptions``: what the result rests on
    (phases, k, radius_m, detour, network, need_weighted, candidate source and counts,
    thinned_m, data_stand) for the explaining sentence."""

    sites: pd.DataFrame
    new_persons: float
    new_persons_high_need: float
    unreached: float
    choice: mclp.SiteChoice
    candidates: Candidates
    assumptions: dict = field(default_factory=dict)


def unreached_persons(ws, phase_ids, cov: Coverage, demand: Demand) -> np.ndarray:
    """(cells,) persons of the ``phase_ids`` (summed) not reached today: outside the reach of
    every matching sited offer and not in a district served by a matching outreach offer
    (a cell counts in the district holding most of it)."""
    main = demand.main_district
    left = np.zeros(len(demand.xy))
    for phase in phase_ids:
        k = demand.phases.index(phase)
        rows = cov.table[(cov.table["phase_id"] == phase) & (cov.table["outreach_offers"] > 0)]
        by_outreach = np.isin(main, np.flatnonzero(ws.districts["district_id"].isin(rows["district_id"]).to_numpy()))
        left += demand.persons[:, k] * ~(cov.cell_reached[:, k] | by_outreach)
    return left


def candidate_pairs(demand: Demand, candidates: Candidates, radius_m: float, detour: float, ws=None):
    """(cell index, candidate index) of every cell within ``radius_m`` of a candidate: walked on
    the workspace's street network when it has one (``ws`` given), else straight line × detour."""
    if not len(candidates):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if ws is not None and ws.has_streets:
        from dashboard.analysis.walking import pairs_within, place, street_graph

        placed = place(street_graph(ws), {"sites": candidates.xy}, attached={"cells": demand.xy})
        site, cell, _ = pairs_within(placed, "sites", "cells", radius_m)
        return cell.astype(np.int64), site.astype(np.int64)
    near = cKDTree(candidates.xy).query_ball_point(demand.xy, radius_m / detour)
    cell = np.repeat(np.arange(len(demand.xy)), [len(p) for p in near])
    site = np.fromiter((j for p in near for j in p), np.int64, count=len(cell))
    return cell, site


def suggest_sites(ws, phase_ids, k: int, params: CoverageParams = CoverageParams(), *,
                  candidates: Candidates | str = "grid", need_weighted: bool = False, threshold: int = 3,
                  demand: Demand | None = None, cov: Coverage | None = None,
                  time_limit: float = mclp.TIME_LIMIT_S) -> SiteSuggestion:
    """The ``k`` candidate sites that together newly reach the most persons of ``phase_ids``
    (one id or a list: a Familienzentrum serves several) within ``params.radius_m`` (see the
    module doc). ``candidates``: :class:`Candidates` or the name of a source ("addresses",
    "grid"). Raises :class:`ProblemError` for a request that cannot be answered (unknown
    phase, k < 1, no population grid, no candidates)."""
    phase_ids = [phase_ids] if isinstance(phase_ids, str) else list(phase_ids)
    found = Problems("sites")
    known = list(ws.life_phases["phase_id"])
    for phase in phase_ids:
        if phase not in known:
            found.add("unknown_value", field="phase", value=phase, known=", ".join(known))
    if not phase_ids:
        found.add("missing_value", field="phase")
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        found.add("parameter_range", field="k", value=k, range=">= 1")
    if ws.population_cells is None or not len(ws.population_cells):
        found.add("sites_need_grid", field="population_cells")
    found.raise_if_any(ProblemError)
    demand = demand or prepare_demand(ws)
    cov = cov or coverage(ws, params, demand)
    if isinstance(candidates, str):
        if candidates not in CANDIDATE_SOURCES[1:]:
            raise ValueError(f"candidates must be Candidates or one of {CANDIDATE_SOURCES[1:]}")
        candidates = address_candidates(ws) if candidates == "addresses" else grid_candidates(ws, demand)
    if not len(candidates):
        found.add("no_candidates", field="candidates", source=candidates.source)
        found.raise_if_any(ProblemError)

    persons = unreached_persons(ws, phase_ids, cov, demand)
    main = demand.main_district
    need = cov.need if cov.need is not None else need_index(ws)
    need_score = need["score"].reindex(ws.districts["district_id"]).to_numpy(float)
    need_class = need["need_class"].reindex(ws.districts["district_id"]).to_numpy()
    weights = persons.copy()
    if need_weighted:
        weights *= np.where(main >= 0, need_weight(np.append(need_score, 0.0)[main]), 1.0)
    cell, site = candidate_pairs(demand, candidates, params.radius_m, params.detour, ws)
    choice = mclp.best_sites(weights, cell, site, len(candidates), int(k), time_limit=time_limit)

    # what each chosen site adds to those before it: the cells it reaches first
    high = np.isin(np.append(need_class, 0)[main], HIGH_NEED_CLASSES)
    taken = np.zeros(len(demand.xy), bool)
    areas, areas_high = [], []
    for j in choice.sites:
        mine = np.unique(cell[site == j])
        mine = mine[~taken[mine] & (persons[mine] > 0)]
        taken[mine] = True
        areas.append(mine)
        areas_high.append(mine[high[mine]])
    columns = [demand.phases.index(p) for p in phase_ids]
    everything = np.flatnonzero(taken)
    left = np.flatnonzero(persons > 0)
    published = _published(ws, demand, phase_ids, cov, [*areas, *areas_high, everything, everything[high[everything]],
                                                         left], columns, threshold)
    n = len(choice.sites)
    xy = candidates.xy[choice.sites] if n else np.zeros((0, 2))
    inside = _district_of(ws, xy)
    table = pd.DataFrame({
        "rank": np.arange(1, n + 1),
        "x": xy[:, 0], "y": xy[:, 1],
        "label": candidates.label[choice.sites] if n else np.zeros(0, object),
        "district_id": np.where(inside >= 0, ws.districts["district_id"].to_numpy()[np.maximum(inside, 0)], None),
        "district_name": np.where(inside >= 0, ws.districts["name"].to_numpy()[np.maximum(inside, 0)], None),
        "new_persons": published[:n], "new_persons_high_need": published[n:2 * n],
        "gain": choice.gain,
        "near_address": _near_addresses(ws, xy),
    })
    assumptions = {
        "phases": phase_ids, "k": int(k), "radius_m": float(params.radius_m), "detour": float(params.detour),
        "network": bool(ws.has_streets), "need_weighted": bool(need_weighted), "source": candidates.source,
        "candidates": len(candidates), "candidates_given": candidates.given or len(candidates),
        "thinned_m": candidates.thinned_m, "data_stand": str(ws.meta.get("data_stand", "") or ""),
        "valid_on": params.valid_on,
    }
    return SiteSuggestion(table, float(published[2 * n]), float(published[2 * n + 1]), float(published[2 * n + 2]),
                          choice, candidates, assumptions)


def _published(ws, demand: Demand, phase_ids, cov: Coverage, areas, columns, threshold) -> np.ndarray:
    """Published persons of each area (cell indices), summed over ``columns`` (phases) of the
    persons *not reached today*: each phase's count goes through the cell-key method on its
    own; a withheld phase makes the sum withheld (NaN)."""
    counts = area_counts(_unreached_demand(ws, demand, phase_ids, cov), areas, threshold)
    return np.sum(counts[:, columns], axis=1)  # NaN (withheld) stays NaN


def _unreached_demand(ws, demand: Demand, phase_ids, cov: Coverage):
    """A view of ``demand`` whose persons are those not reached today (per phase): the counts a
    site adds are counts of those persons, keyed like every other area count."""
    from dataclasses import replace

    persons = demand.persons.copy()
    for phase in phase_ids:
        k = demand.phases.index(phase)
        persons[:, k] = unreached_persons(ws, [phase], cov, demand)
    view = replace(demand, persons=persons)
    if demand.secret:  # the same record keys as the demand's (they depend on cell and phase only)
        view.__dict__["keys"] = demand.keys
    return view


NEAR_ADDRESS_M = 200.0


def _near_addresses(ws, xy: np.ndarray) -> np.ndarray:
    """(points,) the nearest address of the workspace's list within :data:`NEAR_ADDRESS_M`
    metres of each point ("street number"), None where there is none."""
    out = np.full(len(xy), None, object)
    a = ws.addresses[ws.addresses.geometry.notna()] if len(ws.addresses) else ws.addresses
    if not len(xy) or not len(a):
        return out
    dist, nearest = cKDTree(shapely.get_coordinates(a.geometry.to_numpy())).query(xy, distance_upper_bound=NEAR_ADDRESS_M)
    found = np.isfinite(dist)
    labels = (a["street"].astype(str) + " " + a["number"].astype(str)).to_numpy(object)
    out[found] = labels[nearest[found]]
    return out


def _district_of(ws, xy: np.ndarray) -> np.ndarray:
    """(points,) index of the district each point lies in (-1: none)."""
    out = np.full(len(xy), -1, np.int64)
    if not len(xy):
        return out
    point, district = ws.districts.sindex.query(shapely.points(xy), predicate="intersects")
    out[point[::-1]] = district[::-1]  # the first district wins where districts overlap
    return out

