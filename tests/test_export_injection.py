"""No exported CSV/XLSX cell is ever a formula (CSV/formula injection, OWASP).

A partner may name an offer ``=HYPERLINK(...)``; an import may carry ``@SUM(...)``. Every
download – gaps CSV/XLSX, profile XLSX, map layer CSV, edit history CSV, CLI coverage – is
checked with openpyxl (no formula cell) and by reading the CSV cells (a formula-like text
starts with an apostrophe); tables on the page show it with the same apostrophe (their toolbar
download writes cells as shown: tests/test_toolbar_download.py).
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from apptest_util import run_app
from test_profile_pages import _default_workspace_and_media, download_data, downloads  # noqa: F401

from dashboard.model.workspace import write_workspace
from dashboard.present import export
from dashboard.sources import editing

DISTRICT = '=HYPERLINK("http://evil.example","Westfeld")'
OFFER = "=cmd|' /C calc'!A0"
PROVIDER = "@SUM(1+1)"
ADDRESS = " -2+3"
USER = "\t=1+2"


@pytest.fixture
def evil(demo_ws, tmp_path, monkeypatch):
    """A workspace whose texts are formulas: a district name, every offer's name and
    provider, addresses; and a history row by a user named like a formula."""
    districts = demo_ws.districts.copy()
    districts.loc[districts["district_id"] == "SR07", "name"] = DISTRICT
    offers = demo_ws.offers.copy()
    offers["name"] = OFFER + " " + offers["name"]
    offers["provider"] = PROVIDER + " " + offers["provider"]
    offers["address"] = ADDRESS
    path = write_workspace(type(demo_ws)(**{**demo_ws.__dict__, "districts": districts, "offers": offers}),
                           tmp_path / "evil.gpkg")
    editing.edit_record(path, "offers", "A0005", {"capacity": 99}, user=USER, role="planner")
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(path))
    return path


def download(at, key: str) -> bytes:
    """The file behind the download button with widget key ``key``."""
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
    return download_data(button)


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";") for cell in row]


def assert_csv_safe(data: bytes, *evil_texts: str) -> None:
    cells = csv_cells(data)
    number = re.compile(r"^-?[0-9.]*[0-9](,[0-9]+)?$")  # a German number is a number, not a formula
    formulas = [c for c in cells if export.formula_like(c) and not number.match(c)]
    assert formulas == [], formulas[:3]
    for text in evil_texts:  # present and neutralised (the workspace may have trimmed blanks)
        assert any(c.startswith("'") and text.strip() in c for c in cells), text


def assert_xlsx_safe(data: bytes, *evil_texts: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells if isinstance(c.value, str)]
    for text in evil_texts:
        assert any(v.startswith(text) for v in values), text
    assert all(c.quotePrefix for c in cells if export.formula_like(c.value))


def test_to_csv_and_to_xlsx_neutralise_formulas():
    import pandas as pd

    table = pd.DataFrame({"name": ["=1+1", "  +49 221 123", "\t@x", "Elterncafé", "a=b", None],
                          "=header": [1.5, -2.0, 3.0, 4.0, 5.0, 6.0]})
    cells = csv_cells(export.to_csv(table))
    assert cells[:2] == ["name", "'=header"]
    assert cells[2::2] == ["'=1+1", "'  +49 221 123", "'\t@x", "Elterncafé", "a=b", ""]
    assert cells[3::2][:2] == ["1,5000", "-2,0000"]  # numbers stay numbers
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx({"t": table})))
    sheet = book["t"]
    assert [c.value for c in sheet["A"]][1:4] == ["=1+1", "  +49 221 123", "\t@x"]  # unchanged, as text
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet["B1"].data_type == "s" and sheet["B3"].value == -2.0


def test_gaps_page_downloads(evil):
    at = run_app("pages/gaps.py")
    shown = at.dataframe[0].value
    # the table shows the name with the apostrophe that keeps the toolbar's CSV download safe
    assert "'" + DISTRICT in set(shown.iloc[:, 1])
    assert_csv_safe(download(at, "dl_gaps"), DISTRICT)
    assert_csv_safe(download(at, "dl_dups"), OFFER, PROVIDER)
    assert_csv_safe(download(at, "dl_transitions"))
    assert_xlsx_safe(download(at, "dl_xlsx"), DISTRICT, OFFER, PROVIDER)


def test_profile_xlsx(evil):
    at = run_app("pages/profile.py", query={"d": "SR07"})
    assert_xlsx_safe(download_data(downloads(at)["Tabellen als Excel (XLSX)"]), OFFER)


def test_map_layer_csv(evil):
    at = run_app("pages/map.py")
    assert_csv_safe(download_data(downloads(at)["Gefilterte Ebene (CSV)"]), OFFER, PROVIDER, ADDRESS)


def test_edit_history_csv(evil):
    at = run_app("pages/edit.py", session={"role": "planner", "user": "anna"})
    assert_csv_safe(download(at, "dl_history"), USER)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_coverage_export(evil, tmp_path, fmt):
    from dashboard.cli import main

    out = tmp_path / f"coverage.{fmt}"
    assert main(["coverage", str(evil), "--format", fmt, "--out", str(out)]) == 0
    if fmt == "csv":
        assert_csv_safe(out.read_bytes(), DISTRICT)
    else:
        assert_xlsx_safe(out.read_bytes(), DISTRICT)
