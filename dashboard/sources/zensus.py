"""The Zensus 2022 grid as published (Statistisches Bundesamt, "Ergebnisse in Gitterzellen"):
the CSVs of the 100 m / 1 km / 10 km grid, plain or in the zip as downloaded, several topic
files joined on the cell, age columns mapped to age ranges without hand work.

A file has ``GITTER_ID_100m`` (``CRS3035RES100mN2689100E4337000``: the cell's lower left
corner in EPSG:3035) and/or ``x_mp_100m``/``y_mp_100m`` (its centre), one column per figure
and ``werterlaeuternde_Zeichen`` (notes such as "KLAMMERN": uncertain). Withheld figures are
"–" (and "/", ".", "x"). Age columns are read from their names: ``Unter18`` (0 to under 18),
``a18bis29`` (18 to 29, i.e. under 30), ``a65undaelter`` (65 and over): the five age classes,
the 10-year groups and the "infrastructure" age groups (``Unter3``, ``a3bis5`` …) alike. When
a municipality gives several age tables, the finest is used (bands must not overlap).
``Insgesamt_Bevoelkerung`` or ``Einwohner`` is the total.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.model.problems import Problems
from dashboard.sources.tables import as_text, decode, read_delimited, to_number

MARKERS = ("–", "—", "-", "/", ".", "x", "X", "")
"""Withheld or missing figures in the Zensus 2022 tables."""
TOTALS = ("Insgesamt_Bevoelkerung", "Einwohner")
_ID = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")
_UNDER = re.compile(r"^unter_?(\d+)$", re.IGNORECASE)
_RANGE = re.compile(r"^a?(\d+)_?bis_?(\d+)$", re.IGNORECASE)
_OPEN = re.compile(r"^a?(\d+)_?(und_?(ae|ä)lter|_?plus|\+)$", re.IGNORECASE)
SIZES = {"100m": 100, "1km": 1000, "10km": 10000}


def age_range(column: str) -> tuple[float, float | None] | None:
    """The ages (from, to; to excluded, None: open) a Zensus column counts, or None:
    'Unter18' → (0, 18), 'a18bis29' → (18, 30), 'a65undaelter' → (65, None)."""
    name = column.strip()
    if m := _UNDER.match(name):
        return 0.0, float(m.group(1))
    if m := _RANGE.match(name):
        return float(m.group(1)), float(m.group(2)) + 1
    if m := _OPEN.match(name):
        return float(m.group(1)), None
    return None


@dataclass
class ZensusGrid:
    """Cells (polygons in EPSG:3035, ``cell_id``, a column per age band, ``persons_total``),
    the bands used (column, age_from, age_to) and what was left aside (notes as (code,
    figures))."""

    cells: gpd.GeoDataFrame
    age_bands: pd.DataFrame
    notes: list = field(default_factory=list)


def _member_text(path: Path, resolution: str) -> list[tuple[str, str]]:
    """(name, text) of the CSV(s) of one file: the file itself, or the members of a zip
    for the resolution (``…_100m-Gitter.csv``)."""
    if path.suffix.lower() != ".zip":
        return [(path.name, decode(path.read_bytes()))]
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        chosen = [n for n in names if f"_{resolution.lower()}-gitter" in n.lower()] or \
            ([n for n in names if "gitter" not in n.lower()] if len(names) == 1 else [])
        return [(n, decode(archive.read(n))) for n in chosen]


def read_zensus(paths, *, resolution: str = "100m", area=None, problems: Problems | None = None) -> ZensusGrid:
    """The Zensus 2022 grid cells of ``paths`` (CSV or zip, one topic each), joined on the
    cell, within ``area`` (a polygon in EPSG:3035, e.g. the municipality with a margin) if
    given. Problems (file, field): a file with no CSV for the resolution, no cell id or
    coordinates, a figure that is not a number."""
    problems = problems if problems is not None else Problems()
    size = SIZES.get(resolution)
    if size is None:
        problems.add("unknown_value", field="resolution", value=resolution, known=", ".join(SIZES))
        return ZensusGrid(gpd.GeoDataFrame(geometry=[], crs="EPSG:3035"), pd.DataFrame(), [])
    merged, uncertain, systems = None, 0, []
    for path in map(Path, paths):
        members = _member_text(path, resolution)
        if not members:
            problems.add("zensus_no_csv", file=path, resolution=resolution)
            continue
        for name, text in members:
            if text is None:
                problems.add("source_unreadable", file=name, detail="text encoding")
                continue
            table = read_delimited(text, ";" if text.count(";") > text.count(",") else None)
            key = _cell_keys(table, resolution, size)
            if key is None:
                problems.add("zensus_no_cell", file=name, field=f"GITTER_ID_{resolution}")
                continue
            notes = [c for c in table.columns if c.lower().startswith("werterlaeuternde")]
            for c in notes:
                uncertain += int((as_text(table[c]) != "").sum())
            drop = {f"GITTER_ID_{resolution}", f"x_mp_{resolution}", f"y_mp_{resolution}", *notes}
            figures = table[[c for c in table.columns if c not in drop]].copy()
            figures.index = pd.MultiIndex.from_arrays([key[0], key[1]])
            if area is not None:
                inside = shapely.intersects(area, shapely.points(key[0], key[1]))
                figures = figures[inside]
            figures = figures[~figures.index.duplicated()]
            ages = [(c, *age_range(c)) for c in figures.columns if age_range(c) is not None]
            if ages:
                systems.append(ages)  # one age table per file
            merged = figures if merged is None else merged.join(
                figures[[c for c in figures.columns if c not in merged.columns]], how="outer")
    if merged is None:
        return ZensusGrid(gpd.GeoDataFrame(geometry=[], crs="EPSG:3035"), pd.DataFrame(), [])
    total_column = next((c for c in TOTALS if c in merged.columns), None)
    bands = max(systems, key=len) if systems else []  # the finest age table
    left_aside = sorted(c for s in systems if s is not bands for c, *_ in s)
    ranked = sorted(bands, key=lambda b: b[1])
    if any(b[2] is None or b[2] > n[1] for b, n in zip(ranked, ranked[1:])):
        problems.add("zensus_bands_overlap", file="zensus", columns=", ".join(c for c, *_ in ranked))
    cx, cy = merged.index.get_level_values(0).to_numpy(float), merged.index.get_level_values(1).to_numpy(float)
    out = pd.DataFrame({"cell_id": [f"{resolution}N{int(y - size / 2)}E{int(x - size / 2)}" for x, y in zip(cx, cy)]})
    band_rows = []
    for column, lo, hi in sorted(bands, key=lambda b: b[1]):
        name = f"age_{int(lo)}_{int(hi)}" if hi is not None else f"age_{int(lo)}_plus"
        values, bad = to_number(merged[column].reset_index(drop=True), decimal=",", thousands=".", missing=MARKERS)
        for k in np.flatnonzero(bad)[:20]:
            problems.add("not_a_number", file="zensus", row=None, field=column, value=merged[column].iat[k])
        out[name] = values.to_numpy()
        band_rows.append((name, lo, hi))
    if total_column:
        out["persons_total"] = to_number(merged[total_column].reset_index(drop=True), decimal=",", thousands=".",
                                         missing=MARKERS)[0].to_numpy()
    half = size / 2
    cells = gpd.GeoDataFrame(out, geometry=shapely.box(cx - half, cy - half, cx + half, cy + half), crs="EPSG:3035")
    age_bands = pd.DataFrame(band_rows, columns=["column", "age_from", "age_to"])
    notes = [("zensus_cells", {"cells": len(cells), "bands": len(band_rows), "uncertain": uncertain})]
    if left_aside:
        notes.append(("zensus_left_aside", {"columns": ", ".join(left_aside)}))
    return ZensusGrid(cells, age_bands, notes)


def _cell_keys(table: pd.DataFrame, resolution: str, size: float):
    """The cell centres (x, y in EPSG:3035) of a Zensus table, from the id or the centre columns."""
    id_column = next((c for c in table.columns if c.lower() == f"gitter_id_{resolution}".lower()), None)
    if id_column is not None:
        parts = table[id_column].astype(str).str.strip().str.extract(_ID.pattern)
        if parts.notna().all().all():
            north, east = parts[1].astype(float).to_numpy(), parts[2].astype(float).to_numpy()
            return east + size / 2, north + size / 2
    x = next((c for c in table.columns if c.lower() == f"x_mp_{resolution}".lower()), None)
    y = next((c for c in table.columns if c.lower() == f"y_mp_{resolution}".lower()), None)
    if x and y:
        return (to_number(table[x], decimal=",", thousands=None, missing=())[0].to_numpy(),
                to_number(table[y], decimal=",", thousands=None, missing=())[0].to_numpy())
    return None
