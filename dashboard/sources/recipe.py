"""Build a workspace from the files a municipality has, described by a TOML recipe.

    python -m dashboard build RECIPE.toml --out WORKSPACE.gpkg

The recipe names the source files (paths relative to the recipe) and maps their columns;
see README.md, "Build recipe", for a complete example. Supported so far: districts from
GeoPackage / Shapefile (also zipped) / GeoJSON in any CRS with an EPSG code; population grid
cells from one or more CSV/XLSX files joined on the cell centre (bands given directly, as a
percentage of a total column, or as the remainder of a total); offers, Familienzentren and
partners from CSV/XLSX with coordinates in any CRS, constants and value maps (the planners'
words → the schema's vocabulary); indicators in long form. German number formats (``;``,
decimal comma, thousands dot) and secrecy markers (default ``-``, ``.``, ``x``, ``-1``, ``-9``)
are read as numbers and as missing. Every problem is reported with file, row and field;
nothing is written unless the whole workspace validates.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.model import schema
from dashboard.model.life_phases import default_life_phases
from dashboard.model.problems import Problem, Problems, WorkspaceError
from dashboard.model.workspace import Workspace, validate_workspace, write_workspace
from dashboard.sources.recipe_keys import check_keys
from dashboard.sources.tables import DEFAULT_MISSING, as_text, assemble_fields, read_table, row_numbers, to_number


@dataclass
class BuildReport:
    """What the build did: rows read per source, notes as (code, figures) – worded by
    ``build_note.<code>`` of the translation source – (e.g. withheld values) and the
    geocoding match report (every row not matched exactly)."""

    rows: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # frames of rows left out (``unmatched = "skip"``)

    def skipped_rows(self) -> pd.DataFrame:
        """Every row left out because its address was not found: file, row, address, reason
        (code, :data:`dashboard.sources.geocode.REASONS`), closest candidates."""
        columns = ["file", "row", "address", "reason", "closest"]
        return pd.concat(self.skipped, ignore_index=True) if self.skipped else pd.DataFrame(columns=columns)


def _read_source(path: Path, spec: dict, problems, report: BuildReport | None = None) -> pd.DataFrame | None:
    """A recipe's source table, or None with the problem recorded (rows counted in ``report``)."""
    try:
        table = read_table(path, separator=spec.get("separator"), sheet=spec.get("sheet"),
                           header_row=spec.get("header_row"))
    except Exception as exc:  # pandas/openpyxl raise many types for a broken file
        problems.add("source_unreadable", file=path, detail=str(exc)[:200])
        return None
    if report is not None:
        report.rows[path.name] = len(table)
    return table


def _resolve(base: Path, name) -> Path:
    path = Path(str(name)).expanduser()
    return path if path.is_absolute() else (base / path)


def _read_geodata(path: Path) -> gpd.GeoDataFrame:
    if path.suffix.lower() == ".zip":
        return gpd.read_file(f"zip://{path}")
    return gpd.read_file(path)


def _read_polygons(path: Path, problems) -> gpd.GeoDataFrame | None:
    """A recipe's polygon layer (districts, outline, blocks), or None with ``source_unreadable``."""
    try:
        return _read_geodata(path)
    except Exception as exc:  # GDAL raises several types
        problems.add("source_unreadable", file=path, detail=str(exc)[:200])
        return None


