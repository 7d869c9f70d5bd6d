"""What is near a place: offers for a family (Lotse), and what a partner's sites reach.

Distances are walked on the street network when the workspace has one
(:mod:`dashboard.analysis.walking`); otherwise straight lines in metres multiplied by a
detour factor (default 1.3, as in :class:`~dashboard.analysis.coverage.CoverageParams`).
Walking time: distance / speed (default 4.5 km/h, :data:`dashboard.analysis.walking.SPEEDS_KMH`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from dashboard.analysis import cellkey, filters
from dashboard.analysis.coverage import alike_key
from dashboard.analysis.walking import (
    WALKING_SPEED_KMH,
    from_point,
    group_distance,
    pairs_within,
    point_distances,
    walking_metres,
    walking_minutes,
)
from dashboard.model import schema


@dataclass(frozen=True)
class FamilySituation:
    """Who in the family is looking for support (nothing of it is stored).

    ``child_ages`` in years (0.5 = six months); ``parents``: offers for the parents
    themselves; ``older_relatives``: offers for older relatives living with or near them."""

    pregnant: bool = False
    child_ages: tuple[float, ...] = ()
    parents: bool = False
    older_relatives: bool = False

    def is_empty(self) -> bool:
        return not (self.pregnant or self.child_ages or self.parents or self.older_relatives)


PARENT_AGE, OLDER_RELATIVE_AGE = 35.0, 75.0


def phases_for(situation: FamilySituation, life_phases: pd.DataFrame) -> dict[str, list[str]]:
    """Life phases that fit the family → who they are for ('pregnancy', 'child:4', 'parents',
    'older_relatives'), in chain order. Ages are matched to the phases' age ranges
    [age_from, age_to); a phase with id 'pregnancy' is only chosen for a pregnancy."""
    who: dict[str, list[str]] = {}
    ordinary = life_phases[life_phases["phase_id"] != "pregnancy"]
    lo = ordinary["age_from"].to_numpy(float)
    hi = ordinary["age_to"].fillna(np.inf).to_numpy(float)

    def add(age: float, label: str):
        for phase in ordinary["phase_id"].to_numpy()[(lo <= age) & (age < hi)]:
            who.setdefault(str(phase), []).append(label)

    if situation.pregnant and "pregnancy" in set(life_phases["phase_id"]):
        who.setdefault("pregnancy", []).append("pregnancy")
    for age in situation.child_ages:
        if age < 0 or age > 27:
            raise ValueError(f"a child's age must be between 0 and 27 years, got {age}")
        add(float(age), f"child:{age:g}")
    if situation.parents:
        add(PARENT_AGE, "parents")
    if situation.older_relatives:
        add(OLDER_RELATIVE_AGE, "older_relatives")
    order = list(life_phases["phase_id"])
    return {phase: who[phase] for phase in order if phase in who}


def parse_ages(text: str, oldest: float = 27.0) -> tuple[tuple[float, ...], list[str]]:
    """Children's ages typed by a person: separated by ';', German or English decimals
    ('0,5' and '0.5' are half a year). Returns (ages in years, the parts that are no age
    from 0 to ``oldest``)."""
    ages, bad = [], []
    for part in (p.strip() for p in str(text or "").split(";")):
        if not part:
            continue
        try:
            age = float(part.replace(",", "."))
        except ValueError:
            bad.append(part)
            continue
        if 0 <= age <= oldest:
            ages.append(age)
        else:
            bad.append(part)
    return tuple(ages), bad


def offers_for_family(ws, x: float, y: float, situation: FamilySituation, *, max_distance_m: float = 3000.0,
                      detour: float = 1.3, cost_free: bool = False, barrier_free: bool = False,
                      languages: tuple[str, ...] = (), categories: tuple[str, ...] = (),
                      topics: tuple[str, ...] = (), valid_on: date | None = None, include_outreach: bool = True, demand=None,
                      speed_kmh: float = WALKING_SPEED_KMH) -> pd.DataFrame:
    """Offers that fit the family near the point (x, y in the workspace CRS, metres), nearest
    first: one row per offer with ``distance_m`` (estimated walking distance), ``walking_min``,
    ``for_whom`` (the situation's labels it fits) and ``outreach`` (comes to the family: no
    distance, listed after the sited offers). Offers farther than ``max_distance_m`` (walking)
    are left out. With ``cost_free`` / ``barrier_free`` asked for, offers whose source does not
    say are listed last, apart, with ``unknown`` naming the facts that are unknown.
    ``demand``: the workspace's prepared demand (its street network is used)."""
    wanted = phases_for(situation, ws.life_phases)
    columns = ["offer_id", "name", "provider", "category", "life_phases", "for_whom", "address", "contact_public",
               "cost_free", "barrier_free", "languages", "distance_m", "walking_min", "outreach", "unknown", "geometry"]
    if not wanted:
        return pd.DataFrame(columns=columns)
    f = filters.OfferFilter(life_phases=tuple(wanted), languages=tuple(languages), categories=tuple(categories),
                            topics=tuple(topics), valid_on=valid_on)
    offers = filters.filter_offers(ws, f).reset_index(drop=True)
    # asked for free of charge / barrier-free: yes is listed, unknown listed apart (column
    # ``unknown``: the asked-for facts the source does not give), no is left out
    asked = [name for name, yes in (("cost_free", cost_free), ("barrier_free", barrier_free)) if yes]
    keep = np.ones(len(offers), bool)
    for name in asked:
        keep &= filters.is_yes(offers[name]) | filters.is_unknown(offers[name])
    offers = offers[keep].reset_index(drop=True)
    missing = np.column_stack([filters.is_unknown(offers[n]) for n in asked]) if asked else \
        np.zeros((len(offers), 0), bool)
    names = np.array(asked, dtype=object)
    unknown_facts = pd.Series([tuple(names[m]) for m in missing], index=offers.index, dtype=object)
    geoms = offers.geometry.to_numpy()
    sited = ~shapely.is_missing(geoms)
    if len(offers):
        sited[sited] = ~shapely.is_empty(geoms[sited])
    distance = np.full(len(offers), np.nan)
    walk = _walk(ws, demand)
    if sited.any() and walk is not None:
        node_distance = from_point(walk.walk, x, y, max_distance_m)
        position = walk.walk_offers.get_indexer(offers["offer_id"][sited])
        distance[sited] = group_distance(walk.walk, node_distance, "offers")[position]
    elif sited.any():
        xy = shapely.get_coordinates(geoms[sited])
        distance[sited] = np.hypot(xy[:, 0] - x, xy[:, 1] - y) * detour
    keep = sited & (distance <= max_distance_m + 1e-3)
    if include_outreach and (~sited).any():
        keep |= ~sited & _serves_point(ws, offers, x, y)
    out = offers[keep].copy()
    out["distance_m"] = distance[keep].round(0)
    out["walking_min"] = np.ceil(walking_minutes(out["distance_m"].to_numpy(float), speed_kmh))
    out["outreach"] = ~sited[keep]
    out["unknown"] = unknown_facts[keep].to_numpy()
    out["apart"] = out["unknown"].map(len) > 0
    out["for_whom"] = out["life_phases"].map(
        lambda phases: tuple(dict.fromkeys(w for p in wanted if p in phases for w in wanted[p])))
    for column in columns:
        if column not in out:
            out[column] = None
    out = out.sort_values(["apart", "outreach", "distance_m", "name"], na_position="last", kind="stable")
    return out[columns].reset_index(drop=True)


