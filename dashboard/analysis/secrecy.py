"""Statistical secrecy (Geheimhaltung) for population figures shown to people.

A count below the disclosure threshold (default 3 persons) is never shown: it becomes
missing (drawn as "keine Angabe", written as "< 3"). Zero is shown as 0. Nor is any figure
shown from which a withheld count can be worked back: :func:`publish` is the one place that
decides, for every table people see or download, which counts are withheld (primary, and
secondary where totals are published) and which derived columns (shares, ratios, scores)
go with them (:data:`DERIVED`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _below(values, threshold: int) -> np.ndarray:
    """Primary suppression: where a person count is 0 < v < threshold (NaN never)."""
    values = np.asarray(values, dtype=float)
    return (values > 0) & (values < threshold)


def suppress(values, threshold: int = 3):
    """Copy of ``values`` (array, Series or DataFrame) with 0 < v < threshold set to NaN."""
    if isinstance(values, (pd.Series, pd.DataFrame)):
        out = values.astype(float).copy()
        return out.mask((out > 0) & (out < threshold))
    arr = np.asarray(values, dtype=float).copy()
    arr[(arr > 0) & (arr < threshold)] = np.nan
    return arr


def protect_table(values: pd.DataFrame, threshold: int = 3, row_totals: bool = True,
                  column_totals: bool = False) -> pd.DataFrame:
    """Primary and secondary suppression of a table of person counts (rows × additive columns).

    Primary: 0 < value < threshold is withheld. Secondary: where row (or column) totals are
    published, a row (column) with exactly one withheld cell would give it away by subtraction,
    so the smallest other non-zero cell of that row (column) is withheld too; repeated until no
    line has a single withheld cell. Returns a copy with withheld cells as NaN.
    """
    out = values.astype(float).copy()
    data = out.to_numpy()
    withheld = _below(data, threshold)
    axes = ([1] if row_totals else []) + ([0] if column_totals else [])
    changed = True
    while changed:
        changed = False
        for axis in axes:
            lines = withheld if axis == 1 else withheld.T
            vals = data if axis == 1 else data.T
            for i in np.flatnonzero(lines.sum(axis=1) == 1):  # lines that give a cell away (few)
                candidates = np.flatnonzero(~lines[i] & (vals[i] > 0) & np.isfinite(vals[i]))
                if len(candidates) == 0:
                    continue
                j = candidates[np.argmin(vals[i][candidates])]
                if axis == 1:
                    withheld[i, j] = True
                else:
                    withheld[j, i] = True
                changed = True
    return out.mask(withheld)


# Person counts in published tables.
COUNTS = ("target_population", "reached", "unreached", "shared_persons", "persons")
# Derived column -> the counts it is computed from: withheld wherever one of them is.
DERIVED = {
    "reach_share": ("reached", "target_population"),      # reached / target
    "unreached": ("reached", "target_population"),        # target - reached
    "offers_per_1000": ("target_population",),            # 1000 * offers / target
    "places_per_1000": ("target_population",),            # capacity / target * 1000
    "access_2sfca": ("target_population",),               # supply per demand in the catchments
    "overlap": ("shared_persons",),                       # shared / smaller catchment
    "share": ("persons",),
    "city_share": ("persons",),
}
# Decimals of published derived values: enough to read, too few to invert exactly.
DECIMALS = {"reach_share": 2, "overlap": 2, "offers_per_1000": 2, "places_per_1000": 1, "access_2sfca": 2,
            "share": 3, "city_share": 3}
# Counts whose column (per phase) total over all districts is published (the city row); the
# target population's row total (all persons of a district) is published as well.
TOTALLED = ("target_population", "reached")


def protect_counts(persons: pd.DataFrame, threshold: int = 3) -> pd.DataFrame:
    """The district × phase matrix of target populations as every page publishes it:
    primary suppression, and secondary so that neither a district's published total (rows)
    nor the city's total per phase (columns) gives a withheld cell away. One matrix for the
    map, the district panel, the profile and the coverage tables alike."""
    return protect_table(persons, threshold, row_totals=True, column_totals=True)


def protect_cells(values: np.ndarray, cell_idx: np.ndarray, district_idx: np.ndarray,
                  district_withheld: np.ndarray, threshold: int = 3) -> np.ndarray:
    """Grid cells of one phase (persons per cell) as published beside the district figures:
    primary suppression; every cell that touches a district whose figure is withheld (its
    figure would be the sum of its cells); and, where a district's figure is published, never
    exactly one withheld cell with a value in it (district minus its other cells, weighted by
    their area shares, would give it away: the smallest other cell is withheld too). ``cell_idx``,
    ``district_idx``: the pairs of the cell→district allocation
    (:func:`dashboard.population.cell_district_shares`). Returns values with NaN withheld."""
    import scipy.sparse as sp

    out = np.asarray(values, dtype=float).copy()
    hidden = np.isnan(out) | _below(out, threshold)
    n_districts = len(district_withheld)
    member = sp.csr_matrix((np.ones(len(cell_idx)), (district_idx, cell_idx)), shape=(n_districts, len(out)))
    touched = np.asarray(member[np.flatnonzero(district_withheld)].sum(axis=0)).ravel() > 0
    hidden |= touched
    positive = np.nan_to_num(out) > 0
    # cells that hide a value: a withheld cell known to be zero (an empty or, on the reach map, an
    # unreached cell) hides nothing and does not protect the one that does
    contributes = positive | np.isnan(out)
    while True:
        counts = member @ (hidden & contributes).astype(float)
        lonely = np.flatnonzero((counts == 1) & ~district_withheld)
        changed = False
        for d in lonely:  # few districts per round
            cells = member[d].indices
            candidates = cells[~hidden[cells] & positive[cells]]
            if len(candidates):
                hidden[candidates[np.argmin(out[candidates])]] = True
                changed = True
        if not changed:
            break
    out[hidden] = np.nan
    return out


def withheld_cells(table: pd.DataFrame, threshold: int = 3) -> pd.DataFrame:
    """Which counts of a district × phase table (long form: district_id, phase_id, counts)
    are withheld: primary (0 < v < threshold) and, for counts whose city total per phase is
    published (:data:`TOTALLED`), secondary so that no phase has a single withheld district.
    Returns booleans indexed by (district_id, phase_id), one column per count present."""
    keys = pd.MultiIndex.from_frame(table[["district_id", "phase_id"]])
    mask = pd.DataFrame(index=keys)
    for col in COUNTS:
        if col not in table:
            continue
        hidden = _below(table[col], threshold)
        if col in TOTALLED:
            wide = table.pivot(index="district_id", columns="phase_id", values=col)
            protected = protect_counts(wide, threshold) if col == "target_population" else \
                protect_table(wide, threshold, row_totals=False, column_totals=True)
            secondary = (protected.isna() & wide.notna()).stack().reindex(keys, fill_value=False).to_numpy()
            hidden = hidden | secondary
        mask[col] = hidden
    return mask


def publish(table: pd.DataFrame, threshold: int = 3, withheld: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of ``table`` fit to be shown or downloaded: withheld counts and every derived
    column that depends on one of them (:data:`DERIVED`) set missing, derived values rounded
    (:data:`DECIMALS`). ``withheld``: the mask of the full district × phase table
    (:func:`withheld_cells`) when ``table`` holds only some of its rows (e.g. the gaps), so a
    value is withheld in every table alike; without it, tables with district_id/phase_id are
    protected on their own and others get primary suppression only."""
    out = table.copy()
    hidden = {col: _below(out[col], threshold) for col in COUNTS if col in out}
    keyed = {"district_id", "phase_id"} <= set(out.columns) and not out.duplicated(["district_id", "phase_id"]).any()
    if keyed:
        mask = withheld if withheld is not None else withheld_cells(out, threshold)
        keys = pd.MultiIndex.from_frame(out[["district_id", "phase_id"]])
        for col in mask.columns:
            if col in hidden:
                hidden[col] = hidden[col] | mask[col].reindex(keys, fill_value=False).to_numpy()
    none = np.zeros(len(out), bool)
    for col, sources in DERIVED.items():  # sources are counts: their masks are final here
        if col in out:
            hidden[col] = hidden.get(col, none) | np.logical_or.reduce([hidden.get(s, none) for s in sources])
    for col, rows in hidden.items():
        out[col] = out[col].astype(float).mask(rows)
    for col, decimals in DECIMALS.items():
        if col in out:
            out[col] = out[col].astype(float).round(decimals)
    return out