def _districts(recipe, base, problems) -> gpd.GeoDataFrame | None:
    spec = recipe.get("districts")
    if not spec:
        problems.add("recipe_section_missing", file="recipe", section="districts")
        return None
    crs = recipe["workspace"].get("crs", schema.DEFAULT_CRS)
    if spec.get("from_osm") or spec.get("grid_m"):  # no Sozialräume yet: a first set of districts
        return _first_districts(spec, base, problems, crs)
    path = _resolve(base, spec.get("file", ""))
    frame = _read_polygons(path, problems)
    if frame is None:
        return None
    for key in ("id", "name", "parent_id", "parent_name"):
        column = spec.get(key)
        if column and column not in frame.columns:
            problems.add("source_column", file=path, field=key, column=column)
    if any(p.file == path.name and p.code == "source_column" for p in problems.items):
        return None
    if frame.crs is None:
        if not spec.get("crs"):
            problems.add("no_crs", file=path, field="geometry")
            return None
        frame = frame.set_crs(spec["crs"])
    out = gpd.GeoDataFrame({
        "district_id": frame[spec["id"]].astype(str).str.strip(),
        "name": frame[spec["name"]].astype(str).str.strip(),
        "parent_id": frame[spec["parent_id"]].astype(str) if spec.get("parent_id") else None,
        "parent_name": frame[spec["parent_name"]].astype(str) if spec.get("parent_name") else None,
    }, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return out.to_crs(recipe["workspace"].get("crs", schema.DEFAULT_CRS))


def _first_districts(spec, base, problems, crs) -> gpd.GeoDataFrame | None:
    """Districts when a municipality has no Sozialräume yet: its administrative areas in an
    OpenStreetMap extract (``from_osm``, ``admin_level``: 10 then 9 by default), or squares of
    ``grid_m`` metres over its outline (``file``). With both, the outline clips the areas."""
    from dashboard.sources.streets import grid_districts, read_admin_areas

    outline = None
    if spec.get("file"):
        path = _resolve(base, spec["file"])
        frame = _read_polygons(path, problems)
        if frame is None:
            return None
        if frame.crs is None:
            problems.add("no_crs", file=path, field="geometry")
            return None
        outline = frame.to_crs(crs)
    if spec.get("from_osm"):
        path = _resolve(base, spec["from_osm"])
        levels = spec.get("admin_level", [10, 9])
        levels = levels if isinstance(levels, list) else [levels]
        try:
            found = read_admin_areas(path, levels, crs=crs, within=None if outline is None else
                                     shapely.union_all(outline.geometry.to_numpy()))
        except Exception as exc:  # pyosmium raises RuntimeError for a broken file
            problems.add("source_unreadable", file=path, detail=str(exc)[:200])
            return None
        if len(found) < 2:
            problems.add("no_admin_areas", file=path, field="admin_level", levels=", ".join(map(str, levels)))
            return None
        return found.assign(parent_id=None, parent_name=None)
    if outline is None:
        problems.add("recipe_section_missing", file="recipe", section="districts.file")
        return None
    return grid_districts(outline, float(spec["grid_m"])).assign(parent_id=None, parent_name=None)


def _population_table(spec, base, problems, report, id_key: str = "district"):
    """Population per unit (CSV/XLSX): one row per district (or block; the unit's id in the
    column named by ``id_key``, None: the whole municipality, one row), band columns mapped."""
    path = _resolve(base, spec.get("file", ""))
    table = _read_source(path, spec, problems, report)
    if table is None:
        return None, None
    district = spec.get(id_key, "district_id") if id_key else None
    for band in spec.get("bands", []):
        if not band.get("name"):
            problems.add("recipe_band_name", file=path)
            return None, None
    needed = ([district] if district else []) + [b.get("column") for b in spec.get("bands", []) if b.get("column")]
    absent = [c for c in needed if c not in table.columns]
    for column in absent:
        problems.add("source_column", file=path, field=column, column=column)
    if absent:
        return None, None
    frame = pd.DataFrame({"district_id": as_text(table[district]) if district else "municipality"},
                         index=table.index)
    frame.attrs["rows"] = list(row_numbers(table))  # the source's row numbers, for messages
    rows = []
    for band in spec.get("bands", []):
        values, bad = to_number(table[band["column"]], decimal=spec.get("decimal", "auto"),
                                thousands=spec.get("thousands", "."), missing=tuple(spec.get("missing", DEFAULT_MISSING)))
        for k in np.flatnonzero(bad):
            problems.add("not_a_number", file=path, row=int(row_numbers(table)[k]), field=band["column"],
                         value=table[band["column"]].iat[k])
        frame[band["name"]] = values.to_numpy()
        rows.append((band["name"], float(band.get("from", 0)), band.get("to")))
    if spec.get("total") in table.columns:
        frame["persons_total"] = to_number(table[spec["total"]], decimal=spec.get("decimal", "auto"),
                                           thousands=spec.get("thousands", "."))[0].to_numpy()
    bands = pd.DataFrame([(n, lo, None if hi is None else float(hi)) for n, lo, hi in rows],
                         columns=["column", "age_from", "age_to"])
    return frame, bands


REGISTER_LEVELS = ("districts", "blocks", "municipality")


def _register(recipe, base, problems, report, districts, cells, grid_bands, crs):
    """``[register]``: fine age bands per district, statistical block or the whole
    municipality, distributed over the grid of ``[population]`` when there is one
    (:mod:`dashboard.sources.estimate`). Returns (cells, age bands, district table): the
    cells carry the register's bands; the district table is the register itself when its
    level is the districts (so district figures are exactly the register's)."""
    from dashboard.sources.estimate import register_on_grid

    spec = recipe["register"]
    level = spec.get("level", "districts")
    if level not in REGISTER_LEVELS:
        problems.add("unknown_value", file="recipe", field="register.level", value=level,
                     known=", ".join(REGISTER_LEVELS))
        return None, None, None
    table, fine = _population_table(spec, base, problems, report, id_key=None if level == "municipality" else "id")
    if table is None or districts is None:
        return None, None, None
    path = _resolve(base, spec.get("file", ""))
    units = _register_units(spec, level, districts, base, problems, crs)
    if units is None:
        return None, None, None
    unknown = ~table["district_id"].isin(set(units["unit_id"]))
    for k in np.flatnonzero(unknown.to_numpy()):
        problems.add("register_unknown_unit", file=path, row=int(row_numbers(table)[k]), field=spec.get("id"),
                     value=table["district_id"].iat[k], level=level)
    if unknown.any():
        return None, None, None
    twice = table["district_id"].duplicated(keep="first")
    for k in np.flatnonzero(twice.to_numpy()):
        problems.add("register_duplicate_unit", file=path, row=int(row_numbers(table)[k]), field=spec.get("id"),
                     value=table["district_id"].iat[k])
    if twice.any():
        return None, None, None
    bands = list(fine["column"])
    register = table.rename(columns={"district_id": "unit_id"})
    if cells is None:  # no grid: the register's units are where people live
        if level == "municipality":
            problems.add("register_needs_grid", file=path)
            return None, None, None
        if level == "districts":
            return None, fine, table
        placed = units.merge(register, on="unit_id", how="inner")
        cells = gpd.GeoDataFrame({"cell_id": placed["unit_id"], **{b: placed[b] for b in bands}},
                                 geometry=placed.geometry.to_numpy(), crs=crs)
        return cells, fine, None
    result = register_on_grid(cells, grid_bands, units, register, fine, unit_id="unit_id")
    # a cell across a district boundary becomes its parts, each wholly in one district, so
    # that every district's cells add up to its register figures exactly
    pieces = result.pieces
    cell, unit = pieces["cell"].to_numpy(), pieces["unit"].to_numpy()
    split = pieces["share"].to_numpy() < 1.0
    geometry = cells.geometry.to_numpy()[cell].copy()
    geometry[split] = shapely.intersection(geometry[split], units.geometry.to_numpy()[unit[split]])
    ids = cells["cell_id"].to_numpy()[cell].astype(object)
    ids[split] = [f"{c}|{u}" for c, u in zip(ids[split], units["unit_id"].to_numpy()[unit[split]])]
    out = gpd.GeoDataFrame({"cell_id": ids, **{b: pieces[b].to_numpy() for b in bands}}, geometry=geometry,
                           crs=cells.crs)
    edges = fine.sort_values("age_from")
    all_ages = edges["age_from"].iloc[0] == 0 and pd.isna(edges["age_to"].iloc[-1]) and \
        (edges["age_from"].to_numpy()[1:] == edges["age_to"].to_numpy(float)[:-1]).all()
    grid_total = cells["persons_total"].to_numpy(float)[cell] * pieces["share"].to_numpy() \
        if "persons_total" in cells.columns else None
    out["persons_total"] = pieces[bands].sum(axis=1).to_numpy() if all_ages or grid_total is None else grid_total
    out = out.iloc[np.argsort(cell, kind="stable")].reset_index(drop=True)  # in the grid's order
    report.notes.append(("population_register", {
        "level": level, "units": int((~table["district_id"].duplicated()).sum()), "iterations": result.iterations,
        "unplaced": len(result.units_without_cells)}))
    if result.units_without_cells:
        report.notes.append(("register_unplaced", {"units": ", ".join(result.units_without_cells[:10])}))
    district_table = table if level == "districts" else None
    return out, fine, district_table


def _register_units(spec, level, districts, base, problems, crs):
    """The register's units as polygons with ``unit_id``: the districts, the municipality (their
    union) or the blocks of ``[register.blocks]`` (``file``, ``id``)."""
    if level == "districts":
        return gpd.GeoDataFrame({"unit_id": districts["district_id"]}, geometry=districts.geometry.to_numpy(),
                                crs=districts.crs)
    if level == "municipality":
        return gpd.GeoDataFrame({"unit_id": ["municipality"]},
                                geometry=[shapely.union_all(districts.geometry.to_numpy())], crs=districts.crs)
    blocks = spec.get("blocks") or {}
    path = _resolve(base, blocks.get("file", ""))
    if not blocks.get("file"):
        problems.add("recipe_section_missing", file="recipe", section="register.blocks")
        return None
    frame = _read_polygons(path, problems)
    if frame is None:
        return None
    column = blocks.get("id", "block_id")
    if column not in frame.columns:
        problems.add("source_column", file=path, field="id", column=column)
        return None
    if frame.crs is None:
        problems.add("no_crs", file=path, field="geometry")
        return None
    return gpd.GeoDataFrame({"unit_id": as_text(frame[column])}, geometry=frame.geometry.to_numpy(),
                            crs=frame.crs).to_crs(crs)


def _zensus(spec, base, problems, report, crs, districts):
    """``[population] format = "zensus2022"``: the published grid files (CSV or zip), joined."""
    from dashboard.sources.zensus import SIZES, read_zensus

    paths = [_resolve(base, f) for f in (spec.get("files") or [spec.get("file")]) if f]
    for path in paths:
        if not path.exists():
            problems.add("source_unreadable", file=path, detail="file not found")
    if not paths or any(not p.exists() for p in paths):
        return None, None
    resolution = spec.get("resolution", "100m")
    area = None
    if districts is not None and len(districts):
        outline = shapely.union_all(districts.to_crs("EPSG:3035").geometry.to_numpy())
        area = shapely.buffer(outline, SIZES.get(resolution, 100))
    grid = read_zensus(paths, resolution=resolution, area=area, problems=problems)
    report.notes.extend(grid.notes)
    if grid.cells.empty:
        return None, None
    cells = grid.cells.to_crs(crs)
    return _fill_withheld_classes(cells, grid.age_bands, districts, report), grid.age_bands


def _all_ages(age_bands: pd.DataFrame) -> bool:
    """Whether the bands cover every age once: from 0, each ending where the next starts, the
    last open."""
    ranked = age_bands.sort_values("age_from")
    lo, hi = ranked["age_from"].to_numpy(float), ranked["age_to"].to_numpy(float)
    return bool(len(lo) and lo[0] == 0 and np.isnan(hi[-1]) and np.array_equal(hi[:-1], lo[1:]))


def _fill_withheld_classes(cells, age_bands, districts, report):
    """Cells whose total is published but some age classes withheld: the remainder spread over
    those classes by the district's age mix (:func:`dashboard.sources.estimate.fill_withheld_classes`),
    the cells marked ``classes_estimated``."""
    from dashboard.sources.estimate import fill_withheld_classes

    columns = list(age_bands["column"])
    if "persons_total" not in cells or not columns or not _all_ages(age_bands):
        return cells  # without the whole age range, total minus the classes is no class's remainder
    group = np.full(len(cells), -1)
    if districts is not None and len(districts):
        centres = shapely.centroid(cells.geometry.to_numpy())
        cell, district = districts.to_crs(cells.crs).sindex.query(centres, predicate="intersects")
        group[cell] = district
    values = cells[columns].to_numpy(float)
    filled, estimated = fill_withheld_classes(values, cells["persons_total"].to_numpy(float), group)
    cells = cells.copy()
    cells[columns] = filled
    cells["classes_estimated"] = estimated
    if estimated.any():
        added = float(np.nansum(filled[estimated]) - np.nansum(values[estimated]))
        report.notes.append(("zensus_withheld_estimated", {"cells": int(estimated.sum()), "persons": round(added)}))
    return cells


def _population(recipe, base, problems, report, crs, districts=None):
    spec = recipe.get("population")
    if not spec:
        problems.add("recipe_section_missing", file="recipe", section="population")
        return None, None
    if spec.get("format") == "zensus2022":
        return _zensus(spec, base, problems, report, crs, districts)
    if spec.get("format") not in (None, "table"):
        problems.add("unknown_value", file="recipe", field="population.format", value=spec.get("format"),
                     known="table, zensus2022")
        return None, None
    files = spec.get("files") or [spec.get("file")]
    x_col, y_col = spec.get("x", "x"), spec.get("y", "y")
    missing = tuple(spec.get("missing", DEFAULT_MISSING))
    decimal, thousands = spec.get("decimal", "auto"), spec.get("thousands")
    merged = None
    for name in files:
        path = _resolve(base, name)
        table = _read_source(path, spec, problems, report)
        if table is None:
            continue
        for column in (x_col, y_col):
            if column not in table.columns:
                problems.add("source_column", file=path, field=column, column=column)
        if x_col not in table.columns or y_col not in table.columns:
            continue
        rename = spec.get("rename", {}).get(Path(str(name)).name, {})
        table = table.rename(columns=rename)
        table = table.set_index([x_col, y_col])
        merged = table if merged is None else merged.join(table, how="outer", rsuffix=f"__{path.stem}")
    if merged is None:
        return None, None
    merged = merged.reset_index()
    numbers = {}
    for column in merged.columns:
        if column in (x_col, y_col) or column in numbers:
            continue
        values, bad = to_number(merged[column], decimal=decimal, thousands=thousands, missing=missing)
        numbers[column] = values
        numbers[f"__bad__{column}"] = bad
    cx, _ = to_number(merged[x_col], decimal=decimal, thousands=thousands, missing=())
    cy, _ = to_number(merged[y_col], decimal=decimal, thousands=thousands, missing=())
    bands, band_rows = {}, []
    label = ", ".join(Path(str(f)).name for f in files)
    for band in spec.get("bands", []):
        name = band.get("name")
        if not name:
            problems.add("recipe_band_name", file=label)
            continue
        needed = [c for c in (band.get("column"), band.get("percent_of"), band.get("remainder_of")) if c]
        absent = [c for c in needed if c not in numbers]
        for column in absent:
            problems.add("source_column", file=label, field=name, column=column)
        if absent:
            continue
        if band.get("remainder_of"):
            bands[name] = numbers[band["remainder_of"]] - sum(bands[b] for b in band.get("minus", list(bands)))
        elif band.get("percent_of"):
            bands[name] = numbers[band["column"]] * numbers[band["percent_of"]] / 100.0
        else:
            bands[name] = numbers[band["column"]]
        band_rows.append((name, float(band.get("from", 0)), band.get("to")))
    # where the source has no row for a cell in one file, that count is 0 there only if the
    # file lists every populated cell (Zensus 100 m omits cells below 3 persons): keep missing.
    total = numbers.get(spec["total"]) if spec.get("total") else None
    size = float(spec.get("cell_size", 100))
    corner_x, corner_y = cx - size / 2, cy - size / 2
    polygons = gpd.GeoSeries(shapely.box(corner_x, corner_y, corner_x + size, corner_y + size),
                             crs=spec.get("crs") or crs)
    frame = pd.DataFrame({"cell_id": [f"{size:.0f}m_{int(x)}_{int(y)}" for x, y in zip(cx, cy)]})
    for name, values in bands.items():
        frame[name] = values.to_numpy()
    if total is not None:
        frame["persons_total"] = total.to_numpy()
    cells = gpd.GeoDataFrame(frame, geometry=polygons.to_numpy(), crs=polygons.crs).to_crs(crs)
    age_bands = pd.DataFrame([(n, lo, None if hi is None else float(hi)) for n, lo, hi in band_rows],
                             columns=["column", "age_from", "age_to"])
    report.notes.append(("population_cells", {
        "cells": len(cells), "withheld": int(np.isnan(cells[list(bands)].to_numpy(float)).any(axis=1).sum())}))
    return _fill_withheld_classes(cells, age_bands, districts, report), age_bands


def _points(kind: str, recipe, base, problems, report, crs) -> gpd.GeoDataFrame | None:
    """Offers, family centres or partners from CSV/XLSX with coordinates."""
    spec = recipe.get(kind)
    if not spec:
        return None
    path = _resolve(base, spec.get("file", ""))
    table = _read_source(path, spec, problems, report)
    if table is None:
        return None
    rows = row_numbers(table)  # spreadsheet row numbers, for messages
    given = [spec.get("x"), spec.get("y"), *(spec.get("geocode") or {}).values()]
    location = [table[c].tolist() for c in given if isinstance(c, str) and c in table.columns]
    out = assemble_fields(table, kind, file=path, rows=rows, problems=problems, columns=spec.get("columns", {}),
                          constants=spec.get("constants"), value_maps=spec.get("map"), defaults=spec.get("defaults"),
                          location=location)
    if spec.get("geocode"):
        return _geocoded(kind, spec, table, out, rows, recipe, base, path, problems, report, crs)
    x, bad_x = to_number(table[spec["x"]], decimal=spec.get("decimal", "auto"), thousands=spec.get("thousands"),
                         missing=("",)) if spec.get("x") in table.columns else (None, None)
    y, bad_y = to_number(table[spec["y"]], decimal=spec.get("decimal", "auto"), thousands=spec.get("thousands"),
                         missing=("",)) if spec.get("y") in table.columns else (None, None)
    if x is None or y is None:
        for key in ("x", "y"):
            if spec.get(key) not in table.columns:
                problems.add("source_column", file=path, field=key, column=spec.get(key))
        return None
    for k in np.flatnonzero(bad_x | bad_y):
        problems.add("not_a_number", file=path, row=int(rows[k]), field=f"{spec['x']}/{spec['y']}",
                     value=f"{table[spec['x']].iat[k]} / {table[spec['y']].iat[k]}")
    geometry = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=spec.get("crs", crs))
    geometry[x.isna() | y.isna()] = None
    frame = gpd.GeoDataFrame(pd.DataFrame(out), geometry=geometry.to_numpy(), crs=geometry.crs).to_crs(crs)
    frame.index = rows  # keep source row numbers for messages
    return frame


