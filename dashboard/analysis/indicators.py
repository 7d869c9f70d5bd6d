"""Social indicators per district and year (long table ``indicators`` + catalogue)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def indicator_years(ws, indicator: str) -> list[int]:
    """Years with values for ``indicator``, ascending."""
    table = ws.indicators
    return sorted(int(y) for y in table.loc[table["indicator"] == indicator, "year"].dropna().unique())


def indicator_values(ws, indicator: str, year: int) -> pd.Series:
    """Value per district (index ``district_id``, every district); NaN = withheld or missing."""
    table = ws.indicators
    rows = table[(table["indicator"] == indicator) & (table["year"] == year)]
    return rows.set_index("district_id")["value"].astype(float).reindex(ws.districts["district_id"].to_numpy())


def catalogue_entry(ws, indicator: str) -> dict:
    """The catalogue row of ``indicator`` as a dict (label_de, label_en, unit, source, ...)."""
    cat = ws.indicator_catalogue
    row = cat[cat["indicator"] == indicator]
    if row.empty:
        raise KeyError(f"unknown indicator {indicator!r}")
    return row.iloc[0].to_dict()


def city_value(values: pd.Series, weights: pd.Series) -> float:
    """City-wide value as the mean of district values weighted by ``weights`` (e.g. persons).

    Districts with a withheld value are left out of both sums; NaN if nothing is known.
    This approximates the true city rate, which would need the underlying counts.
    """
    v = values.to_numpy(float)
    w = weights.reindex(values.index).to_numpy(float)
    ok = ~np.isnan(v) & ~np.isnan(w) & (w > 0)
    if not ok.any():
        return float("nan")
    return float(np.sum(v[ok] * w[ok]) / np.sum(w[ok]))


def indicator_summary(ws, district_id: str, weights: pd.Series) -> list[dict]:
    """Per catalogue indicator with data: the catalogue entry, its latest year, the district's
    value then and the year before (NaN if none), and the city value (weighted by ``weights``)."""
    rows = []
    for entry in ws.indicator_catalogue.to_dict("records"):
        years = indicator_years(ws, entry["indicator"])
        if not years:
            continue
        now = indicator_values(ws, entry["indicator"], years[-1])
        before = indicator_values(ws, entry["indicator"], years[-2]) if len(years) > 1 else now * np.nan
        rows.append({"entry": entry, "year": years[-1], "value": now.get(district_id, np.nan),
                     "previous": before.get(district_id, np.nan), "city": city_value(now, weights)})
    return rows