def _walk(ws, demand):
    """The prepared demand when the workspace has a street network (prepared if not given), else None."""
    if not ws.has_streets:
        return None
    if demand is None or demand.walk is None:
        from dashboard.analysis.coverage import prepare_demand

        demand = prepare_demand(ws)
    return demand


def _serves_point(ws, offers: pd.DataFrame, x: float, y: float) -> np.ndarray:
    """Outreach offers whose service area (district ids or the whole city) holds the point."""
    point = shapely.Point(x, y)
    hit = ws.districts.sindex.query(point, predicate="intersects")
    district = str(ws.districts["district_id"].iloc[hit[0]]) if len(hit) else None
    areas = offers["service_area"].map(lambda a: tuple(a) if isinstance(a, (tuple, list)) else ())
    return areas.map(lambda a: schema.CITY_WIDE in a or (district is not None and district in a)).to_numpy(bool)


# ---------------------------------------------------------------------------------------
# Partner view: what one organisation's sites reach
# ---------------------------------------------------------------------------------------
def organisation_offers(ws, partner_id: str) -> pd.DataFrame:
    """The organisation's offers (by ``partner_id``), by name."""
    offers = ws.offers[ws.offers["partner_id"] == partner_id] if "partner_id" in ws.offers else ws.offers.iloc[:0]
    return offers.sort_values("name").reset_index(drop=True)


