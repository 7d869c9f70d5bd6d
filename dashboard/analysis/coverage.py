"""Coverage of every district and life phase: supply, ratios, reach, 2SFCA, gaps,
duplicates (Parallelstrukturen) and broken transitions (Übergänge).

Rules (documented for planners):

* Supply: a sited offer serves the district it lies in; an outreach offer every district
  of its service area. Offers not valid on ``valid_on`` (if given) are left out.
* Ratios: offers and places (capacity) per 1,000 persons of the phase's target population.
* Reach: share of the target population living within ``radius_m`` (default 1,000 m) of a
  matching sited offer, distance = straight line × ``detour`` (default 1.3), i.e. within
  radius_m / detour in a straight line; everyone in a district served by a matching
  outreach offer counts as reached. Distances from the centre of each population cell.
* Accessibility: 2SFCA (see :mod:`dashboard.analysis.accessibility`) per population cell,
  offers (or places) per 1,000 persons, averaged over a district weighted by persons.
  Outreach offers have no site and do not enter 2SFCA. With ``decay="gaussian"`` nearer
  counts more (weight exp(-d² / 2σ²) of the walking distance d, σ = ``decay_sigma_m``,
  default half the radius: 0.14 at the catchment's edge).
* Gaps: district × phase with a target population and reach below ``min_reach`` (or offers
  per 1,000 below ``min_offers_per_1000``), ranked: phases of higher priority first (per
  workspace; default pregnancy to the transition into work), then by the share not reached ×
  need weight (see :func:`dashboard.analysis.need.need_weight`).
* Duplicates: two sited offers of the same phase and topic (category where there are no
  topics) whose catchments share at
  least ``overlap`` of the smaller catchment's target population.
* Broken transitions: in a district, a phase that is served (reach ≥ min_reach) followed in
  the life chain by one that is not, or whose reach is ``reach_drop`` lower.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from dashboard.analysis import accessibility as acc
from dashboard.analysis import cellkey, filters
from dashboard.analysis.district import offer_districts
from dashboard.analysis.need import need_index, need_weight
from dashboard.analysis.population import cell_district_shares, cell_phase_population, target_population
from dashboard.model.life_phases import phase_priority
from dashboard.model.problems import ProblemError, Problems

DECAYS = ("none", "gaussian")
MEASURES = ("reach_share", "offers_per_1000", "places_per_1000", "access_2sfca", "offers", "target_population")


@dataclass(frozen=True)
class CoverageParams:
    """Thresholds and distances (metres, shares 0–1)."""

    radius_m: float = 1000.0
    detour: float = 1.3
    min_reach: float = 0.5
    min_offers_per_1000: float = 0.0
    overlap: float = 0.8
    reach_drop: float = 0.4
    need_weighted: bool = False
    supply: str = "offers"  # or "capacity"
    valid_on: date | None = None
    decay: str = "none"  # 2SFCA distance decay: "none" (classic) or "gaussian"
    decay_sigma_m: float | None = None  # σ of the Gaussian decay, metres walked; None: radius_m / 2

    def __post_init__(self):
        found = Problems("parameters")
        if not self.radius_m > 0:
            found.add("parameter_range", field="radius_m", value=self.radius_m, range="> 0")
        if not self.detour >= 1:
            found.add("parameter_range", field="detour", value=self.detour, range=">= 1")
        if self.supply not in ("offers", "capacity"):
            found.add("unknown_value", field="supply", value=self.supply, known="offers, capacity")
        if self.decay not in DECAYS:
            found.add("unknown_value", field="decay", value=self.decay, known=", ".join(DECAYS))
        if self.decay_sigma_m is not None and not self.decay_sigma_m > 0:
            found.add("parameter_range", field="decay_sigma_m", value=self.decay_sigma_m, range="> 0")
        found.raise_if_any(ProblemError)

    @property
    def straight_m(self) -> float:
        """Straight-line catchment radius in metres."""
        return self.radius_m / self.detour

    def decay_weight(self, straight: bool = False):
        """The 2SFCA distance-decay weight as a function of metres walked (of straight-line
        metres × detour with ``straight``), or None for the classic 2SFCA."""
        if self.decay == "none":
            return None
        sigma = self.decay_sigma_m if self.decay_sigma_m is not None else self.radius_m / 2
        return acc.gaussian(sigma / self.detour if straight else sigma)


@dataclass
class Demand:
    """Population prepared once per workspace: cell centres (m), persons per cell and phase,
    cell→district shares, and the grid the cells lie on (if any)."""

    xy: np.ndarray
    persons: np.ndarray  # (cells, phases), withheld as 0
    phases: list
    cell_idx: np.ndarray
    district_idx: np.ndarray
    share: np.ndarray
    lattice: acc.Lattice | None
    n_districts: int
    target: object  # TargetPopulation of the workspace
    walk: object = None  # PlacedNetwork: cells and sited offers on the street network (None: straight lines)
    walk_offers: pd.Index | None = None  # offer_id of each point of the walk's "offers" group
    units: np.ndarray | None = None  # id of each demand point (cell_id, or district_id without cells)
    secret: bytes | None = field(default=None, repr=False)  # the workspace's cell-key secret

    @cached_property
    def keys(self) -> np.ndarray | None:
        """(cells, phases) record keys of the cell-key method (None without a secret), made on
        first use: about 0.25 s per 100,000 cells, paid only where an area count is asked for."""
        if not self.secret or self.units is None:
            return None
        return cellkey.record_keys(self.units, self.phases, self.secret)

    def offer_pairs(self, sited, radius_m: float):
        """(cell, row of ``sited``, walking distance m) of every cell within ``radius_m`` of a
        sited offer on the street network."""
        from dashboard.analysis.walking import pairs_within

        position = self.walk_offers.get_indexer(sited["offer_id"])
        point, cell, dist = pairs_within(self.walk, "offers", "cells", radius_m, sources=position)
        row = pd.Series(np.arange(len(sited)), index=position).loc[point].to_numpy() if len(point) else point
        return cell, row, dist

    @cached_property
    def main_district(self) -> np.ndarray:
        """(cells,) index of the district holding the largest share of each cell (-1: none)."""
        main = np.full(len(self.xy), -1, np.int64)
        order = np.argsort(self.share, kind="stable")  # the largest share written last wins
        main[self.cell_idx[order]] = self.district_idx[order]
        return main

    def per_district(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-cell quantity (cells,) or (cells, k) over districts by area share."""
        v = values[self.cell_idx] * (self.share if values.ndim == 1 else self.share[:, None])
        if values.ndim == 1:
            return np.bincount(self.district_idx, weights=v, minlength=self.n_districts)
        out = np.zeros((self.n_districts, values.shape[1]))
        np.add.at(out, self.district_idx, v)
        return out


