"""Interactive import of offers, Familienzentren or partners from a CSV/XLSX file into an
existing workspace: map columns, check everything, then commit all or nothing.

The import wizard page calls :func:`prepare_import` (no writing) until the report is empty,
then :func:`commit_import`, which appends the rows under the workspace lock, validates the
whole workspace and writes it atomically with one history row per imported record.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from dashboard.model import schema
from dashboard.model.problems import Problem, ProblemError, Problems, problem
from dashboard.model.store import StaleWrite, transaction
from dashboard.model.workspace import Workspace, validate_workspace
from dashboard.sources.editing import ID_COLUMNS, ConflictError
from dashboard.sources.tables import (
    HEAD_ROWS,
    as_text,
    assemble_fields,
    decode,
    read_delimited,
    row_numbers,
    sniff_separator,
    table_from_rows,
    to_number,
)

MAX_ROWS = 20_000  # data rows
MAX_BYTES = 20_000_000  # the uploaded file (20 MB)
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED = 100_000_000  # bytes of XML an XLSX may unpack to
MAX_XLSX_RATIO = 100  # unpacked / packed: beyond this a small file hides a huge sheet


class UploadRejected(ProblemError):
    """An upload that is not read: too big, not what its name says, or not readable; its one
    problem names the file and what is wrong."""

    def __init__(self, file: str, code: str, **params):
        super().__init__([problem(code, file=file, **params)])


def read_upload(name: str, data: bytes) -> pd.DataFrame:
    """An uploaded CSV or XLSX as a table of text columns, checked against the limits before
    and while it is read, never after: file size; for XLSX the unpacked size and packing
    ratio (a 2 MB file may unpack to gigabytes) and rows/columns while streaming the sheet
    (openpyxl read-only); for CSV the line and column count before parsing. Detects UTF-16
    CSV files, Excel formulas without a stored result and ZIP files that are no workbook.
    Raises :class:`UploadRejected`."""
    file = Path(name).name
    if len(data) > MAX_BYTES:
        raise UploadRejected(file, "upload_too_large", mb=len(data) / 1e6, limit=MAX_BYTES // 1_000_000)
    if file.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(file, data)
    if file.lower().endswith(".xls"):
        raise UploadRejected(file, "upload_old_excel")
    return _read_csv(file, data)


def _read_csv(file: str, data: bytes) -> pd.DataFrame:
    text = decode(data)
    if text is None:
        raise UploadRejected(file, "upload_encoding")
    lines = LINE_BREAK.split(text)  # CSV lines end in \n, \r\n or \r; a form feed is no line break
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        raise UploadRejected(file, "upload_empty")
    if len(lines) - 1 > MAX_ROWS:
        raise UploadRejected(file, "upload_too_many_rows", limit=MAX_ROWS)
    separator = sniff_separator(text)
    widest = max(line.count(separator) for line in lines[:HEAD_ROWS]) + 1
    if widest > MAX_COLUMNS:
        raise UploadRejected(file, "upload_too_many_columns", n=widest, limit=MAX_COLUMNS)
    _check_rows(file, text, separator)
    try:
        table = read_delimited(text, separator)
    except (ValueError, pd.errors.ParserError) as exc:
        raise UploadRejected(file, "upload_unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    if table.empty:
        raise UploadRejected(file, "upload_empty")
    return table


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _check_rows(file: str, text: str, separator: str) -> None:
    """Every row of a CSV within the limits before it is read: no row wider than
    :data:`MAX_COLUMNS` cells and no cell longer than the CSV reader takes (131,072
    characters); a row that breaks one is named."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    try:
        for cells in reader:
            if len(cells) > MAX_COLUMNS:
                raise UploadRejected(file, "upload_too_many_columns", row=reader.line_num, n=len(cells),
                                     limit=MAX_COLUMNS)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UploadRejected(file, "upload_cell_too_long", row=reader.line_num,
                                 limit=csv.field_size_limit()) from exc
        raise UploadRejected(file, "upload_unreadable", row=reader.line_num, detail=str(exc)[:200]) from exc


