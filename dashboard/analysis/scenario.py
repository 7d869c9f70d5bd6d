"""What-if scenarios: a named set of changes on top of the real data ("Ist").

A scenario lives in the workspace's own layers ``scenarios`` and ``scenario_changes``; the
real layers are never touched. :func:`apply_scenario` returns a *new* workspace with the
changes made, in their order, on which every analysis can run:

* ``add``: a new offer or Familienzentrum (``layer``) from the change's ``fields`` (JSON: the
  record's fields) at the change's point (none: an outreach offer); its id is the one in
  the fields or ``SZ-`` and the change's id.
* ``move``: the record ``record_id`` to the change's point.
* ``close``: the record ends: an offer's ``valid_to`` becomes the day before ``valid_from``
  (it still counts on earlier days: compare on a day with ``CoverageParams.valid_on``);
  without a date, or for a layer without validity dates, it is gone from the scenario.
* ``change``: fields of the record (life phases, capacity, service area, …).
* ``housing``: a new housing area, the change's polygon, with ``persons`` per life phase
  (fields ``{"name": …, "persons": {phase_id: n}}``, made up by the planner): they count in
  the district holding a point inside the area, as reached when a matching sited offer is
  within reach of that point (or a matching outreach offer serves the district).
* ``population``: the persons of a district and phase change by ``percent`` (fields
  ``{"district_id", "phase_id", "percent"}``).

Housing areas and population changes are kept beside the records (``ws.scenario``, a
:class:`dashboard.sources.scenarios.ScenarioView`); the population layers stay the real ones,
so every count of a free area in a scenario (walking areas, a site's reach) counts real
persons only, and the 2SFCA is computed on the real population.

Published figures of a scenario (:func:`scenario_coverage`) are made from published figures
of the real data: a district's persons reached in the scenario are its published Ist figure
plus the persons of the cells newly reached minus those no longer reached, each a count of a
free area published by the cell-key method (a planner could otherwise place an offer so that
the difference shows one cell), times the scenario's population factor, plus the persons of
new housing areas (made up by the planner, not secret).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import shapely

from dashboard.analysis import coverage as C
from dashboard.analysis import filters
from dashboard.analysis.cellkey import PerturbationTable, publish_area_counts
from dashboard.sources.scenarios import Change, apply_changes, apply_scenario, changes_of  # noqa: F401 - re-exported

# ---------------------------------------------------------------------------------------
# Published figures of a scenario, and the comparison with Ist
# ---------------------------------------------------------------------------------------

def _cell_reached(cov: C.Coverage, demand: C.Demand) -> np.ndarray:
    """(cells, phases) reached by a sited offer or by an outreach offer serving the cell's main district."""
    outreach = cov.matrix("outreach_offers").to_numpy() > 0  # (districts, phases)
    by_outreach = np.vstack([outreach, np.zeros((1, outreach.shape[1]), bool)])[demand.main_district]
    return cov.cell_reached | by_outreach


def scenario_coverage(ist_ws, scen_ws, params: C.CoverageParams = C.CoverageParams(), *,
                      ist_demand: C.Demand | None = None, ist_cov: C.Coverage | None = None,
                      scen_demand: C.Demand | None = None, threshold: int = 3,
                      perturbation: PerturbationTable | None = None) -> C.Coverage:
    """The scenario's coverage with published persons: ``target_population`` and ``reached``
    made from the published Ist figures (see the module doc), ``reach_share`` and the rates
    from them; the other measures (offers, places, 2SFCA: on the real population) as computed
    on the scenario's records."""
    ist_demand = ist_demand or C.prepare_demand(ist_ws)
    ist_cov = ist_cov or C.coverage(ist_ws, params, ist_demand)
    scen_demand = scen_demand or C.prepare_demand(scen_ws)
    scen_cov = C.coverage(scen_ws, params, scen_demand)
    table = scen_cov.table.copy()
    ist_public = C.public_table(ist_cov.table, threshold)
    D, P = ist_demand.n_districts, len(ist_demand.phases)
    ist_target = ist_public["target_population"].to_numpy(float).reshape(D, P)
    ist_reached = ist_public["reached"].to_numpy(float).reshape(D, P)
    if ws_has_cells(ist_ws):
        delta = _reached_delta(ist_ws, ist_demand, ist_cov, scen_ws, scen_demand, scen_cov, threshold,
                               perturbation or PerturbationTable())
    else:  # district tables: one point per district, a district is reached as a whole (no free areas)
        delta = C.public_table(table, threshold)["reached"].to_numpy(float).reshape(D, P) - ist_reached
    view = getattr(scen_ws, "scenario", None)
    factor = np.ones((D, P))
    housing_target, housing_reached = np.zeros((D, P)), np.zeros((D, P))
    if view is not None:
        ids = list(ist_ws.districts["district_id"])
        for (district, phase), f in view.factors.items():
            if district in ids and phase in ist_demand.phases:
                factor[ids.index(district), ist_demand.phases.index(phase)] *= f
        housing_target, housing_reached = housing_persons(scen_ws, scen_cov, params, view.housing, ist_demand.phases)
    target = factor * ist_target + housing_target
    reached = np.clip(factor * (ist_reached + delta) + housing_reached, 0, target)
    table["target_population"] = target.ravel()
    table["reached"] = reached.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = table["target_population"].where(table["target_population"] > 0)
        table["reach_share"] = table["reached"] / positive
        table["offers_per_1000"] = table["offers"] * 1000.0 / positive
        table["places_per_1000"] = table["capacity"] * 1000.0 / positive
    return replace(scen_cov, table=table, city=_city_from(scen_cov.city, table))