UNMATCHED = ("stop", "skip")
"""What a build does with rows whose address is not found: stop with problems, or skip them
(and list them, :meth:`BuildReport.skipped_rows`)."""

_ADDRESS_INDEX: dict = {}
_ADDRESS_LAYER: dict = {}


def _address_index(recipe, base, problems):
    """The local address file of the recipe ([geocoding]), read once per build."""
    from dashboard.sources.geocode import AddressIndex

    spec = recipe.get("geocoding")
    if not spec:
        problems.add("recipe_section_missing", file="recipe", section="geocoding")
        return None, None
    path = _resolve(base, spec.get("file", ""))
    if path in _ADDRESS_INDEX:
        return _ADDRESS_INDEX[path]
    table = _read_source(path, spec, problems)
    if table is None:
        return None, None
    keys = {k: spec.get(k) for k in ("street", "number", "suffix", "postcode", "place", "x", "y")}
    for key, column in keys.items():
        if column and column not in table.columns:
            problems.add("source_column", file=path, field=key, column=column)
    if any(column and column not in table.columns for column in keys.values()):
        return None, None
    index = AddressIndex.from_frame(table, **{k: v for k, v in keys.items() if v})
    _ADDRESS_INDEX[path] = (index, spec.get("crs", schema.DEFAULT_CRS))
    _ADDRESS_LAYER[path] = _address_layer(table, keys, spec.get("crs", schema.DEFAULT_CRS))
    return _ADDRESS_INDEX[path]


