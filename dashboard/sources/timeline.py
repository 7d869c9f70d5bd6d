"""The workspace as it was on a day (Qualitätskreislauf: "did the chain get better?").

Rules (documented for planners in the README, section "Change over time"):

* **Records.** An offer or Familienzentrum counts on a day when its ``valid_from`` is empty or
  on or before the day and its ``valid_to`` is empty or on or after it. Retired records count
  on the days they were valid (retiring an offer sets its ``valid_to`` to that day); a record
  without dates counts on every day (the source does not say when it opened: unknown, not
  guessed).
* **Population.** The main population layer holds the year in meta ``population_year``; the
  layer ``population_years`` other years, per unit (cell or district) with the same age bands.
  A day uses the latest year up to the day's year; before the first year, the first year (and
  the result says so: :attr:`AsOf.population_exact` is false). A unit missing in a year had no
  inhabitants that year (it stays in the layer with 0 persons: the places are the same every year).
* **Indicators** (need index): only the years up to the day's year.
* Networks, partners and life phases have no dates: they are today's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class AsOf:
    """What a copy made by :func:`as_of` shows: the ``day``, the ``population_year`` used (None
    when the workspace does not say which year its population is), and whether that year
    matches the day (false: the day lies before the first year held)."""

    day: date
    population_year: int | None
    population_exact: bool


def valid_on(frame: pd.DataFrame, day) -> np.ndarray:
    """Rows of ``frame`` (offers, Familienzentren) valid on ``day`` (open start/end count as valid;
    frames without date columns: every row)."""
    keep = np.ones(len(frame), bool)
    if day is None:
        return keep
    day = pd.Timestamp(day)
    if "valid_from" in frame.columns:
        start = pd.to_datetime(frame["valid_from"])
        keep &= (start.isna() | (start <= day)).to_numpy()
    if "valid_to" in frame.columns:
        end = pd.to_datetime(frame["valid_to"])
        keep &= (end.isna() | (end >= day)).to_numpy()
    return keep


def population_year(ws) -> int | None:
    """The year of the main population layer (meta ``population_year``), None when not given."""
    try:
        return int(str(ws.meta.get("population_year")).strip())
    except (TypeError, ValueError):
        return None


def population_years(ws) -> list[int]:
    """All years the workspace holds population for, ascending."""
    years = set(int(y) for y in pd.unique(ws.population_years["year"].dropna())) if len(ws.population_years) else set()
    main = population_year(ws)
    if main is not None:
        years.add(main)
    return sorted(years)


def year_ends(ws) -> list[date]:
    """The 31 December of every population year: the days the monitoring compares."""
    return [date(y, 12, 31) for y in population_years(ws)]


def _population_of(ws, year: int):
    """The main population layer (cells or districts) with ``year``'s persons; None when the
    workspace holds no population."""
    cells = ws.population_cells is not None and len(ws.population_cells)
    main = ws.population_cells if cells else ws.population_districts
    if main is None or year == population_year(ws):
        return main
    key = "cell_id" if cells else "district_id"
    rows = ws.population_years[ws.population_years["year"] == year].drop(columns=["year"]).set_index("unit_id")
    values = [c for c in main.columns if c not in (key, "geometry") and c in rows.columns]
    kept = main.copy()  # every unit stays (the same places every year); one missing in the year: nobody lived there
    given = kept[key].isin(rows.index).to_numpy()
    for column in values:
        kept[column] = np.where(given, rows[column].reindex(kept[key]).to_numpy(float), 0.0)
    other = [c for c in main.columns if c not in values and c not in (key, "geometry", "classes_estimated")]
    for column in other:  # a value of the main year that this year does not give is unknown
        kept[column] = np.nan
    if "classes_estimated" in kept.columns:
        kept["classes_estimated"] = False
    return kept.reset_index(drop=True)


def as_of(ws, day) -> object:
    """A copy of ``ws`` as it was on ``day`` (see the module doc). ``ws`` should be the whole
    workspace, retired records included (they count on the days they were valid)."""
    day = pd.Timestamp(day).date()
    offers = ws.offers[valid_on(ws.offers, day)].reset_index(drop=True)
    centres = ws.family_centres[valid_on(ws.family_centres, day)].reset_index(drop=True)
    changes = {"offers": offers, "family_centres": centres}
    for name, frame in changes.items():
        if "retired" in frame.columns:  # valid that day, whether retired since or not
            changes[name] = frame.assign(retired=False)
    partners = ws.partners
    if "retired" in partners.columns:  # partners have no dates: today's
        changes["partners"] = partners[~partners["retired"].fillna(False).astype(bool).to_numpy()].reset_index(drop=True)
    years = population_years(ws)
    year, exact = None, True
    if years and population_year(ws) is not None:
        before = [y for y in years if y <= day.year]
        year = before[-1] if before else years[0]
        exact = bool(before)
        population = _population_of(ws, year)
        changes["population_cells" if ws.population_cells is not None and len(ws.population_cells)
                else "population_districts"] = population
    if len(ws.indicators):
        changes["indicators"] = ws.indicators[ws.indicators["year"] <= day.year].reset_index(drop=True)
    return replace(ws, **changes, as_of=AsOf(day, year, exact))