def _city_from(city: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The city's row per phase from the published district figures (withheld in a district:
    withheld for the city too, so no sum gives away what a district withholds)."""
    sums = table.groupby("phase_id", sort=False)[["target_population", "reached"]].agg(
        lambda column: column.sum(skipna=False)).reindex(city["phase_id"])
    city = city.copy()
    city["target_population"] = sums["target_population"].to_numpy()
    city["reached"] = sums["reached"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = city["target_population"].where(city["target_population"] > 0)
        city["reach_share"] = city["reached"] / positive
        city["offers_per_1000"] = city["offers"] * 1000.0 / positive
        city["places_per_1000"] = city["capacity"] * 1000.0 / positive
    return city


def ws_has_cells(ws) -> bool:
    return ws.population_cells is not None and len(ws.population_cells) > 0


def _reached_delta(ist_ws, ist_demand, ist_cov, scen_ws, scen_demand, scen_cov, threshold, table_p) -> np.ndarray:
    """(districts, phases) published persons newly reached minus those no longer reached: the
    cells whose state changes, per district (the one holding most of a cell), counted by the
    cell-key method (withheld: NaN)."""
    was = _cell_reached(ist_cov, ist_demand)
    now = _cell_reached(scen_cov, scen_demand)
    main = ist_demand.main_district
    D, P = ist_demand.n_districts, len(ist_demand.phases)
    delta = np.zeros((D, P))
    keys = ist_demand.keys
    for k in range(P):
        for sign, mask in ((1.0, now[:, k] & ~was[:, k]), (-1.0, was[:, k] & ~now[:, k])):
            if not mask.any():
                continue
            areas = [np.flatnonzero(mask & (main == d)) for d in range(D)]
            counts = np.full(D, np.nan) if keys is None else publish_area_counts(
                ist_demand.persons[:, k:k + 1], keys[:, k:k + 1], areas, table_p, threshold)[:, 0]
            delta[:, k] += sign * np.where([len(a) == 0 for a in areas], 0.0, counts)
    return delta


def housing_persons(scen_ws, scen_cov: C.Coverage, params: C.CoverageParams, housing, phases):
    """(districts, phases) persons of the housing areas (in the district holding a point inside
    each area) and of them those reached: a matching sited offer of the scenario within reach
    of that point, or a matching outreach offer serving the district."""
    D, P = len(scen_ws.districts), len(phases)
    target, reached = np.zeros((D, P)), np.zeros((D, P))
    if not housing:
        return target, reached
    points = shapely.point_on_surface(np.array([h.geometry for h in housing], dtype=object))
    xy = shapely.get_coordinates(points)
    hit, district = scen_ws.districts.sindex.query(points, predicate="intersects")
    where = np.full(len(housing), -1, np.int64)
    where[hit[::-1]] = district[::-1]
    offers = C._valid_offers(scen_ws, params)
    sited = offers[offers.geometry.notna()]
    has = filters.membership_matrix(sited["life_phases"], phases)
    near = _near_sited(scen_ws, sited, xy, params)  # (housing, sited) within reach
    outreach = scen_cov.matrix("outreach_offers").to_numpy() > 0
    for h, area in enumerate(housing):
        if where[h] < 0:
            continue
        for phase, n in area.persons.items():
            k = phases.index(phase)
            target[where[h], k] += n
            if (near[h] & has[:, k]).any() or outreach[where[h], k]:
                reached[where[h], k] += n
    return target, reached


def _near_sited(ws, sited, xy: np.ndarray, params: C.CoverageParams) -> np.ndarray:
    """(points, sited offers) whether each offer is within ``params.radius_m`` of each point:
    walked on the street network where the workspace has one, else straight line × detour."""
    site_xy = shapely.get_coordinates(sited.geometry.to_numpy()).reshape(-1, 2)
    out = np.zeros((len(xy), len(site_xy)), bool)
    if not len(site_xy):
        return out
    if ws.has_streets:
        from dashboard.analysis.walking import pairs_within, place, street_graph

        placed = place(street_graph(ws), {"offers": site_xy}, attached={"points": xy})
        offer, point, _ = pairs_within(placed, "offers", "points", params.radius_m)
        out[point, offer] = True
    else:
        out[:] = np.hypot(xy[:, None, 0] - site_xy[None, :, 0], xy[:, None, 1] - site_xy[None, :, 1]) \
            <= params.straight_m
    return out


def compare(ist_cov: C.Coverage, scen_cov: C.Coverage, ist_ws, scen_ws, params: C.CoverageParams = C.CoverageParams(),
            threshold: int = 3, ist_demand: C.Demand | None = None, scen_demand: C.Demand | None = None
            ) -> pd.DataFrame:
    """Scenario − Ist per district and phase: for each measure (target population, persons
    reached, reach share, offers, 2SFCA) the Ist value, the scenario's and the difference;
    ``gap_ist``/``gap_scenario`` and ``gap_change`` (+1 opened, −1 closed, 0 none);
    ``duplicates_ist``/``duplicates_scenario`` (pairs of alike offers of the phase in the
    district). Persons are published figures (Ist: :func:`coverage.public_table`; scenario:
    :func:`scenario_coverage`). ``ist_demand``/``scen_demand``: the prepared demands, if at hand."""
    ist = C.public_table(ist_cov.table, threshold)
    scen = C.public_table(scen_cov.table, threshold)  # its persons are published already; rounded alike
    keys = ["district_id", "district_name", "phase_id"]
    out = ist[keys].copy()
    persons = {}
    for measure in ("target_population", "reached"):  # whole persons, as shown
        persons[measure] = (np.round(ist[measure].to_numpy(float)), np.round(scen[measure].to_numpy(float)))
    with np.errstate(invalid="ignore", divide="ignore"):
        persons["reach_share"] = tuple(np.where(t > 0, r / t, np.nan) for r, t in
                                       zip(persons["reached"], persons["target_population"]))
    for measure in ("target_population", "reached", "reach_share", "offers", "access_2sfca"):
        a, b = persons[measure] if measure in persons else (ist[measure].to_numpy(float), scen[measure].to_numpy(float))
        out[f"{measure}_ist"], out[f"{measure}_scenario"], out[f"{measure}_change"] = a, b, b - a
    min_reach = params.min_reach
    gap_a = (out["target_population_ist"] > 0) & (out["reach_share_ist"].fillna(1.0) < min_reach)
    gap_b = (out["target_population_scenario"] > 0) & (out["reach_share_scenario"].fillna(1.0) < min_reach)
    out["gap_ist"], out["gap_scenario"] = gap_a.to_numpy(), gap_b.to_numpy()
    out["gap_change"] = gap_b.astype(int).to_numpy() - gap_a.astype(int).to_numpy()
    out["duplicates_ist"] = _duplicate_counts(ist_ws, params, out, ist_demand)
    out["duplicates_scenario"] = _duplicate_counts(scen_ws, params, out, scen_demand)
    out["duplicates_change"] = out["duplicates_scenario"] - out["duplicates_ist"]
    return out.reset_index(drop=True)


def _duplicate_counts(ws, params, out: pd.DataFrame, demand: C.Demand | None = None) -> np.ndarray:
    """Pairs of alike offers per district (of the first offer's site) and phase, in ``out``'s rows."""
    from dashboard.analysis.district import offer_districts

    pairs = C.duplicates(ws, params, demand=demand)
    if pairs.empty:
        return np.zeros(len(out), int)
    where = offer_districts(ws, ws.offers[ws.offers["offer_id"].isin(pairs["offer_a"])])
    first = where.drop_duplicates("offer_id").set_index("offer_id")["district_id"]
    counted = pairs.assign(district_id=pairs["offer_a"].map(first)).groupby(["district_id", "phase_id"]).size()
    index = pd.MultiIndex.from_arrays([out["district_id"], out["phase_id"]])
    return counted.reindex(index).fillna(0).astype(int).to_numpy()


def changed_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows of :func:`compare` where the scenario changes anything."""
    changes = [c for c in table.columns if c.endswith("_change")]
    values = table[changes].to_numpy(float)
    return (np.nan_to_num(np.abs(values)) > 1e-9).any(axis=1) | (np.isnan(values) != np.isnan(
        table[[c.replace("_change", "_ist") for c in changes]].to_numpy(float))).any(axis=1)