def prepare_demand(ws, like: Demand | None = None) -> Demand:
    """Demand locations for the analysis: population cell centres, or, for workspaces with
    district tables only, one point per district (its representative point).

    ``like``: a demand prepared for the same cells and districts (e.g. the same workspace in
    another year, :mod:`dashboard.sources.timeline`) whose places are reused — cell centres,
    shares, grid and the street network with its offers, when every sited offer of ``ws`` is
    among them; only the persons are counted anew."""
    phases = list(ws.life_phases["phase_id"])
    if ws.population_cells is not None and len(ws.population_cells):
        cells = ws.population_cells
        units = cells["cell_id"].to_numpy()
        same = like is not None and like.units is not None and np.array_equal(like.units, units) \
            and like.phases == phases and like.n_districts == len(ws.districts)
        persons = np.nan_to_num(cell_phase_population(ws)[phases].to_numpy(float))
        sited = ws.offers.loc[ws.offers.geometry.notna(), "offer_id"]
        if same and (like.walk is None or like.walk_offers.get_indexer(sited).min(initial=0) >= 0):
            tp = target_population(ws, shares=(like.cell_idx, like.district_idx, like.share))
            return replace(like, persons=persons, target=tp, secret=getattr(ws, "cell_key_secret", None))
        xy = _cell_centres(cells.geometry.to_numpy())
        cell_idx, district_idx, share = cell_district_shares(cells, ws.districts)
        lattice = acc.detect_lattice(xy)
        tp = target_population(ws, shares=(cell_idx, district_idx, share))
    else:
        tp = target_population(ws)
        points = ws.districts.geometry.representative_point()
        xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
        persons = tp.persons[phases].to_numpy(float)
        cell_idx = district_idx = np.arange(len(ws.districts))
        share = np.ones(len(ws.districts))
        lattice = None
        units = ws.districts["district_id"].to_numpy()
    walk = walk_offers = None
    if ws.has_streets:
        from dashboard.analysis.walking import place, street_graph

        sited = ws.offers[ws.offers.geometry.notna()]
        walk_offers = pd.Index(sited["offer_id"])
        walk = place(street_graph(ws), {"offers": shapely.get_coordinates(sited.geometry.to_numpy())},
                     attached={"cells": xy})
    return Demand(xy, persons, phases, cell_idx, district_idx, share, lattice, len(ws.districts), tp, walk,
                  walk_offers, units, getattr(ws, "cell_key_secret", None))


