"""Tables for download: CSV (UTF-8 with BOM, for Excel) and XLSX with one sheet per table,
bold headers, frozen header row, sensible column widths and number formats.

Every CSV and XLSX the product writes goes through :func:`to_csv` / :func:`to_xlsx`, which
neutralise spreadsheet formulas (CSV/formula injection, OWASP): a text cell that starts with
``=``, ``+``, ``-``, ``@`` (also after leading blanks), a tab or a line break is prefixed
with ``'`` in CSV and written as text (with Excel's quote prefix) in XLSX. Names, addresses
and descriptions come from partners and imports; a cell must never run anything.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

PERCENT_COLUMNS = ("reach_share", "overlap", "reach_from", "reach_to")
# a text that a spreadsheet could read as a formula: = + - @ (also full-width, also after
# blanks), or a leading tab / line break
FORMULA_LIKE = re.compile(r"^(?:[ \t\r\n\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n])")


def formula_like(value) -> bool:
    """True for a text cell that a spreadsheet program could evaluate as a formula."""
    return isinstance(value, str) and FORMULA_LIKE.match(value) is not None


def neutralise(value):
    """A CSV cell that is never a formula: formula-like texts get a leading apostrophe."""
    return "'" + value if formula_like(value) else value


def neutralise_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table to be shown with Streamlit's toolbar ("Download as CSV" writes the cells
    as they are): formula-like texts and headers get a leading apostrophe, as in our own CSV; a
    number written as text with a leading hyphen ("-0,5 ↓") gets the minus sign (U+2212) instead,
    which reads the same and is no formula."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column]
            risky = values.map(formula_like).to_numpy(bool)
            if risky.any():
                out[column] = values.where(~risky, values.map(_screen_safe, na_action="ignore"))
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _screen_safe(value: str) -> str:
    if isinstance(value, str) and NEGATIVE_NUMBER.match(value):
        return "\u2212" + value[1:]
    return neutralise(value)


NEGATIVE_NUMBER = re.compile(r"^-[0-9][0-9.,\u202f ]*(?:[ %‰↑↓→a-zA-Z€]*)$")


def to_csv(table: pd.DataFrame, sep: str = ";", decimal: str = ",") -> bytes:
    """CSV bytes as German Excel opens them (';' separated, decimal comma, UTF-8 BOM);
    formula-like text cells and headers are neutralised (see module docstring)."""
    safe = table.copy()
    for col in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[col]) or pd.api.types.is_datetime64_any_dtype(safe[col])):
            safe[col] = safe[col].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, sep=sep, decimal=decimal, float_format="%.4f").encode("utf-8-sig")


def _text_cells(row) -> None:
    """Text stays text: openpyxl would store a string starting with '=' as a formula."""
    for cell in row:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if formula_like(cell.value):
                cell.quotePrefix = True  # Excel keeps it text also when the cell is edited


def _excel_value(v):
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (tuple, list)):
        return ", ".join(map(str, v))
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def to_xlsx(sheets: dict[str, pd.DataFrame], headers: dict[str, str] | None = None) -> bytes:
    """XLSX bytes, one sheet per table (sheet names cut to 31 characters). ``headers`` maps
    column names to display headers. Shares (0–1) get a percent format, other floats 0.0."""
    wb = Workbook()
    wb.remove(wb.active)
    headers = headers or {}
    for name, table in sheets.items():
        ws = wb.create_sheet(title=str(name)[:31])
        columns = list(table.columns)
        ws.append([str(headers.get(c, c)) for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False, name=None):
            ws.append([_excel_value(v) for v in row])
        for row in ws.iter_rows():
            _text_cells(row)
        for j, col in enumerate(columns, start=1):
            letter = get_column_letter(j)
            dtype = table[col].dtype
            fmt = "0.0%" if col in PERCENT_COLUMNS else ("#,##0.0" if pd.api.types.is_float_dtype(dtype) else
                                                        ("#,##0" if pd.api.types.is_integer_dtype(dtype) else None))
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            width = max([len(str(headers.get(col, col)))] + [len(str(v)) for v in table[col].head(200)])
            ws.column_dimensions[letter].width = min(60, max(8, width + 2))
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def offers_for_download(offers, show_personal: bool = False):
    """A (filtered) layer – offers, Familienzentren or partners – as a plain table for CSV/GeoJSON: lists joined with '; ',
    dates as YYYY-MM-DD, personal contact columns only when ``show_personal``."""
    from dashboard.model.schema import PERSONAL_CONTACT_COLUMNS

    out = offers.copy()
    if not show_personal:
        out = out.drop(columns=[c for c in PERSONAL_CONTACT_COLUMNS if c in out.columns])
    for col in out.columns:
        if col == "geometry":
            continue
        if out[col].map(lambda v: isinstance(v, (tuple, list))).any():
            out[col] = out[col].map(lambda v: "; ".join(v) if isinstance(v, (tuple, list)) else v)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def to_geojson(frame) -> bytes:
    """GeoJSON bytes in WGS84 (EPSG:4326) of the rows that have a geometry."""
    shown = frame[frame.geometry.notna()].to_crs(4326)
    return shown.to_json(drop_id=True, ensure_ascii=False).encode("utf-8")