def _read_xlsx(file: str, data: bytes) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UploadRejected(file, "upload_not_xlsx") from exc
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise UploadRejected(file, "upload_not_xlsx")
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * max(len(data), 1):
        raise UploadRejected(file, "upload_expands", mb=unpacked / 1e6, limit=MAX_XLSX_UNPACKED // 1_000_000)
    try:
        values = _sheet_rows(load_workbook(io.BytesIO(data), read_only=True, data_only=True), file)
        formulas = _sheet_rows(load_workbook(io.BytesIO(data), read_only=True, data_only=False), file)
    except UploadRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise UploadRejected(file, "upload_unreadable", detail=type(exc).__name__) from exc
    from openpyxl.utils import get_column_letter

    missing = [f"{get_column_letter(j + 1)}{i + 1}" for i, (row, raw) in enumerate(zip(values, formulas))
               for j, (v, f) in enumerate(zip(row, raw)) if v is None and isinstance(f, str) and f.startswith("=")]
    if missing:
        raise UploadRejected(file, "upload_formulas", n=len(missing), cell=missing[0])
    rows = [row for row in values if any(v is not None and str(v).strip() for v in row)]
    if len(rows) < 2:
        raise UploadRejected(file, "upload_empty")
    table = table_from_rows([list(r) for r in values])
    if table.empty:
        raise UploadRejected(file, "upload_empty")
    return table


def _sheet_rows(book, file: str) -> list[tuple]:
    """The first sheet's rows (values as stored), streamed; stops at the row or column limit."""
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(row) > MAX_COLUMNS and any(v is not None for v in row[MAX_COLUMNS:]):
                raise UploadRejected(file, "upload_too_many_columns", n=len(row), limit=MAX_COLUMNS)
            rows.append(tuple(row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                raise UploadRejected(file, "upload_too_many_rows", limit=MAX_ROWS)
        return rows
    finally:
        book.close()


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
    decimal: str = "auto"
    address_parts: dict | None = None  # instead: columns {street, number, postcode, place}, geocoded offline
    skip_unmatched: bool = False  # rows whose address is not found are left out instead of being problems


def prepare_import(ws: Workspace, table: pd.DataFrame, plan: ImportPlan, file: str) -> tuple[gpd.GeoDataFrame, list]:
    """The new records and every problem (file, spreadsheet row, field) – nothing is written.

    Problems come from reading the file (coordinates, unmapped values) and from validating
    the workspace with the new records appended (ids, vocabularies, locations, …)."""
    if plan.layer not in ID_COLUMNS:
        raise ValueError(f"layer must be one of {tuple(ID_COLUMNS)}")  # a programming error, not bad input
    problems = Problems(file)
    rows = row_numbers(table)  # spreadsheet row numbers, for messages
    value_maps = {target: {"column": plan.columns[target], "values": mapping}
                  for target, mapping in plan.value_maps.items() if plan.columns.get(target)}
    given = (plan.x, plan.y, plan.address, *(plan.address_parts or {}).values())
    location = [as_text(table[c]).tolist() for c in given if c and c in table.columns]
    data = assemble_fields(table, plan.layer, file=file, rows=rows, problems=problems,
                           columns={target: source for target, source in plan.columns.items() if source},
                           constants=plan.constants, value_maps=value_maps, location=location)
    if plan.address or plan.address_parts:
        points, failed = _geocoded_points(ws, table, plan, file, problems)
        if not plan.columns.get("address"):
            data["address"] = _address_text(table, plan).replace("", None)
        new = gpd.GeoDataFrame(pd.DataFrame(data), geometry=points, crs=ws.crs)
        if plan.skip_unmatched and len(failed):  # the others are taken over; these are listed
            keep = np.ones(len(new), bool)
            keep[failed] = False
            new = new[keep]
            rows = rows[keep]
    else:
        try:
            crs = pyproj.CRS.from_user_input(plan.crs)
        except pyproj.exceptions.CRSError:
            problems.add("unknown_crs", field="crs", crs=str(plan.crs)[:60])
            return None, list(problems)
        x, bad_x = to_number(table[plan.x], decimal=plan.decimal, thousands=None, missing=("",))
        y, bad_y = to_number(table[plan.y], decimal=plan.decimal, thousands=None, missing=("",))
        for k in np.flatnonzero(bad_x | bad_y | x.isna().to_numpy() | y.isna().to_numpy()):
            problems.add("not_a_number", row=int(rows[k]), field=f"{plan.x}/{plan.y}",
                         value=f"{table[plan.x].iat[k]} / {table[plan.y].iat[k]}")
        points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=crs)
        points[x.isna() | y.isna()] = None
        new = gpd.GeoDataFrame(pd.DataFrame(data), geometry=points.to_numpy(), crs=crs).to_crs(ws.crs)
    problems = list(problems)
    if problems:
        return new, problems
    new = new.reset_index(drop=True)
    merged = _merged(ws, plan.layer, new)
    existing = len(getattr(ws, plan.layer))
    for p in validate_workspace(merged, file):
        if p.layer == plan.layer and p.row is not None and p.row > existing:
            # the workspace counts its rows from 2 (a heading row); the k-th new record is the
            # file's spreadsheet row rows[k] (title lines, blank lines and left-out rows skipped)
            k = p.row - existing - 1
            row = int(rows[k]) if 0 <= k < len(rows) else p.row - existing + 1
            problems.append(Problem(file, None, row, p.field, p.code, p.params, p.record_id))
        elif p.layer == plan.layer and p.row is None:
            problems.append(Problem(file, None, None, p.field, p.code, p.params))
        else:  # a problem elsewhere in the workspace: report as it is
            problems.append(p)
    return new, problems


def _address_text(table: pd.DataFrame, plan: ImportPlan) -> pd.Series:
    """The address as the file gives it: one column, or street, number, postcode and place joined."""
    if plan.address:
        return as_text(table[plan.address])
    parts = plan.address_parts or {}
    street = (as_text(table[parts["street"]]) + " " + as_text(table[parts["number"]])).str.strip()
    tail = pd.Series("", index=table.index)
    for key in ("postcode", "place"):
        if parts.get(key):
            tail = (tail + " " + as_text(table[parts[key]])).str.strip()
    return street.where(tail == "", street + ", " + tail)


ADDRESS_CODES = ("address_unmatched", "address_ambiguous")


def _geocoded_points(ws: Workspace, table: pd.DataFrame, plan: ImportPlan, file: str, problems: Problems):
    """Points for the address (one column or street/number/postcode/place), matched against
    the workspace's address directory, and the positions of the rows not found: a problem for
    each (or, with ``plan.skip_unmatched``, a ``skipped_address`` note with the same figures)."""
    from dashboard.sources.geocode import address_index, failed_rows, parse_address

    texts = _address_text(table, plan)
    field_name = plan.address or ", ".join(c for c in (plan.address_parts or {}).values() if c)
    if len(ws.addresses) == 0:
        problems.add("no_address_directory", field=field_name)
        return [None] * len(table), np.arange(len(table))
    index = address_index(ws.addresses)
    if plan.address:
        parsed = [parse_address(text) for text in texts]
        query = [[p[key] for p in parsed] for key in ("street", "number", "postcode", "place")]
    else:
        parts = plan.address_parts
        query = [as_text(table[parts[key]]).tolist() if parts.get(key) else None
                 for key in ("street", "number", "postcode", "place")]
    found = index.geocode(*query)
    failed = []
    for k, code, params in failed_rows(found, index, *query):
        failed.append(k)
        if not plan.skip_unmatched:
            problems.add(code, row=int(row_numbers(table)[k]), field=field_name, address=texts.iat[k], **params)
    points = gpd.points_from_xy(found["x"], found["y"])
    points[found["x"].isna().to_numpy()] = None
    return points, np.asarray(failed, int)


def unmatched_addresses(ws: Workspace, table: pd.DataFrame, plan: ImportPlan, file: str) -> pd.DataFrame:
    """The rows whose address is not in the directory: file, row, address, reason code
    (:data:`dashboard.sources.geocode.REASONS`), closest candidates – the list a planner
    downloads when taking over the others."""
    probe = Problems(file)
    _geocoded_points(ws, table, replace(plan, skip_unmatched=False), file, probe)
    rows = [p for p in probe.items if p.code in ADDRESS_CODES]
    return pd.DataFrame({"file": file, "row": [p.row for p in rows], "address": [p.params["address"] for p in rows],
                         "reason": [p.params.get("reason", "") for p in rows],
                         "closest": [p.params.get("close", "") for p in rows]})


def _merged(ws: Workspace, layer: str, new: gpd.GeoDataFrame) -> Workspace:
    frame = getattr(ws, layer)
    new = new.assign(version=1, retired=False)
    combined = pd.concat([frame, new.reindex(columns=frame.columns.union(new.columns, sort=False))],
                         ignore_index=True)
    return Workspace(**{**ws.__dict__, layer: gpd.GeoDataFrame(combined, geometry="geometry", crs=ws.crs)})


def commit_import(path: str | Path, table: pd.DataFrame, plan: ImportPlan, file: str, user: str) -> Workspace:
    """Append the records (all or nothing) with history; raises ValueError with the problems."""
    from dashboard.model.workspace import WorkspaceError

    with transaction(path) as edit:
        ws = edit.workspace
        new, problems = prepare_import(ws, table, plan, file)
        if problems:
            raise WorkspaceError(problems)
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        id_col = ID_COLUMNS[plan.layer]
        history = pd.DataFrame({"change_id": [uuid.uuid4().hex for _ in range(len(new))], "at": at, "user": user,
                                "layer": plan.layer, "record_id": new[id_col].astype(str).to_numpy(),
                                "action": "import", "field": None, "old": None, "new": file})
        merged = _merged(ws, plan.layer, new)
        merged = Workspace(**{**merged.__dict__, "history": pd.concat([ws.history, history], ignore_index=True)})
        try:
            return edit.save(merged)
        except StaleWrite as exc:  # an id the import adds was added by someone else meanwhile
            raise ConflictError(plan.layer, exc.record_id, version=exc.version, expected=exc.expected) from exc