def _cell_centres(geoms) -> np.ndarray:
    """Centres of population cells (metres): the middle of the bounds for axis-aligned boxes
    (grid cells: cheap), the centroid otherwise."""
    import shapely

    b = shapely.bounds(geoms)
    xy = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    box_area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    other = ~np.isclose(shapely.area(geoms), box_area, rtol=1e-9)
    if other.any():
        xy[other] = shapely.get_coordinates(shapely.centroid(geoms[other]))
    return xy


@dataclass
class Coverage:
    """Results: ``table`` long form (district × phase), ``city`` per phase, ``need`` per
    district, ``cell_reached`` / ``cell_access`` (cells × phases) for maps."""

    table: pd.DataFrame
    city: pd.DataFrame
    need: pd.DataFrame
    cell_reached: np.ndarray
    cell_access: np.ndarray
    params: CoverageParams
    totals: pd.Series  # all persons per district (index district_id)
    network: bool = False  # distances walked on the street network (else straight line × detour)

    def matrix(self, measure: str) -> pd.DataFrame:
        """District × phase matrix of one measure (rows in district order, columns in chain order)."""
        districts = pd.unique(self.table["district_id"])
        phases = pd.unique(self.table["phase_id"])
        if not np.array_equal(self.table["phase_id"].to_numpy(), np.tile(phases, len(districts))):
            raise ValueError("coverage table is not in district × phase order")
        return pd.DataFrame(self.table[measure].to_numpy().reshape(len(districts), len(phases)),
                            index=pd.Index(districts, name="district_id"), columns=pd.Index(phases, name="phase_id"))


def district_cells(ws, cov: Coverage, demand: Demand, district_id: str, phase_id: str) -> pd.DataFrame:
    """The population cells of one district (by centre) with persons of the phase: columns
    ``cell`` (row position in ``ws.population_cells``), ``persons`` and ``reached`` (within
    reach of a matching sited offer, or everyone when an outreach offer of the phase serves
    the district). Empty when the workspace has no population grid."""
    from dashboard.analysis.district import sites_in_district

    empty = pd.DataFrame({"cell": pd.Series(dtype=int), "persons": pd.Series(dtype=float),
                          "reached": pd.Series(dtype=bool)})
    cells = ws.population_cells
    if cells is None or not len(cells) or phase_id not in demand.phases:
        return empty
    k = demand.phases.index(phase_id)
    inside = sites_in_district(ws, cells.assign(geometry=cells.geometry.centroid), district_id).index
    pos = cells.index.get_indexer(inside)
    persons = demand.persons[pos, k]
    pos = pos[persons > 0]
    row = cov.table[(cov.table["district_id"] == district_id) & (cov.table["phase_id"] == phase_id)]
    outreach = bool(len(row)) and row["outreach_offers"].iloc[0] > 0
    return pd.DataFrame({"cell": pos, "persons": demand.persons[pos, k],
                         "reached": cov.cell_reached[pos, k] | outreach})


def _valid_offers(ws, params: CoverageParams):
    return filters.filter_offers(ws, filters.OfferFilter(valid_on=params.valid_on))