def organisation_family_centres(ws, partner_id: str) -> pd.DataFrame:
    """Familienzentren run by the organisation (provider name equals its organisation name)."""
    row = ws.partners[ws.partners["partner_id"] == partner_id]
    if row.empty or len(ws.family_centres) == 0:
        return ws.family_centres.iloc[:0]
    return ws.family_centres[ws.family_centres["provider"] == row["organisation"].iat[0]].reset_index(drop=True)


# Areas a user can choose are few: walking areas start on a lattice of SNAP_M metres and
# catchment radii are multiples of RADIUS_STEP_M metres. Two clicks a few metres apart, or
# two radii 50 m apart, then ask for the same area (published identically), and an attacker
# finds few pairs of areas that differ by one population cell to difference or average.
SNAP_M = 100.0
RADIUS_STEP_M = 250.0


def snap_point(x: float, y: float, snap_m: float = SNAP_M) -> tuple[float, float]:
    """The lattice point (multiples of ``snap_m`` metres) nearest to (x, y) in the workspace CRS."""
    if not snap_m:
        return float(x), float(y)
    return float(np.round(x / snap_m) * snap_m), float(np.round(y / snap_m) * snap_m)


def snap_radius(radius_m: float, step_m: float = RADIUS_STEP_M) -> float:
    """``radius_m`` rounded to a multiple of ``step_m`` metres (at least one step)."""
    if not step_m:
        return float(radius_m)
    return float(max(1, np.round(radius_m / step_m)) * step_m)


def area_counts(demand, areas, threshold: int = 3, perturbation: cellkey.PerturbationTable | None = None):
    """Published persons per life phase of user-chosen areas (one index array or mask of
    demand cells each): the cell-key method (:func:`dashboard.analysis.cellkey.publish_area_counts`)
    on top of withholding below ``threshold``; all withheld when the workspace has no secret.
    Returns (areas, phases) floats, NaN withheld."""
    if demand.keys is None:
        return np.full((len(areas), len(demand.phases)), np.nan)
    return cellkey.publish_area_counts(demand.persons, demand.keys, areas,
                                       perturbation or cellkey.PerturbationTable(), threshold)


def site_reach(ws, offers: pd.DataFrame, radius_m: float = 1000.0, detour: float = 1.3,
               threshold: int = 3, demand=None, perturbation: cellkey.PerturbationTable | None = None,
               radius_step_m: float = RADIUS_STEP_M) -> pd.DataFrame:
    """Per sited offer and each of its life phases: the target population living within
    ``radius_m`` walking distance (rounded to a multiple of ``radius_step_m``; persons from the
    population cells, published by the cell-key method: counts below the disclosure
    ``threshold`` withheld as NaN, withheld cells count as 0) and its share of the city's
    target population (computed from the published count). ``demand``: the workspace's
    :func:`~dashboard.analysis.coverage.prepare_demand` (prepared when not given)."""
    from dashboard.analysis.coverage import prepare_demand

    radius_m = snap_radius(radius_m, radius_step_m)
    sited = offers[offers.geometry.notna() & ~offers.geometry.is_empty] if len(offers) else offers
    rows = sited.explode("life_phases")
    columns = ["offer_id", "name", "phase_id", "persons", "city_share"]
    if rows.empty or ws.population_cells is None or not len(ws.population_cells):
        return pd.DataFrame(columns=columns)
    demand = demand or prepare_demand(ws)
    if demand.walk is not None:  # cells within the walk on the street network
        cell, row, _ = demand.offer_pairs(sited, radius_m)
        within = pd.Series(cell).groupby(row).agg(list).reindex(range(len(sited))).tolist()
        within = [np.asarray(w if isinstance(w, list) else [], dtype=np.int64) for w in within]
    else:
        site_xy = shapely.get_coordinates(sited.geometry.to_numpy())
        within = [np.asarray(w, dtype=np.int64) for w in
                  cKDTree(demand.xy).query_ball_point(site_xy, r=radius_m / detour)]
    published = area_counts(demand, within, threshold, perturbation)  # (sited offers, phases)
    by_offer = pd.Index(sited["offer_id"]).get_indexer(rows["offer_id"])
    column = pd.Index(demand.phases).get_indexer(rows["life_phases"])
    known = column >= 0
    values = np.full(len(rows), np.nan)
    values[known] = published[by_offer[known], column[known]]
    values[~known] = 0.0
    totals = np.append(demand.persons.sum(axis=0), np.nan)[column]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, values / totals, np.nan)
    out = pd.DataFrame({"offer_id": rows["offer_id"].to_numpy(), "name": rows["name"].to_numpy(),
                        "phase_id": rows["life_phases"].to_numpy(), "persons": values, "city_share": shares})
    return out[columns]