def _address_layer(table: pd.DataFrame, keys: dict, crs) -> gpd.GeoDataFrame:
    """The address file as the workspace's ``addresses`` layer (the app geocodes with it)."""
    def text(key):
        return as_text(table[keys[key]]) if keys.get(key) else pd.Series("", index=table.index)

    x, _ = to_number(table[keys["x"]], decimal=",", thousands=None, missing=("",))
    y, _ = to_number(table[keys["y"]], decimal=",", thousands=None, missing=("",))
    layer = gpd.GeoDataFrame({
        "street": text("street"), "number": (text("number") + text("suffix")).str.strip(),
        "postcode": text("postcode").replace("", None), "place": text("place").replace("", None),
    }, geometry=gpd.points_from_xy(x, y), crs=crs)
    return layer[x.notna().to_numpy() & y.notna().to_numpy() & (layer["street"] != "").to_numpy()]


def _geocoded(kind, spec, table, out, rows, recipe, base, path, problems, report, crs):
    """Points from addresses, matched offline against the recipe's address file."""
    from dashboard.sources.geocode import failed_rows, match_report, split_address

    index, index_crs = _address_index(recipe, base, problems)
    if index is None:
        return None
    g = spec["geocode"]
    needed = [g.get(k) for k in ("address", "street", "number", "postcode", "place") if g.get(k)]
    absent = [c for c in needed if c not in table.columns]
    for column in absent:
        problems.add("source_column", file=path, field="address", column=column)
    if absent:
        return None
    if g.get("address"):
        parts = table[g["address"]].map(split_address)
        street, number = parts.map(lambda p: p[0]), parts.map(lambda p: p[1])
    else:
        street, number = table[g["street"]], table[g["number"]]
    result = index.geocode(list(street), list(number), list(table[g["postcode"]]) if g.get("postcode") else None,
                           list(table[g["place"]]) if g.get("place") else None)
    given = [c for c in needed]
    matches = match_report(result, table, path.name, columns=given)
    report.matches.append(matches)
    report.notes.append(("addresses_matched", {
        "layer": kind, "matched": int(result["status"].str.startswith("matched").sum()), "rows": len(result),
        "without_suffix": int((result["status"] == "matched_without_suffix").sum())}))
    shown = table[given].apply(as_text).agg(" ".join, axis=1)
    query = (list(street), list(number), list(table[g["postcode"]]) if g.get("postcode") else None,
             list(table[g["place"]]) if g.get("place") else None)
    mode = spec.get("unmatched", "stop")
    if mode not in UNMATCHED:
        problems.add("unknown_value", file="recipe", field=f"{kind}.unmatched", value=mode, known=", ".join(UNMATCHED))
    failed = list(failed_rows(result, index, *query))
    if mode == "skip":  # the good rows are built, the others listed
        report.skipped.append(pd.DataFrame({
            "file": path.name, "row": [int(rows[k]) for k, _, _ in failed],
            "address": [shown.iat[k] for k, _, _ in failed],
            "reason": [p.get("reason", "ambiguous" if c == "address_ambiguous" else "street_unknown")
                       for _, c, p in failed],
            "closest": [p.get("close", "") for _, _, p in failed]}))
        report.notes.append(("addresses_skipped", {"layer": kind, "n": len(failed)}))
    else:
        for k, code, params in failed:
            problems.add(code, file=path, row=int(rows[k]), field=", ".join(given), address=shown.iat[k], **params)
    geometry = gpd.GeoSeries(gpd.points_from_xy(result["x"], result["y"]), crs=index_crs)
    geometry[result["x"].isna()] = None
    frame = gpd.GeoDataFrame(pd.DataFrame(out), geometry=geometry.to_numpy(), crs=index_crs).to_crs(crs)
    frame.index = rows
    if mode == "skip":
        frame = frame.drop(index=[int(rows[k]) for k, _, _ in failed])
    return frame


