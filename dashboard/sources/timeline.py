"""The workspace as it was on a day (Qualitätskreislauf: "did the chain get better?").

Rules (documented for planners in the README, section "Change over time"):

* **Records.** An offer or Familienzentrum counts on a day when its ``valid_from`` is empty or
  on or before the day and its ``valid_to`` is empty or on or after it. Retired records count
  on the days they were valid (retiring an offer sets its ``valid_to`` to that day); a record
  without dates counts on every day (the source does not say when it opened: unknown, not
  guessed). A record is shown as it was on the day: every edit made after the day (the
  ``history`` layer: field, old value) is undone, the latest first — phases, place, capacity
  and every other field except the validity dates (``valid_from``/``valid_to``: a later edit of
  them corrects when the record was valid, as retiring an offer "ended in March" does).
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

from dashboard.model.workspace import not_retired


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


KEPT_FIELDS = ("valid_from", "valid_to", "retired", "version", "last_updated")
"""Fields never set back: the dates say when a record was valid (a later edit of them corrects
that knowledge, e.g. an offer retired today that ended in March), the others are bookkeeping."""


def _typed(value, column, crs=None):
    """A history text (``old``) back in the column's type."""
    import shapely

    from dashboard.model.validate import split_list

    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() in ("", "<NA>", "nan",
                                                                                                 "NaT", "None"):
        return () if column is not None and column.kind == "list" else None
    if column is None:  # the geometry
        return shapely.from_wkt(str(value))
    if column.kind == "list":
        return split_list(value)
    if column.kind == "date":
        return pd.Timestamp(str(value))
    if column.kind == "bool":
        return str(value).strip().lower() in ("true", "1", "ja", "yes")
    if column.kind in ("int", "float"):
        return float(value)
    return str(value)


def undo_edits(frame: pd.DataFrame, layer: str, history: pd.DataFrame, day) -> pd.DataFrame:
    """``frame`` (offers or Familienzentren) as it was at the end of ``day``: the fields edited
    later set back to their old values (latest edit first). Records added later stay (when they
    opened is their ``valid_from``'s business)."""
    from dashboard.model import schema

    if not len(history) or not len(frame):
        return frame
    end = pd.Timestamp(day) + pd.Timedelta(days=1)
    at = pd.to_datetime(history["at"], utc=True, errors="coerce").dt.tz_localize(None)
    later = history[(history["layer"] == layer) & (at >= end).to_numpy() & history["field"].notna().to_numpy()
                    & (history["action"] != "add").to_numpy() & ~history["field"].isin(KEPT_FIELDS).to_numpy()]
    if not len(later):
        return frame
    spec = schema.LAYERS[layer]
    columns = {c.name: c for c in spec.columns}
    id_col = spec.id_column
    out = frame.copy()
    rows = pd.Series(np.arange(len(out)), index=out[id_col].to_numpy())
    for change in later.assign(_at=at[later.index]).sort_values("_at", ascending=False).itertuples():
        if change.record_id not in rows.index or (change.field != "geometry" and change.field not in columns):
            continue
        i = int(rows[change.record_id])
        value = _typed(change.old, columns.get(change.field))
        if change.field == "geometry":
            geoms = out.geometry.to_numpy().copy()
            geoms[i] = value
            out = out.set_geometry(gpd_series(geoms, out.crs))
        else:
            out[change.field] = out[change.field].astype(object)
            out.iat[i, out.columns.get_loc(change.field)] = value
    for name, column in columns.items():  # the types the analysis expects
        if name in out.columns and column.kind == "date":
            out[name] = pd.to_datetime(out[name])
        elif name in out.columns and column.kind in ("int", "float"):
            out[name] = pd.to_numeric(out[name], errors="coerce")
    return out


def gpd_series(values, crs):
    import geopandas as gpd

    return gpd.GeoSeries(values, crs=crs)


def as_of(ws, day) -> object:
    """A copy of ``ws`` as it was on ``day`` (see the module doc). ``ws`` should be the whole
    workspace, retired records included (they count on the days they were valid)."""
    day = pd.Timestamp(day).date()
    offers = undo_edits(ws.offers, "offers", ws.history, day)
    centres = undo_edits(ws.family_centres, "family_centres", ws.history, day)
    offers = offers[valid_on(offers, day)].reset_index(drop=True)
    centres = centres[valid_on(centres, day)].reset_index(drop=True)
    changes = {"offers": offers, "family_centres": centres}
    for name, frame in changes.items():
        if "retired" in frame.columns:  # valid that day, whether retired since or not
            changes[name] = frame.assign(retired=False)
    changes["partners"] = not_retired(ws.partners)  # partners have no dates: today's
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
