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
  (fields ``{"name": …, "persons": {phase_id: n}}``): one more population unit, the persons
  spread over the age bands of each phase in proportion to the years they share.
* ``population``: every population cell of a district (the district holding most of the
  cell) changes by ``percent`` in the age bands of a phase (fields ``{"district_id",
  "phase_id", "percent"}``), in the bands' share of years within the phase.

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

from dashboard.analysis import coverage as C
from dashboard.analysis.cellkey import PerturbationTable, publish_area_counts
from dashboard.sources.scenarios import Change, apply_changes, apply_scenario, changes_of  # noqa: F401 - re-exported

# ---------------------------------------------------------------------------------------
# Published figures of a scenario, and the comparison with Ist
# ---------------------------------------------------------------------------------------

def _cell_reached(cov: C.Coverage, demand: C.Demand, ws) -> np.ndarray:
    """(cells, phases) reached by a sited offer or by an outreach offer serving the cell's main district."""
    main = np.full(len(demand.xy), -1, np.int64)
    order = np.argsort(demand.share, kind="stable")
    main[demand.cell_idx[order]] = demand.district_idx[order]
    outreach = cov.matrix("outreach_offers").to_numpy() > 0  # (districts, phases)
    by_outreach = np.vstack([outreach, np.zeros((1, outreach.shape[1]), bool)])[main]
    return cov.cell_reached | by_outreach


def scenario_coverage(ist_ws, scen_ws, params: C.CoverageParams = C.CoverageParams(), *,
                      ist_demand: C.Demand | None = None, ist_cov: C.Coverage | None = None,
                      scen_demand: C.Demand | None = None, threshold: int = 3,
                      perturbation: PerturbationTable | None = None) -> C.Coverage:
    """The scenario's coverage with published persons: ``target_population`` and ``reached``
    made from the Ist figures (see the module doc), ``reach_share`` from them; every other
    measure as computed on the scenario. Population cells of the scenario are the Ist cells
    (same order) followed by its housing areas."""
    ist_demand = ist_demand or C.prepare_demand(ist_ws)
    ist_cov = ist_cov or C.coverage(ist_ws, params, ist_demand)
    scen_demand = scen_demand or C.prepare_demand(scen_ws)
    scen_cov = C.coverage(scen_ws, params, scen_demand)
    table = scen_cov.table.copy()
    ist_public = C.public_table(ist_cov.table, threshold)
    if ist_demand.units is None or ist_ws.population_cells is None or not len(ist_ws.population_cells):
        # district tables only: one point per district, no free areas; published like the Ist figures
        return replace(scen_cov, table=C.public_table(table, threshold))
    n_real = len(ist_demand.xy)
    was = _cell_reached(ist_cov, ist_demand, ist_ws)
    now = _cell_reached(scen_cov, scen_demand, scen_ws)
    real_now = now[:n_real]
    main = np.full(n_real, -1, np.int64)
    order = np.argsort(ist_demand.share, kind="stable")
    main[ist_demand.cell_idx[order]] = ist_demand.district_idx[order]
    D, P = ist_demand.n_districts, len(ist_demand.phases)
    table_p = perturbation or PerturbationTable()
    gained = np.zeros((D, P))
    lost = np.zeros((D, P))
    keys = ist_demand.keys
    for k in range(P):
        for sign, mask in ((1, real_now[:, k] & ~was[:, k]), (-1, was[:, k] & ~real_now[:, k])):
            if not mask.any():
                continue
            areas = [np.flatnonzero(mask & (main == d)) for d in range(D)]
            if keys is None:
                counts = np.full(D, np.nan)
            else:
                counts = publish_area_counts(ist_demand.persons[:, k:k + 1], keys[:, k:k + 1], areas, table_p,
                                             threshold)[:, 0]
            (gained if sign > 0 else lost)[:, k] = counts
    # the population factor per district and phase (scenario cells ÷ Ist cells: one factor per
    # district and phase, as the changes are made), and the housing areas' persons (exact)
    ist_real = ist_demand.per_district(ist_demand.persons)
    scen_real = _per_district_real(scen_demand, n_real)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(ist_real > 0, scen_real / ist_real, 1.0)
    housing_target, housing_reached = _housing_persons(scen_demand, n_real, now)
    ist_target = ist_public["target_population"].to_numpy(float).reshape(D, P)
    ist_reached = ist_public["reached"].to_numpy(float).reshape(D, P)
    target = factor * ist_target + housing_target
    reached = np.clip(factor * (ist_reached + gained - lost) + housing_reached, 0, target)
    table["target_population"] = target.ravel()
    table["reached"] = reached.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["reach_share"] = table["reached"] / table["target_population"].where(table["target_population"] > 0)
        per_1000 = 1000.0 / table["target_population"].where(table["target_population"] > 0)
    table["offers_per_1000"] = table["offers"] * per_1000
    table["places_per_1000"] = table["capacity"] * per_1000
    return replace(scen_cov, table=table)


def _per_district_real(demand: C.Demand, n_real: int) -> np.ndarray:
    real = demand.cell_idx < n_real
    v = demand.persons[demand.cell_idx[real]] * demand.share[real, None]
    out = np.zeros((demand.n_districts, demand.persons.shape[1]))
    np.add.at(out, demand.district_idx[real], v)
    return out


def _housing_persons(demand: C.Demand, n_real: int, reached: np.ndarray):
    new = demand.cell_idx >= n_real
    target = np.zeros((demand.n_districts, demand.persons.shape[1]))
    hit = np.zeros_like(target)
    if new.any():
        v = demand.persons[demand.cell_idx[new]] * demand.share[new, None]
        np.add.at(target, demand.district_idx[new], v)
        np.add.at(hit, demand.district_idx[new], v * reached[demand.cell_idx[new]])
    return target, hit


def compare(ist_cov: C.Coverage, scen_cov: C.Coverage, ist_ws, scen_ws, params: C.CoverageParams = C.CoverageParams(),
            threshold: int = 3) -> pd.DataFrame:
    """Scenario − Ist per district and phase: for each measure (target population, persons
    reached, reach share, offers, 2SFCA) the Ist value, the scenario's and the difference;
    ``gap_ist``/``gap_scenario`` and ``gap_change`` (+1 opened, −1 closed, 0 none);
    ``duplicates_ist``/``duplicates_scenario`` (pairs of alike offers of the phase in the
    district). Persons are published figures (Ist: :func:`coverage.public_table`; scenario:
    :func:`scenario_coverage`)."""
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
    out["duplicates_ist"] = _duplicate_counts(ist_ws, params, out)
    out["duplicates_scenario"] = _duplicate_counts(scen_ws, params, out)
    out["duplicates_change"] = out["duplicates_scenario"] - out["duplicates_ist"]
    return out.reset_index(drop=True)


def _duplicate_counts(ws, params, out: pd.DataFrame) -> np.ndarray:
    """Pairs of alike offers per district (of the first offer's site) and phase, in ``out``'s rows."""
    from dashboard.analysis.district import offer_districts

    pairs = C.duplicates(ws, params)
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