def coverage(ws, params: CoverageParams = CoverageParams(), demand: Demand | None = None,
             need: pd.DataFrame | None = None) -> Coverage:
    """Every measure for every district and phase (see the module doc for the rules)."""
    demand = demand or prepare_demand(ws)
    need = need if need is not None else need_index(ws)
    from_tables = ws.population_cells is None or not len(ws.population_cells)
    ids = ws.districts["district_id"].to_numpy()
    offers = _valid_offers(ws, params)
    served = offer_districts(ws, offers)
    phase_of = offers.set_index("offer_id")["life_phases"]
    capacity = offers.set_index("offer_id")["capacity"].astype(float)
    served = served.assign(phase_id=phase_of.loc[served["offer_id"]].to_numpy(),
                           capacity=capacity.loc[served["offer_id"]].to_numpy()).explode("phase_id")
    counts = served.groupby(["district_id", "phase_id"]).agg(
        offers=("offer_id", "size"), outreach_offers=("outreach", "sum"), capacity=("capacity", "sum"))

    sited = offers[offers.geometry.notna()]
    sited_xy = np.column_stack([sited.geometry.x.to_numpy(), sited.geometry.y.to_numpy()]) if len(sited) \
        else np.zeros((0, 2))
    district_weight = need_weight(need["score"].reindex(ids).to_numpy()) if params.need_weighted else None
    cell_weight = np.ones(len(demand.xy))
    if district_weight is not None:  # a cell takes the need weight of the district holding most of it
        main = pd.DataFrame({"c": demand.cell_idx, "d": demand.district_idx, "s": demand.share}) \
            .sort_values("s").drop_duplicates("c", keep="last")
        cell_weight[main["c"].to_numpy()] = district_weight[main["d"].to_numpy()]

    P = len(demand.phases)
    cell_reached = np.zeros((len(demand.xy), P), bool)
    cell_access = np.zeros((len(demand.xy), P))
    target = demand.target.persons[demand.phases].to_numpy(float)
    sited_phase = filters.membership_matrix(sited["life_phases"], demand.phases)
    reached = np.zeros((len(ids), P))
    access = np.zeros((len(ids), P))
    outreach_area = served.loc[served["outreach"], ["phase_id", "district_id"]].drop_duplicates()
    supply_all = np.ones(len(sited)) if params.supply == "offers" else \
        np.nan_to_num(sited["capacity"].to_numpy(float), nan=0.0)
    walked = demand.offer_pairs(sited, params.radius_m) if demand.walk is not None else None
    for k, phase in enumerate(demand.phases):
        has = sited_phase[:, k]
        if walked is not None:  # walking distance on the street network
            cell, row, dist = walked
            mine = has[row]
            cell_reached[:, k] = np.bincount(cell[mine], minlength=len(demand.xy)) > 0
            cell_access[:, k] = acc.two_step_fca_pairs(demand.persons[:, k] * cell_weight, supply_all, cell[mine],
                                                       row[mine], dist[mine], params.decay_weight()) * 1000.0
        else:  # straight line × detour
            xy = sited_xy[has]
            cell_reached[:, k] = acc.covered(demand.xy, xy, params.straight_m, lattice=demand.lattice)
            cell_access[:, k] = acc.two_step_fca(demand.xy, demand.persons[:, k] * cell_weight, xy, supply_all[has],
                                                 params.straight_m, weight=params.decay_weight(straight=True),
                                                 lattice=demand.lattice) * 1000.0
        pop = demand.persons[:, k]
        by_outreach = np.isin(ids, outreach_area.loc[outreach_area["phase_id"] == phase, "district_id"])
        reached_d = demand.per_district(pop * cell_reached[:, k])
        reached[:, k] = np.where(by_outreach, demand.per_district(pop), reached_d)
        weighted = demand.per_district(pop * cell_access[:, k])
        with np.errstate(invalid="ignore", divide="ignore"):
            access[:, k] = np.where(demand.per_district(pop) > 0, weighted / demand.per_district(pop), np.nan)
    if from_tables:  # district tables: reached persons follow the table's target population
        with np.errstate(invalid="ignore", divide="ignore"):
            reached = np.where(demand.per_district(demand.persons) > 0,
                               reached / demand.per_district(demand.persons) * target, 0.0)

    # no dust of persons from slivers of cells in a district (0.01 persons), and reached never
    # exceeds the target population
    reached = np.minimum(np.round(reached, 2), target)
    table = pd.DataFrame({
        "district_id": np.repeat(ids, P),
        "district_name": np.repeat(ws.districts["name"].to_numpy(), P),
        "phase_id": np.tile(demand.phases, len(ids)),
        "target_population": target.ravel(),
        "reached": reached.ravel(),
        "access_2sfca": access.ravel(),
    })
    table = table.join(counts, on=["district_id", "phase_id"])
    table[["offers", "outreach_offers"]] = table[["offers", "outreach_offers"]].fillna(0).astype(int)
    table["capacity"] = table["capacity"].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_1000 = 1000.0 / table["target_population"].where(table["target_population"] > 0)
        table["offers_per_1000"] = table["offers"] * per_1000
        table["places_per_1000"] = table["capacity"] * per_1000
        table["reach_share"] = table["reached"] / table["target_population"].where(table["target_population"] > 0)
    tp_flags = demand.target
    table["estimated"] = [bool(tp_flags.estimated.at[d, p]) for d, p in zip(table["district_id"], table["phase_id"])]
    table["incomplete"] = table["district_id"].map(tp_flags.incomplete).astype(bool)
    table = table.join(need[["score", "rank", "need_class"]].rename(
        columns={"score": "need_score", "rank": "need_rank"}), on="district_id")

    city = _city(ws, table, offers, demand, cell_access)
    return Coverage(table, city, need, cell_reached, cell_access, params, demand.target.total,
                    network=demand.walk is not None)