def nearby_same_phase(ws, offers: pd.DataFrame, radius_m: float = 1000.0, detour: float = 1.3,
                      demand=None) -> pd.DataFrame:
    """Other organisations' offers of the same life phases and topic within ``radius_m``
    (walking) of each sited offer: possible Parallelstrukturen or cooperation partners,
    nearest first."""
    columns = ["offer_id", "name", "near_offer_id", "near_name", "near_provider", "shared_phases", "distance_m"]
    sited = offers[offers.geometry.notna()] if len(offers) else offers
    others = ws.offers[ws.offers.geometry.notna()]
    if len(sited):
        others = others[~others["offer_id"].isin(set(offers["offer_id"]))]
        if "partner_id" in others and sited["partner_id"].notna().any():
            others = others[others["partner_id"].ne(sited["partner_id"].iat[0]) | others["partner_id"].isna()]
    if sited.empty or others.empty:
        return pd.DataFrame(columns=columns)
    site_xy = shapely.get_coordinates(sited.geometry.to_numpy())
    other_xy = shapely.get_coordinates(others.geometry.to_numpy())
    walk = _walk(ws, demand)
    if walk is not None:  # walked on the street network
        position = walk.walk_offers.get_indexer(sited["offer_id"])
        s, t, walked = pairs_within(walk.walk, "offers", "offers", radius_m, sources=position)
        other_row = pd.Series(np.arange(len(others)), index=walk.walk_offers.get_indexer(others["offer_id"]))
        site_row = pd.Series(np.arange(len(sited)), index=position)
        keep = np.isin(t, other_row.index)
        i, j, walked = site_row.loc[s[keep]].to_numpy(), other_row.loc[t[keep]].to_numpy(), walked[keep]
    else:
        pairs = cKDTree(other_xy).query_ball_point(site_xy, r=radius_m / detour)
        i = np.repeat(np.arange(len(sited)), [len(p) for p in pairs])
        j = np.fromiter((k for p in pairs for k in p), dtype=np.int64, count=len(i))
        walked = np.hypot(*(other_xy[j] - site_xy[i]).T) * detour if len(i) else np.zeros(0)
    if not len(i):
        return pd.DataFrame(columns=columns)
    own_phases = sited["life_phases"].to_numpy()[i]
    their_phases = others["life_phases"].to_numpy()[j]
    alike = alike_key(sited)[i] == alike_key(others)[j]  # the same topic, not just the same phase
    shared = [tuple(p for p in a if p in set(b)) if same else () for a, b, same in
              zip(own_phases, their_phases, alike)]
    out = pd.DataFrame({
        "offer_id": sited["offer_id"].to_numpy()[i], "name": sited["name"].to_numpy()[i],
        "near_offer_id": others["offer_id"].to_numpy()[j], "near_name": others["name"].to_numpy()[j],
        "near_provider": others["provider"].to_numpy()[j], "shared_phases": shared,
        "distance_m": np.round(walked, 0),
    })
    out = out[out["shared_phases"].map(len) > 0]
    return out.sort_values(["offer_id", "distance_m"], kind="stable").reset_index(drop=True)[columns]


def districts_around(ws, offers: pd.DataFrame, radius_m: float = 1000.0, detour: float = 1.3,
                     demand=None) -> list[str]:
    """District ids within ``radius_m`` (walking) of any of the sited offers: the districts
    they lie in and, on the street network, those of the population cells they reach."""
    sited = offers[offers.geometry.notna()] if len(offers) else offers
    if sited.empty:
        return []
    walk = _walk(ws, demand) if ws.population_cells is not None else None
    if walk is not None:
        cell, _, _ = walk.offer_pairs(sited, radius_m)
        reached = np.isin(walk.cell_idx, np.unique(cell))
        hit = np.union1d(walk.district_idx[reached], ws.districts.sindex.query(
            sited.geometry.to_numpy(), predicate="intersects")[1])
    else:
        area = shapely.union_all(sited.geometry.buffer(radius_m / detour).to_numpy())
        hit = ws.districts.sindex.query(area, predicate="intersects")
    return list(ws.districts["district_id"].iloc[np.sort(hit)])


# ---------------------------------------------------------------------------------------
# Walking areas (isochrones) around a point
# ---------------------------------------------------------------------------------------
WALKING_AREA_MINUTES = (5, 10, 15)