def _indicators(recipe, base, problems, report):
    spec = recipe.get("indicators")
    if not spec:
        return None, None
    path = _resolve(base, spec.get("file", ""))
    table = _read_source(path, spec, problems, report)
    if table is None:
        return None, None
    if spec.get("layout") == "wide":  # one column per indicator: melt to the long form
        district = spec.get("district", "district_id")
        wide = spec.get("wide", {})
        absent = [c for c in [district, *wide] if c not in table.columns]
        if spec.get("year_column") and spec["year_column"] not in table.columns:
            absent.append(spec["year_column"])
        for column in absent:
            problems.add("source_column", file=path, field=column, column=column)
        if absent:
            return None, None
        year = table[spec["year_column"]] if spec.get("year_column") else pd.Series(spec.get("year"), index=table.index)
        table = pd.concat([pd.DataFrame({"district_id": table[district], "year": year, "indicator": ind,
                                         "value": table[column]}) for column, ind in wide.items()], ignore_index=True)
        spec = {**spec, "columns": {"district_id": "district_id", "year": "year", "indicator": "indicator",
                                    "value": "value"}}
    columns = spec.get("columns", {"district_id": "district_id", "year": "year", "indicator": "indicator",
                                   "value": "value"})
    for target, source in columns.items():
        if source not in table.columns:
            problems.add("source_column", file=path, field=target, column=source)
    if any(source not in table.columns for source in columns.values()):
        return None, None
    value, bad = to_number(table[columns["value"]], decimal=spec.get("decimal", "auto"),
                           thousands=spec.get("thousands", "."), missing=tuple(spec.get("missing", DEFAULT_MISSING)))
    for k in np.flatnonzero(bad):
        problems.add("not_a_number", file=path, row=int(row_numbers(table)[k]), field=columns["value"],
                     value=table[columns["value"]].iat[k])
    long = pd.DataFrame({"district_id": as_text(table[columns["district_id"]]),
                         "year": pd.to_numeric(table[columns["year"]], errors="coerce"),
                         "indicator": as_text(table[columns["indicator"]]), "value": value})
    catalogue = pd.DataFrame([{"indicator": k, **v} for k, v in spec.get("catalogue", {}).items()])
    return long, catalogue


