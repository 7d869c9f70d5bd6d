"""Target population (Zielgruppe) of each life phase, per district and per grid cell.

Assumptions (documented for planners):

* An age band that straddles a phase boundary is split in proportion to the years it
  shares with the phase (persons spread evenly over the band's years); such figures are
  flagged *estimated*. An open top band (e.g. 80+) is taken as 20 years wide.
* A grid cell cut by a district boundary is split by area share (persons spread evenly
  over the cell); shares are normalised over the districts the cell touches, so people
  in cells that stick out of the municipality are not lost.
* Withheld cell values (missing) count as 0 in sums; districts containing withheld
  values are flagged *incomplete* (their figure is a lower bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.sources.estimate import (  # noqa: F401 - re-exported
    MIN_SHARE,
    OPEN_BAND_YEARS,
    area_shares,
    phase_band_weights,
)


def cell_district_shares(cells: gpd.GeoDataFrame, districts: gpd.GeoDataFrame):
    """Sparse cell→district allocation: (cell index, district index, share), shares per cell
    sum to 1 (see :func:`dashboard.sources.estimate.area_shares`; slivers below
    :data:`MIN_SHARE` of a cell count as none)."""
    return area_shares(cells, districts)


@dataclass(frozen=True)
class TargetPopulation:
    """Persons per district (rows, ``district_id``) and phase (columns, ``phase_id``).

    ``estimated``: figure relies on splitting an age band; ``incomplete``: district holds
    withheld values (figure is a lower bound); ``total``: all persons per district.
    """

    persons: pd.DataFrame
    estimated: pd.DataFrame
    incomplete: pd.Series
    total: pd.Series

    def share(self) -> pd.DataFrame:
        """Phase population as a share of the district's population (0–1)."""
        return self.persons.div(self.total.replace(0, np.nan), axis=0)

    def density(self, districts: gpd.GeoDataFrame) -> pd.DataFrame:
        """Persons per km² of district area."""
        area_km2 = pd.Series(districts.area.to_numpy() / 1e6, index=districts["district_id"].to_numpy())
        return self.persons.div(area_km2.reindex(self.persons.index), axis=0)

    def city(self) -> pd.Series:
        """City-wide persons per phase."""
        return self.persons.sum(axis=0)


def cell_phase_population(ws) -> pd.DataFrame:
    """Persons per grid cell (rows in cell order) and phase; NaN where any band used is withheld."""
    cells = ws.population_cells
    weights = phase_band_weights(ws.age_bands, ws.life_phases)
    bands = cells[list(weights.index)].to_numpy(float)
    w = weights.to_numpy()
    values = np.nan_to_num(bands) @ w
    withheld = np.isnan(bands).astype(float) @ (w > 0).astype(float) > 0
    values[withheld] = np.nan
    return pd.DataFrame(values, columns=weights.columns, index=cells.index)


def target_population(ws, shares=None) -> TargetPopulation:
    """Target population of every phase in every district (see module doc for the rules).

    ``shares``: the result of :func:`cell_district_shares` if already computed."""
    weights = phase_band_weights(ws.age_bands, ws.life_phases)
    w = weights.to_numpy()
    partial = ((w > 0) & (w < 1 - 1e-12))
    ids = ws.districts["district_id"].to_numpy()
    phases = list(weights.columns)
    if ws.population_districts is not None and len(ws.population_districts):
        table = ws.population_districts.set_index("district_id").reindex(ids)
        bands = table[list(weights.index)].to_numpy(float)
        band_totals = np.nan_to_num(bands)
        incomplete = np.isnan(bands).any(axis=1)
    else:
        cells = ws.population_cells
        bands_cells = cells[list(weights.index)].to_numpy(float)
        cell_idx, district_idx, share = shares if shares is not None else cell_district_shares(cells, ws.districts)
        band_totals = np.zeros((len(ids), w.shape[0]))
        np.add.at(band_totals, district_idx, np.nan_to_num(bands_cells[cell_idx]) * share[:, None])
        withheld_cell = np.isnan(bands_cells).any(axis=1)  # after estimating classes: the total is withheld too
        incomplete = np.bincount(district_idx, weights=withheld_cell[cell_idx].astype(float),
                                 minlength=len(ids)) > 0
        filled = cells["classes_estimated"].astype(object).isin([True]).to_numpy() \
            if "classes_estimated" in cells.columns else np.zeros(len(cells), bool)
        holds_filled = np.bincount(district_idx, weights=filled[cell_idx].astype(float), minlength=len(ids)) > 0
        bands = band_totals
    persons = band_totals @ w
    # estimated where a partially shared band contributes persons, or withheld classes were estimated
    estimated = (band_totals > 0).astype(float) @ partial.astype(float) > 0
    if ws.population_districts is None or not len(ws.population_districts):
        estimated |= holds_filled[:, None] & (persons > 0)
    return TargetPopulation(
        persons=pd.DataFrame(persons, index=ids, columns=phases),
        estimated=pd.DataFrame(estimated, index=ids, columns=phases),
        incomplete=pd.Series(incomplete, index=ids),
        total=pd.Series(band_totals.sum(axis=1), index=ids),
    )