def walking_areas(ws, x: float, y: float, minutes=WALKING_AREA_MINUTES, *, speed_kmh: float = WALKING_SPEED_KMH,
                  threshold: int = 3, demand=None, perturbation: cellkey.PerturbationTable | None = None,
                  snap_m: float = SNAP_M):
    """The areas within ``minutes`` of walking from (x, y) on the street network, and the
    target population living in each (persons per life phase, from the population cells
    whose walk is within the time).

    Returns (areas, population): ``areas`` a GeoDataFrame (``minutes``, geometry, in the
    workspace CRS, largest first), ``population`` a DataFrame (index ``minutes``, one column
    per phase_id). The walk starts at the lattice point (``snap_m`` metres, :func:`snap_point`)
    nearest to (x, y). Counts are published by the cell-key method (:func:`area_counts`): counts
    below ``threshold`` are withheld (NaN), and so is a count whose true value differs from
    the next smaller area's by less than the threshold. None without a street network."""
    import geopandas as gpd

    from dashboard.analysis.walking import walking_area

    walk = _walk(ws, demand)
    if walk is None:
        return None
    x, y = snap_point(x, y, snap_m)
    minutes = sorted(minutes)
    limits = [float(walking_metres(m, speed_kmh)) for m in minutes]
    cell_distance, node_distance = point_distances(walk.walk, x, y, max(limits), "cells")
    graph = walk.walk.graph
    areas = gpd.GeoDataFrame({"minutes": minutes[::-1]},
                             geometry=[walking_area(graph, node_distance, limit) for limit in limits[::-1]], crs=ws.crs)
    members = [cell_distance <= limit + 1e-3 for limit in limits]
    shown = area_counts(walk, members, threshold, perturbation)
    counts = np.round(np.array([walk.persons[m].sum(axis=0) for m in members]))
    ring = np.diff(np.vstack([np.zeros((1, counts.shape[1])), counts]), axis=0)
    shown[(ring > 0) & (ring < threshold)] = np.nan
    population = pd.DataFrame(shown, index=pd.Index(minutes, name="minutes"), columns=walk.phases)
    return areas, population


def catchment_areas(ws, offers: pd.DataFrame, radius_m: float = 1000.0, detour: float = 1.3, demand=None):
    """The catchment of each sited offer (a GeoSeries in the workspace CRS, indexed like the
    sited offers): the area within ``radius_m`` walked on the street network, else a circle of
    ``radius_m / detour``."""
    import geopandas as gpd

    from dashboard.analysis.walking import walking_area

    sited = offers[offers.geometry.notna()] if len(offers) else offers
    walk = _walk(ws, demand)
    if walk is None or sited.empty:
        return gpd.GeoSeries(sited.geometry.buffer(radius_m / detour), crs=ws.crs)
    graph = walk.walk.graph
    areas = [walking_area(graph, from_point(walk.walk, p.x, p.y, radius_m), radius_m) for p in sited.geometry]
    return gpd.GeoSeries(areas, index=sited.index, crs=ws.crs)


BARRIER_KINDS = ("rail", "water")
"""Base-map line kinds people cannot walk across except at bridges and crossings."""


def barriers_crossing(ws, xy, radius_m: float) -> pd.DataFrame:
    """The railways and rivers (base-map lines of :data:`BARRIER_KINDS`) that cross the circle
    of ``radius_m`` metres around each point of ``xy`` (an (n, 2) array, workspace CRS): one
    row per point and barrier, columns ``point`` (row of ``xy``), ``kind`` and ``name`` (None
    when the source names none). Named lines of one kind and name count once per point; so do
    all unnamed lines of one kind. Empty when the workspace has no base-map lines."""
    columns = ["point", "kind", "name"]
    lines = getattr(ws, "base_lines", None)
    if lines is None or not len(lines):
        return pd.DataFrame(columns=columns)
    lines = lines[lines["kind"].isin(BARRIER_KINDS)]
    xy = np.asarray(xy, float).reshape(-1, 2)
    if lines.empty or not len(xy):
        return pd.DataFrame(columns=columns)
    circles = shapely.buffer(shapely.points(xy), radius_m)
    point, line = shapely.STRtree(lines.geometry.to_numpy()).query(circles, predicate="intersects")
    names = lines["name"].to_numpy(object)[line] if "name" in lines else np.full(len(line), None, object)
    found = pd.DataFrame({"point": point, "kind": lines["kind"].to_numpy(object)[line],
                          "name": [n if isinstance(n, str) and n.strip() else None for n in names]})
    return found.drop_duplicates().sort_values(["point", "kind"], kind="stable").reset_index(drop=True)