def build_workspace(recipe_path: str | Path) -> tuple[Workspace, BuildReport]:
    """Read every source of the recipe into a workspace (not yet written).

    Raises :class:`WorkspaceError` listing every problem of the sources (file, row, field)."""
    recipe_path = Path(recipe_path)
    problems = Problems()
    try:
        recipe = tomllib.loads(recipe_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WorkspaceError([Problem(recipe_path.name, None, None, None, "recipe_invalid",
                                      {"detail": str(exc)[:300]})]) from exc
    base = recipe_path.parent
    report = BuildReport()
    check_keys(recipe, problems, recipe_path.name)
    if any(p.code == "recipe_not_a_table" for p in problems.items):  # the sections cannot be read at all
        raise WorkspaceError(problems.items)
    _ADDRESS_INDEX.clear()
    _ADDRESS_LAYER.clear()
    meta_spec = recipe.get("workspace", {})
    crs = meta_spec.get("crs", schema.DEFAULT_CRS)
    recipe.setdefault("workspace", {})["crs"] = crs
    districts = _districts(recipe, base, problems)
    district_table = cells = age_bands = None
    if recipe.get("population", {}).get("kind") == "districts":
        district_table, age_bands = _population_table(recipe["population"], base, problems, report)
    elif recipe.get("population") or not recipe.get("register"):
        cells, age_bands = _population(recipe, base, problems, report, crs, districts)
    if recipe.get("register"):  # fine bands of the register, on the grid if there is one
        if cells is not None or not recipe.get("population"):
            cells, age_bands, district_table = _register(recipe, base, problems, report, districts, cells, age_bands,
                                                         crs)
    offers = _points("offers", recipe, base, problems, report, crs)
    centres = _points("family_centres", recipe, base, problems, report, crs)
    partners = _points("partners", recipe, base, problems, report, crs)
    indicators, catalogue = _indicators(recipe, base, problems, report)
    street_nodes, street_edges, base_lines, base_places = _streets(recipe, base, problems, report, districts)
    if problems.items:
        raise WorkspaceError(problems.items)
    meta = {"schema_version": schema.SCHEMA_VERSION, "crs": crs,
            **{k: str(v) for k, v in meta_spec.items() if k != "crs"}}
    meta["fictional"] = str(meta_spec.get("fictional", False)).lower()
    filled = [figures for code, figures in report.notes if code == "zensus_withheld_estimated"]
    if filled:  # cells whose withheld age classes were estimated from the published total
        meta["classes_estimated"] = str(filled[0]["cells"])
    if any(code == "population_register" for code, _ in report.notes):
        meta["population_estimate"] = "register_on_grid"  # the cells' figures are estimates (the map says so)
    # where each record came from: the source file and its row, for the problems the workspace check finds
    sources = {kind: (Path(str(recipe[kind].get("file", ""))).name, frame.index.to_numpy())
               for kind, frame in (("offers", offers), ("family_centres", centres), ("partners", partners))
               if frame is not None}
    offers = offers if offers is not None else gpd.GeoDataFrame(
        {c.name: pd.Series(dtype=object) for c in schema.LAYERS["offers"].columns}, geometry=[], crs=crs)
    ws = Workspace(meta=meta, districts=districts, life_phases=default_life_phases(), offers=offers.reset_index(drop=True),
                   age_bands=age_bands, population_cells=cells, population_districts=district_table,
                   indicator_catalogue=catalogue, indicators=indicators,
                   family_centres=None if centres is None else centres.reset_index(drop=True),
                   partners=None if partners is None else partners.reset_index(drop=True),
                   addresses=None if not _ADDRESS_LAYER else pd.concat(
                       [a.to_crs(crs) for a in _ADDRESS_LAYER.values()], ignore_index=True),
                   street_nodes=street_nodes, street_edges=street_edges, base_lines=base_lines,
                   base_places=base_places)
    found = validate_workspace(ws, recipe_path.name)
    if found:
        raise WorkspaceError([_at_source(p, sources) for p in found])
    return ws, report


def _at_source(p: Problem, sources: dict) -> Problem:
    """A problem of the assembled workspace named at the source file's row (the check numbers a
    layer's records 1, 2, … as a GeoPackage's fid; the source keeps its spreadsheet row numbers),
    also the other row a duplicate id names."""
    if p.layer in sources and p.row is not None:
        file, rows = sources[p.layer]
        rows = np.asarray(rows)
        if np.issubdtype(rows.dtype, np.integer) and 1 <= p.row <= len(rows):
            params = dict(p.params)
            if isinstance(params.get("other"), (int, np.integer)) and 1 <= params["other"] <= len(rows):
                params["other"] = int(rows[params["other"] - 1])
            return Problem(file, None, int(rows[p.row - 1]), p.field, p.code, params, p.record_id)
    return p


def _streets(recipe, base, problems, report, districts):
    """The walkable street network of ``[streets]`` (``file``: OSM extract or line layer,
    ``margin_m``) and, from an OSM extract, the base map's railways, water and place names:
    (nodes, edges, base lines, base places), all None without that section."""
    from dashboard.model.problems import ProblemError
    from dashboard.sources.streets import DEFAULT_MARGIN_M, read_base_map, read_streets

    spec = recipe.get("streets")
    if not spec or districts is None:
        return None, None, None, None
    path = _resolve(base, spec.get("file", ""))
    margin = float(spec.get("margin_m", DEFAULT_MARGIN_M))
    try:
        nodes, edges = read_streets(path, districts.geometry, margin_m=margin)
    except ProblemError as exc:
        problems.items.extend(exc.problems)
        return None, None, None, None
    lines, places = read_base_map(path, districts.geometry, margin_m=margin)
    report.notes.append(("streets", {"nodes": len(nodes), "edges": len(edges),
                                     "km": round(float(edges["length_m"].sum()) / 1000)}))
    return nodes, edges, lines, places


def build(recipe_path: str | Path, out: str | Path) -> BuildReport:
    """Build and write the workspace; nothing is written when anything is wrong."""
    ws, report = build_workspace(recipe_path)
    write_workspace(ws, out)
    return report