def _city(ws, table, offers, demand, cell_access) -> pd.DataFrame:
    offer_phase = filters.membership_matrix(offers["life_phases"], demand.phases)
    capacity = np.nan_to_num(offers["capacity"].to_numpy(float))
    sums = table.groupby("phase_id", sort=False)[["target_population", "reached"]].sum().reindex(demand.phases)
    target = sums["target_population"].to_numpy()
    pop_total = demand.persons.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_1000 = np.where(target > 0, 1000.0 / target, np.nan)
        return pd.DataFrame({
            "phase_id": demand.phases, "target_population": target, "reached": sums["reached"].to_numpy(),
            "offers": offer_phase.sum(axis=0).astype(int), "capacity": capacity @ offer_phase,
            "reach_share": np.where(target > 0, sums["reached"].to_numpy() / target, np.nan),
            "offers_per_1000": offer_phase.sum(axis=0) * per_1000,
            "places_per_1000": (capacity @ offer_phase) * per_1000,
            "access_2sfca": np.where(pop_total > 0, (demand.persons * cell_access).sum(axis=0) / pop_total, np.nan),
        })


def public_table(table: pd.DataFrame, threshold: int = 3, reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Copy for people to see (:func:`dashboard.secrecy.publish`): counts below the threshold
    and what would reveal them by subtraction withheld, shares and ratios of withheld counts
    withheld. ``reference``: the full district × phase table ``table`` was taken from (its
    withheld cells apply, so every table withholds the same values)."""
    from dashboard.analysis.secrecy import publish, withheld_cells

    mask = withheld_cells(reference, threshold) if reference is not None else None
    return publish(table, threshold, withheld=mask)


# ---------------------------------------------------------------------------------------
# Gaps, duplicates, broken transitions
# ---------------------------------------------------------------------------------------
def gaps(cov: Coverage, ws, threshold: int = 3) -> pd.DataFrame:
    """District × phase below the thresholds, ranked (``priority_rank``, 1 = first): phases by
    their priority (:func:`dashboard.life_phases.phase_priority`); within one priority by
    :func:`gap_score` — the persons not reached × the share not reached × the district's need
    weight, all from published figures. Figures are published ones (:func:`public_table`
    against the whole coverage table); the sentence a planner reads is made by
    :func:`dashboard.present.sentences.gap_sentences`, the rule by ``gap_rank_rule``."""
    p = cov.params
    t = cov.table
    low_reach = t["reach_share"] < p.min_reach
    low_ratio = (t["offers_per_1000"] < p.min_offers_per_1000) if p.min_offers_per_1000 > 0 else False
    found = t[(t["target_population"] >= threshold) & (low_reach | low_ratio)].copy()
    found["phase_priority"] = found["phase_id"].map(phase_priority(ws.life_phases)).to_numpy()
    shown = public_table(found, threshold, reference=t)
    score = gap_score(shown, p.min_reach, has_need_index(ws))
    order = np.lexsort((shown["district_id"].to_numpy(), -score, shown["phase_priority"].to_numpy()))
    shown = shown.iloc[order].reset_index(drop=True)
    shown["priority_rank"] = np.arange(1, len(shown) + 1)
    return shown


def gap_score(gaps: pd.DataFrame, min_reach: float, need: bool = True) -> np.ndarray:
    """The order of gaps within one priority (higher first): persons not reached × share not
    reached × need weight (:func:`dashboard.analysis.need.need_weight`; 1 without social
    indicators), from **published** figures only, so the rank gives nothing withheld away.
    Where the count reached is withheld, the lower bound the gap rule itself publishes is used:
    fewer than ``min_reach`` reached, so at least target × (1 − min_reach) persons not reached."""
    target = gaps["target_population"].to_numpy(float)
    unreached = target - gaps["reached"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_not = np.where(target > 0, unreached / target, np.nan)
    bound = np.isnan(unreached)  # reached withheld: the rule's own lower bound
    share_not[bound] = 1 - min_reach
    unreached[bound] = target[bound] * (1 - min_reach)
    weight = need_weight(gaps["need_score"].to_numpy(float)) if need else np.ones(len(gaps))
    return np.nan_to_num(unreached * share_not * weight)


def has_need_index(ws) -> bool:
    """Whether the workspace has social indicators to rank need by (else no need rank is claimed)."""
    return len(ws.indicator_catalogue) > 0 and len(ws.indicators) > 0


def alike_key(offers: pd.DataFrame) -> np.ndarray:
    """What makes two offers of one phase alike (a possible Parallelstruktur): their topic;
    offers without a topic (workspaces without topics) compare by category instead."""
    topic = offers["topic"] if "topic" in offers else pd.Series(None, index=offers.index, dtype=object)
    blank = topic.isna() | (topic.astype(str).str.strip() == "")
    return np.where(blank, "category:" + offers["category"].astype(str), "topic:" + topic.astype(str)).astype(object)


def duplicates(ws, params: CoverageParams = CoverageParams(), demand: Demand | None = None) -> pd.DataFrame:
    """Pairs of sited offers with the same phase and topic (:func:`alike_key`) whose catchments share at
    least ``params.overlap`` of the smaller catchment's target population, with the shared
    persons, the overlap share, the distance and a cluster id (connected pairs)."""
    demand = demand or prepare_demand(ws)
    offers = _valid_offers(ws, params)
    sited = offers[offers.geometry.notna()].reset_index(drop=True)
    rows = []
    sited_phase = filters.membership_matrix(sited["life_phases"], demand.phases)
    all_xy = np.column_stack([sited.geometry.x.to_numpy(), sited.geometry.y.to_numpy()]) if len(sited) \
        else np.zeros((0, 2))
    cols = {c: sited[c].to_numpy() for c in ("offer_id", "name", "provider", "category")}
    cols["address"] = sited["address"].to_numpy() if "address" in sited else np.full(len(sited), None, dtype=object)
    cols["alike"] = alike_key(sited)
    cols["topic"] = sited["topic"].to_numpy() if "topic" in sited else np.full(len(sited), None, dtype=object)
    walked = demand.offer_pairs(sited, params.radius_m) if demand.walk is not None else None
    for k, phase in enumerate(demand.phases):
        members = np.flatnonzero(sited_phase[:, k])
        if len(members) < 2:
            continue
        pop = demand.persons[:, k]
        if walked is not None:  # catchments walked on the street network
            cell, row, _ = walked
            local = np.full(len(sited), -1)
            local[members] = np.arange(len(members))
            mine = local[row] >= 0
            d_idx, s_idx = cell[mine], local[row[mine]]
        else:
            d_parts, s_parts = [], []
            for d_idx, s_idx, _ in acc.iter_pairs(demand.xy, all_xy[members], params.straight_m, demand.lattice):
                d_parts.append(d_idx)
                s_parts.append(s_idx)
            d_idx = np.concatenate(d_parts) if d_parts else np.zeros(0, int)
            s_idx = np.concatenate(s_parts) if s_parts else np.zeros(0, int)
        if not len(d_idx):
            continue
        member = sp.csr_matrix((np.ones(len(d_idx)), (s_idx, d_idx)), shape=(len(members), len(demand.xy)))
        shared = (member.multiply(pop[None, :]) @ member.T).tocoo()
        own = np.asarray(member @ pop).ravel()
        a, b, v = shared.row, shared.col, shared.data
        alike = cols["alike"][members]
        keep = (a < b) & (alike[a] == alike[b])
        a, b, v = a[keep], b[keep], v[keep]
        smaller = np.minimum(own[a], own[b])
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(smaller > 0, v / smaller, 0.0)
        keep = share >= params.overlap
        i, j = members[a[keep]], members[b[keep]]
        rows.append(pd.DataFrame({
            "phase_id": phase, "category": cols["category"][i], "topic": cols["topic"][i],
            "offer_a": cols["offer_id"][i], "name_a": cols["name"][i], "provider_a": cols["provider"][i],
            "offer_b": cols["offer_id"][j], "name_b": cols["name"][j], "provider_b": cols["provider"][j],
            "address_a": cols["address"][i], "address_b": cols["address"][j],
            "distance_m": _offer_distance(demand, cols["offer_id"], all_xy, i, j),
            "shared_persons": v[keep], "overlap": share[keep],
        }))
    columns = ["phase_id", "category", "topic", "offer_a", "name_a", "provider_a", "offer_b",
               "name_b", "provider_b", "address_a", "address_b", "distance_m", "shared_persons", "overlap"]
    rows = [pd.concat(rows, ignore_index=True)] if rows else []
    out = rows[0][columns] if rows else pd.DataFrame(columns=columns)
    if out.empty:
        return out.assign(cluster=pd.Series(dtype=int))
    ids = pd.Index(pd.unique(pd.concat([out["offer_a"], out["offer_b"]])))
    graph = sp.coo_matrix((np.ones(len(out)), (ids.get_indexer(out["offer_a"]), ids.get_indexer(out["offer_b"]))),
                          shape=(len(ids), len(ids)))
    _, comp = connected_components(graph, directed=False)
    out["cluster"] = comp[ids.get_indexer(out["offer_a"])] + 1
    return out.sort_values(["overlap", "shared_persons"], ascending=False).reset_index(drop=True)


def _offer_distance(demand: Demand, offer_ids, xy, i, j) -> np.ndarray:
    """Metres between sited offers i and j: walked on the street network, else straight."""
    if demand.walk is None or not len(i):
        return np.hypot(*(xy[i] - xy[j]).T) if len(i) else np.zeros(0)
    from dashboard.analysis.walking import distances_between

    position = demand.walk_offers.get_indexer(offer_ids)
    return distances_between(demand.walk, "offers", position[i], position[j])


def broken_transitions(cov: Coverage, ws, threshold: int = 3) -> pd.DataFrame:
    """Per district, adjacent phases of the life chain where the first is served (reach ≥
    min_reach) and the next is not, or where reach drops by at least ``reach_drop``; the
    reach figures shown are published ones (withheld where they would reveal a count)."""
    p = cov.params
    chain = list(ws.life_phases["phase_id"])
    reach = cov.matrix("reach_share").reindex(columns=chain)
    target = cov.matrix("target_population").reindex(columns=chain)
    names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
    shown = public_table(cov.table, threshold)
    published = shown.pivot(index="district_id", columns="phase_id", values="reach_share").reindex(
        index=reach.index, columns=chain)
    rows = []
    for before, after in zip(chain, chain[1:]):
        r0, r1 = reach[before], reach[after]
        served = r0 >= p.min_reach
        broken = served & ((r1 < p.min_reach) | (r0 - r1 >= p.reach_drop)) & (target[after] > 0)
        for district in reach.index[broken.fillna(False).to_numpy()]:
            a, b = published.at[district, before], published.at[district, after]
            rows.append({"district_id": district, "district_name": names[district], "from_phase": before,
                         "to_phase": after, "reach_from": a, "reach_to": b})
    return pd.DataFrame(rows, columns=["district_id", "district_name", "from_phase", "to_phase", "reach_from", "reach_to"])


def compare_distances(ws, params: CoverageParams = CoverageParams(), demand: Demand | None = None,
                      threshold: int = 3) -> pd.DataFrame:
    """Why did the numbers change? Reach per district and phase by straight line × detour
    and by walking on the street network, side by side, largest change first.

    Columns: district_id, district_name, phase_id, target_population, reach_straight,
    reach_network (shares 0–1), change (network − straight, share points), lost (persons
    reached by straight line only), gained (persons reached on the network only). Published
    figures only: counts below ``threshold`` withheld, shares of withheld counts withheld,
    and lost/gained withheld together (their difference is known from the reach figures).
    Empty when the workspace has no street network."""
    columns = ["district_id", "district_name", "phase_id", "target_population", "reach_straight", "reach_network",
               "change", "lost", "gained"]
    if not ws.has_streets:
        return pd.DataFrame(columns=columns)
    demand = demand or prepare_demand(ws)
    straight, walked = _both_ways(ws, params, demand)
    a, b = public_table(straight.table, threshold), public_table(walked.table, threshold)
    out = a[["district_id", "district_name", "phase_id", "target_population"]].copy()
    out["reach_straight"] = a["reach_share"].to_numpy()
    out["reach_network"] = b["reach_share"].to_numpy()
    out["change"] = out["reach_network"] - out["reach_straight"]
    only_straight = straight.cell_reached & ~walked.cell_reached
    only_network = walked.cell_reached & ~straight.cell_reached
    lost = demand.per_district(demand.persons * only_straight)
    gained = demand.per_district(demand.persons * only_network)
    lost, gained = np.round(lost.ravel(), 0), np.round(gained.ravel(), 0)
    hidden = ((lost > 0) & (lost < threshold)) | ((gained > 0) & (gained < threshold)) | \
        out["reach_straight"].isna().to_numpy() | out["reach_network"].isna().to_numpy()
    out["lost"] = np.where(hidden, np.nan, lost)
    out["gained"] = np.where(hidden, np.nan, gained)
    order = np.argsort(-np.abs(out["change"].fillna(0).to_numpy()), kind="stable")
    return out.iloc[order].reset_index(drop=True)[columns]


def changed_cells(ws, params: CoverageParams, phase_id: str, demand: Demand | None = None) -> pd.DataFrame:
    """Where the numbers changed: the population cells with persons of the phase whose reach
    differs between straight line × detour and the street network. Columns ``cell`` (row
    position in ``ws.population_cells``) and ``change``: ``lost`` (reached by straight line
    only, e.g. across a river) or ``gained`` (on the streets only: a direct path where the
    detour factor was too cautious). Empty without a street network or population grid."""
    empty = pd.DataFrame({"cell": pd.Series(dtype=int), "change": pd.Series(dtype=object)})
    demand = demand or prepare_demand(ws)
    if not ws.has_streets or ws.population_cells is None or not len(ws.population_cells) \
            or phase_id not in demand.phases:
        return empty
    straight, walked = _both_ways(ws, params, demand)
    k = demand.phases.index(phase_id)
    has = demand.persons[:, k] > 0
    lost = np.flatnonzero(has & straight.cell_reached[:, k] & ~walked.cell_reached[:, k])
    gained = np.flatnonzero(has & walked.cell_reached[:, k] & ~straight.cell_reached[:, k])
    return pd.DataFrame({"cell": np.concatenate([lost, gained]),
                         "change": ["lost"] * len(lost) + ["gained"] * len(gained)})


def _both_ways(ws, params: CoverageParams, demand: Demand):
    """Coverage by straight line × detour and on the street network: (straight, walked)."""
    from dataclasses import replace

    plain = replace(ws, street_nodes=ws.street_nodes.iloc[:0], street_edges=ws.street_edges.iloc[:0])
    straight_demand = replace(demand, walk=None, walk_offers=None)
    return coverage(plain, params, demand=straight_demand), coverage(ws, params, demand=demand)
