"""Candidate sites the planner lists for a Standortvorschlag (schools, Kitas, community
buildings): a GeoPackage/GeoJSON/Shapefile of points (or areas), or a CSV/XLSX table with a
name and either coordinates or an address (matched offline against the workspace's address
list, like an import).

>>> read_candidates("standorte.csv", ws)            # doctest: +SKIP

Returns a GeoDataFrame (``name``, geometry in the workspace CRS); bad input raises
:class:`~dashboard.model.problems.ProblemError` naming the file, row and field.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from dashboard.model.problems import ProblemError, Problems
from dashboard.sources.importer import ImportPlan, _geocoded_points, read_upload
from dashboard.sources.tables import as_text, guess_position, numeric_columns, row_numbers, to_number

SPATIAL = (".gpkg", ".geojson", ".json", ".shp", ".fgb")
NAME_HEADINGS = ("name", "bezeichnung", "standort", "einrichtung", "schulname", "titel", "label")


def read_candidates(path, ws, data: bytes | None = None) -> gpd.GeoDataFrame:
    """The candidate sites of the file at ``path`` (or its ``data``, as uploaded) in ``ws``'s CRS."""
    path = Path(path)
    file = path.name
    problems = Problems(file)
    if path.suffix.lower() in SPATIAL:
        try:
            frame = pyogrio.read_dataframe(path if data is None else data)
        except Exception as exc:  # any reader failure is bad input here
            problems.add("upload_unreadable", detail=str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__)
            problems.raise_if_any(ProblemError)
        if frame.crs is None:
            problems.add("unknown_crs", field="crs", crs="–")
            problems.raise_if_any(ProblemError)
        name = _name_column(frame.columns)
        out = gpd.GeoDataFrame({"name": as_text(frame[name]).replace("", None) if name else None},
                               geometry=frame.geometry.to_numpy(), crs=frame.crs).to_crs(ws.crs)
        return out[out.geometry.notna() & ~out.geometry.is_empty].reset_index(drop=True)
    table = read_upload(file, path.read_bytes() if data is None else data)
    rows = row_numbers(table)
    name = _name_column(table.columns)
    names = as_text(table[name]).replace("", None) if name else pd.Series(None, index=table.index, dtype=object)
    position = guess_position(list(table.columns), numeric_columns(table))
    if position["x"] and position["y"]:
        x, bad_x = to_number(table[position["x"]], decimal="auto", thousands=None, missing=("",))
        y, bad_y = to_number(table[position["y"]], decimal="auto", thousands=None, missing=("",))
        bad = bad_x | bad_y | x.isna().to_numpy() | y.isna().to_numpy()
        for k in np.flatnonzero(bad):
            problems.add("not_a_number", row=int(rows[k]), field=f"{position['x']}/{position['y']}",
                         value=f"{table[position['x']].iat[k]} / {table[position['y']].iat[k]}")
        problems.raise_if_any(ProblemError)
        degrees = bool((x.abs() <= 180).all() and (y.abs() <= 90).all())
        points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs="EPSG:4326" if degrees else ws.crs).to_crs(ws.crs)
        return gpd.GeoDataFrame({"name": names.to_numpy()}, geometry=points.to_numpy(), crs=ws.crs)
    parts = {k: position[k] for k in ("street", "number", "postcode", "place") if position[k]}
    if position["address"] or ("street" in parts and "number" in parts):
        plan = ImportPlan("offers", {}, address=position["address"],
                          address_parts=None if position["address"] else parts)
        points, _ = _geocoded_points(ws, table, plan, file, problems)
        problems.raise_if_any(ProblemError)
        return gpd.GeoDataFrame({"name": names.to_numpy()}, geometry=list(points), crs=ws.crs)
    problems.add("candidates_no_position", columns=", ".join(map(str, table.columns))[:120])
    problems.raise_if_any(ProblemError)


def _name_column(columns) -> str | None:
    by_key = {str(c).strip().lower(): c for c in columns}
    return next((by_key[w] for w in NAME_HEADINGS if w in by_key), None)
