"""Interactive import of offers, Familienzentren or partners from a CSV/XLSX file into an
existing workspace: map columns, check everything, then commit all or nothing.

The import wizard page calls :func:`prepare_import` (no writing) until the report is empty,
then :func:`commit_import`, which appends the rows under the workspace lock, validates the
whole workspace and writes it atomically with one history row per imported record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schema
from ._errors import Problem
from .build import to_number
from .editing import LAYERS, _locked
from .workspace import Workspace, read_workspace, validate_workspace, write_workspace

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024


class ImportTooLarge(ValueError):
    """The upload exceeds the size or row limit."""


@dataclass
class ImportPlan:
    """What the user chose: target layer, source column per field, coordinates and CRS,
    constants, and value maps (source text → schema terms, lists allowed)."""

    layer: str
    columns: dict  # target field -> source column
    x: str | None = None
    y: str | None = None
    crs: str = schema.DEFAULT_CRS
    address: str | None = None  # instead of x/y: a column 'Straße Nr[, PLZ Ort]', geocoded offline
    constants: dict = field(default_factory=dict)
    value_maps: dict = field(default_factory=dict)  # field -> {source text: term or [terms]}
    decimal: str = ","


def check_limits(size_bytes: int, rows: int) -> None:
    """Raise ImportTooLarge (with a German and English message) beyond the upload limits."""
    if size_bytes > MAX_BYTES:
        raise ImportTooLarge(f"Datei zu groß ({size_bytes / 1e6:.1f} MB; höchstens {MAX_BYTES / 1e6:.0f} MB) / "
                             f"file too large")
    if rows > MAX_ROWS:
        raise ImportTooLarge(f"Zu viele Zeilen ({rows:,}; höchstens {MAX_ROWS:,}) / too many rows".replace(",", "."))


def prepare_import(ws: Workspace, table: pd.DataFrame, plan: ImportPlan, file: str) -> tuple[gpd.GeoDataFrame, list]:
    """The new records and every problem (file, spreadsheet row, field) – nothing is written.

    Problems come from reading the file (coordinates, unmapped values) and from validating
    the workspace with the new records appended (ids, vocabularies, locations, …)."""
    if plan.layer not in LAYERS:
        raise ValueError(f"layer must be one of {tuple(LAYERS)}")
    problems: list[Problem] = []
    n = len(table)
    data = {}
    for target, source in plan.columns.items():
        if source:
            data[target] = table[source].fillna("").astype(str).str.strip().replace("", None)
    for target, value in plan.constants.items():
        data[target] = [value] * n
    for target, mapping in plan.value_maps.items():
        source = plan.columns.get(target)
        if not source:
            continue
        mapped = []
        for k, raw in enumerate(table[source].fillna("").astype(str).str.strip()):
            hit = mapping.get(raw)
            if hit is None or hit == [] or hit == "":
                problems.append(Problem(file, None, k + 2, source, "unmapped_value", {"value": raw}))
            mapped.append(";".join(hit) if isinstance(hit, (list, tuple)) else hit)
        data[target] = mapped
    for column in schema.LAYERS[plan.layer].columns:
        if column.name not in data and column.nullable:
            data[column.name] = [None] * n
    if plan.address:
        points = _geocoded_points(ws, table, plan.address, file, problems)
        if not plan.columns.get("address"):
            data["address"] = table[plan.address].fillna("").astype(str).str.strip().replace("", None)
        new = gpd.GeoDataFrame(pd.DataFrame(data), geometry=points, crs=ws.crs)
    else:
        x, bad_x = to_number(table[plan.x], decimal=plan.decimal, thousands=None, missing=("",))
        y, bad_y = to_number(table[plan.y], decimal=plan.decimal, thousands=None, missing=("",))
        for k in np.flatnonzero(bad_x | bad_y | x.isna().to_numpy() | y.isna().to_numpy()):
            problems.append(Problem(file, None, int(k + 2), f"{plan.x}/{plan.y}", "not_a_number",
                                    {"value": f"{table[plan.x].iat[k]} / {table[plan.y].iat[k]}"}))
        points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=plan.crs)
        points[x.isna() | y.isna()] = None
        new = gpd.GeoDataFrame(pd.DataFrame(data), geometry=points.to_numpy(), crs=plan.crs).to_crs(ws.crs)
    if problems:
        return new, problems
    merged = _merged(ws, plan.layer, new)
    existing = len(getattr(ws, plan.layer))
    for p in validate_workspace(merged, file):
        if p.layer == plan.layer and p.row is not None and p.row > existing:
            problems.append(Problem(file, None, p.row - existing + 1, p.field, p.code, p.params, p.record_id))
        elif p.layer == plan.layer and p.row is None:
            problems.append(Problem(file, None, None, p.field, p.code, p.params))
        else:  # a problem elsewhere in the workspace: report as it is
            problems.append(p)
    return new, problems


def _geocoded_points(ws: Workspace, table: pd.DataFrame, column: str, file: str, problems: list):
    """Points for the address column, matched against the workspace's address directory;
    a problem for every row not found or ambiguous."""
    from .geocode import address_index, failed_rows, geocode_texts

    texts = table[column].fillna("").astype(str).str.strip()
    if len(ws.addresses) == 0:
        problems.append(Problem(file, None, None, column, "no_address_directory"))
        return [None] * len(table)
    found = geocode_texts(address_index(ws.addresses), texts.tolist())
    for k, code, candidates in failed_rows(found):
        problems.append(Problem(file, None, k + 2, column, code, {"address": texts.iat[k], "n": candidates}))
    points = gpd.points_from_xy(found["x"], found["y"])
    points[found["x"].isna().to_numpy()] = None
    return points


def _merged(ws: Workspace, layer: str, new: gpd.GeoDataFrame) -> Workspace:
    frame = getattr(ws, layer)
    new = new.assign(version=1, retired=False)
    combined = pd.concat([frame, new.reindex(columns=frame.columns.union(new.columns, sort=False))],
                         ignore_index=True)
    return Workspace(**{**ws.__dict__, layer: gpd.GeoDataFrame(combined, geometry="geometry", crs=ws.crs)})


def commit_import(path: str | Path, table: pd.DataFrame, plan: ImportPlan, file: str, user: str) -> Workspace:
    """Append the records (all or nothing) with history; raises ValueError with the problems."""
    from .workspace import WorkspaceError

    path = Path(path)
    with _locked(path):
        ws = read_workspace(path)
        new, problems = prepare_import(ws, table, plan, file)
        if problems:
            raise WorkspaceError(problems)
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        id_col = LAYERS[plan.layer]
        history = pd.DataFrame({"change_id": [uuid.uuid4().hex for _ in range(len(new))], "at": at, "user": user,
                                "layer": plan.layer, "record_id": new[id_col].astype(str).to_numpy(),
                                "action": "import", "field": None, "old": None, "new": file})
        merged = _merged(ws, plan.layer, new)
        merged = Workspace(**{**merged.__dict__, "history": pd.concat([ws.history, history], ignore_index=True)})
        write_workspace(merged, path)
    return read_workspace(path)
